-- Lignes DSN (personne × mois × contrat) retenues : les lignes des déclarations
-- NEODeS retenues (stg_dsn_declarations, types 01 et 03) et les lignes du flux
-- tabulaire dsn_extrait. Une même clé (pseudo, mois, siret_employeur, id_contrat,
-- date_debut_contrat) présente plusieurs fois : le chargement le plus récent
-- (ordre des manifestes, lake_chargements) l'emporte, puis la dernière ligne.
-- materialized: view
WITH versions AS (
    SELECT
        pseudo,
        mois,
        siret_employeur,
        id_contrat,
        date_debut_contrat,
        arg_max({
            'code_naf': code_naf,
            'nature_contrat': nature_contrat,
            'date_fin_prevue': date_fin_prevue,
            'date_fin_reelle': date_fin_reelle,
            'heures_mois': heures_mois,
            'declaration_id': declaration_id
        }, ordre_chargement(c.sequence, _ligne)) AS derniere
    FROM lake_dsn_extrait
    LEFT JOIN lake_chargements AS c USING (_landing)
    WHERE declaration_id IS NULL
       OR declaration_id IN (SELECT declaration_id FROM stg_dsn_declarations WHERE a_des_lignes)
    GROUP BY pseudo, mois, siret_employeur, id_contrat, date_debut_contrat
)
SELECT pseudo, mois, siret_employeur, id_contrat, date_debut_contrat, derniere.*
FROM versions
