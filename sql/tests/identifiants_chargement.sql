-- Chaque ligne du lac porte dans _landing le jeton de la transaction qui l'a
-- écrite ; ce jeton doit être celui d'un manifeste (lake_chargements), sans quoi
-- l'ordre « la dernière transmission l'emporte » serait indéterminé.
SELECT jeu, _landing
FROM (
    SELECT DISTINCT 'dossiers' AS jeu, _landing FROM lake_dossiers
    UNION ALL SELECT DISTINCT 'evenements', _landing FROM lake_evenements
    UNION ALL SELECT DISTINCT 'financements', _landing FROM lake_financements
    UNION ALL SELECT DISTINCT 'enveloppes', _landing FROM lake_enveloppes
    UNION ALL SELECT DISTINCT 'dsn_extrait', _landing FROM lake_dsn_extrait
    UNION ALL SELECT DISTINCT 'dsn_declarations', _landing FROM lake_dsn_declarations
) AS l
ANTI JOIN lake_chargements AS c USING (_landing)
