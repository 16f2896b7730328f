-- Les mois DSN dont les indicateurs ont besoin, pour chaque sortant : le mois qui
-- précède le mois d'entrée (horizon -1) et les mois de sortie + 0, 3, 6 et 12.
-- observe : le mois est couvert par la DSN chargée (stg_couverture) ; sinon le
-- sortant est censuré à cet horizon.
-- test: unique(code_financeur, id_dossier, horizon), not_null(pseudo, mois, observe)
-- test: accepted_values(horizon, -1, 0, 3, 6, 12)
SELECT
    s.code_financeur,
    s.id_dossier,
    s.pseudo,
    h.horizon,
    CASE WHEN h.horizon < 0 THEN mois_de(s.date_entree) - INTERVAL 1 MONTH
         ELSE mois_de(s.date_sortie) + to_months(h.horizon) END::DATE AS mois,
    coalesce(
        CASE WHEN h.horizon < 0 THEN mois_de(s.date_entree) - INTERVAL 1 MONTH
             ELSE mois_de(s.date_sortie) + to_months(h.horizon) END::DATE
            BETWEEN cv.premier_mois_couvert AND cv.dernier_mois_couvert,
        false) AS observe
FROM int_dossiers AS s
CROSS JOIN (VALUES (-1), (0), (3), (6), (12)) AS h(horizon)
CROSS JOIN stg_couverture AS cv
WHERE s.est_sortant
