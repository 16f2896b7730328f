-- La date des données : couverture de la DSN, dernière transmission reçue,
-- volumes et version de la table de correspondance NSF → NAF. Une seule ligne.
-- test: check(nb_sortants <= nb_dossiers)
SELECT
    c.premier_mois_couvert,
    c.dernier_mois_couvert,
    (SELECT max(t) FROM (
        SELECT max(date_transmission) AS t FROM stg_dossiers
        UNION ALL SELECT max(date_transmission) FROM stg_evenements
        UNION ALL SELECT max(date_transmission) FROM stg_financements
        UNION ALL SELECT max(date_transmission) FROM stg_enveloppes
    )) AS derniere_transmission,
    (SELECT count(*) FROM int_dossiers WHERE NOT annule) AS nb_dossiers,
    (SELECT count(*) FROM int_sortants) AS nb_sortants,
    (SELECT max(version) FROM ref_correspondance_nsf_naf) AS version_correspondance_nsf_naf
FROM stg_couverture AS c
