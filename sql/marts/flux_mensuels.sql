-- Flux mensuels : entrées (première ENTREE), sorties (SORTIE finale) et dossiers
-- en formation à la fin du mois (entrés, pas encore sortis ; les interrompus
-- comptent), par dispositif × région, par dispositif (code_region NULL) et au
-- total (les deux NULL). Dossiers annulés exclus. Mois : du premier mois
-- d'entrée au dernier mois d'entrée ou de sortie, sans trou.
-- test: unique(mois, code_dispositif, code_region), not_null(mois)
-- test: check(nb_en_formation >= 0 AND nb_entrees >= 0 AND nb_sorties >= 0)
WITH d AS (
    SELECT code_dispositif, code_region, mois_de(date_entree) AS mois_entree, mois_de(date_sortie) AS mois_sortie
    FROM int_dossiers
    WHERE NOT annule AND date_entree IS NOT NULL
),
mouvements AS (
    SELECT code_dispositif, code_region, mois_entree AS mois, 1 AS entree, 0 AS sortie FROM d
    UNION ALL
    SELECT code_dispositif, code_region, mois_sortie, 0, 1 FROM d WHERE mois_sortie IS NOT NULL
),
comptes AS (
    SELECT
        grouping(code_dispositif, code_region) AS niveau,
        code_dispositif,
        code_region,
        mois,
        sum(entree) AS nb_entrees,
        sum(sortie) AS nb_sorties
    FROM mouvements
    GROUP BY GROUPING SETS ((code_dispositif, code_region, mois), (code_dispositif, mois), (mois))
),
calendrier AS (
    SELECT unnest(generate_series(min(mois)::TIMESTAMP, max(mois)::TIMESTAMP, INTERVAL 1 MONTH))::DATE AS mois
    FROM mouvements
),
grille AS (
    SELECT g.niveau, g.code_dispositif, g.code_region, c.mois
    FROM (SELECT DISTINCT niveau, code_dispositif, code_region FROM comptes) AS g
    CROSS JOIN calendrier AS c
)
SELECT
    g.mois,
    g.code_dispositif,
    g.code_region,
    coalesce(c.nb_entrees, 0)::BIGINT AS nb_entrees,
    coalesce(c.nb_sorties, 0)::BIGINT AS nb_sorties,
    sum(coalesce(c.nb_entrees, 0) - coalesce(c.nb_sorties, 0)) OVER (
        PARTITION BY g.niveau, g.code_dispositif, g.code_region
        ORDER BY g.mois ROWS UNBOUNDED PRECEDING
    )::BIGINT AS nb_en_formation
FROM grille AS g
LEFT JOIN comptes AS c
    ON c.niveau = g.niveau AND c.mois = g.mois
   AND c.code_dispositif IS NOT DISTINCT FROM g.code_dispositif
   AND c.code_region IS NOT DISTINCT FROM g.code_region
ORDER BY g.mois, g.code_dispositif NULLS LAST, g.code_region NULLS LAST
