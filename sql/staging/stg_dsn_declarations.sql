-- Déclarations DSN NEODeS retenues : pour chaque établissement (SIRET) et mois,
-- parmi les déclarations de nature 01 (DSN mensuelle), la dernière par date de
-- fichier puis numéro d'ordre (puis ordre de chargement, puis fichier dans le
-- chargement). Elle remplace toutes les
-- précédentes. Si c'est une annulation (type 04), le mois de l'établissement n'a
-- plus de données ; un type 02 ou 05 (néant) n'a pas de lignes. Les autres
-- natures (signalements) sont ignorées.
-- test: not_null(siret, mois, declaration_id, type_declaration)
-- test: unique(siret, mois)
-- test: accepted_values(type_declaration, '01', '02', '03', '04', '05')
SELECT
    siret,
    mois,
    declaration_id,
    type_declaration,
    numero_ordre,
    date_fichier,
    type_declaration IN ('01', '03') AS a_des_lignes,
    count(*) OVER (PARTITION BY siret, mois) AS nb_declarations
FROM lake_dsn_declarations
WHERE nature = '01'
QUALIFY row_number() OVER (
    PARTITION BY siret, mois
    ORDER BY date_fichier DESC, numero_ordre DESC, _landing DESC, coalesce(_source, 0) DESC, declaration_id DESC
) = 1
