-- Événements et lignes de financement dont le dossier est inconnu (absent de
-- stg_dossiers) : gardés dans le lac, exclus de tout indicateur, comptés dans la
-- qualité des données (règles ORPHAN_EVENT et ORPHAN_FUNDING). Une ligne par
-- événement ou ligne de financement (dernière version).
-- test: accepted_values(regle, 'ORPHAN_EVENT', 'ORPHAN_FUNDING'), not_null(code_financeur, id_dossier)
SELECT
    'ORPHAN_EVENT' AS regle,
    'evenements' AS flux,
    e.code_financeur,
    e.id_dossier,
    e.type_evenement AS type_ligne,
    e.date_transmission
FROM stg_evenements AS e
ANTI JOIN stg_dossiers AS d USING (code_financeur, id_dossier)
UNION ALL
SELECT
    'ORPHAN_FUNDING',
    'financements',
    f.code_financeur_dossier,
    f.id_dossier,
    f.type_cout,
    f.date_transmission
FROM stg_financements AS f
ANTI JOIN stg_dossiers AS d
    ON d.code_financeur = f.code_financeur_dossier AND d.id_dossier = f.id_dossier
