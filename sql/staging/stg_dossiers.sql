-- Dossiers : la dernière transmission de chaque dossier (code_financeur, id_dossier)
-- l'emporte (date_transmission, puis chargement le plus récent, puis dernière ligne).
-- Garde aussi l'historique utile à la qualité : nombre de transmissions et
-- retransmissions arrivées plus de 30 jours après la première.
-- test: not_null(code_financeur, id_dossier, pseudo, code_dispositif, code_region, siret_of)
-- test: unique(code_financeur, id_dossier)
-- test: relationships(code_dispositif, ref_dispositifs.code), relationships(code_region, ref_regions.code)
-- test: relationships(code_financeur, ref_financeurs.code), relationships(situation_avant, ref_situations.code)
-- test: accepted_values(sexe, '1', '2')
WITH versions AS (
    SELECT
        *,
        min(date_transmission) OVER cle AS premiere_transmission
    FROM lake_dossiers
    WINDOW cle AS (PARTITION BY code_financeur, id_dossier)
)
SELECT
    code_financeur,
    id_dossier,
    pseudo,
    sexe,
    date_naissance,
    situation_avant,
    code_dispositif,
    siret_of,
    formacode,
    code_nsf,
    code_certification,
    region_formation AS code_region,
    heures_prevues,
    date_debut_prevue,
    date_fin_prevue,
    date_transmission,
    premiere_transmission,
    count(*) OVER cle AS nb_transmissions,
    count(*) FILTER (WHERE date_transmission > premiere_transmission + INTERVAL 30 DAY) OVER cle
        AS nb_transmissions_tardives,
    _landing
FROM versions
WINDOW cle AS (PARTITION BY code_financeur, id_dossier)
QUALIFY row_number() OVER (
    PARTITION BY code_financeur, id_dossier
    ORDER BY date_transmission DESC, _landing DESC, _ligne DESC
) = 1
