-- Les mois DSN dont les indicateurs ont besoin, pour chaque sortant : le mois qui
-- précède le mois d'entrée (horizon -1) et les mois de sortie + 0, 3, 6 et 12.
-- int_contrats_mois ne lit la DSN que de ces mois-là. Ne dépend que des dossiers :
-- un nouveau mois de DSN ne le change pas (construction incrémentale).
-- Construction incrémentale : les dossiers nommés par les nouvelles livraisons.
-- incremental: dossier_modifie(code_financeur, id_dossier)
-- test: unique(code_financeur, id_dossier, horizon), not_null(pseudo, mois)
-- test: accepted_values(horizon, -1, 0, 3, 6, 12)
-- Chaque mois cible est dans la fenêtre d'usage de la DSN (int_fenetres_dsn) :
-- int_contrats_mois s'y fie pour ne pas joindre la DSN aux fenêtres.
-- test: check(mois BETWEEN debut_fenetre_dsn(mois_entree) AND fin_fenetre_dsn(mois_sortie))
SELECT
    s.code_financeur,
    s.id_dossier,
    s.pseudo,
    mois_de(s.date_entree) AS mois_entree,
    mois_de(s.date_sortie) AS mois_sortie,
    h.horizon,
    CASE WHEN h.horizon < 0 THEN mois_de(s.date_entree) - INTERVAL 1 MONTH
         ELSE mois_de(s.date_sortie) + to_months(h.horizon) END::DATE AS mois
FROM int_dossiers AS s
CROSS JOIN (VALUES (-1), (0), (3), (6), (12)) AS h(horizon)
WHERE s.est_sortant AND dossier_modifie(s.code_financeur, s.id_dossier)
