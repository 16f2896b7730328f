package indicators

import (
	"fmt"
	"math"
	"slices"
	"sort"
)

// indicatorDef is an indicator with how to compute and protect it.
type indicatorDef struct {
	Indicator
	typ      ColumnType
	decimals int
	// needs are the local quantities that must be published for the figure to
	// be (a rate needs its numerator and denominator).
	needs []string
	// calc computes the figure from the quantities of a row, for levels the
	// mart does not hold and for Partner queries; nil when only the mart has it.
	calc func(v func(string) float64) (float64, bool)
	// byExitYear: the indicator's annee is the year of commitment, but a mart
	// publishes it by exit year (amounts by organisation, from
	// insertion_organisme); there its year is named annee_sortie, so that
	// annee never changes meaning.
	byExitYear bool
}

// vals reads a quantity of a row.
type vals = func(string) float64

func count(name string) func(vals) (float64, bool) {
	return func(v vals) (float64, bool) { return v(name), true }
}

func ratio(num, den string, scale float64) func(vals) (float64, bool) {
	return func(v vals) (float64, bool) {
		d := v(den)
		if d == 0 {
			return 0, false
		}
		return scale * v(num) / d, true
	}
}

func wilsonBound(num, den string, high bool) func(vals) (float64, bool) {
	return func(v vals) (float64, bool) {
		lo, hi, ok := wilson(v(num), v(den))
		if high {
			return hi, ok
		}
		return lo, ok
	}
}

// wilson returns the 95% Wilson interval of k successes out of n, in percent.
func wilson(k, n float64) (lo, hi float64, ok bool) {
	if n <= 0 {
		return 0, 0, false
	}
	const z = 1.959963984540054
	p := k / n
	den := 1 + z*z/n
	center := (p + z*z/(2*n)) / den
	half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / den
	return 100 * math.Max(0, center-half), 100 * math.Min(1, center+half), true
}

// Kinds of figures, for the column types.
func countDef(id, label, def string, unit Unit, name string) indicatorDef {
	return indicatorDef{Indicator: Indicator{ID: id, Label: label, Definition: def, Unit: unit},
		typ: TypeInteger, decimals: -1, needs: []string{name}, calc: count(name)}
}

func amountDef(id, label, def string, name string) indicatorDef {
	return indicatorDef{Indicator: Indicator{ID: id, Label: label, Definition: def, Unit: UnitEuros},
		typ: TypeNumber, decimals: 2, needs: []string{name}, calc: count(name)}
}

func rateDef(id, label, def, num, den string) indicatorDef {
	return indicatorDef{Indicator: Indicator{ID: id, Label: label, Definition: def, Unit: UnitPercent, Rate: true},
		typ: TypeNumber, decimals: 1, needs: []string{num, den}, calc: ratio(num, den, 100)}
}

func boundDef(rate indicatorDef, high bool) indicatorDef {
	num, den := rate.needs[0], rate.needs[1]
	d := rate
	if high {
		d.ID += "_ic_haut"
		d.Label += " : borne haute de l'intervalle de confiance à 95 %"
		d.Definition = "Borne haute de l'intervalle de Wilson à 95 % de l'indicateur " + rate.ID + "."
	} else {
		d.ID += "_ic_bas"
		d.Label += " : borne basse de l'intervalle de confiance à 95 %"
		d.Definition = "Borne basse de l'intervalle de Wilson à 95 % de l'indicateur " + rate.ID + "."
	}
	d.calc = wilsonBound(num, den, high)
	return d
}

// horizonFR names an horizon in French.
func horizonFR(k int) string { return fmt.Sprintf("%d mois", k) }

// insertionDefs are the indicators of the insertion block of docs/marts.md.
func insertionDefs() []indicatorDef {
	defs := []indicatorDef{countDef("nb_sortants", "Sortants de formation",
		"Nombre de sorties de formation : dossiers non annulés ayant une entrée et une sortie finale (la dernière sortie non suivie d'une reprise). "+
			"L'unité est la sortie : une personne qui quitte deux formations compte deux fois.", UnitPersons, "nb_sortants")}
	for _, k := range []int{3, 6, 12} {
		s := fmt.Sprintf("_%dm", k)
		h := horizonFR(k)
		obs, emp, dur := "nb_observes"+s, "nb_emploi"+s, "nb_emploi_durable"+s
		defs = append(defs,
			countDef(obs, "Sortants observés à "+h,
				"Sortants dont le mois de sortie + "+h+" est couvert par la DSN chargée : dénominateur des taux à "+h+
					". Un sortant non observé n'est jamais compté comme sans emploi.", UnitPersons, obs),
			countDef(emp, "Sortants en emploi à "+h,
				"Sortants observés ayant au moins un contrat CDI, CDD ou intérim déclaré en DSN le mois de sortie + "+h+
					". Publié avec le taux d'emploi et masqué avec lui.", UnitPersons, emp),
			countDef(dur, "Sortants en emploi durable à "+h,
				"Sortants observés dont le meilleur emploi du mois de sortie + "+h+
					" est un CDI, ou un CDD ou une mission d'intérim d'au moins 6 mois. Publié avec le taux et masqué avec lui.", UnitPersons, dur),
		)
		rate := rateDef("taux_emploi"+s, "Taux d'emploi à "+h,
			"Part des sortants observés à "+h+" qui sont en emploi salarié (CDI, CDD ou intérim, d'après la DSN) le mois de sortie + "+h+
				", en pourcentage à une décimale. Publié quand au moins 20 sortants sont observés.", emp, obs)
		durable := rateDef("taux_emploi_durable"+s, "Taux d'emploi durable à "+h,
			"Part des sortants observés à "+h+" dont le meilleur emploi le mois de sortie + "+h+
				" est durable (CDI, ou CDD ou intérim d'au moins 6 mois), en pourcentage à une décimale. Publié quand au moins 20 sortants sont observés.", dur, obs)
		defs = append(defs, rate, boundDef(rate, false), boundDef(rate, true), durable, boundDef(durable, false), boundDef(durable, true))
	}
	return defs
}

func otherDefs() []indicatorDef {
	achev := rateDef("taux_achevement", "Taux d'achèvement",
		"Part des sortants dont la formation est menée à son terme (motif de sortie FIN), en pourcentage.", "nb_sortants_fin", "nb_sortants")
	certif := rateDef("taux_certification", "Taux de certification",
		"Part des sortants visant une certification (RNCP ou RS) qui l'ont obtenue, en pourcentage.", "nb_certifies", "nb_sortants_certifiants")
	attendu := indicatorDef{Indicator: Indicator{ID: "taux_emploi_6m_attendu", Label: "Taux d'emploi à 6 mois attendu",
		Definition: "Taux d'emploi à 6 mois qu'aurait l'organisme si chacun de ses sortants observés avait le taux national de sa strate " +
			"(même année de sortie, dispositif, situation avant l'entrée, tranche d'âge et sexe), en pourcentage.", Unit: UnitPercent, Rate: true},
		typ: TypeNumber, decimals: 1, needs: []string{"nb_emploi_6m", "nb_observes_6m"}}
	va := indicatorDef{Indicator: Indicator{ID: "valeur_ajoutee_6m", Label: "Valeur ajoutée à 6 mois",
		Definition: "Taux d'emploi à 6 mois observé moins le taux attendu, en points de pourcentage : positif quand l'organisme " +
			"fait mieux que ce que la composition de ses sortants laisse attendre.", Unit: UnitPoints, Rate: true},
		typ: TypeNumber, decimals: 1, needs: []string{"nb_emploi_6m", "nb_observes_6m"}}
	vaLo, vaHi := va, va
	vaLo.ID, vaLo.Label, vaLo.Definition = "valeur_ajoutee_6m_ic_bas", "Valeur ajoutée à 6 mois : borne basse",
		"Borne basse de l'intervalle de Wilson à 95 % du taux observé, moins le taux attendu, en points."
	vaHi.ID, vaHi.Label, vaHi.Definition = "valeur_ajoutee_6m_ic_haut", "Valeur ajoutée à 6 mois : borne haute",
		"Borne haute de l'intervalle de Wilson à 95 % du taux observé, moins le taux attendu, en points."
	coutHeure := indicatorDef{Indicator: Indicator{ID: "cout_par_heure", Label: "Coût par heure de formation",
		Definition: "Montant engagé divisé par les heures prévues, en euros par heure (au centime).", Unit: UnitEuroHour},
		typ: TypeNumber, decimals: 2, needs: []string{"montant_engage", "heures_prevues"}, calc: ratio("montant_engage", "heures_prevues", 1)}
	coutStagiaire := indicatorDef{Indicator: Indicator{ID: "cout_par_stagiaire", Label: "Coût par stagiaire",
		Definition: "Montant engagé divisé par le nombre de dossiers financés, en euros (au centime).", Unit: UnitEuros},
		typ: TypeNumber, decimals: 2, needs: []string{"montant_engage", "nb_dossiers"}, calc: ratio("montant_engage", "nb_dossiers", 1)}
	realisation := rateDef("taux_realisation", "Taux de réalisation",
		"Montant réalisé (payé) rapporté au montant engagé, en pourcentage.", "montant_realise", "montant_engage")
	realisation.Rate = false
	conso := rateDef("taux_consommation_enveloppe", "Taux de consommation de l'enveloppe",
		"Montant engagé rapporté à l'enveloppe budgétaire du financeur pour le dispositif et l'année, en pourcentage ; vide sans enveloppe.",
		"montant_engage_sous_enveloppe", "enveloppe")
	conso.Rate = false
	enveloppe := amountDef("enveloppe", "Enveloppe budgétaire",
		"Enveloppe budgétaire transmise par le financeur pour le dispositif et l'année, en euros ; vide quand il n'y en a pas.", "enveloppe")
	enveloppe.calc = func(v vals) (float64, bool) { e := v("enveloppe"); return e, e > 0 }
	avant := rateDef("taux_emploi_avant", "Taux d'emploi le mois avant l'entrée",
		"Part des sortants observés à la fois le mois précédant l'entrée et 6 mois après la sortie qui étaient en emploi le mois précédant l'entrée, en pourcentage.",
		"nb_emploi_avant", "nb_observes_avant_apres")
	apres := rateDef("taux_emploi_apres_6m", "Taux d'emploi 6 mois après la sortie (avant/après)",
		"Part des mêmes sortants (observés avant l'entrée et à 6 mois) en emploi 6 mois après la sortie, en pourcentage.",
		"nb_emploi_apres_6m", "nb_observes_avant_apres")
	evolution := indicatorDef{Indicator: Indicator{ID: "evolution_emploi_points", Label: "Évolution du taux d'emploi (avant → 6 mois)",
		Definition: "Taux d'emploi 6 mois après la sortie moins taux d'emploi le mois avant l'entrée, sur les mêmes sortants, en points de pourcentage.",
		Unit:       UnitPoints, Rate: true}, typ: TypeNumber, decimals: 1,
		needs: []string{"nb_emploi_avant", "nb_emploi_apres_6m", "nb_observes_avant_apres"},
		calc: func(v vals) (float64, bool) {
			n := v("nb_observes_avant_apres")
			if n == 0 {
				return 0, false
			}
			return 100 * (v("nb_emploi_apres_6m") - v("nb_emploi_avant")) / n, true
		}}
	coherence := rateDef("taux_coherence_6m", "Cohérence formation-emploi à 6 mois",
		"Part des sortants en emploi à 6 mois dont le secteur (section NAF) du meilleur emploi correspond au domaine (NSF) de la formation, "+
			"d'après la table de correspondance versionnée ; les domaines sans correspondance sont exclus.", "nb_emploi_coherent_6m", "nb_emploi_6m_correspondance")
	defs := []indicatorDef{
		countDef("nb_sortants_fin", "Sortants ayant achevé leur formation", "Sortants au motif FIN (formation menée à son terme). Publié avec le taux d'achèvement.", UnitPersons, "nb_sortants_fin"),
		achev,
		countDef("nb_sortants_certifiants", "Sortants visant une certification", "Sortants dont le dossier vise une certification (RNCP ou RS).", UnitPersons, "nb_sortants_certifiants"),
		countDef("nb_certifies", "Sortants certifiés", "Sortants visant une certification qui l'ont obtenue. Publié avec le taux de certification.", UnitPersons, "nb_certifies"),
		certif,
		attendu, va, vaLo, vaHi,
		countDef("nb_dossiers_finances", "Dossiers financés", "Dossiers distincts (non annulés) ayant au moins une ligne de financement.", UnitDossiers, "nb_dossiers"),
		countDef("nb_dossiers_cofinances", "Dossiers cofinancés", "Parmi les dossiers financés, ceux payés par au moins deux financeurs distincts.", UnitDossiers, "nb_dossiers_cofinances"),
		amountDef("montant_engage", "Montant engagé", "Somme des montants engagés (tous types de coût), en euros.", "montant_engage"),
		amountDef("montant_realise", "Montant réalisé", "Somme des montants réalisés (payés) connus, en euros.", "montant_realise"),
		realisation, enveloppe, conso,
		countDef("heures_prevues", "Heures de formation prévues", "Somme des heures prévues des dossiers.", UnitHours, "heures_prevues"),
		coutStagiaire, coutHeure,
		countDef("nb_observes_avant_apres", "Sortants observés avant et après", "Sortants observés à la fois le mois précédant l'entrée et 6 mois après la sortie.", UnitPersons, "nb_observes_avant_apres"),
		countDef("nb_emploi_avant", "En emploi le mois avant l'entrée", "Parmi les sortants observés avant et après, ceux en emploi le mois précédant l'entrée.", UnitPersons, "nb_emploi_avant"),
		countDef("nb_emploi_apres_6m", "En emploi 6 mois après (avant/après)", "Parmi les sortants observés avant et après, ceux en emploi 6 mois après la sortie.", UnitPersons, "nb_emploi_apres_6m"),
		avant, apres, evolution,
		countDef("nb_entrees", "Entrées en formation", "Dossiers entrés en formation dans le mois (première entrée).", UnitPersons, "nb_entrees"),
		countDef("nb_en_formation", "Personnes en formation", "Dossiers entrés et pas encore sortis à la fin du mois (interruptions comprises).", UnitPersons, "nb_en_formation"),
		countDef("nb_emploi_6m_correspondance", "En emploi à 6 mois (domaine avec correspondance)", "Sortants en emploi à 6 mois dont le domaine NSF figure dans la table de correspondance NSF-NAF.", UnitPersons, "nb_emploi_6m_correspondance"),
		countDef("nb_emploi_coherent_6m", "En emploi cohérent avec la formation à 6 mois", "Parmi eux, ceux dont la section NAF du meilleur emploi correspond au domaine de la formation.", UnitPersons, "nb_emploi_coherent_6m"),
		coherence, boundDef(coherence, false), boundDef(coherence, true),
		countDef("nb_emploi_6m_hors_correspondance", "En emploi à 6 mois (domaine sans correspondance)", "Sortants en emploi à 6 mois dont le domaine NSF n'a pas de correspondance (domaines généraux) : exclus du taux de cohérence.", UnitPersons, "nb_emploi_6m_hors_correspondance"),
	}
	// Hours are not people: published with their row, hidden with its count.
	for i := range defs {
		if defs[i].ID == "heures_prevues" {
			defs[i].Unit = UnitHours
		}
	}
	return defs
}

// New returns agora's catalogue of indicators, dimensions and sources.
func New() *Catalogue {
	c := &Catalogue{dimensions: dimensions(), sources: sources()}
	c.defs = append(insertionDefs(), otherDefs()...)
	dimOrder := map[string]int{}
	for i, d := range c.dimensions {
		dimOrder[d.ID] = i
	}
	for i := range c.defs {
		d := &c.defs[i]
		dims := map[string]bool{}
		commitment, exit := false, false
		for _, s := range c.sources {
			if _, ok := s.offers[d.ID]; !ok {
				continue
			}
			d.Sources = append(d.Sources, s.table)
			for _, dc := range s.dims {
				dims[dc.dim] = true
			}
			commitment = commitment || slices.Contains(s.dims, colAnnee)
			exit = exit || exitYear(s.dims)
		}
		if commitment && exit {
			d.byExitYear = true
			dims[dimAnneeSortie] = true
		}
		for k := range dims {
			d.Dimensions = append(d.Dimensions, k)
		}
		d.Kind = kindOf(d, c.sources)
		sort.Slice(d.Dimensions, func(a, b int) bool { return dimOrder[d.Dimensions[a]] < dimOrder[d.Dimensions[b]] })
		c.indicators = append(c.indicators, d.Indicator)
	}
	return c
}

func (c *Catalogue) def(id string) *indicatorDef {
	for i := range c.defs {
		if c.defs[i].ID == id {
			return &c.defs[i]
		}
	}
	return nil
}

// kindOf classifies an indicator by the rule its figures follow.
func kindOf(d *indicatorDef, srcs []*source) Kind {
	switch {
	case d.Rate:
		return KindRate
	case d.typ == TypeInteger && (d.Unit == UnitPersons || d.Unit == UnitDossiers):
		for _, s := range srcs {
			if _, ok := s.offers[d.ID]; !ok {
				continue
			}
			if q := s.quantity(d.needs[0]); q != nil && q.rule == ruleRate {
				return KindNumerator
			}
		}
		return KindCount
	case d.Unit == UnitEuros && len(d.needs) == 1, d.Unit == UnitHours:
		return KindAmount
	default:
		return KindRatio
	}
}
