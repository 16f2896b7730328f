-- Une ligne par sortant (dossier non annulé avec entrée et sortie finale) : ses
-- attributs (les dernières valeurs transmises) et sa situation dans la DSN
--   avant : le mois qui précède le mois d'entrée ;
--   0m, 3m, 6m, 12m : le mois de sortie + 0, 3, 6, 12 mois.
-- Un mois est observé quand il est couvert par la DSN chargée (stg_couverture) ;
-- sinon toutes les colonnes de situation de cet horizon sont NULL (censuré : ni
-- en emploi ni sans emploi). Observé sans meilleur emploi = pas en emploi.
-- Une construction incrémentale ne recalcule que les sortants dont un mois suivi
-- a changé (suivi_modifie), et ne lit que leurs mois cibles.
-- incremental: suivi_modifie(mois_entree, mois_sortie)
-- test: unique(code_financeur, id_dossier), not_null(annee_sortie, observe_6m)
-- test: check(emploi_6m IS NULL = NOT observe_6m), check(NOT coalesce(emploi_durable_6m AND NOT emploi_6m, false))
-- test: check(NOT observe_12m OR observe_6m), check(NOT observe_6m OR observe_3m)
WITH s AS (
    SELECT *, mois_de(date_entree) AS mois_entree, mois_de(date_sortie) AS mois_sortie
    FROM int_dossiers
    WHERE est_sortant AND suivi_modifie(mois_de(date_entree), mois_de(date_sortie))
),
situations AS (
    SELECT
        o.code_financeur,
        o.id_dossier,
        o.horizon,
        coalesce(o.mois BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert, false) AS observe,
        CASE WHEN observe THEN e.famille IS NOT NULL END AS emploi,
        CASE WHEN observe THEN coalesce(e.emploi_durable, false) END AS emploi_durable,
        CASE WHEN observe THEN e.famille END AS famille_contrat,
        CASE WHEN observe THEN e.heures_mois END AS heures,
        CASE WHEN observe THEN e.code_naf END AS code_naf,
        CASE WHEN observe THEN coalesce(e.multi_emploi, 'N') END AS multi_emploi
    FROM int_mois_cibles AS o
    CROSS JOIN stg_couverture AS cv
    LEFT JOIN int_emploi_mois AS e ON e.pseudo = o.pseudo AND e.mois = o.mois
    WHERE suivi_modifie(o.mois_entree, o.mois_sortie)
),
-- One row per (dossier, horizon): max() picks that row's value (faster than first()).
par_dossier AS (
    SELECT
        code_financeur,
        id_dossier,
        max(observe) FILTER (WHERE horizon = -1) AS observe_avant,
        max(emploi) FILTER (WHERE horizon = -1) AS emploi_avant,
        max(observe) FILTER (WHERE horizon = 0) AS observe_0m,
        max(emploi) FILTER (WHERE horizon = 0) AS emploi_0m,
        max(emploi_durable) FILTER (WHERE horizon = 0) AS emploi_durable_0m,
        max(famille_contrat) FILTER (WHERE horizon = 0) AS famille_contrat_0m,
        max(heures) FILTER (WHERE horizon = 0) AS heures_0m,
        max(code_naf) FILTER (WHERE horizon = 0) AS code_naf_0m,
        max(multi_emploi) FILTER (WHERE horizon = 0) AS multi_emploi_0m,
        max(observe) FILTER (WHERE horizon = 3) AS observe_3m,
        max(emploi) FILTER (WHERE horizon = 3) AS emploi_3m,
        max(emploi_durable) FILTER (WHERE horizon = 3) AS emploi_durable_3m,
        max(famille_contrat) FILTER (WHERE horizon = 3) AS famille_contrat_3m,
        max(heures) FILTER (WHERE horizon = 3) AS heures_3m,
        max(code_naf) FILTER (WHERE horizon = 3) AS code_naf_3m,
        max(multi_emploi) FILTER (WHERE horizon = 3) AS multi_emploi_3m,
        max(observe) FILTER (WHERE horizon = 6) AS observe_6m,
        max(emploi) FILTER (WHERE horizon = 6) AS emploi_6m,
        max(emploi_durable) FILTER (WHERE horizon = 6) AS emploi_durable_6m,
        max(famille_contrat) FILTER (WHERE horizon = 6) AS famille_contrat_6m,
        max(heures) FILTER (WHERE horizon = 6) AS heures_6m,
        max(code_naf) FILTER (WHERE horizon = 6) AS code_naf_6m,
        max(multi_emploi) FILTER (WHERE horizon = 6) AS multi_emploi_6m,
        max(observe) FILTER (WHERE horizon = 12) AS observe_12m,
        max(emploi) FILTER (WHERE horizon = 12) AS emploi_12m,
        max(emploi_durable) FILTER (WHERE horizon = 12) AS emploi_durable_12m,
        max(famille_contrat) FILTER (WHERE horizon = 12) AS famille_contrat_12m,
        max(heures) FILTER (WHERE horizon = 12) AS heures_12m,
        max(code_naf) FILTER (WHERE horizon = 12) AS code_naf_12m,
        max(multi_emploi) FILTER (WHERE horizon = 12) AS multi_emploi_12m
    FROM situations
    GROUP BY code_financeur, id_dossier
)
SELECT
    s.code_financeur,
    s.id_dossier,
    s.pseudo,
    s.sexe,
    s.age_entree,
    s.tranche_age,
    s.situation_avant,
    s.code_dispositif,
    s.code_region,
    s.siret_of,
    s.code_nsf,
    s.domaine_nsf,
    s.code_certification,
    s.certification_obtenue,
    s.motif_sortie,
    s.heures_prevues,
    s.date_entree,
    s.date_sortie,
    s.mois_entree,
    s.mois_sortie,
    year(s.mois_sortie)::INTEGER AS annee_sortie,
    quarter(s.mois_sortie)::INTEGER AS trimestre_sortie,
    s.nb_interruptions,
    p.* EXCLUDE (code_financeur, id_dossier)
FROM s
JOIN par_dossier AS p USING (code_financeur, id_dossier)
