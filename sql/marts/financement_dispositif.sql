-- Financement par année d'engagement × financeur payeur × dispositif du dossier.
-- Lignes de financement des dossiers connus et non annulés (les orphelines et
-- celles des dossiers annulés sont exclues). Un dossier est cofinancé quand ses
-- lignes (toutes années, tous types de coût) ont un montant engagé > 0 chez au
-- moins deux financeurs payeurs distincts. Une enveloppe sans aucun engagement
-- donne une ligne à 0 dossier (consommation 0 %).
-- test: unique(annee, code_financeur, code_dispositif), not_null(annee, code_financeur, code_dispositif, montant_engage)
-- test: check(nb_dossiers_cofinances <= nb_dossiers), check(montant_realise >= 0)
WITH lignes AS (
    SELECT
        f.*,
        year(f.date_engagement)::INTEGER AS annee,
        d.code_dispositif,
        d.heures_prevues
    FROM stg_financements AS f
    JOIN int_dossiers AS d
        ON d.code_financeur = f.code_financeur_dossier AND d.id_dossier = f.id_dossier
    WHERE NOT d.annule
),
cofinancement AS (
    SELECT
        code_financeur_dossier,
        id_dossier,
        -- At least two distinct payers with an amount committed: their
        -- smallest and largest codes differ (NULL, false, when none has).
        -- Same as count(DISTINCT code_financeur) >= 2, without a set per dossier.
        coalesce(min(code_financeur) FILTER (WHERE montant_engage > 0)
                 <> max(code_financeur) FILTER (WHERE montant_engage > 0), false) AS cofinance
    FROM lignes
    GROUP BY ALL
),
par_dossier AS (
    SELECT
        annee,
        code_financeur,
        code_dispositif,
        code_financeur_dossier,
        id_dossier,
        any_value(heures_prevues) AS heures_prevues,
        sum(montant_engage) AS montant_engage,
        sum(montant_realise) AS montant_realise
    FROM lignes
    GROUP BY ALL
),
agrege AS (
    SELECT
        p.annee,
        p.code_financeur,
        p.code_dispositif,
        count(*) AS nb_dossiers,
        count(*) FILTER (WHERE c.cofinance) AS nb_dossiers_cofinances,
        sum(p.montant_engage) AS montant_engage,
        coalesce(sum(p.montant_realise), 0) AS montant_realise,
        sum(p.heures_prevues)::BIGINT AS heures_prevues
    FROM par_dossier AS p
    JOIN cofinancement AS c USING (code_financeur_dossier, id_dossier)
    GROUP BY ALL
),
avec_enveloppe AS (
    SELECT
        coalesce(a.annee, e.annee) AS annee,
        coalesce(a.code_financeur, e.code_financeur) AS code_financeur,
        coalesce(a.code_dispositif, e.code_dispositif) AS code_dispositif,
        coalesce(a.nb_dossiers, 0) AS nb_dossiers,
        coalesce(a.nb_dossiers_cofinances, 0) AS nb_dossiers_cofinances,
        coalesce(a.montant_engage, 0)::DECIMAL(18, 2) AS montant_engage,
        coalesce(a.montant_realise, 0)::DECIMAL(18, 2) AS montant_realise,
        e.montant AS enveloppe,
        coalesce(a.heures_prevues, 0) AS heures_prevues
    FROM agrege AS a
    FULL JOIN stg_enveloppes AS e
        ON e.annee = a.annee AND e.code_financeur = a.code_financeur AND e.code_dispositif = a.code_dispositif
)
SELECT
    v.annee,
    v.code_financeur,
    coalesce(r.type_financeur, 'INCONNU') AS type_financeur,
    v.code_dispositif,
    v.nb_dossiers,
    v.nb_dossiers_cofinances,
    v.montant_engage,
    v.montant_realise,
    taux_montants(v.montant_realise, v.montant_engage) AS taux_realisation,
    v.enveloppe::DECIMAL(18, 2) AS enveloppe,
    taux_montants(v.montant_engage, v.enveloppe) AS taux_consommation_enveloppe,
    v.heures_prevues,
    CASE WHEN v.nb_dossiers > 0 THEN euros(v.montant_engage / v.nb_dossiers) END AS cout_par_stagiaire,
    CASE WHEN v.heures_prevues > 0 THEN euros(v.montant_engage / v.heures_prevues) END AS cout_horaire
FROM avec_enveloppe AS v
LEFT JOIN ref_financeurs AS r ON r.code = v.code_financeur
ORDER BY v.annee, v.code_financeur, v.code_dispositif
