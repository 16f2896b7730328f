-- Contrats-mois DSN utilisés : les lignes DSN retenues (stg_dsn)
--   - des mois dont un indicateur a besoin (int_mois_cibles). Ils sont tous
--     dans la fenêtre d'usage de la personne (int_fenetres_dsn : de 12 mois
--     avant l'entrée à 24 mois après la sortie) : la DSN hors fenêtre n'est
--     jamais lue. Un test de int_mois_cibles le vérifie, ce qui évite ici une
--     jointure aux fenêtres, coûteuse sur toute la DSN (1,5 s sur 8 à 1 M) ;
--   - dédoublonnées : pour une même clé (pseudo, mois, siret_employeur,
--     id_contrat, date_debut_contrat), la version du chargement le plus récent,
--     puis du dernier fichier de ce chargement (_source), puis de la dernière
--     ligne ;
-- avec la famille du contrat (liste des natures du dictionnaire, section 2.6) et
-- sa durée :
--   date_fin_contrat = fin effective, sinon fin prévue ;
--   contrat_durable  = famille CDI, ou CDD/intérim dont
--                      date_fin_contrat + 1 jour >= date_debut_contrat + 6 mois
--                      (la date de fin est le dernier jour du contrat ; un CDD du
--                      1er janvier au 30 juin dure 6 mois). Sans date de fin
--                      connue, un CDD ou une mission n'est pas durable.
-- Une table, pas une vue : int_emploi_mois fait sur elle sa propre agrégation.
-- Enchaînées dans une même requête, les deux agrégations (versions, puis
-- meilleur emploi) dépassaient la limite de mémoire de DuckDB (8 Go) à 19 M de
-- dossiers ; séparées, chacune déborde sur disque au besoin.
-- Construction incrémentale : les mois modifiés et les personnes des dossiers
-- modifiés seulement.
-- incremental: mois_modifie(mois) OR pseudo_modifie(pseudo)
-- test: not_null(pseudo, mois, famille)
WITH lignes AS (
    SELECT l.*
    FROM stg_dsn AS l
    SEMI JOIN (SELECT pseudo, mois FROM int_mois_cibles WHERE mois_modifie(mois) OR pseudo_modifie(pseudo)) AS m
        ON m.pseudo = l.pseudo AND m.mois = l.mois
    WHERE mois_modifie(l.mois) OR pseudo_modifie(l.pseudo) -- incremental build: the changed months and persons only
),
-- Source files in landing order (landing, then file within the landing),
-- numbered: a BIGINT version key (rang × 10¹⁰ + ligne, for fewer than 9·10⁸
-- files and 10¹⁰ lines per file) compares much faster than the triple
-- (_landing, _source, _ligne) in the aggregation.
chargements AS (
    SELECT _landing, _source, row_number() OVER (ORDER BY _landing, _source) AS rang
    FROM (SELECT DISTINCT _landing, coalesce(_source, 0) AS _source FROM lignes)
),
versions AS (
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
        }, c.rang * 10000000000 + l._ligne) AS v
    FROM lignes AS l
    JOIN chargements AS c ON c._landing = l._landing AND c._source = coalesce(l._source, 0)
    GROUP BY pseudo, mois, siret_employeur, id_contrat, date_debut_contrat
)
SELECT
    c.pseudo,
    c.mois,
    c.siret_employeur,
    c.id_contrat,
    c.date_debut_contrat,
    c.v.code_naf,
    c.v.nature_contrat,
    coalesce(n.famille, 'INCONNUE') AS famille,
    coalesce(n.famille, '') IN ('CDI', 'CDD', 'INTERIM') AS est_emploi,
    c.v.date_fin_prevue,
    c.v.date_fin_reelle,
    coalesce(c.v.date_fin_reelle, c.v.date_fin_prevue) AS date_fin_contrat,
    coalesce(
        n.famille = 'CDI'
        OR (n.famille IN ('CDD', 'INTERIM')
            AND coalesce(c.v.date_fin_reelle, c.v.date_fin_prevue) + INTERVAL 1 DAY
                >= c.date_debut_contrat + INTERVAL 6 MONTH),
        false) AS contrat_durable,
    c.v.heures_mois,
    c.v.declaration_id
FROM versions AS c
LEFT JOIN ref_natures_contrat AS n ON n.code = c.v.nature_contrat
