-- Dans chaque mart d'insertion, chaque taux est 100 × numérateur / dénominateur
-- arrondi à une décimale (au plus près, une demi-unité vers le haut), et son
-- intervalle l'encadre.
WITH blocs AS (
    SELECT 'insertion_dispositif_region' AS mart, nb_emploi_6m AS k, nb_observes_6m AS n, taux_emploi_6m AS t, taux_emploi_6m_ic_bas AS b, taux_emploi_6m_ic_haut AS h FROM insertion_dispositif_region
    UNION ALL SELECT 'insertion_dispositif_region', nb_emploi_durable_12m, nb_observes_12m, taux_emploi_durable_12m, taux_emploi_durable_12m_ic_bas, taux_emploi_durable_12m_ic_haut FROM insertion_dispositif_region
    UNION ALL SELECT 'insertion_organisme', nb_emploi_6m, nb_observes_6m, taux_emploi_6m, taux_emploi_6m_ic_bas, taux_emploi_6m_ic_haut FROM insertion_organisme
    UNION ALL SELECT 'insertion_financeur', nb_emploi_3m, nb_observes_3m, taux_emploi_3m, taux_emploi_3m_ic_bas, taux_emploi_3m_ic_haut FROM insertion_financeur
    UNION ALL SELECT 'insertion_certification', nb_emploi_12m, nb_observes_12m, taux_emploi_12m, taux_emploi_12m_ic_bas, taux_emploi_12m_ic_haut FROM insertion_certification
    UNION ALL SELECT 'insertion_sexe_age', nb_emploi_durable_6m, nb_observes_6m, taux_emploi_durable_6m, taux_emploi_durable_6m_ic_bas, taux_emploi_durable_6m_ic_haut FROM insertion_sexe_age
    UNION ALL SELECT 'insertion_trimestre', nb_emploi_6m, nb_observes_6m, taux_emploi_6m, taux_emploi_6m_ic_bas, taux_emploi_6m_ic_haut FROM insertion_trimestre
)
SELECT mart, k, n, t, b, h
FROM blocs
WHERE (n = 0 AND (t IS NOT NULL OR b IS NOT NULL OR h IS NOT NULL))
   OR (n > 0 AND (abs(t - 100.0 * k / n) > 0.05 + 1e-9 OR (t * 10 - round(t * 10)) <> 0 OR NOT (b <= t AND t <= h) OR b < 0 OR h > 100))
