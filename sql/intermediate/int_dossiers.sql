-- État de chaque dossier connu, d'après ses événements :
--   entrée     = la première ENTREE ;
--   sortie     = la dernière SORTIE non suivie d'une REPRISE (une REPRISE datée
--                strictement après elle l'efface : le dossier est repris) ;
--   annulé     = au moins une ANNULATION : le dossier sort de tous les indicateurs ;
--   sortant    = non annulé, avec une entrée et une sortie finale.
-- Le motif et la certification sont ceux de la SORTIE finale. Âge à l'entrée en
-- années révolues (à la date de début prévue quand il n'y a pas d'entrée).
-- Construction incrémentale : les dossiers nommés par les nouvelles livraisons.
-- incremental: dossier_modifie(code_financeur, id_dossier)
-- test: unique(code_financeur, id_dossier), not_null(pseudo, statut, tranche_age)
-- test: accepted_values(statut, 'ANNULE', 'SORTI', 'EN_FORMATION', 'NON_ENTRE')
-- test: check(est_sortant = (statut = 'SORTI'))
WITH ev AS (
    SELECT
        code_financeur,
        id_dossier,
        min(date_evenement) FILTER (WHERE type_evenement = 'ENTREE') AS date_entree,
        max(date_evenement) FILTER (WHERE type_evenement = 'SORTIE') AS derniere_sortie,
        max(date_evenement) FILTER (WHERE type_evenement = 'REPRISE') AS derniere_reprise,
        count(*) FILTER (WHERE type_evenement = 'INTERRUPTION') AS nb_interruptions,
        count(*) FILTER (WHERE type_evenement = 'REPRISE') AS nb_reprises,
        count(*) FILTER (WHERE type_evenement = 'ANNULATION') > 0 AS annule,
        arg_max({'motif_sortie': motif_sortie, 'certification_obtenue': certification_obtenue}, date_evenement)
            FILTER (WHERE type_evenement = 'SORTIE') AS derniere_sortie_infos
    FROM stg_evenements
    WHERE dossier_modifie(code_financeur, id_dossier) -- incremental build: these dossiers only
    GROUP BY code_financeur, id_dossier
),
etat AS (
    SELECT
        d.*,
        ev.date_entree,
        CASE WHEN ev.derniere_reprise IS NULL OR ev.derniere_reprise <= ev.derniere_sortie
             THEN ev.derniere_sortie END AS date_sortie,
        ev.derniere_sortie_infos,
        coalesce(ev.nb_interruptions, 0) AS nb_interruptions,
        coalesce(ev.nb_reprises, 0) AS nb_reprises,
        coalesce(ev.annule, false) AS annule
    FROM stg_dossiers AS d
    LEFT JOIN ev USING (code_financeur, id_dossier)
    WHERE dossier_modifie(d.code_financeur, d.id_dossier)
)
SELECT
    e.code_financeur,
    e.id_dossier,
    e.pseudo,
    e.sexe,
    e.date_naissance,
    age_revolu(e.date_naissance, coalesce(e.date_entree, e.date_debut_prevue)) AS age_entree,
    tranche_age(age_revolu(e.date_naissance, coalesce(e.date_entree, e.date_debut_prevue))) AS tranche_age,
    e.situation_avant,
    e.code_dispositif,
    e.code_region,
    e.siret_of,
    e.formacode,
    e.code_nsf,
    left(e.code_nsf, 2) AS domaine_nsf,
    e.code_certification,
    e.heures_prevues,
    e.date_debut_prevue,
    e.date_fin_prevue,
    e.date_entree,
    e.date_sortie,
    CASE WHEN e.date_sortie IS NOT NULL THEN e.derniere_sortie_infos.motif_sortie END AS motif_sortie,
    CASE WHEN e.date_sortie IS NOT NULL THEN e.derniere_sortie_infos.certification_obtenue END AS certification_obtenue,
    e.nb_interruptions,
    e.nb_reprises,
    e.annule,
    CASE
        WHEN e.annule THEN 'ANNULE'
        WHEN e.date_entree IS NULL THEN 'NON_ENTRE'
        WHEN e.date_sortie IS NULL THEN 'EN_FORMATION'
        ELSE 'SORTI'
    END AS statut,
    NOT e.annule AND e.date_entree IS NOT NULL AND e.date_sortie IS NOT NULL AS est_sortant
FROM etat AS e
