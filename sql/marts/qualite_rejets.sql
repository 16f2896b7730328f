-- Rejets par partenaire, flux et règle : les lignes en quarantaine (non chargées)
-- et les lignes orphelines (chargées mais hors indicateurs, dossier inconnu :
-- ORPHAN_EVENT, ORPHAN_FUNDING).
-- test: unique(code_financeur, flux, regle), not_null(code_financeur, flux, regle), check(nb_lignes > 0)
SELECT code_financeur, flux, regle, count(*) AS nb_lignes
FROM (
    SELECT code_financeur, flux, regle FROM stg_quarantaine
    UNION ALL
    SELECT code_financeur, flux, regle FROM int_orphelins
)
GROUP BY ALL
ORDER BY code_financeur, flux, regle
