-- Avant / après : situation dans la DSN le mois qui précède l'entrée comparée à
-- celle du mois de sortie + 6, sur les sortants observés aux deux dates (même
-- population des deux côtés). Niveaux : (année, dispositif, région),
-- (année, dispositif), (année, région), (année) ; NULL = tous.
-- test: unique(annee_sortie, code_dispositif, code_region)
-- test: check(nb_observes <= nb_sortants AND nb_emploi_avant <= nb_observes AND nb_emploi_6m <= nb_observes)
-- A row exists only when it counts somebody (the publication relies on it):
-- test: check(nb_sortants >= 1)
WITH comptes AS (
    SELECT
        annee_sortie,
        code_dispositif,
        code_region,
        count(*) AS nb_sortants,
        count(*) FILTER (WHERE observe_avant AND observe_6m) AS nb_observes,
        count(*) FILTER (WHERE observe_avant AND observe_6m AND emploi_avant) AS nb_emploi_avant,
        count(*) FILTER (WHERE observe_avant AND observe_6m AND emploi_6m) AS nb_emploi_6m
    FROM int_sortants
    GROUP BY GROUPING SETS (
        (annee_sortie, code_dispositif, code_region),
        (annee_sortie, code_dispositif),
        (annee_sortie, code_region),
        (annee_sortie)
    )
)
SELECT
    annee_sortie,
    code_dispositif,
    code_region,
    nb_sortants,
    nb_observes,
    nb_emploi_avant,
    nb_emploi_6m,
    taux(nb_emploi_avant, nb_observes) AS taux_emploi_avant,
    taux(nb_emploi_6m, nb_observes) AS taux_emploi_6m,
    round(100 * (part(nb_emploi_6m, nb_observes) - part(nb_emploi_avant, nb_observes)), 1) AS evolution_points
FROM comptes
ORDER BY annee_sortie, code_dispositif NULLS LAST, code_region NULLS LAST
