-- Couverture de la DSN : les mois pour lesquels de la DSN a été chargée
-- (une déclaration NEODeS de nature 01, même annulée ou néant, ou une ligne du
-- flux tabulaire). Une seule ligne : premier et dernier mois couverts. Un mois
-- est observable s'il est compris entre les deux.
-- test: check(premier_mois_couvert IS NULL OR premier_mois_couvert <= dernier_mois_couvert)
WITH mois AS (
    SELECT mois FROM lake_dsn_declarations WHERE nature = '01'
    UNION
    SELECT mois FROM lake_dsn_extrait WHERE declaration_id IS NULL
)
SELECT
    min(mois) AS premier_mois_couvert,
    max(mois) AS dernier_mois_couvert,
    count(*) AS nb_mois_charges
FROM mois
