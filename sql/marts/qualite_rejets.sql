-- Rejets par partenaire, flux et règle : les lignes en quarantaine (non chargées)
-- et les lignes orphelines (chargées mais hors indicateurs, dossier inconnu :
-- ORPHAN_EVENT, ORPHAN_FUNDING).
--   nb_lignes = lignes qui enfreignent la règle, comme `agora land` les compte : une
--   fois chacune, quel que soit le nombre de ses colonnes en faute. Une ligne peut
--   enfreindre plusieurs règles : elle compte sous chacune, et la somme des règles
--   d'un partenaire peut dépasser son nb_lignes_rejetees (qualite_partenaire).
-- test: unique(code_financeur, flux, regle), not_null(code_financeur, flux, regle), check(nb_lignes > 0)
WITH quarantaine AS (
    -- one row per rejected line and rule (stg_quarantaine has one per column at fault)
    SELECT DISTINCT code_financeur, flux, regle, _landing, _source, fichier, ligne
    FROM stg_quarantaine
)
SELECT code_financeur, flux, regle, count(*) AS nb_lignes
FROM (
    SELECT code_financeur, flux, regle FROM quarantaine
    UNION ALL
    SELECT code_financeur, flux, regle FROM int_orphelins
)
GROUP BY ALL
ORDER BY code_financeur, flux, regle
