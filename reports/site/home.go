package site

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/french"
)

// home builds the Accueil page: key figures with their change on the previous
// year, rates by scheme and region, the trend by exit quarter, before/after,
// and the paths from the situation before entry to the situation at M+6.
func (b *builder) home() (*page, error) {
	y, prev := strconv.Itoa(b.year), strconv.Itoa(b.year-1)
	p := &page{File: "index.html", Current: "index.html", Title: "Résultats de la formation professionnelle"}

	nat, err := b.r.query([]string{"nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut",
		"taux_emploi_durable_6m", "taux_emploi_durable_6m_ic_bas", "taux_emploi_durable_6m_ic_haut"}, []string{"annee"})
	if err != nil {
		return nil, err
	}
	fund, err := b.r.query([]string{"montant_engage", "montant_realise"}, []string{"annee"})
	if err != nil {
		return nil, err
	}
	exits, exitsPrev := nat.figAt("nb_sortants", "annee", y), nat.figAt("nb_sortants", "annee", prev)
	rate := readRateChange(nat, "taux_emploi_6m", []string{"annee", y}, []string{"annee", prev})
	dur := readRateChange(nat, "taux_emploi_durable_6m", []string{"annee", y}, []string{"annee", prev})
	real := fund.figAt("montant_realise", "annee", y)
	committed, committedPrev := fund.figAt("montant_engage", "annee", y), fund.figAt("montant_engage", "annee", prev)

	keys := []keyFigure{
		{Label: fmt.Sprintf("Sorties de formation en %d", b.year), Value: unitCount.text(exits),
			Change: changeText(changePct(exits, exitsPrev), unitPct), Trend: trend(changePct(exits, exitsPrev)),
			Sentence: exitsSentence("", b.year, exits, rate)},
		rateKey("En emploi six mois après", rate),
		withSentence(rateKey("En emploi durable six mois après", dur), durableSentence(dur)),
		// Commitments, not payments: the payments of a year's commitments go
		// on for years, so last year's have had more time and a change in
		// payments read as a cut (review of the demo: −23,5 % paid for
		// −11,5 % committed).
		{Label: fmt.Sprintf("Financements engagés en %d", b.year), Value: fmtMEuros(committed),
			Change: changeText(changePct(committed, committedPrev), unitPct), Trend: trend(changePct(committed, committedPrev)),
			Sentence: fundingSentence(b.year, committed, changePct(committed, committedPrev), real)},
	}
	p.Lead = []string{fmt.Sprintf("Ce que deviennent les personnes qui sortent d'une formation professionnelle financée en France, "+
		"d'après les déclarations sociales nominatives (DSN) des employeurs. Année de référence : sorties de %d, "+
		"dernière année dont toutes les sorties sont observées six mois après.", b.year)}
	p.Blocks = append(p.Blocks, block{Heading: "Chiffres clés", ID: "chiffres-cles", Keys: keys})

	bySchemes, err := b.ratesByScheme("accueil-taux-dispositif", "", y)
	if err != nil {
		return nil, err
	}
	byRegion, err := b.ratesByRegion(y)
	if err != nil {
		return nil, err
	}
	quarters, err := b.trendByQuarter()
	if err != nil {
		return nil, err
	}
	ba, baSentence, err := b.beforeAfter("accueil-avant-apres", "", y)
	if err != nil {
		return nil, err
	}
	paths, err := b.paths(y)
	if err != nil {
		return nil, err
	}
	p.Blocks = append(p.Blocks,
		block{Heading: "Taux d'emploi par dispositif", ID: "dispositifs", Chart: bySchemes},
		block{Heading: "Taux d'emploi par région", ID: "regions", Chart: byRegion,
			Links: []link{{Href: "regions.html", Text: "Les résultats de chaque région"}}},
		block{Heading: "Évolution par trimestre de sortie", ID: "tendance", Chart: quarters},
		block{Heading: "Avant et après la formation", ID: "avant-apres", Paras: nonEmpty(baSentence), Chart: ba},
		block{Heading: "Parcours : avant l'entrée, sortie, six mois après", ID: "parcours", Chart: paths},
	)
	return p, nil
}

func withSentence(k keyFigure, s string) keyFigure {
	k.Sentence = s
	return k
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// rateRows are the rates of the insertion block for one breakdown.
var rateIDs = []string{"nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut", "taux_emploi_durable_6m"}

// ratesChart draws the employment and durable employment rates at six months
// of the rows of f, one bar pair per code, sorted by decreasing rate.
func ratesChart(f *frame, dim string, codes []string, label func(string) string,
	id, title, intro, ref string) *chart {
	type row struct {
		code string
		i    int
	}
	var rows []row
	for _, c := range codes {
		if i := f.find(dim, c); i >= 0 {
			rows = append(rows, row{c, i})
		}
	}
	sort.SliceStable(rows, func(a, z int) bool {
		fa, fz := f.fig(rows[a].i, "taux_emploi_6m"), f.fig(rows[z].i, "taux_emploi_6m")
		if fa.ok() != fz.ok() {
			return fa.ok()
		}
		return fa.v > fz.v
	})
	var labels []string
	var emp, dur []fig
	t := table{
		Head:    []string{capitalize(dimLabel(dim)), "Sortants", "Observés à 6 mois", "Taux d'emploi à 6 mois", "Borne basse (IC 95 %)", "Borne haute (IC 95 %)", "Taux d'emploi durable à 6 mois"},
		Keys:    []string{dimKey(dim), "nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut", "taux_emploi_durable_6m"},
		Numeric: []bool{false, true, true, true, true, true, true},
	}
	for _, r := range rows {
		l := label(r.code)
		labels = append(labels, l)
		emp = append(emp, f.fig(r.i, "taux_emploi_6m"))
		dur = append(dur, f.fig(r.i, "taux_emploi_durable_6m"))
		t.Rows = append(t.Rows, []cell{codeCell(l, r.code),
			figCell(f.fig(r.i, "nb_sortants"), unitCount), figCell(f.fig(r.i, "nb_observes_6m"), unitCount),
			figCell(f.fig(r.i, "taux_emploi_6m"), unitPct), figCell(f.fig(r.i, "taux_emploi_6m_ic_bas"), unitPct),
			figCell(f.fig(r.i, "taux_emploi_6m_ic_haut"), unitPct), figCell(f.fig(r.i, "taux_emploi_durable_6m"), unitPct)})
	}
	return hbar(id, title, rankSummary(intro, labels, emp, unitPct, ref), unitPct, labels,
		[]series{{"En emploi", emp}, {"En emploi durable", dur}}, t)
}

func dimLabel(dim string) string {
	switch dim {
	case "dispositif":
		return "dispositif"
	case "region":
		return "région"
	case "financeur":
		return "financeur"
	case "type_financeur":
		return "type de financeur"
	case "domaine_nsf":
		return "domaine de formation (NSF)"
	case "organisme":
		return "organisme (SIRET)"
	}
	return dim
}

func dimKey(dim string) string {
	switch dim {
	case "dispositif":
		return "code_dispositif"
	case "region":
		return "code_region"
	case "financeur":
		return "code_financeur"
	case "organisme":
		return "siret_of"
	}
	return dim
}

func codesOf(l *dictionary.List) []string {
	out := make([]string, len(l.Codes))
	for i, c := range l.Codes {
		out[i] = c.Code
	}
	return out
}

// ratesByScheme: employment rates at six months by scheme, nationally or in
// one region.
func (b *builder) ratesByScheme(id, region, y string) (*chart, error) {
	filters := []string{"annee", y}
	where := ""
	if region != "" {
		filters = append(filters, "region", region)
		where = " " + dictionary.RegionIn(region)
	}
	f, err := b.r.query(rateIDs, []string{"dispositif"}, filters...)
	if err != nil {
		return nil, err
	}
	ref, err := b.nationalRateRef(y, region)
	if err != nil {
		return nil, err
	}
	return ratesChart(f, "dispositif", codesOf(dictionary.Dispositifs), schemeLabel, id,
		fmt.Sprintf("Part des sortants de %s en emploi six mois après, par dispositif%s", y, where),
		fmt.Sprintf("Taux d'emploi à six mois des sortants de %s%s, par dispositif", y, where), ref), nil
}

// nationalRateRef is « ensemble : 60,8 % » for the sentence of a chart.
func (b *builder) nationalRateRef(y, region string) (string, error) {
	var f *frame
	var err error
	if region == "" {
		f, err = b.r.query([]string{"taux_emploi_6m"}, nil, "annee", y)
	} else {
		f, err = b.r.query([]string{"taux_emploi_6m"}, nil, "annee", y, "region", region)
	}
	if err != nil {
		return "", err
	}
	if f.len() == 0 {
		return "", nil
	}
	r := f.fig(0, "taux_emploi_6m")
	if !r.ok() {
		return "", nil
	}
	return "tous dispositifs : " + fmtPct(r.v), nil
}

func (b *builder) ratesByRegion(y string) (*chart, error) {
	f, err := b.r.query(rateIDs, []string{"region"}, "annee", y)
	if err != nil {
		return nil, err
	}
	ref, err := b.nationalRateRef(y, "")
	if err != nil {
		return nil, err
	}
	return ratesChart(f, "region", codesOf(dictionary.Regions), regionLabel, "accueil-taux-region",
		fmt.Sprintf("Part des sortants de %s en emploi six mois après, par région de formation", y),
		fmt.Sprintf("Taux d'emploi à six mois des sortants de %s, par région", y), ref), nil
}

// trendByQuarter: rates at 3, 6 and 12 months by exit quarter.
func (b *builder) trendByQuarter() (*chart, error) {
	f, err := b.r.query([]string{"nb_sortants", "taux_emploi_3m", "taux_emploi_6m", "taux_emploi_durable_6m", "taux_emploi_12m"},
		[]string{"annee", "trimestre"})
	if err != nil {
		return nil, err
	}
	var cats []string
	var r3, r6, d6, r12 []fig
	t := table{
		Head:    []string{"Trimestre de sortie", "Sortants", "Taux d'emploi à 3 mois", "Taux d'emploi à 6 mois", "Taux d'emploi durable à 6 mois", "Taux d'emploi à 12 mois"},
		Keys:    []string{"trimestre_sortie", "nb_sortants", "taux_emploi_3m", "taux_emploi_6m", "taux_emploi_durable_6m", "taux_emploi_12m"},
		Numeric: []bool{false, true, true, true, true, true},
	}
	for _, y := range b.years {
		for q := 1; q <= 4; q++ {
			i := f.find("annee", strconv.Itoa(y), "trimestre", strconv.Itoa(q))
			if i < 0 {
				continue
			}
			label := fmt.Sprintf("T%d %d", q, y)
			cats = append(cats, label)
			r3 = append(r3, f.fig(i, "taux_emploi_3m"))
			r6 = append(r6, f.fig(i, "taux_emploi_6m"))
			d6 = append(d6, f.fig(i, "taux_emploi_durable_6m"))
			r12 = append(r12, f.fig(i, "taux_emploi_12m"))
			t.Rows = append(t.Rows, []cell{codeCell(label, fmt.Sprintf("%d-T%d", y, q)), figCell(f.fig(i, "nb_sortants"), unitCount),
				figCell(r3[len(r3)-1], unitPct), figCell(r6[len(r6)-1], unitPct), figCell(d6[len(d6)-1], unitPct), figCell(r12[len(r12)-1], unitPct)})
		}
	}
	summary := "Taux d'emploi des sortants à 3, 6 et 12 mois selon le trimestre de leur sortie"
	if n := len(r6); n > 0 {
		first, last := -1, -1
		for i, v := range r6 {
			if v.ok() {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		if first >= 0 {
			summary += fmt.Sprintf(" : à six mois, %s au %s et %s au %s", fmtPct(r6[first].v), quarterWords(cats[first]),
				fmtPct(r6[last].v), quarterWords(cats[last]))
		}
		summary += ". Les trimestres les plus récents ne sont pas encore observés à 6 ou 12 mois : leurs points manquent."
	}
	return lines("accueil-tendance-trimestre", "Taux d'emploi selon le trimestre de sortie", summary, unitPct, cats,
		[]series{{"À 3 mois", r3}, {"À 6 mois", r6}, {"Emploi durable à 6 mois", d6}, {"À 12 mois", r12}}, t), nil
}

// quarterWords writes « T1 2024 » as « 1er trimestre 2024 ».
func quarterWords(q string) string {
	var n, y int
	if _, err := fmt.Sscanf(q, "T%d %d", &n, &y); err != nil {
		return q
	}
	ord := "e"
	if n == 1 {
		ord = "er"
	}
	return fmt.Sprintf("%d%s trimestre %d", n, ord, y)
}

// beforeAfter compares, by scheme, employment the month before entry with
// employment six months after exit, for the same people.
func (b *builder) beforeAfter(id, region, y string) (*chart, string, error) {
	ids := []string{"nb_observes_avant_apres", "taux_emploi_avant", "taux_emploi_apres_6m", "evolution_emploi_points"}
	filters := []string{"annee", y}
	where := ""
	if region != "" {
		filters = append(filters, "region", region)
		where = " " + dictionary.RegionIn(region)
	}
	f, err := b.r.query(ids, []string{"dispositif"}, filters...)
	if err != nil {
		return nil, "", err
	}
	tot, err := b.r.query(ids, nil, filters...)
	if err != nil {
		return nil, "", err
	}
	sentence := ""
	if tot.len() > 0 {
		sentence = beforeAfterSentence(b.year, tot.fig(0, "taux_emploi_avant"), tot.fig(0, "taux_emploi_apres_6m"), tot.fig(0, "evolution_emploi_points"))
	}
	var labels []string
	var before, after, diff []fig
	t := table{
		Head:    []string{"Dispositif", "Sortants observés avant et après", "En emploi le mois avant l'entrée", "En emploi 6 mois après la sortie", "Évolution (points)"},
		Keys:    []string{"code_dispositif", "nb_observes_avant_apres", "taux_emploi_avant", "taux_emploi_apres_6m", "evolution_emploi_points"},
		Numeric: []bool{false, true, true, true, true},
	}
	type row struct {
		code string
		i    int
	}
	var rows []row
	for _, c := range codesOf(dictionary.Dispositifs) {
		if i := f.find("dispositif", c); i >= 0 {
			rows = append(rows, row{c, i})
		}
	}
	sort.SliceStable(rows, func(a, z int) bool {
		fa, fz := f.fig(rows[a].i, "evolution_emploi_points"), f.fig(rows[z].i, "evolution_emploi_points")
		if fa.ok() != fz.ok() {
			return fa.ok()
		}
		return fa.v > fz.v
	})
	for _, r := range rows {
		labels = append(labels, schemeLabel(r.code))
		before = append(before, f.fig(r.i, "taux_emploi_avant"))
		after = append(after, f.fig(r.i, "taux_emploi_apres_6m"))
		diff = append(diff, f.fig(r.i, "evolution_emploi_points"))
		t.Rows = append(t.Rows, []cell{codeCell(schemeLabel(r.code), r.code), figCell(f.fig(r.i, "nb_observes_avant_apres"), unitCount),
			figCell(before[len(before)-1], unitPct), figCell(after[len(after)-1], unitPct), figCell(diff[len(diff)-1], unitPoints)})
	}
	summary := rankSummary(fmt.Sprintf("Écart entre le taux d'emploi six mois après la sortie et le mois avant l'entrée, sortants de %s%s, par dispositif", y, where),
		labels, diff, unitPoints, "")
	c := hbar(id, fmt.Sprintf("En emploi le mois avant l'entrée et six mois après la sortie, sortants de %s%s", y, where), summary, unitPct, labels,
		[]series{{"Le mois avant l'entrée", before}, {"Six mois après la sortie", after}}, t)
	return c, sentence, nil
}

// Sankey node labels.
var (
	beforeNodes = []struct{ code, label string }{
		{"EMPLOI", "Avant : en emploi"}, {"SANS_EMPLOI", "Avant : sans emploi salarié"}, {"NON_OBSERVE", "Avant : non observé"}}
	exitNodes = []struct{ code, label string }{
		{"FIN", "Sortie : formation achevée"}, {"EMPLOI", "Sortie : départ pour un emploi"}, {"ABANDON", "Sortie : abandon"},
		{"EXCLUSION", "Sortie : exclusion"}, {"AUTRE", "Sortie : autre motif"}}
	afterNodes = []struct{ code, label string }{
		{"EMPLOI_DURABLE", "À 6 mois : emploi durable"}, {"EMPLOI_NON_DURABLE", "À 6 mois : emploi non durable"},
		{"SANS_EMPLOI", "À 6 mois : sans emploi salarié"}, {"NON_OBSERVE", "À 6 mois : non observé"}}
)

// paths draws the Sankey diagram: situation the month before entry → reason
// of exit → situation at six months. Each set of links comes from its own
// disclosure-controlled table.
func (b *builder) paths(y string) (*chart, error) {
	in, err := b.r.query([]string{"nb_sortants"}, []string{"situation_avant", "motif_sortie"}, "annee", y)
	if err != nil {
		return nil, err
	}
	out, err := b.r.query([]string{"nb_sortants"}, []string{"motif_sortie", "situation_6m"}, "annee", y)
	if err != nil {
		return nil, err
	}
	after, err := b.r.query([]string{"nb_sortants"}, []string{"situation_6m"}, "annee", y)
	if err != nil {
		return nil, err
	}
	// Node sizes: the published margins, which a hidden flow does not shrink.
	before, err := b.r.query([]string{"nb_sortants"}, []string{"situation_avant"}, "annee", y)
	if err != nil {
		return nil, err
	}
	exits, err := b.r.query([]string{"nb_sortants"}, []string{"motif_sortie"}, "annee", y)
	if err != nil {
		return nil, err
	}
	totals := map[string]fig{}
	for _, s := range beforeNodes {
		totals[s.label] = before.figAt("nb_sortants", "situation_avant", s.code)
	}
	for _, m := range exitNodes {
		totals[m.label] = exits.figAt("nb_sortants", "motif_sortie", m.code)
	}
	for _, s := range afterNodes {
		totals[s.label] = after.figAt("nb_sortants", "situation_6m", s.code)
	}
	var flows []flow
	t := table{Head: []string{"De", "Vers", "Sortants"}, Keys: []string{"de", "vers", "nb_sortants"}, Numeric: []bool{false, false, true}}
	hidden := 0
	add := func(from, to string, n fig) {
		if !n.ok() && !n.secret() {
			return
		}
		if n.secret() {
			hidden++
		}
		flows = append(flows, flow{from, to, n})
		t.Rows = append(t.Rows, []cell{textCell(from), textCell(to), figCell(n, unitCount)})
	}
	for _, s := range beforeNodes {
		for _, m := range exitNodes {
			add(s.label, m.label, in.figAt("nb_sortants", "situation_avant", s.code, "motif_sortie", m.code))
		}
	}
	for _, m := range exitNodes {
		for _, s := range afterNodes {
			add(m.label, s.label, out.figAt("nb_sortants", "motif_sortie", m.code, "situation_6m", s.code))
		}
	}
	var parts []string
	for _, s := range afterNodes {
		n := after.figAt("nb_sortants", "situation_6m", s.code)
		if n.ok() {
			parts = append(parts, fmt.Sprintf("%s %s", french.Int(int64(n.v)), afterWords[s.code]))
		}
	}
	summary := fmt.Sprintf("Parcours des sortants de %s, de leur situation le mois avant l'entrée à leur situation six mois après la sortie, en passant par le motif de sortie.", y)
	if len(parts) > 0 {
		summary += " Six mois après : " + joinFR(parts) + "."
	}
	if hidden > 0 {
		// Hidden by the primary rule (fewer than 11) or to protect another
		// cell (secondary suppression): the reason is not always « < 11 ».
		summary += fmt.Sprintf(" %d flux couverts par le secret statistique ne sont pas dessinés ; les barres gardent l'effectif publié de chaque situation et de chaque motif de sortie.", hidden)
	}
	nodes := [][]string{labelsOf(beforeNodes), labelsOf(exitNodes), labelsOf(afterNodes)}
	return sankey("accueil-parcours", fmt.Sprintf("Parcours des sortants de %s", y), summary,
		[]string{"Avant l'entrée", "Sortie", "À 6 mois"}, nodes, totals, flows, t), nil
}

var afterWords = map[string]string{
	"EMPLOI_DURABLE": "en emploi durable", "EMPLOI_NON_DURABLE": "en emploi non durable",
	"SANS_EMPLOI": "sans emploi salarié", "NON_OBSERVE": "non observés",
}

func labelsOf(ns []struct{ code, label string }) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.label
	}
	return out
}

// joinFR joins « a, b et c ».
func joinFR(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	s := ""
	for i, p := range parts[:len(parts)-1] {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s + " et " + parts[len(parts)-1]
}
