-- Insertion selon la certification obtenue à la sortie (O, N, INCONNU quand la
-- sortie ne la renseigne pas), par dispositif et tous dispositifs
-- (code_dispositif NULL). Bloc insertion : voir docs/marts.md.
-- test: unique(annee_sortie, code_dispositif, certification_obtenue)
-- test: accepted_values(certification_obtenue, 'O', 'N', 'INCONNU'), not_null(certification_obtenue)
-- test: check(nb_observes_3m <= nb_sortants AND nb_observes_6m <= nb_observes_3m AND nb_observes_12m <= nb_observes_6m)
-- test: check(nb_emploi_6m <= nb_observes_6m AND nb_emploi_durable_6m <= nb_emploi_6m)
-- test: check(taux_emploi_6m IS NULL OR taux_emploi_6m BETWEEN taux_emploi_6m_ic_bas AND taux_emploi_6m_ic_haut)
-- A row exists only when it counts somebody (the publication relies on it):
-- test: check(nb_sortants >= 1)
WITH comptes AS (
    SELECT
        annee_sortie,
        code_dispositif,
        certification_obtenue,
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
    FROM (
        SELECT * REPLACE (coalesce(certification_obtenue, 'INCONNU') AS certification_obtenue)
        FROM int_sortants
    )
    GROUP BY GROUPING SETS (
        (annee_sortie, code_dispositif, certification_obtenue),
        (annee_sortie, certification_obtenue)
    )
)
SELECT
    annee_sortie,
    code_dispositif,
    certification_obtenue,
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
ORDER BY annee_sortie, code_dispositif NULLS LAST, certification_obtenue
