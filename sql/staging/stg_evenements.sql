-- Événements : le même événement (dossier, type, date) renvoyé remplace la copie
-- précédente ; la dernière transmission l'emporte. premiere_transmission date le
-- moment où l'événement a été connu (délai de transmission).
-- test: not_null(code_financeur, id_dossier, type_evenement, date_evenement)
-- test: unique(code_financeur, id_dossier, type_evenement, date_evenement)
-- test: accepted_values(type_evenement, 'ENTREE', 'INTERRUPTION', 'REPRISE', 'SORTIE', 'ANNULATION')
-- test: relationships(motif_sortie, ref_motifs_sortie.code)
-- test: check(type_evenement = 'SORTIE' OR motif_sortie IS NULL)
WITH versions AS (
    SELECT
        *,
        min(date_transmission) OVER cle AS premiere_transmission
    FROM lake_evenements
    WINDOW cle AS (PARTITION BY code_financeur, id_dossier, type_evenement, date_evenement)
)
SELECT
    code_financeur,
    id_dossier,
    type_evenement,
    date_evenement,
    motif_sortie,
    certification_obtenue,
    date_transmission,
    premiere_transmission,
    count(*) OVER cle AS nb_transmissions,
    count(*) FILTER (WHERE date_transmission > premiere_transmission + INTERVAL 30 DAY) OVER cle
        AS nb_transmissions_tardives,
    _landing
FROM versions
WINDOW cle AS (PARTITION BY code_financeur, id_dossier, type_evenement, date_evenement)
QUALIFY row_number() OVER (
    PARTITION BY code_financeur, id_dossier, type_evenement, date_evenement
    ORDER BY date_transmission DESC, _landing DESC, _ligne DESC
) = 1
