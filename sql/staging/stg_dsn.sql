-- Lignes DSN (personne × mois × contrat) retenues : celles des déclarations NEODeS
-- retenues (stg_dsn_declarations, types 01 et 03) et celles de l'extrait tabulaire,
-- avec leur chargement (_landing, qui se trie dans l'ordre des chargements), leur
-- fichier dans le chargement (_source, rang du fichier parmi les sources du
-- manifeste, dans l'ordre lexical des chemins ; NULL pour un lac chargé avant la
-- colonne) et leur ligne. L'extrait tabulaire n'a pas de date de transmission :
-- une ligne renvoyée peut figurer en plusieurs versions, ordonnées par
-- (_landing, _source, _ligne) ; int_contrats_mois garde la dernière de chaque
-- clé (pseudo, mois, siret_employeur, id_contrat, date_debut_contrat), après
-- avoir restreint la DSN
-- aux mois dont les indicateurs ont besoin — un dédoublonnage ici porterait sur
-- toute la DSN, le plus gros volume du lac.
-- materialized: view
SELECT
    d.pseudo,
    d.mois,
    d.siret_employeur,
    d.id_contrat,
    d.date_debut_contrat,
    d.code_naf,
    d.nature_contrat,
    d.date_fin_prevue,
    d.date_fin_reelle,
    d.heures_mois,
    nullif(d.declaration_id, '') AS declaration_id,
    d._landing,
    d._source,
    d._ligne
FROM lake_dsn_extrait AS d
WHERE nullif(d.declaration_id, '') IS NULL
   OR d.declaration_id IN (SELECT declaration_id FROM stg_dsn_declarations WHERE a_des_lignes)
