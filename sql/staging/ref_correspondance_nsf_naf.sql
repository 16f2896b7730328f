-- Table de correspondance domaine NSF → sections NAF, version 1 (2025-01).
-- Un emploi est « cohérent » avec la formation quand la section NAF de
-- l'employeur de son meilleur emploi figure en face du domaine NSF de la
-- formation. Les domaines généraux ou plurivalents (10 à 13, 30, 41, 42) n'ont
-- pas de correspondance : leurs sortants sont exclus du taux de cohérence.
-- Toute modification de cette table change sa version (colonne version) et se
-- documente dans docs/methodologie.md. Limite connue : l'intérim est déclaré
-- par l'agence (NAF 7820Z, section N), compté cohérent seulement pour les
-- domaines qui ont la section N.
-- test: unique(domaine_nsf, section_naf), not_null(domaine_nsf, section_naf, version)
-- test: relationships(domaine_nsf, ref_domaines_nsf.domaine_nsf), relationships(section_naf, ref_sections_naf.section)
SELECT '1' AS version, domaine_nsf, unnest(sections) AS section_naf
FROM (VALUES
    ('20', ['B', 'C', 'D', 'E', 'F']),  -- pluritechnologiques de production
    ('21', ['A']),                      -- agriculture, pêche, forêt, espaces verts
    ('22', ['B', 'C', 'D', 'E']),       -- transformations (agroalimentaire, chimie, métallurgie, énergie)
    ('23', ['C', 'F']),                 -- génie civil, construction, bois (industrie du bois : C16, C31)
    ('24', ['C']),                      -- textile, habillement, cuir
    ('25', ['C', 'D', 'F', 'G']),       -- mécanique, électricité (installation : F43 ; réparation auto : G45)
    ('31', ['G', 'H', 'K', 'L', 'M', 'N', 'O']), -- commerce, transport-logistique, finance, gestion, RH
    ('32', ['J', 'M', 'N', 'R']),       -- informatique, communication, audiovisuel, secrétariat
    ('33', ['I', 'N', 'P', 'Q', 'R', 'S', 'T']), -- santé, social, enseignement, hôtellerie-tourisme, coiffure, aide à domicile
    ('34', ['E', 'M', 'N', 'O'])        -- sécurité, nettoyage, environnement, aménagement
) AS t(domaine_nsf, sections)
