-- Lignes de financement : la dernière transmission de (dossier, financeur payeur,
-- type de coût) l'emporte (puis le chargement le plus récent, puis le dernier fichier du
-- chargement (_source), puis la dernière ligne).
-- Construction incrémentale : les dossiers nommés par les nouvelles livraisons.
-- incremental: dossier_modifie(code_financeur_dossier, id_dossier)
-- test: not_null(code_financeur_dossier, id_dossier, code_financeur, type_cout, montant_engage, date_engagement)
-- test: unique(code_financeur_dossier, id_dossier, code_financeur, type_cout)
-- test: accepted_values(type_cout, 'PEDAGOGIQUE', 'REMUNERATION', 'ANNEXE')
-- test: relationships(code_financeur, ref_financeurs.code)
-- test: check(montant_engage >= 0 AND coalesce(montant_realise, 0) >= 0)
-- Landings in order, numbered, so that the version key is one HUGEINT
-- (transmission time, landing, source file in the landing, line): much
-- faster to compare than a tuple.
WITH chargements AS (
    SELECT _landing, row_number() OVER (ORDER BY _landing) AS rang
    FROM (SELECT DISTINCT _landing FROM lake_financements)
),
versions AS (
    SELECT
        code_financeur_dossier,
        id_dossier,
        code_financeur,
        type_cout,
        arg_max({
            'montant_engage': montant_engage,
            'date_engagement': date_engagement,
            'montant_realise': montant_realise,
            'date_realisation': date_realisation,
            'date_transmission': date_transmission,
            '_landing': _landing
        }, version(date_transmission, c.rang, _source, _ligne)) AS derniere,
        min(date_transmission) AS premiere_transmission,
        count(*) AS nb_transmissions,
        list(date_transmission) AS transmissions
    FROM lake_financements
    JOIN chargements AS c USING (_landing)
    WHERE dossier_modifie(code_financeur_dossier, id_dossier) -- incremental build: these dossiers only
    GROUP BY code_financeur_dossier, id_dossier, code_financeur, type_cout
)
SELECT
    code_financeur_dossier,
    id_dossier,
    code_financeur,
    type_cout,
    derniere.*,
    nb_transmissions,
    len(list_filter(transmissions, t -> t > premiere_transmission + INTERVAL (delai_tardif()) DAY)) AS nb_transmissions_tardives
FROM versions
