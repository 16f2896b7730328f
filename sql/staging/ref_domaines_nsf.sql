-- Domaines de formation : les deux premiers chiffres du code NSF (Nomenclature
-- des spécialités de formation, 1994), soit ses 17 sous-domaines. Le domaine
-- d'un dossier est left(code_nsf, 2).
-- test: unique(domaine_nsf), not_null(domaine_nsf, libelle)
SELECT domaine_nsf, libelle
FROM (VALUES
    ('10', 'Formations générales'),
    ('11', 'Mathématiques et sciences'),
    ('12', 'Sciences humaines et droit'),
    ('13', 'Lettres et arts'),
    ('20', 'Spécialités pluritechnologiques de production'),
    ('21', 'Agriculture, pêche, forêt et espaces verts'),
    ('22', 'Transformations'),
    ('23', 'Génie civil, construction et bois'),
    ('24', 'Matériaux souples'),
    ('25', 'Mécanique, électricité, électronique'),
    ('30', 'Spécialités plurivalentes des services'),
    ('31', 'Échanges et gestion'),
    ('32', 'Communication et information'),
    ('33', 'Services aux personnes'),
    ('34', 'Services à la collectivité'),
    ('41', 'Capacités individuelles et sociales'),
    ('42', 'Développement personnel')
) AS t(domaine_nsf, libelle)
