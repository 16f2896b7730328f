-- Lignes DSN (personne × mois × contrat) retenues : les lignes des déclarations
-- NEODeS retenues (stg_dsn_declarations, types 01 et 03) et les lignes du flux
-- tabulaire dsn_extrait. Une même clé (pseudo, mois, siret_employeur, id_contrat,
-- date_debut_contrat) présente plusieurs fois : le chargement le plus récent
-- l'emporte, puis la dernière ligne.
-- materialized: view
SELECT
    pseudo,
    mois,
    siret_employeur,
    code_naf,
    nature_contrat,
    date_debut_contrat,
    date_fin_prevue,
    date_fin_reelle,
    heures_mois,
    id_contrat,
    declaration_id
FROM lake_dsn_extrait AS e
WHERE e.declaration_id IS NULL
   OR e.declaration_id IN (SELECT declaration_id FROM stg_dsn_declarations WHERE a_des_lignes)
QUALIFY row_number() OVER (
    PARTITION BY pseudo, mois, siret_employeur, id_contrat, date_debut_contrat
    ORDER BY _landing DESC, _ligne DESC
) = 1
