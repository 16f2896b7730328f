-- Qualité des données par partenaire émetteur : volumes, rejets, orphelins,
-- délai de transmission des événements, corrections.
--   ligne rejetée = une ligne d'un fichier mise en quarantaine, comptée une fois
--                   quel que soit le nombre de ses fautes (comme `agora land`) ;
--                   nb_lignes_rejetees_dsn : celles des flux DSN, envoyées par les
--                   employeurs, qui ne nomment pas de financeur (INCONNU) ;
--   délai d'un événement = date de sa première transmission − date de l'événement (jours) ;
--   correction = une retransmission d'une clé déjà transmise (dossier, événement,
--                ligne de financement ; financement attribué à l'émetteur du dossier) ;
--   transmis à temps = au plus delai_tardif() jours après la date de l'événement
--                      (part_transmis_30j : le nom garde la valeur de la macro, 30) ;
--   correction tardive = arrivée plus de delai_tardif() jours après la première
--                        transmission de la clé (nb_transmissions_tardives des stg_).
-- test: unique(code_financeur), not_null(code_financeur), check(nb_lignes_rejetees_dsn <= nb_lignes_rejetees)
WITH partenaires AS (
    SELECT code_financeur FROM stg_dossiers
    UNION SELECT code_financeur FROM stg_evenements
    UNION SELECT code_financeur_dossier FROM stg_financements
    UNION SELECT code_financeur FROM stg_quarantaine
),
dossiers AS (
    SELECT code_financeur, count(*) AS nb_dossiers, count(*) FILTER (WHERE annule) AS nb_dossiers_annules
    FROM int_dossiers GROUP BY ALL
),
rejets AS (
    -- a rejected line once, whatever the number of its faults (stg_quarantaine
    -- has a row per rule and column at fault), as `agora land` counts it
    SELECT
        code_financeur,
        count(*) AS nb_lignes_rejetees,
        count(*) FILTER (WHERE flux IN ('dsn_extrait', 'dsn_neodes')) AS nb_lignes_rejetees_dsn
    FROM (SELECT DISTINCT code_financeur, flux, _landing, _source, fichier, ligne FROM stg_quarantaine)
    GROUP BY ALL
),
orphelins AS (
    SELECT
        code_financeur,
        count(*) FILTER (WHERE regle = 'ORPHAN_EVENT') AS nb_evenements_orphelins,
        count(*) FILTER (WHERE regle = 'ORPHAN_FUNDING') AS nb_financements_orphelins
    FROM int_orphelins GROUP BY ALL
),
delais AS (
    SELECT
        code_financeur,
        count(*) AS nb_evenements,
        quantile_cont(date_diff('day', date_evenement, premiere_transmission::DATE), 0.5) AS delai_median,
        quantile_cont(date_diff('day', date_evenement, premiere_transmission::DATE), 0.9) AS delai_p90,
        taux(count(*) FILTER (WHERE date_diff('day', date_evenement, premiere_transmission::DATE) <= delai_tardif()), count(*)) AS part_30j
    FROM stg_evenements GROUP BY ALL
),
corrections AS (
    SELECT code_financeur, sum(nb_transmissions - 1) AS nb_corrections, sum(nb_transmissions_tardives) AS nb_tardives
    FROM (
        SELECT code_financeur, nb_transmissions, nb_transmissions_tardives FROM stg_dossiers
        UNION ALL
        SELECT code_financeur, nb_transmissions, nb_transmissions_tardives FROM stg_evenements
        UNION ALL
        SELECT code_financeur_dossier, nb_transmissions, nb_transmissions_tardives FROM stg_financements
    )
    GROUP BY ALL
)
SELECT
    p.code_financeur,
    coalesce(d.nb_dossiers, 0) AS nb_dossiers,
    coalesce(d.nb_dossiers_annules, 0) AS nb_dossiers_annules,
    coalesce(r.nb_lignes_rejetees, 0) AS nb_lignes_rejetees,
    coalesce(r.nb_lignes_rejetees_dsn, 0) AS nb_lignes_rejetees_dsn,
    coalesce(o.nb_evenements_orphelins, 0) AS nb_evenements_orphelins,
    coalesce(o.nb_financements_orphelins, 0) AS nb_financements_orphelins,
    coalesce(e.nb_evenements, 0) AS nb_evenements,
    round(e.delai_median, 1) AS delai_transmission_median_jours,
    round(e.delai_p90, 1) AS delai_transmission_p90_jours,
    e.part_30j AS part_transmis_30j,
    coalesce(c.nb_corrections, 0)::BIGINT AS nb_corrections,
    coalesce(c.nb_tardives, 0)::BIGINT AS nb_corrections_tardives
FROM partenaires AS p
LEFT JOIN dossiers AS d USING (code_financeur)
LEFT JOIN rejets AS r USING (code_financeur)
LEFT JOIN orphelins AS o USING (code_financeur)
LEFT JOIN delais AS e USING (code_financeur)
LEFT JOIN corrections AS c USING (code_financeur)
ORDER BY p.code_financeur
