-- Résultats par dossier pour l'export hebdomadaire de chaque financeur (ses
-- propres stagiaires) : une ligne par sortant, situation au mois de sortie et à
-- M+3, M+6, M+12. Contient des identifiants de dossier : jamais publié. Aucun
-- pseudonyme n'y figure.
-- Construction incrémentale : seuls les sortants dont un mois suivi ou le dossier
-- a changé.
-- incremental: suivi_modifie(mois_de(date_entree), mois_de(date_sortie)) OR dossier_modifie(code_financeur, id_dossier)
-- test: unique(code_financeur, id_dossier), not_null(code_financeur, id_dossier, date_sortie)
-- test: accepted_values(famille_contrat_6m, 'CDI', 'CDD', 'INTERIM'), accepted_values(multi_emploi_6m, 'O', 'N')
SELECT
    code_financeur,
    id_dossier,
    code_dispositif,
    siret_of,
    code_region,
    date_entree,
    date_sortie,
    motif_sortie,
    certification_obtenue,
    observe_0m, emploi_0m, emploi_durable_0m, famille_contrat_0m, heures_0m, code_naf_0m, multi_emploi_0m,
    observe_3m, emploi_3m, emploi_durable_3m, famille_contrat_3m, heures_3m, code_naf_3m, multi_emploi_3m,
    observe_6m, emploi_6m, emploi_durable_6m, famille_contrat_6m, heures_6m, code_naf_6m, multi_emploi_6m,
    observe_12m, emploi_12m, emploi_durable_12m, famille_contrat_12m, heures_12m, code_naf_12m, multi_emploi_12m
FROM int_sortants
WHERE suivi_modifie(mois_de(date_entree), mois_de(date_sortie)) OR dossier_modifie(code_financeur, id_dossier) -- incremental build: these exits only
ORDER BY code_financeur, id_dossier
