-- Dossiers : la dernière transmission de chaque dossier (code_financeur, id_dossier)
-- l'emporte (date_transmission, puis chargement le plus récent, puis dernier fichier
-- du chargement, _source, puis dernière ligne).
-- Garde aussi l'historique utile à la qualité : nombre de transmissions et
-- retransmissions arrivées plus de delai_tardif() jours après la première
-- (tardives). Un texte facultatif vide vaut « inconnu » (NULL), comme dans les
-- livraisons.
-- Construction incrémentale : les dossiers nommés par les nouvelles livraisons.
-- incremental: dossier_modifie(code_financeur, id_dossier)
-- test: not_null(code_financeur, id_dossier, pseudo, code_dispositif, code_region, siret_of)
-- test: unique(code_financeur, id_dossier)
-- test: relationships(code_dispositif, ref_dispositifs.code), relationships(code_region, ref_regions.code)
-- test: relationships(code_financeur, ref_financeurs.code), relationships(situation_avant, ref_situations.code)
-- test: accepted_values(sexe, '1', '2')
-- Landings in order, numbered, so that the version key is one HUGEINT
-- (transmission time, landing, source file in the landing, line): much
-- faster to compare than a tuple.
WITH chargements AS (
    SELECT _landing, row_number() OVER (ORDER BY _landing) AS rang
    FROM (SELECT DISTINCT _landing FROM lake_dossiers)
),
versions AS (
    SELECT
        code_financeur,
        id_dossier,
        arg_max({
            'pseudo': pseudo,
            'sexe': sexe,
            'date_naissance': date_naissance,
            'situation_avant': situation_avant,
            'code_dispositif': code_dispositif,
            'siret_of': siret_of,
            'formacode': formacode,
            'code_nsf': code_nsf,
            'code_certification': nullif(code_certification, ''),
            'code_region': region_formation,
            'heures_prevues': heures_prevues,
            'date_debut_prevue': date_debut_prevue,
            'date_fin_prevue': date_fin_prevue,
            'date_transmission': date_transmission,
            '_landing': _landing
        }, version(date_transmission, c.rang, _source, _ligne)) AS derniere,
        min(date_transmission) AS premiere_transmission,
        count(*) AS nb_transmissions,
        list(date_transmission) AS transmissions
    FROM lake_dossiers
    JOIN chargements AS c USING (_landing)
    WHERE dossier_modifie(code_financeur, id_dossier) -- incremental build: these dossiers only
    GROUP BY code_financeur, id_dossier
)
SELECT
    code_financeur,
    id_dossier,
    derniere.*,
    premiere_transmission,
    nb_transmissions,
    len(list_filter(transmissions, t -> t > premiere_transmission + INTERVAL (delai_tardif()) DAY)) AS nb_transmissions_tardives
FROM versions
