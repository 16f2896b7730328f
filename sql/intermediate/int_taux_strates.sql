-- Taux d'emploi national à 6 mois de chaque strate (année de sortie × dispositif ×
-- situation avant l'entrée × tranche d'âge × sexe), sur les sortants observés à
-- 6 mois. C'est la référence du taux attendu de la valeur ajoutée.
-- test: unique(annee_sortie, code_dispositif, situation_avant, tranche_age, sexe)
-- test: check(nb_emploi_6m <= nb_observes_6m), check(nb_observes_6m > 0)
SELECT
    annee_sortie,
    code_dispositif,
    situation_avant,
    tranche_age,
    sexe,
    count(*) AS nb_observes_6m,
    count(*) FILTER (WHERE emploi_6m) AS nb_emploi_6m,
    part(count(*) FILTER (WHERE emploi_6m), count(*)) AS taux_brut
FROM int_sortants
WHERE observe_6m
GROUP BY ALL
