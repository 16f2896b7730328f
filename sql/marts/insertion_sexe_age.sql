-- Insertion par sexe et tranche d'âge à l'entrée (<26, 26-44, 45+), avec les
-- marges (sexe NULL = les deux ; tranche_age NULL = tous âges).
-- Bloc insertion : voir docs/marts.md.
-- test: unique(annee_sortie, sexe, tranche_age)
-- test: accepted_values(sexe, '1', '2'), accepted_values(tranche_age, '<26', '26-44', '45+')
-- test: check(nb_observes_3m <= nb_sortants AND nb_observes_6m <= nb_observes_3m AND nb_observes_12m <= nb_observes_6m)
-- test: check(nb_emploi_6m <= nb_observes_6m AND nb_emploi_durable_6m <= nb_emploi_6m)
-- test: check(taux_emploi_6m IS NULL OR taux_emploi_6m BETWEEN taux_emploi_6m_ic_bas AND taux_emploi_6m_ic_haut)
-- A row exists only when it counts somebody (the publication relies on it):
-- test: check(nb_sortants >= 1)
WITH comptes AS (
    SELECT
        annee_sortie,
        sexe,
        tranche_age,
        count(*) AS nb_sortants,
        count(*) FILTER (WHERE observe_3m) AS nb_observes_3m,
        count(*) FILTER (WHERE emploi_3m) AS nb_emploi_3m,
        count(*) FILTER (WHERE emploi_durable_3m) AS nb_emploi_durable_3m,
        count(*) FILTER (WHERE observe_6m) AS nb_observes_6m,
        count(*) FILTER (WHERE emploi_6m) AS nb_emploi_6m,
        count(*) FILTER (WHERE emploi_durable_6m) AS nb_emploi_durable_6m,
        count(*) FILTER (WHERE observe_12m) AS nb_observes_12m,
        count(*) FILTER (WHERE emploi_12m) AS nb_emploi_12m,
        count(*) FILTER (WHERE emploi_durable_12m) AS nb_emploi_durable_12m
    FROM int_sortants
    GROUP BY GROUPING SETS (
        (annee_sortie, sexe, tranche_age),
        (annee_sortie, sexe),
        (annee_sortie, tranche_age),
        (annee_sortie)
    )
)
SELECT
    annee_sortie,
    sexe,
    tranche_age,
    nb_sortants,
    nb_observes_3m,
    nb_emploi_3m,
    nb_emploi_durable_3m,
    taux(nb_emploi_3m, nb_observes_3m) AS taux_emploi_3m,
    ic_bas(nb_emploi_3m, nb_observes_3m) AS taux_emploi_3m_ic_bas,
    ic_haut(nb_emploi_3m, nb_observes_3m) AS taux_emploi_3m_ic_haut,
    taux(nb_emploi_durable_3m, nb_observes_3m) AS taux_emploi_durable_3m,
    ic_bas(nb_emploi_durable_3m, nb_observes_3m) AS taux_emploi_durable_3m_ic_bas,
    ic_haut(nb_emploi_durable_3m, nb_observes_3m) AS taux_emploi_durable_3m_ic_haut,
    nb_observes_6m,
    nb_emploi_6m,
    nb_emploi_durable_6m,
    taux(nb_emploi_6m, nb_observes_6m) AS taux_emploi_6m,
    ic_bas(nb_emploi_6m, nb_observes_6m) AS taux_emploi_6m_ic_bas,
    ic_haut(nb_emploi_6m, nb_observes_6m) AS taux_emploi_6m_ic_haut,
    taux(nb_emploi_durable_6m, nb_observes_6m) AS taux_emploi_durable_6m,
    ic_bas(nb_emploi_durable_6m, nb_observes_6m) AS taux_emploi_durable_6m_ic_bas,
    ic_haut(nb_emploi_durable_6m, nb_observes_6m) AS taux_emploi_durable_6m_ic_haut,
    nb_observes_12m,
    nb_emploi_12m,
    nb_emploi_durable_12m,
    taux(nb_emploi_12m, nb_observes_12m) AS taux_emploi_12m,
    ic_bas(nb_emploi_12m, nb_observes_12m) AS taux_emploi_12m_ic_bas,
    ic_haut(nb_emploi_12m, nb_observes_12m) AS taux_emploi_12m_ic_haut,
    taux(nb_emploi_durable_12m, nb_observes_12m) AS taux_emploi_durable_12m,
    ic_bas(nb_emploi_durable_12m, nb_observes_12m) AS taux_emploi_durable_12m_ic_bas,
    ic_haut(nb_emploi_durable_12m, nb_observes_12m) AS taux_emploi_durable_12m_ic_haut
FROM comptes
ORDER BY annee_sortie, sexe NULLS LAST, tranche_age NULLS LAST
