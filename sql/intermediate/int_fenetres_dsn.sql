-- Fenêtre d'usage de la DSN de chaque personne : de 12 mois avant le mois
-- d'entrée à 24 mois après le mois de sortie de chacun de ses dossiers non
-- annulés et entrés (un dossier encore en formation ouvre sa fenêtre jusqu'au
-- dernier mois couvert + 24 mois). Les intervalles d'une même personne qui se
-- chevauchent sont fusionnés : une ligne par intervalle disjoint.
-- test: not_null(pseudo, debut_fenetre, fin_fenetre), unique(pseudo, debut_fenetre)
-- test: check(debut_fenetre <= fin_fenetre)
WITH bornes AS (
    SELECT
        d.pseudo,
        (mois_de(d.date_entree) - INTERVAL 12 MONTH)::DATE AS debut,
        (coalesce(mois_de(d.date_sortie), c.dernier_mois_couvert, mois_de(d.date_entree))
            + INTERVAL 24 MONTH)::DATE AS fin
    FROM int_dossiers AS d
    CROSS JOIN stg_couverture AS c
    WHERE NOT d.annule AND d.date_entree IS NOT NULL
),
suite AS (
    SELECT
        *,
        max(fin) OVER (PARTITION BY pseudo ORDER BY debut, fin
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS fin_precedente
    FROM bornes
),
ilots AS (
    SELECT
        *,
        sum(CASE WHEN fin_precedente IS NULL OR debut > fin_precedente THEN 1 ELSE 0 END)
            OVER (PARTITION BY pseudo ORDER BY debut, fin ROWS UNBOUNDED PRECEDING) AS ilot
    FROM suite
)
SELECT pseudo, min(debut) AS debut_fenetre, max(fin) AS fin_fenetre
FROM ilots
GROUP BY pseudo, ilot
