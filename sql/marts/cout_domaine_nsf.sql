-- Coût par stagiaire et par heure prévue selon le domaine NSF de la formation
-- (deux premiers chiffres du code NSF) et le type du financeur payeur : compare
-- ce que paient les Régions et France Travail pour un même domaine. Pour un type
-- de financeur : montant engagé par les financeurs de ce type, dossiers distincts
-- qu'ils financent, heures prévues de ces dossiers. Dossiers annulés exclus.
-- test: unique(annee, domaine_nsf, type_financeur), not_null(annee, domaine_nsf, type_financeur)
-- A row exists only when it counts somebody (the publication relies on it):
-- test: check(nb_dossiers >= 1)
WITH lignes AS (
    SELECT
        year(f.date_engagement)::INTEGER AS annee,
        d.domaine_nsf,
        coalesce(r.type_financeur, 'INCONNU') AS type_financeur,
        f.code_financeur_dossier,
        f.id_dossier,
        f.montant_engage,
        d.heures_prevues
    FROM stg_financements AS f
    JOIN int_dossiers AS d
        ON d.code_financeur = f.code_financeur_dossier AND d.id_dossier = f.id_dossier
    LEFT JOIN ref_financeurs AS r ON r.code = f.code_financeur
    WHERE NOT d.annule
),
par_dossier AS (
    SELECT
        annee,
        domaine_nsf,
        type_financeur,
        code_financeur_dossier,
        id_dossier,
        any_value(heures_prevues) AS heures_prevues,
        sum(montant_engage) AS montant_engage
    FROM lignes
    GROUP BY ALL
)
SELECT
    p.annee,
    p.domaine_nsf,
    coalesce(n.libelle, 'Domaine inconnu') AS libelle_domaine_nsf,
    p.type_financeur,
    count(*) AS nb_dossiers,
    sum(p.montant_engage)::DECIMAL(18, 2) AS montant_engage,
    sum(p.heures_prevues)::BIGINT AS heures_prevues,
    euros(sum(p.montant_engage) / count(*)) AS cout_par_stagiaire,
    CASE WHEN sum(p.heures_prevues) > 0 THEN euros(sum(p.montant_engage) / sum(p.heures_prevues)) END AS cout_horaire
FROM par_dossier AS p
LEFT JOIN ref_domaines_nsf AS n USING (domaine_nsf)
GROUP BY p.annee, p.domaine_nsf, n.libelle, p.type_financeur
ORDER BY p.annee, p.domaine_nsf, p.type_financeur
