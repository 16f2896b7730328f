-- Enveloppes budgétaires : la dernière transmission de (financeur, dispositif,
-- année) l'emporte (puis le chargement le plus récent, puis le dernier fichier du
-- chargement (_source), puis la dernière ligne).
-- test: not_null(code_financeur, code_dispositif, annee, montant)
-- test: unique(code_financeur, code_dispositif, annee)
-- test: check(montant > 0)
-- Landings in order, numbered, so that the version key is one HUGEINT
-- (transmission time, landing, source file in the landing, line): much
-- faster to compare than a tuple.
WITH chargements AS (
    SELECT _landing, row_number() OVER (ORDER BY _landing) AS rang
    FROM (SELECT DISTINCT _landing FROM lake_enveloppes)
),
versions AS (
    SELECT
        code_financeur,
        code_dispositif,
        annee::INTEGER AS annee,
        arg_max({
            'montant': montant,
            'date_transmission': date_transmission,
            '_landing': _landing
        }, version(date_transmission, c.rang, _source, _ligne)) AS derniere
    FROM lake_enveloppes
    JOIN chargements AS c USING (_landing)
    GROUP BY code_financeur, code_dispositif, annee
)
SELECT code_financeur, code_dispositif, annee, derniere.*
FROM versions
