-- Fenêtre d'usage de la DSN de chaque personne : de 12 mois avant le mois
-- d'entrée à 24 mois après le mois de sortie de chacun de ses dossiers non
-- annulés et entrés. Un dossier encore en formation garde sa fenêtre ouverte
-- (fin_fenetre NULL), comme pour la purge (agora purge) : sa sortie fixera la fin.
-- Les bornes viennent des macros debut_fenetre_dsn et fin_fenetre_dsn, que le
-- runner définit d'après la règle de conservation du lac (lake.WindowStart,
-- lake.WindowEnd) : la purge garde la DSN dans les mêmes bornes.
-- Les intervalles d'une même personne qui se chevauchent sont fusionnés : une
-- ligne par intervalle disjoint. Ne dépend que des dossiers : un nouveau mois de
-- DSN ne la change pas (construction incrémentale).
-- Construction incrémentale : les personnes des dossiers nommés par les nouvelles livraisons.
-- incremental: pseudo_modifie(pseudo)
-- test: not_null(pseudo, debut_fenetre), unique(pseudo, debut_fenetre)
-- test: check(fin_fenetre IS NULL OR debut_fenetre <= fin_fenetre)
WITH bornes AS (
    SELECT
        d.pseudo,
        debut_fenetre_dsn(d.date_entree) AS debut,
        -- An open window ends after every date (NULL in the output).
        coalesce(fin_fenetre_dsn(d.date_sortie), DATE '9999-12-01') AS fin
    FROM int_dossiers AS d
    WHERE NOT d.annule AND d.date_entree IS NOT NULL AND pseudo_modifie(d.pseudo)
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
SELECT pseudo, min(debut) AS debut_fenetre, nullif(max(fin), DATE '9999-12-01') AS fin_fenetre
FROM ilots
GROUP BY pseudo, ilot
