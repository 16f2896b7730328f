-- Événements : le même événement (dossier, type, date) renvoyé remplace la copie
-- précédente ; la dernière transmission l'emporte (puis le chargement le plus
-- récent, puis le dernier fichier du chargement, _source, puis la dernière ligne). premiere_transmission date le moment où
-- l'événement a été connu (délai de transmission). Un texte facultatif vide vaut
-- « inconnu » (NULL).
-- Construction incrémentale : les dossiers nommés par les nouvelles livraisons.
-- incremental: dossier_modifie(code_financeur, id_dossier)
-- test: not_null(code_financeur, id_dossier, type_evenement, date_evenement)
-- test: unique(code_financeur, id_dossier, type_evenement, date_evenement)
-- test: accepted_values(type_evenement, 'ENTREE', 'INTERRUPTION', 'REPRISE', 'SORTIE', 'ANNULATION')
-- test: relationships(motif_sortie, ref_motifs_sortie.code)
-- test: check(type_evenement = 'SORTIE' OR motif_sortie IS NULL)
-- Landings in order, numbered, so that the version key is one HUGEINT
-- (transmission time, landing, source file in the landing, line): much
-- faster to compare than a tuple.
WITH chargements AS (
    SELECT _landing, row_number() OVER (ORDER BY _landing) AS rang
    FROM (SELECT DISTINCT _landing FROM lake_evenements)
),
versions AS (
    SELECT
        code_financeur,
        id_dossier,
        type_evenement,
        date_evenement,
        arg_max({
            'motif_sortie': nullif(motif_sortie, ''),
            'certification_obtenue': nullif(certification_obtenue, ''),
            'date_transmission': date_transmission,
            '_landing': _landing
        }, version(date_transmission, c.rang, _source, _ligne)) AS derniere,
        min(date_transmission) AS premiere_transmission,
        count(*) AS nb_transmissions,
        list(date_transmission) AS transmissions
    FROM lake_evenements
    JOIN chargements AS c USING (_landing)
    WHERE dossier_modifie(code_financeur, id_dossier) -- incremental build: these dossiers only
    GROUP BY code_financeur, id_dossier, type_evenement, date_evenement
)
SELECT
    code_financeur,
    id_dossier,
    type_evenement,
    date_evenement,
    derniere.*,
    premiere_transmission,
    nb_transmissions,
    len(list_filter(transmissions, t -> t > premiere_transmission + INTERVAL (delai_tardif()) DAY)) AS nb_transmissions_tardives
FROM versions
