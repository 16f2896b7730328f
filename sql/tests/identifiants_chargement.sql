-- Chaque ligne du lac porte dans _landing l'identifiant de son chargement,
-- « AAAAMMJJTHHMMSS.ffffffZ-<jeton> » (heure de début du chargement, UTC), qui se
-- trie dans l'ordre des chargements : « le chargement le plus récent l'emporte »
-- en dépend. Un autre format viendrait d'un lac écrit par une autre version.
SELECT jeu, _landing
FROM (
    SELECT DISTINCT 'dossiers' AS jeu, _landing FROM lake_dossiers
    UNION ALL SELECT DISTINCT 'evenements', _landing FROM lake_evenements
    UNION ALL SELECT DISTINCT 'financements', _landing FROM lake_financements
    UNION ALL SELECT DISTINCT 'enveloppes', _landing FROM lake_enveloppes
    UNION ALL SELECT DISTINCT 'dsn_extrait', _landing FROM lake_dsn_extrait
    UNION ALL SELECT DISTINCT 'dsn_declarations', _landing FROM lake_dsn_declarations
)
WHERE NOT regexp_full_match(_landing, '[0-9]{8}T[0-9]{6}\.[0-9]{6}Z-[0-9a-f]{8}')
