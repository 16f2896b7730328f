-- Les lignes nationales d'un dispositif (code_region NULL) totalisent ses lignes
-- régionales : mêmes sortants, observés et emplois.
WITH nationales AS (
    SELECT annee_sortie, code_dispositif, nb_sortants, nb_observes_6m, nb_emploi_6m, nb_emploi_durable_12m
    FROM insertion_dispositif_region
    WHERE code_region IS NULL AND code_dispositif IS NOT NULL
),
regions AS (
    SELECT annee_sortie, code_dispositif,
        sum(nb_sortants) AS nb_sortants, sum(nb_observes_6m) AS nb_observes_6m,
        sum(nb_emploi_6m) AS nb_emploi_6m, sum(nb_emploi_durable_12m) AS nb_emploi_durable_12m
    FROM insertion_dispositif_region
    WHERE code_region IS NOT NULL AND code_dispositif IS NOT NULL
    GROUP BY ALL
)
SELECT annee_sortie, code_dispositif, n.nb_sortants, r.nb_sortants AS somme_regions
FROM nationales AS n
FULL JOIN regions AS r USING (annee_sortie, code_dispositif)
WHERE r.nb_sortants IS DISTINCT FROM n.nb_sortants
   OR r.nb_observes_6m IS DISTINCT FROM n.nb_observes_6m
   OR r.nb_emploi_6m IS DISTINCT FROM n.nb_emploi_6m
   OR r.nb_emploi_durable_12m IS DISTINCT FROM n.nb_emploi_durable_12m
