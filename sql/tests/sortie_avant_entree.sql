-- Une SORTIE finale datée avant l'ENTREE du même dossier (arrivées dans des
-- fichiers différents, sinon la quarantaine l'aurait arrêtée : EXIT_BEFORE_ENTRY).
-- Corrigez la date de l'un des deux événements chez le partenaire.
SELECT code_financeur, id_dossier, date_entree, date_sortie
FROM int_dossiers
WHERE date_sortie < date_entree
ORDER BY code_financeur, id_dossier
