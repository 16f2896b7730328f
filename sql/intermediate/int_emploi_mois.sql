-- Meilleur emploi de chaque personne et mois (règle convenue entre financeurs),
-- parmi ses contrats de famille CDI, CDD ou INTERIM déclarés ce mois-là :
--   1. la famille : CDI, puis CDD, puis INTERIM ;
--   2. le plus d'heures payées dans le mois (heures inconnues en dernier) ;
--   3. le début de contrat le plus récent ;
--   puis SIRET et numéro de contrat, pour un résultat reproductible.
-- multi_emploi = O quand plus d'un contrat qualifiant est déclaré ce mois-là.
-- emploi_durable = le meilleur emploi est un contrat durable (int_contrats_mois).
-- test: unique(pseudo, mois), not_null(famille, multi_emploi, emploi_durable)
-- test: accepted_values(famille, 'CDI', 'CDD', 'INTERIM'), accepted_values(multi_emploi, 'O', 'N')
SELECT
    pseudo,
    mois,
    famille,
    nature_contrat,
    siret_employeur,
    code_naf,
    date_debut_contrat,
    date_fin_contrat,
    heures_mois,
    contrat_durable AS emploi_durable,
    nb_contrats,
    CASE WHEN nb_contrats > 1 THEN 'O' ELSE 'N' END AS multi_emploi
FROM (
    SELECT *, count(*) OVER (PARTITION BY pseudo, mois) AS nb_contrats
    FROM int_contrats_mois
    WHERE est_emploi
)
QUALIFY row_number() OVER (
    PARTITION BY pseudo, mois
    ORDER BY CASE famille WHEN 'CDI' THEN 1 WHEN 'CDD' THEN 2 ELSE 3 END,
             heures_mois DESC NULLS LAST,
             date_debut_contrat DESC,
             siret_employeur,
             id_contrat
) = 1
