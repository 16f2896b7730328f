-- Enveloppes budgétaires : la dernière transmission de (financeur, dispositif,
-- année) l'emporte (puis le chargement le plus récent, puis la dernière ligne).
-- test: not_null(code_financeur, code_dispositif, annee, montant)
-- test: unique(code_financeur, code_dispositif, annee)
-- test: check(montant > 0)
WITH versions AS (
    SELECT
        code_financeur,
        code_dispositif,
        annee::INTEGER AS annee,
        arg_max({
            'montant': montant,
            'date_transmission': date_transmission,
            '_landing': _landing
        }, (date_transmission, _landing, _ligne)) AS derniere
    FROM lake_enveloppes
    GROUP BY code_financeur, code_dispositif, annee
)
SELECT code_financeur, code_dispositif, annee, derniere.*
FROM versions
