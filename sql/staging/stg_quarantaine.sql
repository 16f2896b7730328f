-- Lignes en quarantaine (rejetées au chargement), telles que le lac les garde :
-- une ligne par règle enfreinte sur une colonne. Une ligne rejetée d'un fichier
-- est (_landing, _source, ligne) : son chargement, le rang de son fichier parmi
-- ceux du chargement (NULL dans un lac chargé avant la colonne ; fichier, le nom
-- du fichier, les distingue alors) et sa ligne (0 : le fichier entier, refusé).
-- test: not_null(flux, regle, code_financeur)
SELECT
    feed AS flux,
    fichier,
    ligne,
    regle,
    nullif(colonne, '') AS colonne,
    valeur,
    coalesce(nullif(code_financeur, ''), 'INCONNU') AS code_financeur,
    _landing,
    _source
FROM lake_quarantaine
