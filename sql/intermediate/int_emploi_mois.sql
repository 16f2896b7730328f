-- Meilleur emploi de chaque personne et mois utilisé par un indicateur (règle
-- convenue entre financeurs), parmi ses contrats de famille CDI, CDD ou INTERIM
-- déclarés ce mois-là (int_contrats_mois) :
--   1. la famille : CDI, puis CDD, puis INTERIM ;
--   2. le plus d'heures payées dans le mois (heures inconnues en dernier) ;
--   3. le début de contrat le plus récent ;
--   puis une empreinte du SIRET et du numéro de contrat, pour un résultat
--   reproductible.
-- Les critères sont codés dans un seul HUGEINT (rang_contrat), bien plus rapide
-- à comparer qu'un tuple sur des centaines de millions de contrats-mois.
-- multi_emploi = O quand plus d'un contrat qualifiant est déclaré ce mois-là.
-- emploi_durable = le meilleur emploi est un contrat durable (int_contrats_mois).
-- Construction incrémentale : les mois modifiés (la DSN d'un mois ne change que
-- le meilleur emploi de ce mois) et les personnes des dossiers modifiés (leurs
-- mois cibles ont pu changer).
-- incremental: mois_modifie(mois) OR pseudo_modifie(pseudo)
-- test: unique(pseudo, mois), not_null(famille, multi_emploi, emploi_durable)
-- test: accepted_values(famille, 'CDI', 'CDD', 'INTERIM'), accepted_values(multi_emploi, 'O', 'N')
-- The aggregation keeps the row number of the best contract, a fixed-size
-- state that DuckDB can spill, rather than the contract itself (a struct
-- of texts: at 19M dossiers it did not fit in 8 GB), then fetches its columns.
WITH meilleurs AS (
    SELECT
        pseudo,
        mois,
        arg_min(rowid, rang_contrat(famille, heures_mois, date_debut_contrat, siret_employeur, id_contrat)) AS ligne,
        count(*) AS nb_contrats
    FROM int_contrats_mois
    WHERE est_emploi
        AND (mois_modifie(mois) OR pseudo_modifie(pseudo)) -- incremental build: the changed months and persons only
    GROUP BY pseudo, mois
)
SELECT
    m.pseudo,
    m.mois,
    c.famille,
    c.nature_contrat,
    c.siret_employeur,
    c.code_naf,
    c.date_debut_contrat,
    c.date_fin_contrat,
    c.heures_mois,
    c.contrat_durable AS emploi_durable,
    m.nb_contrats,
    CASE WHEN m.nb_contrats > 1 THEN 'O' ELSE 'N' END AS multi_emploi
FROM meilleurs AS m
JOIN int_contrats_mois AS c ON c.rowid = m.ligne
