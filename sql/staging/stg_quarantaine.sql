-- Lignes en quarantaine (rejetées au chargement), telles que le lac les garde.
-- test: not_null(flux, regle, code_financeur)
SELECT
    feed AS flux,
    fichier,
    ligne,
    regle,
    colonne,
    valeur,
    coalesce(code_financeur, 'INCONNU') AS code_financeur,
    _landing
FROM lake_quarantaine
