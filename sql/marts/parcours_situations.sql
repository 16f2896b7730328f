-- Effectifs du diagramme de Sankey : situation DSN le mois avant l'entrée →
-- motif de sortie → situation à M+6, par dispositif et tous dispositifs
-- (code_dispositif NULL).
-- test: unique(annee_sortie, code_dispositif, situation_avant_dsn, motif_sortie, situation_6m)
-- test: accepted_values(situation_avant_dsn, 'EMPLOI', 'SANS_EMPLOI', 'NON_OBSERVE')
-- test: accepted_values(situation_6m, 'EMPLOI_DURABLE', 'EMPLOI_NON_DURABLE', 'SANS_EMPLOI', 'NON_OBSERVE')
WITH s AS (
    SELECT
        annee_sortie,
        code_dispositif,
        CASE WHEN NOT observe_avant THEN 'NON_OBSERVE'
             WHEN emploi_avant THEN 'EMPLOI'
             ELSE 'SANS_EMPLOI' END AS situation_avant_dsn,
        coalesce(motif_sortie, 'INCONNU') AS motif_sortie,
        CASE WHEN NOT observe_6m THEN 'NON_OBSERVE'
             WHEN emploi_durable_6m THEN 'EMPLOI_DURABLE'
             WHEN emploi_6m THEN 'EMPLOI_NON_DURABLE'
             ELSE 'SANS_EMPLOI' END AS situation_6m
    FROM int_sortants
)
SELECT
    annee_sortie,
    code_dispositif,
    situation_avant_dsn,
    motif_sortie,
    situation_6m,
    count(*) AS nb_sortants
FROM s
GROUP BY GROUPING SETS (
    (annee_sortie, code_dispositif, situation_avant_dsn, motif_sortie, situation_6m),
    (annee_sortie, situation_avant_dsn, motif_sortie, situation_6m)
)
ORDER BY annee_sortie, code_dispositif NULLS LAST, situation_avant_dsn, motif_sortie, situation_6m
