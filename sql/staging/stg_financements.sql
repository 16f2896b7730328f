-- Lignes de financement : la dernière transmission de (dossier, financeur payeur,
-- type de coût) l'emporte.
-- test: not_null(code_financeur_dossier, id_dossier, code_financeur, type_cout, montant_engage, date_engagement)
-- test: unique(code_financeur_dossier, id_dossier, code_financeur, type_cout)
-- test: accepted_values(type_cout, 'PEDAGOGIQUE', 'REMUNERATION', 'ANNEXE')
-- test: relationships(code_financeur, ref_financeurs.code)
-- test: check(montant_engage >= 0 AND coalesce(montant_realise, 0) >= 0)
WITH versions AS (
    SELECT
        *,
        min(date_transmission) OVER cle AS premiere_transmission
    FROM lake_financements
    WINDOW cle AS (PARTITION BY code_financeur_dossier, id_dossier, code_financeur, type_cout)
)
SELECT
    code_financeur_dossier,
    id_dossier,
    code_financeur,
    type_cout,
    montant_engage,
    date_engagement,
    montant_realise,
    date_realisation,
    date_transmission,
    count(*) OVER cle AS nb_transmissions,
    count(*) FILTER (WHERE date_transmission > premiere_transmission + INTERVAL 30 DAY) OVER cle
        AS nb_transmissions_tardives,
    _landing
FROM versions
WINDOW cle AS (PARTITION BY code_financeur_dossier, id_dossier, code_financeur, type_cout)
QUALIFY row_number() OVER (
    PARTITION BY code_financeur_dossier, id_dossier, code_financeur, type_cout
    ORDER BY date_transmission DESC, _landing DESC, _ligne DESC
) = 1
