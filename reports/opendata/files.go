package opendata

import (
	"fmt"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// file is one open-data file: a query of the catalogue and how its columns are
// named in the file (dictionary.md 5.1 fixes the first three).
type file struct {
	name  string // without extension
	title string
	doc   string
	query indicators.Query
	// rename maps indicator ids to file column names where they differ.
	rename map[string]string
	// more are further queries whose rows are appended (levels one Totals list
	// cannot express).
	more []indicators.Query
	// presence adds, before secret, an O/N column per entry saying whether
	// the indicator's value exists, published or hidden: the row's secret
	// alone cannot tell an absent value from a hidden one.
	presence []presence
}

// presence is an O/N column telling whether an indicator's value exists.
type presence struct {
	indicator string // the indicator, by its file column name
	column    indicators.Column
}

// envelopeSent is enveloppe_transmise: whether the funder sent an envelope.
// Its absence is public (package indicators never hides it), so the column
// reveals nothing the disclosure control protects.
var envelopeSent = presence{indicator: "enveloppe", column: indicators.Column{
	Name: "enveloppe_transmise", Label: "Enveloppe transmise", Type: indicators.TypeBoolean, Decimals: -1,
	Description: "O quand le financeur a transmis une enveloppe pour ce dispositif et cette année (que son montant soit publié ou masqué), " +
		"N quand il n'en a transmis aucune : une enveloppe vide avec N est absente, avec O masquée.",
}}

var blockInsertion = []string{"nb_sortants", "nb_observes_6m", "nb_emploi_6m", "taux_emploi_6m", "taux_emploi_durable_6m",
	"nb_observes_12m", "taux_emploi_12m", "taux_emploi_durable_12m", "taux_emploi_3m"}

// files lists the published files, in README order.
func files() []file {
	a, d, r := "annee", "dispositif", "region"
	return []file{
		{
			name:  "insertion_dispositif_region",
			title: "Insertion dans l'emploi par année de sortie, dispositif et région",
			doc: "Une ligne par année de sortie × dispositif × région de formation, plus une ligne par année et dispositif " +
				"avec code_region vide pour la France entière.",
			query: indicators.Query{Indicators: blockInsertion, By: []string{a, d, r}, Totals: []string{r}},
		},
		{
			name:  "financement_dispositif",
			title: "Financements par année d'engagement, financeur et dispositif",
			doc: "Une ligne par année d'engagement × financeur qui paie la ligne × dispositif du dossier. Les dossiers annulés sont exclus. " +
				fmt.Sprintf("Une ligne de moins de %d dossiers a toutes ses valeurs vides (secret statistique). ", disclosure.MinCount) +
				"Comme dans les autres fichiers, la colonne secret " +
				"dit pourquoi des valeurs de la ligne sont masquées : une enveloppe vide sur une ligne dont secret est vide signifie qu'il n'y a pas " +
				"d'enveloppe ; une enveloppe masquée laisse toujours sa raison dans secret. Sur une ligne dont secret n'est pas vide, " +
				"une enveloppe vide peut être absente ou masquée : enveloppe_transmise le dit.",
			presence: []presence{envelopeSent},
			query: indicators.Query{Indicators: []string{"nb_dossiers_finances", "nb_dossiers_cofinances", "montant_engage", "montant_realise",
				"taux_realisation", "enveloppe", "taux_consommation_enveloppe"}, By: []string{a, "financeur", d}},
			rename: map[string]string{"nb_dossiers_finances": "nb_dossiers"},
		},
		{
			name:  "insertion_organisme",
			title: "Insertion dans l'emploi et valeur ajoutée par organisme de formation",
			doc:   "Une ligne par année de sortie × organisme de formation (SIRET de l'établissement).",
			query: indicators.Query{Indicators: []string{"nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas",
				"taux_emploi_6m_ic_haut", "taux_emploi_6m_attendu", "valeur_ajoutee_6m"}, By: []string{a, "organisme"}},
		},
		{
			name:  "insertion_sexe_age",
			title: "Insertion dans l'emploi par sexe et tranche d'âge",
			doc:   "Une ligne par année de sortie × sexe × tranche d'âge à l'entrée, avec les totaux (cellule vide : tous).",
			query: indicators.Query{Indicators: blockInsertion, By: []string{a, "sexe", "tranche_age"}, Totals: []string{"sexe", "tranche_age"}},
		},
		{
			name:  "insertion_financeur",
			title: "Insertion dans l'emploi par financeur du dossier",
			doc: "Une ligne par année de sortie × financeur émetteur du dossier, avec une ligne par type de financeur " +
				"(code_financeur vide) regroupant les financeurs de ce type.",
			query: indicators.Query{Indicators: blockInsertion, By: []string{a, "type_financeur", "financeur"}, Totals: []string{"financeur"}},
		},
		{
			name:  "insertion_trimestre",
			title: "Insertion dans l'emploi par trimestre de sortie",
			doc:   "Une ligne par année et trimestre de sortie × dispositif, plus une ligne tous dispositifs (code_dispositif vide).",
			query: indicators.Query{Indicators: blockInsertion, By: []string{a, "trimestre", d}, Totals: []string{d}},
		},
		{
			name:  "insertion_certification",
			title: "Insertion dans l'emploi selon la certification obtenue",
			doc:   "Une ligne par année de sortie × dispositif × certification obtenue (O, N, INCONNU), plus les lignes tous dispositifs.",
			query: indicators.Query{Indicators: blockInsertion, By: []string{a, d, "certification"}, Totals: []string{d}},
		},
		{
			name:  "avant_apres",
			title: "Situation d'emploi avant l'entrée et 6 mois après la sortie",
			doc: "Sur les sortants observés à la fois le mois précédant l'entrée et 6 mois après la sortie : une ligne par année de sortie × " +
				"dispositif × région, avec les totaux (cellule vide : tous).",
			query: indicators.Query{Indicators: []string{"nb_observes_avant_apres", "nb_emploi_avant", "nb_emploi_apres_6m",
				"taux_emploi_avant", "taux_emploi_apres_6m", "evolution_emploi_points"}, By: []string{a, d, r}, Totals: []string{d, r}},
		},
		{
			name:  "cout_domaine_nsf",
			title: "Coût par stagiaire et par heure par domaine de formation et type de financeur",
			doc:   "Une ligne par année d'engagement × domaine NSF × type de financeur qui paie : comparaison des Régions et de France Travail sur un même domaine.",
			query: indicators.Query{Indicators: []string{"nb_dossiers_finances", "montant_engage", "heures_prevues", "cout_par_stagiaire", "cout_par_heure"},
				By: []string{a, "domaine_nsf", "type_financeur"}},
			rename: map[string]string{"nb_dossiers_finances": "nb_dossiers"},
		},
		{
			name:  "coherence_formation_emploi",
			title: "Cohérence entre la formation suivie et l'emploi occupé à 6 mois",
			doc:   "Une ligne par année de sortie × dispositif × domaine NSF, avec les totaux (cellule vide : tous).",
			query: indicators.Query{Indicators: []string{"nb_emploi_6m_correspondance", "nb_emploi_coherent_6m", "taux_coherence_6m",
				"taux_coherence_6m_ic_bas", "taux_coherence_6m_ic_haut", "nb_emploi_6m_hors_correspondance"},
				By: []string{a, d, "domaine_nsf"}, Totals: []string{d, "domaine_nsf"}},
		},
		{
			name:   "flux_mensuels",
			title:  "Entrées, sorties et personnes en formation par mois",
			doc:    "Une ligne par mois × dispositif × région, plus les lignes par mois et dispositif (code_region vide) et par mois (les deux vides).",
			query:  indicators.Query{Indicators: []string{"nb_entrees", "nb_sortants", "nb_en_formation"}, By: []string{"mois", d, r}, Totals: []string{r}},
			more:   []indicators.Query{{Indicators: []string{"nb_entrees", "nb_sortants", "nb_en_formation"}, By: []string{"mois"}}},
			rename: map[string]string{"nb_sortants": "nb_sorties"},
		},
	}
}
