-- Une ligne par sortant (dossier non annulé avec entrée et sortie finale) : ses
-- attributs (les dernières valeurs transmises) et sa situation dans la DSN
--   avant : le mois qui précède le mois d'entrée ;
--   0m, 3m, 6m, 12m : le mois de sortie + 0, 3, 6, 12 mois.
-- Un mois est observé quand il est couvert par la DSN chargée (stg_couverture) ;
-- sinon toutes les colonnes de situation de cet horizon sont NULL (censuré : ni
-- en emploi ni sans emploi). Observé sans meilleur emploi = pas en emploi.
-- Chaque horizon est une jointure sur int_emploi_mois partant du sortant : une
-- construction incrémentale ne recalcule que les sortants dont un mois suivi
-- (mois_suivis) a changé, et ne lit que leurs meilleurs emplois.
-- incremental: suivi_modifie(date_entree, date_sortie)
-- test: unique(code_financeur, id_dossier), not_null(annee_sortie, observe_6m)
-- test: check(emploi_6m IS NULL = NOT observe_6m), check(NOT coalesce(emploi_durable_6m AND NOT emploi_6m, false))
-- test: check(NOT observe_12m OR observe_6m), check(NOT observe_6m OR observe_3m)
WITH s AS (
    SELECT
        d.*,
        mois_de(d.date_entree) AS mois_entree,
        mois_de(d.date_sortie) AS mois_sortie,
        mois_suivis(d.date_entree, d.date_sortie) AS m,
        coalesce(m[1] BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert, false) AS observe_avant,
        coalesce(m[2] BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert, false) AS observe_0m,
        coalesce(m[3] BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert, false) AS observe_3m,
        coalesce(m[4] BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert, false) AS observe_6m,
        coalesce(m[5] BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert, false) AS observe_12m
    FROM int_dossiers AS d
    CROSS JOIN stg_couverture AS cv
    WHERE d.est_sortant AND suivi_modifie(d.date_entree, d.date_sortie)
),
-- The best jobs of these exits' people only.
e AS (
    SELECT pseudo, mois, famille, emploi_durable, heures_mois, code_naf, multi_emploi
    FROM int_emploi_mois
    WHERE pseudo IN (SELECT pseudo FROM s)
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
    s.observe_avant,
    CASE WHEN s.observe_avant THEN ea.famille IS NOT NULL END AS emploi_avant,
    s.observe_0m,
    CASE WHEN s.observe_0m THEN e0.famille IS NOT NULL END AS emploi_0m,
    CASE WHEN s.observe_0m THEN coalesce(e0.emploi_durable, false) END AS emploi_durable_0m,
    CASE WHEN s.observe_0m THEN e0.famille END AS famille_contrat_0m,
    CASE WHEN s.observe_0m THEN e0.heures_mois END AS heures_0m,
    CASE WHEN s.observe_0m THEN e0.code_naf END AS code_naf_0m,
    CASE WHEN s.observe_0m THEN coalesce(e0.multi_emploi, 'N') END AS multi_emploi_0m,
    s.observe_3m,
    CASE WHEN s.observe_3m THEN e3.famille IS NOT NULL END AS emploi_3m,
    CASE WHEN s.observe_3m THEN coalesce(e3.emploi_durable, false) END AS emploi_durable_3m,
    CASE WHEN s.observe_3m THEN e3.famille END AS famille_contrat_3m,
    CASE WHEN s.observe_3m THEN e3.heures_mois END AS heures_3m,
    CASE WHEN s.observe_3m THEN e3.code_naf END AS code_naf_3m,
    CASE WHEN s.observe_3m THEN coalesce(e3.multi_emploi, 'N') END AS multi_emploi_3m,
    s.observe_6m,
    CASE WHEN s.observe_6m THEN e6.famille IS NOT NULL END AS emploi_6m,
    CASE WHEN s.observe_6m THEN coalesce(e6.emploi_durable, false) END AS emploi_durable_6m,
    CASE WHEN s.observe_6m THEN e6.famille END AS famille_contrat_6m,
    CASE WHEN s.observe_6m THEN e6.heures_mois END AS heures_6m,
    CASE WHEN s.observe_6m THEN e6.code_naf END AS code_naf_6m,
    CASE WHEN s.observe_6m THEN coalesce(e6.multi_emploi, 'N') END AS multi_emploi_6m,
    s.observe_12m,
    CASE WHEN s.observe_12m THEN e12.famille IS NOT NULL END AS emploi_12m,
    CASE WHEN s.observe_12m THEN coalesce(e12.emploi_durable, false) END AS emploi_durable_12m,
    CASE WHEN s.observe_12m THEN e12.famille END AS famille_contrat_12m,
    CASE WHEN s.observe_12m THEN e12.heures_mois END AS heures_12m,
    CASE WHEN s.observe_12m THEN e12.code_naf END AS code_naf_12m,
    CASE WHEN s.observe_12m THEN coalesce(e12.multi_emploi, 'N') END AS multi_emploi_12m
FROM s
LEFT JOIN e AS ea ON ea.pseudo = s.pseudo AND ea.mois = s.m[1]
LEFT JOIN e AS e0 ON e0.pseudo = s.pseudo AND e0.mois = s.m[2]
LEFT JOIN e AS e3 ON e3.pseudo = s.pseudo AND e3.mois = s.m[3]
LEFT JOIN e AS e6 ON e6.pseudo = s.pseudo AND e6.mois = s.m[4]
LEFT JOIN e AS e12 ON e12.pseudo = s.pseudo AND e12.mois = s.m[5]
