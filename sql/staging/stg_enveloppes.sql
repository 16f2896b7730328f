-- Enveloppes budgétaires : la dernière transmission de (financeur, dispositif,
-- année) l'emporte.
-- test: not_null(code_financeur, code_dispositif, annee, montant)
-- test: unique(code_financeur, code_dispositif, annee)
-- test: check(montant > 0)
SELECT
    code_financeur,
    code_dispositif,
    annee::INTEGER AS annee,
    montant,
    date_transmission,
    _landing
FROM lake_enveloppes
QUALIFY row_number() OVER (
    PARTITION BY code_financeur, code_dispositif, annee
    ORDER BY date_transmission DESC, _landing DESC, _ligne DESC
) = 1
