-- Contrats-mois DSN utilisables : les lignes DSN retenues dont le mois tombe dans
-- une fenêtre de la personne (int_fenetres_dsn), avec la famille du contrat
-- (liste des natures du dictionnaire, section 2.6) et sa durée.
--   date_fin_contrat = fin effective, sinon fin prévue ;
--   contrat_durable  = famille CDI, ou CDD/intérim dont
--                      date_fin_contrat + 1 jour >= date_debut_contrat + 6 mois
--                      (la date de fin est le dernier jour du contrat ; un CDD du
--                      1er janvier au 30 juin dure 6 mois). Sans date de fin
--                      connue, un CDD ou une mission n'est pas durable.
-- Vue (relue par int_emploi_mois seulement) : la DSN, le plus gros volume, n'est
-- ainsi écrite qu'une fois, réduite au meilleur emploi de chaque mois.
-- materialized: view
SELECT
    c.pseudo,
    c.mois,
    c.siret_employeur,
    c.id_contrat,
    c.date_debut_contrat,
    c.code_naf,
    c.nature_contrat,
    coalesce(n.famille, 'INCONNUE') AS famille,
    coalesce(n.famille, '') IN ('CDI', 'CDD', 'INTERIM') AS est_emploi,
    c.date_fin_prevue,
    c.date_fin_reelle,
    coalesce(c.date_fin_reelle, c.date_fin_prevue) AS date_fin_contrat,
    coalesce(
        n.famille = 'CDI'
        OR (n.famille IN ('CDD', 'INTERIM')
            AND coalesce(c.date_fin_reelle, c.date_fin_prevue) + INTERVAL 1 DAY
                >= c.date_debut_contrat + INTERVAL 6 MONTH),
        false) AS contrat_durable,
    c.heures_mois,
    c.declaration_id
FROM stg_dsn AS c
JOIN int_fenetres_dsn AS w
    ON w.pseudo = c.pseudo AND c.mois BETWEEN w.debut_fenetre AND w.fin_fenetre
LEFT JOIN ref_natures_contrat AS n ON n.code = c.nature_contrat
