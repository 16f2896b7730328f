-- Insertion par année de sortie × organisme de formation, avec la valeur
-- ajoutée à 6 mois :
--   taux attendu = moyenne, sur les sortants observés à 6 mois de l'organisme,
--                  du taux national de leur strate (int_taux_strates : même
--                  année de sortie, dispositif, situation avant, tranche d'âge, sexe) ;
--   valeur ajoutée = taux observé − taux attendu (points) ;
--   intervalle   = bornes de Wilson du taux observé − taux attendu.
-- Calculs sur les valeurs non arrondies, arrondis à une décimale à la fin.
-- Aussi : achèvement (motif FIN), certification, coût horaire engagé.
-- test: unique(annee_sortie, siret_of), not_null(siret_of)
-- test: check(nb_observes_3m <= nb_sortants AND nb_observes_6m <= nb_observes_3m AND nb_observes_12m <= nb_observes_6m)
-- test: check(nb_emploi_6m <= nb_observes_6m AND nb_emploi_durable_6m <= nb_emploi_6m)
-- test: check(taux_emploi_6m IS NULL OR taux_emploi_6m BETWEEN taux_emploi_6m_ic_bas AND taux_emploi_6m_ic_haut)
-- test: check(valeur_ajoutee_6m IS NULL OR valeur_ajoutee_6m BETWEEN valeur_ajoutee_6m_ic_bas AND valeur_ajoutee_6m_ic_haut)
-- test: check(nb_certifies <= nb_sortants_certifiants AND nb_sortants_fin <= nb_sortants)
-- A row exists only when it counts somebody (the publication relies on it):
-- test: check(nb_sortants >= 1)
WITH sortants AS (
    SELECT s.*, t.taux_brut AS taux_strate
    FROM int_sortants AS s
    LEFT JOIN int_taux_strates AS t
        USING (annee_sortie, code_dispositif, situation_avant, tranche_age, sexe)
),
engagements AS (
    SELECT code_financeur_dossier AS code_financeur, id_dossier, sum(montant_engage) AS montant_engage
    FROM stg_financements
    GROUP BY ALL
),
comptes AS (
    SELECT
        s.annee_sortie,
        s.siret_of,
        count(*) AS nb_sortants,
        count(*) FILTER (WHERE observe_3m) AS nb_observes_3m,
        count(*) FILTER (WHERE emploi_3m) AS nb_emploi_3m,
        count(*) FILTER (WHERE emploi_durable_3m) AS nb_emploi_durable_3m,
        count(*) FILTER (WHERE observe_6m) AS nb_observes_6m,
        count(*) FILTER (WHERE emploi_6m) AS nb_emploi_6m,
        count(*) FILTER (WHERE emploi_durable_6m) AS nb_emploi_durable_6m,
        count(*) FILTER (WHERE observe_12m) AS nb_observes_12m,
        count(*) FILTER (WHERE emploi_12m) AS nb_emploi_12m,
        count(*) FILTER (WHERE emploi_durable_12m) AS nb_emploi_durable_12m,
        count(*) FILTER (WHERE s.motif_sortie = 'FIN') AS nb_sortants_fin,
        count(*) FILTER (WHERE s.code_certification IS NOT NULL) AS nb_sortants_certifiants,
        count(*) FILTER (WHERE s.code_certification IS NOT NULL AND s.certification_obtenue = 'O') AS nb_certifies,
        sum(s.heures_prevues)::BIGINT AS heures_prevues,
        coalesce(sum(e.montant_engage), 0)::DECIMAL(18, 2) AS montant_engage,
        sum(s.taux_strate) FILTER (WHERE s.observe_6m) AS somme_attendue_6m
    FROM sortants AS s
    LEFT JOIN engagements AS e USING (code_financeur, id_dossier)
    GROUP BY s.annee_sortie, s.siret_of
)
SELECT
    annee_sortie,
    siret_of,
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
    ic_haut(nb_emploi_durable_12m, nb_observes_12m) AS taux_emploi_durable_12m_ic_haut,
    nb_sortants_fin,
    taux(nb_sortants_fin, nb_sortants) AS taux_achevement,
    nb_sortants_certifiants,
    nb_certifies,
    taux(nb_certifies, nb_sortants_certifiants) AS taux_certification,
    heures_prevues,
    montant_engage,
    CASE WHEN heures_prevues > 0 THEN euros(montant_engage / heures_prevues) END AS cout_horaire,
    round(100 * part(somme_attendue_6m, nb_observes_6m), 1) AS taux_emploi_6m_attendu,
    round(100 * (part(nb_emploi_6m, nb_observes_6m) - part(somme_attendue_6m, nb_observes_6m)), 1) AS valeur_ajoutee_6m,
    round(100 * (wilson(nb_emploi_6m, nb_observes_6m, -1) - part(somme_attendue_6m, nb_observes_6m)), 1) AS valeur_ajoutee_6m_ic_bas,
    round(100 * (wilson(nb_emploi_6m, nb_observes_6m, 1) - part(somme_attendue_6m, nb_observes_6m)), 1) AS valeur_ajoutee_6m_ic_haut
FROM comptes
ORDER BY annee_sortie, siret_of
