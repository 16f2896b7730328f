-- Lignes en quarantaine (rejetées au chargement), telles que le lac les garde.
-- test: not_null(flux, regle, code_financeur)
SELECT
    feed AS flux,
    fichier,
    ligne,
    regle,
    nullif(colonne, '') AS colonne,
    valeur,
    coalesce(nullif(code_financeur, ''), 'INCONNU') AS code_financeur,
    _landing
FROM lake_quarantaine
