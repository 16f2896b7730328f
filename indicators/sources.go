package indicators

import (
	"fmt"
	"slices"
)

// Dimension columns shared by the marts.
var (
	colAnneeSortie   = dimCol{dimAnnee, "annee_sortie", TypeInteger}
	colAnnee         = dimCol{dimAnnee, "annee", TypeInteger}
	colTrimestre     = dimCol{dimTrimestre, "trimestre_sortie", TypeInteger}
	colMois          = dimCol{dimMois, "mois", TypeYearMonth}
	colDispositif    = dimCol{dimDispositif, "code_dispositif", TypeString}
	colRegion        = dimCol{dimRegion, "code_region", TypeString}
	colOrganisme     = dimCol{dimOrganisme, "siret_of", TypeString}
	colFinanceur     = dimCol{dimFinanceur, "code_financeur", TypeString}
	colTypeFinanceur = dimCol{dimTypeFinanceur, "type_financeur", TypeString}
	colSexe          = dimCol{dimSexe, "sexe", TypeString}
	colTrancheAge    = dimCol{dimTrancheAge, "tranche_age", TypeString}
	colCertification = dimCol{dimCertification, "certification_obtenue", TypeString}
	colSituation     = dimCol{dimSituation, "situation_avant_dsn", TypeString}
	colMotif         = dimCol{dimMotif, "motif_sortie", TypeString}
	colSituation6m   = dimCol{dimSituation6m, "situation_6m", TypeString}
	colDomaineNSF    = dimCol{dimDomaineNSF, "domaine_nsf", TypeString}
)

// ObservedCount tells whether indicator (and quantity) id counts the exits
// observed at a horizon: nb_observes_3m, _6m, _12m. Its zero is not a small
// group of people: it says that no exit of the row can be observed yet (their
// month + k is beyond the DSN coverage, which is public), so it is published,
// the rates on it are n.d., not secret, and a file schema allows it below the
// count threshold.
func ObservedCount(id string) bool {
	return slices.Contains([]string{"nb_observes_3m", "nb_observes_6m", "nb_observes_12m"}, id)
}

// insertionQuants are the quantities of the insertion block: the same figures
// (same keys) in every insertion mart.
func insertionQuants() []quantity {
	qs := []quantity{{name: "nb_sortants", key: "nb_sortants", column: "nb_sortants", rule: ruleCount}}
	for _, k := range []int{3, 6, 12} {
		s := fmt.Sprintf("_%dm", k)
		obs := "nb_observes" + s
		qs = append(qs,
			quantity{name: obs, key: obs, column: obs, rule: ruleCount},
			quantity{name: "nb_emploi" + s, key: "nb_emploi" + s, column: "nb_emploi" + s, rule: ruleRate, den: obs},
			quantity{name: "nb_emploi_durable" + s, key: "nb_emploi_durable" + s, column: "nb_emploi_durable" + s, rule: ruleRate, den: obs},
		)
	}
	return qs
}

// insertionOffers maps the insertion block's indicators to their mart columns.
func insertionOffers() map[string]string {
	m := map[string]string{"nb_sortants": "nb_sortants"}
	for _, k := range []int{3, 6, 12} {
		s := fmt.Sprintf("_%dm", k)
		for _, id := range []string{"nb_observes" + s, "nb_emploi" + s, "nb_emploi_durable" + s,
			"taux_emploi" + s, "taux_emploi" + s + "_ic_bas", "taux_emploi" + s + "_ic_haut",
			"taux_emploi_durable" + s, "taux_emploi_durable" + s + "_ic_bas", "taux_emploi_durable" + s + "_ic_haut"} {
			m[id] = id
		}
	}
	return m
}

func withOffers(m map[string]string, more map[string]string) map[string]string {
	for k, v := range more {
		m[k] = v
	}
	return m
}

func lv(dims ...string) []string { return dims }

// sources lists the marts, in the order a query looks for one that fits.
func sources() []*source {
	a, d, r := dimAnnee, dimDispositif, dimRegion
	sa, ms, s6 := dimSituation, dimMotif, dimSituation6m
	tf, f := dimTypeFinanceur, dimFinanceur
	insertion := []*source{
		{
			table:  "insertion_dispositif_region",
			unit:   "nb_sortants",
			dims:   []dimCol{colAnneeSortie, colDispositif, colRegion},
			levels: [][]string{lv(a, d, r), lv(a, d), lv(a, r), lv(a)},
			quants: insertionQuants(), offers: insertionOffers(),
			partner: partnerInsertion,
		},
		{
			table:  "insertion_sexe_age",
			unit:   "nb_sortants",
			dims:   []dimCol{colAnneeSortie, colSexe, colTrancheAge},
			levels: [][]string{lv(a, dimSexe, dimTrancheAge), lv(a, dimSexe), lv(a, dimTrancheAge), lv(a)},
			quants: insertionQuants(), offers: insertionOffers(),
		},
		{
			table:  "insertion_certification",
			unit:   "nb_sortants",
			dims:   []dimCol{colAnneeSortie, colDispositif, colCertification},
			levels: [][]string{lv(a, d, dimCertification), lv(a, dimCertification)},
			quants: insertionQuants(), offers: insertionOffers(),
		},
		{
			table:  "insertion_trimestre",
			unit:   "nb_sortants",
			dims:   []dimCol{colAnneeSortie, colTrimestre, colDispositif},
			levels: [][]string{lv(a, dimTrimestre, d), lv(a, dimTrimestre)},
			quants: insertionQuants(), offers: insertionOffers(),
		},
		{
			table:    "insertion_financeur",
			unit:     "nb_sortants",
			dims:     []dimCol{colAnneeSortie, colTypeFinanceur, colFinanceur},
			levels:   [][]string{lv(a, tf, f)},
			computed: [][]string{lv(a, tf)},
			implied:  map[string]string{f: tf},
			quants:   insertionQuants(), offers: insertionOffers(),
		},
		{
			table:  "insertion_organisme",
			unit:   "nb_sortants",
			dims:   []dimCol{colAnneeSortie, colOrganisme},
			levels: [][]string{lv(a, dimOrganisme)},
			quants: append(insertionQuants(),
				quantity{name: "nb_sortants_fin", key: "nb_sortants_fin", column: "nb_sortants_fin", rule: ruleRate, den: "nb_sortants"},
				quantity{name: "nb_sortants_certifiants", key: "nb_sortants_certifiants", column: "nb_sortants_certifiants", rule: ruleCount},
				quantity{name: "nb_certifies", key: "nb_certifies", column: "nb_certifies", rule: ruleRate, den: "nb_sortants_certifiants"},
				quantity{name: "heures_prevues", key: "heures_prevues@sortie", column: "heures_prevues", gate: "nb_sortants"},
				quantity{name: "montant_engage", key: "montant_engage@sortie", column: "CAST(montant_engage AS DOUBLE)", gate: "nb_sortants"},
			),
			offers: withOffers(insertionOffers(), map[string]string{
				"nb_sortants_fin": "nb_sortants_fin", "taux_achevement": "taux_achevement",
				"nb_sortants_certifiants": "nb_sortants_certifiants", "nb_certifies": "nb_certifies",
				"taux_certification": "taux_certification", "heures_prevues": "heures_prevues",
				"montant_engage": "montant_engage", "cout_par_heure": "cout_horaire",
				"taux_emploi_6m_attendu": "taux_emploi_6m_attendu", "valeur_ajoutee_6m": "valeur_ajoutee_6m",
				"valeur_ajoutee_6m_ic_bas": "valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut": "valeur_ajoutee_6m_ic_haut",
			}),
		},
		{
			table: "parcours_situations",
			// No unit: its rows exist only when they count somebody, but
			// the table crosses five dimensions into many small cells, and
			// giving each the floor of 1 hid flows of hundreds of exits
			// on the home page's Sankey diagram (docs/methodologie.md).
			dims:   []dimCol{colAnneeSortie, colDispositif, colSituation, colMotif, colSituation6m},
			levels: [][]string{lv(a, d, sa, ms, s6), lv(a, sa, ms, s6)},
			computed: [][]string{
				lv(a, d, sa, ms), lv(a, d, ms, s6), lv(a, d, sa), lv(a, d, ms), lv(a, d, s6),
				lv(a, sa, ms), lv(a, ms, s6), lv(a, sa), lv(a, ms), lv(a, s6),
			},
			quants: []quantity{{name: "nb_sortants", key: "nb_sortants", column: "nb_sortants", rule: ruleCount}},
			offers: map[string]string{"nb_sortants": ""},
		},
		{
			table:  "avant_apres",
			unit:   "nb_sortants",
			dims:   []dimCol{colAnneeSortie, colDispositif, colRegion},
			levels: [][]string{lv(a, d, r), lv(a, d), lv(a, r), lv(a)},
			quants: []quantity{
				{name: "nb_sortants", key: "nb_sortants", column: "nb_sortants", rule: ruleCount},
				{name: "nb_observes_avant_apres", key: "nb_observes_avant_apres", column: "nb_observes", rule: ruleCount},
				{name: "nb_emploi_avant", key: "nb_emploi_avant", column: "nb_emploi_avant", rule: ruleRate, den: "nb_observes_avant_apres"},
				{name: "nb_emploi_apres_6m", key: "nb_emploi_apres_6m", column: "nb_emploi_6m", rule: ruleRate, den: "nb_observes_avant_apres"},
			},
			offers: map[string]string{
				"nb_observes_avant_apres": "nb_observes", "nb_emploi_avant": "nb_emploi_avant", "nb_emploi_apres_6m": "nb_emploi_6m",
				"taux_emploi_avant": "taux_emploi_avant", "taux_emploi_apres_6m": "taux_emploi_6m", "evolution_emploi_points": "evolution_points",
			},
		},
		{
			table:  "coherence_formation_emploi",
			dims:   []dimCol{colAnneeSortie, colDispositif, colDomaineNSF},
			levels: [][]string{lv(a, d, dimDomaineNSF), lv(a, d), lv(a, dimDomaineNSF), lv(a)},
			quants: []quantity{
				{name: "nb_emploi_6m_correspondance", key: "nb_emploi_6m_correspondance", column: "nb_emploi_6m", rule: ruleCount},
				{name: "nb_emploi_coherent_6m", key: "nb_emploi_coherent_6m", column: "nb_coherents", rule: ruleRate, den: "nb_emploi_6m_correspondance"},
				{name: "nb_emploi_6m_hors_correspondance", key: "nb_emploi_6m_hors_correspondance", column: "nb_emploi_6m_hors_table", rule: ruleCount},
			},
			offers: map[string]string{
				"nb_emploi_6m_correspondance": "nb_emploi_6m", "nb_emploi_coherent_6m": "nb_coherents",
				"taux_coherence_6m": "taux_coherence", "taux_coherence_6m_ic_bas": "taux_coherence_ic_bas",
				"taux_coherence_6m_ic_haut": "taux_coherence_ic_haut", "nb_emploi_6m_hors_correspondance": "nb_emploi_6m_hors_table",
			},
			equations: coherenceEquations,
		},
		{
			table:  "flux_mensuels",
			dims:   []dimCol{colMois, colDispositif, colRegion},
			levels: [][]string{lv(dimMois, d, r), lv(dimMois, d), lv(dimMois)},
			quants: []quantity{
				{name: "nb_entrees", key: "nb_entrees", column: "nb_entrees", rule: ruleCount},
				{name: "nb_sortants", key: "nb_sortants", column: "nb_sorties", rule: ruleCount},
				{name: "nb_en_formation", key: "nb_en_formation", column: "nb_en_formation", rule: ruleCount},
			},
			offers:    map[string]string{"nb_entrees": "nb_entrees", "nb_sortants": "nb_sorties", "nb_en_formation": "nb_en_formation"},
			equations: flowEquations,
		},
	}
	funding := []*source{
		{
			table:     "financement_dispositif",
			dims:      []dimCol{colAnnee, colTypeFinanceur, colFinanceur, colDispositif},
			levels:    [][]string{lv(a, tf, f, d)},
			computed:  [][]string{lv(a, tf, f), lv(a, tf, d), lv(a, tf), lv(a, d), lv(a)},
			implied:   map[string]string{f: tf},
			quants:    fundingQuants(),
			equations: fundingEquations,
			offers: map[string]string{
				"nb_dossiers_finances": "nb_dossiers", "nb_dossiers_cofinances": "nb_dossiers_cofinances",
				"montant_engage": "montant_engage", "montant_realise": "montant_realise", "taux_realisation": "taux_realisation",
				"enveloppe": "enveloppe", "taux_consommation_enveloppe": "taux_consommation_enveloppe",
				"heures_prevues": "heures_prevues", "cout_par_stagiaire": "cout_par_stagiaire", "cout_par_heure": "cout_horaire",
			},
			partner: partnerFunding,
		},
		{
			table:  "cout_domaine_nsf",
			unit:   "nb_dossiers",
			dims:   []dimCol{colAnnee, colDomaineNSF, colTypeFinanceur},
			levels: [][]string{lv(a, dimDomaineNSF, tf)},
			quants: []quantity{
				{name: "nb_dossiers", key: "nb_dossiers@nsf", column: "nb_dossiers", rule: ruleCount},
				{name: "montant_engage", key: "montant_engage@engagement", column: "CAST(montant_engage AS DOUBLE)", gate: "nb_dossiers"},
				{name: "heures_prevues", key: "heures_prevues@nsf", column: "heures_prevues", gate: "nb_dossiers"},
			},
			offers: map[string]string{
				"nb_dossiers_finances": "nb_dossiers", "montant_engage": "montant_engage", "heures_prevues": "heures_prevues",
				"cout_par_stagiaire": "cout_par_stagiaire", "cout_par_heure": "cout_horaire",
			},
		},
	}
	return append(insertion, funding...)
}

// fundingQuants are the quantities of financement_dispositif. Distinct dossiers
// do not add up over funders (a co-financed dossier has lines of several), so
// the counts and hours are fixed over the funder; every figure of a row is
// gated by its number of dossiers, except an envelope that does not exist:
// its absence is published (« n.d. », enveloppe_transmise N in open data).
func fundingQuants() []quantity {
	fixed := []string{dimFinanceur, dimTypeFinanceur}
	return []quantity{
		{name: "nb_dossiers", key: "nb_dossiers@financement", column: "nb_dossiers", rule: ruleCount, fixedOver: fixed},
		{name: "nb_dossiers_cofinances", key: "nb_dossiers_cofinances@financement", column: "nb_dossiers_cofinances", rule: ruleCount, gate: "nb_dossiers", fixedOver: fixed},
		{name: "montant_engage", key: "montant_engage@engagement", column: "CAST(montant_engage AS DOUBLE)", gate: "nb_dossiers"},
		{name: "montant_realise", key: "montant_realise@engagement", column: "CAST(coalesce(montant_realise, 0) AS DOUBLE)", gate: "nb_dossiers"},
		{name: "enveloppe", key: "enveloppe", column: "CAST(coalesce(enveloppe, 0) AS DOUBLE)", gate: "nb_dossiers", absentWith: "enveloppe"},
		{name: "montant_engage_sous_enveloppe", key: "montant_engage_sous_enveloppe", column: "CAST(CASE WHEN enveloppe IS NULL THEN 0 ELSE montant_engage END AS DOUBLE)",
			gate: "nb_dossiers", absentWith: "enveloppe"},
		{name: "heures_prevues", key: "heures_prevues@financement", column: "heures_prevues", gate: "nb_dossiers", fixedOver: fixed},
	}
}
