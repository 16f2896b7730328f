-- Complétude par partenaire, flux et colonne, sur les dernières versions
-- transmises (dossiers annulés et lignes orphelines compris : c'est ce que le
-- partenaire a envoyé). motif_sortie et certification_obtenue ne s'appliquent
-- qu'aux SORTIE ; date_realisation qu'aux lignes dont le montant réalisé est connu.
-- test: unique(code_financeur, flux, colonne), check(nb_renseignes <= nb_lignes AND nb_lignes > 0)
WITH dossiers AS (
    SELECT code_financeur, 'dossiers' AS flux, count(*) AS nb_lignes,
        count(id_dossier) AS id_dossier, count(code_financeur) AS code_financeur_, count(pseudo) AS nir,
        count(sexe) AS sexe, count(date_naissance) AS date_naissance, count(situation_avant) AS situation_avant,
        count(code_dispositif) AS code_dispositif, count(siret_of) AS siret_of, count(formacode) AS formacode,
        count(code_nsf) AS code_nsf, count(code_certification) AS code_certification,
        count(code_region) AS region_formation, count(heures_prevues) AS heures_prevues,
        count(date_debut_prevue) AS date_debut_prevue, count(date_fin_prevue) AS date_fin_prevue,
        count(date_transmission) AS date_transmission
    FROM stg_dossiers
    GROUP BY code_financeur
),
evenements AS (
    SELECT code_financeur, 'evenements' AS flux, count(*) AS nb_lignes,
        count(id_dossier) AS id_dossier, count(code_financeur) AS code_financeur_,
        count(type_evenement) AS type_evenement, count(date_evenement) AS date_evenement,
        count(date_transmission) AS date_transmission
    FROM stg_evenements
    GROUP BY code_financeur
),
sorties AS (
    SELECT code_financeur, 'evenements' AS flux, count(*) AS nb_lignes,
        count(motif_sortie) AS motif_sortie, count(certification_obtenue) AS certification_obtenue
    FROM stg_evenements
    WHERE type_evenement = 'SORTIE'
    GROUP BY code_financeur
),
financements AS (
    SELECT code_financeur_dossier AS code_financeur, 'financements' AS flux, count(*) AS nb_lignes,
        count(id_dossier) AS id_dossier, count(code_financeur_dossier) AS code_financeur_dossier,
        count(code_financeur) AS code_financeur_, count(type_cout) AS type_cout,
        count(montant_engage) AS montant_engage, count(date_engagement) AS date_engagement,
        count(montant_realise) AS montant_realise, count(date_transmission) AS date_transmission
    FROM stg_financements
    GROUP BY code_financeur_dossier
),
realisations AS (
    SELECT code_financeur_dossier AS code_financeur, 'financements' AS flux, count(*) AS nb_lignes,
        count(date_realisation) AS date_realisation
    FROM stg_financements
    WHERE montant_realise IS NOT NULL
    GROUP BY code_financeur_dossier
),
enveloppes AS (
    SELECT code_financeur, 'enveloppes' AS flux, count(*) AS nb_lignes,
        count(code_financeur) AS code_financeur_, count(code_dispositif) AS code_dispositif,
        count(annee) AS annee, count(montant) AS montant, count(date_transmission) AS date_transmission
    FROM stg_enveloppes
    GROUP BY code_financeur
),
colonnes AS (
    UNPIVOT dossiers ON COLUMNS(* EXCLUDE (code_financeur, flux, nb_lignes)) INTO NAME colonne VALUE nb_renseignes
    UNION ALL BY NAME
    UNPIVOT evenements ON COLUMNS(* EXCLUDE (code_financeur, flux, nb_lignes)) INTO NAME colonne VALUE nb_renseignes
    UNION ALL BY NAME
    UNPIVOT sorties ON COLUMNS(* EXCLUDE (code_financeur, flux, nb_lignes)) INTO NAME colonne VALUE nb_renseignes
    UNION ALL BY NAME
    UNPIVOT financements ON COLUMNS(* EXCLUDE (code_financeur, flux, nb_lignes)) INTO NAME colonne VALUE nb_renseignes
    UNION ALL BY NAME
    UNPIVOT realisations ON COLUMNS(* EXCLUDE (code_financeur, flux, nb_lignes)) INTO NAME colonne VALUE nb_renseignes
    UNION ALL BY NAME
    UNPIVOT enveloppes ON COLUMNS(* EXCLUDE (code_financeur, flux, nb_lignes)) INTO NAME colonne VALUE nb_renseignes
)
SELECT
    code_financeur,
    flux,
    rtrim(colonne, '_') AS colonne,
    nb_lignes,
    nb_renseignes,
    taux(nb_renseignes, nb_lignes) AS taux_completude
FROM colonnes
ORDER BY code_financeur, flux, colonne
