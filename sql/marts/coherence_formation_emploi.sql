-- Cohérence formation ↔ emploi à 6 mois : parmi les sortants en emploi à M+6
-- dont le domaine NSF a une correspondance (ref_correspondance_nsf_naf), part de
-- ceux dont la section NAF de l'employeur du meilleur emploi correspond au
-- domaine. Les domaines sans correspondance sont comptés à part (hors table).
-- Niveaux : (année, dispositif, domaine), (année, dispositif), (année, domaine),
-- (année) ; NULL = tous.
-- test: unique(annee_sortie, code_dispositif, domaine_nsf), check(nb_coherents <= nb_emploi_6m)
WITH domaines AS (
    SELECT DISTINCT domaine_nsf FROM ref_correspondance_nsf_naf
),
emplois AS (
    SELECT
        s.annee_sortie,
        s.code_dispositif,
        s.domaine_nsf,
        dom.domaine_nsf IS NOT NULL AS domaine_couvert,
        cor.section_naf IS NOT NULL AS coherent
    FROM int_sortants AS s
    LEFT JOIN ref_sections_naf AS sec
        ON try_cast(left(s.code_naf_6m, 2) AS INTEGER) BETWEEN sec.division_debut AND sec.division_fin
    LEFT JOIN domaines AS dom ON dom.domaine_nsf = s.domaine_nsf
    LEFT JOIN ref_correspondance_nsf_naf AS cor
        ON cor.domaine_nsf = s.domaine_nsf AND cor.section_naf = sec.section
    WHERE s.emploi_6m
),
comptes AS (
    SELECT
        annee_sortie,
        code_dispositif,
        domaine_nsf,
        count(*) FILTER (WHERE domaine_couvert) AS nb_emploi_6m,
        count(*) FILTER (WHERE coherent) AS nb_coherents,
        count(*) FILTER (WHERE NOT domaine_couvert) AS nb_emploi_6m_hors_table
    FROM emplois
    GROUP BY GROUPING SETS (
        (annee_sortie, code_dispositif, domaine_nsf),
        (annee_sortie, code_dispositif),
        (annee_sortie, domaine_nsf),
        (annee_sortie)
    )
)
SELECT
    annee_sortie,
    code_dispositif,
    domaine_nsf,
    nb_emploi_6m,
    nb_coherents,
    taux(nb_coherents, nb_emploi_6m) AS taux_coherence,
    ic_bas(nb_coherents, nb_emploi_6m) AS taux_coherence_ic_bas,
    ic_haut(nb_coherents, nb_emploi_6m) AS taux_coherence_ic_haut,
    nb_emploi_6m_hors_table,
    (SELECT max(version) FROM ref_correspondance_nsf_naf) AS version_correspondance
FROM comptes
ORDER BY annee_sortie, code_dispositif NULLS LAST, domaine_nsf NULLS LAST
