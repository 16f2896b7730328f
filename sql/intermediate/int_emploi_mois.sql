-- Meilleur emploi de chaque personne et mois utilisé par un indicateur (règle
-- convenue entre financeurs), parmi ses contrats de famille CDI, CDD ou INTERIM
-- déclarés ce mois-là (int_contrats_mois) :
--   1. la famille : CDI, puis CDD, puis INTERIM ;
--   2. le plus d'heures payées dans le mois (heures inconnues en dernier) ;
--   3. le début de contrat le plus récent ;
--   puis une empreinte du SIRET et du numéro de contrat, pour un résultat
--   reproductible.
-- Les critères sont codés dans un seul BIGINT (rang_contrat), bien plus rapide
-- à comparer qu'un tuple sur des centaines de millions de contrats-mois.
-- multi_emploi = O quand plus d'un contrat qualifiant est déclaré ce mois-là.
-- emploi_durable = le meilleur emploi est un contrat durable (int_contrats_mois).
-- Construction incrémentale : les mois modifiés (la DSN d'un mois ne change que
-- le meilleur emploi de ce mois) et les personnes des dossiers modifiés (leurs
-- mois cibles ont pu changer).
-- incremental: mois_modifie(mois) OR pseudo_modifie(pseudo)
-- test: unique(pseudo, mois), not_null(famille, multi_emploi, emploi_durable)
-- test: accepted_values(famille, 'CDI', 'CDD', 'INTERIM'), accepted_values(multi_emploi, 'O', 'N')
WITH meilleurs AS (
    SELECT
        pseudo,
        mois,
        arg_min({
            'famille': famille,
            'nature_contrat': nature_contrat,
            'siret_employeur': siret_employeur,
            'code_naf': code_naf,
            'date_debut_contrat': date_debut_contrat,
            'date_fin_contrat': date_fin_contrat,
            'heures_mois': heures_mois,
            'emploi_durable': contrat_durable
        }, rang_contrat(famille, heures_mois, date_debut_contrat, siret_employeur, id_contrat)) AS meilleur,
        count(*) AS nb_contrats
    FROM int_contrats_mois
    WHERE est_emploi
    GROUP BY pseudo, mois
)
SELECT
    pseudo,
    mois,
    meilleur.*,
    nb_contrats,
    CASE WHEN nb_contrats > 1 THEN 'O' ELSE 'N' END AS multi_emploi
FROM meilleurs
