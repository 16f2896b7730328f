package site

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/agora-formation/agora/dictionary"
)

// fundingYear is the commitment year the budget page describes: the reference
// year when it has funding, else the latest year with funding.
func (b *builder) fundingYear() (int, *frame, error) {
	f, err := b.r.query([]string{"montant_engage", "montant_realise", "taux_realisation", "enveloppe", "taux_consommation_enveloppe"}, []string{"annee"})
	if err != nil {
		return 0, nil, err
	}
	best := 0
	for i := 0; i < f.len(); i++ {
		y, err := strconv.Atoi(f.code(i, "annee"))
		if err != nil {
			continue
		}
		if y == b.year {
			return y, f, nil
		}
		if y > best {
			best = y
		}
	}
	return best, f, nil
}

// budget builds the Budget page: committed, realised and envelopes by funder
// and scheme, consumption of envelopes, unit costs, co-financing.
func (b *builder) budget() (*page, error) {
	year, byYear, err := b.fundingYear()
	if err != nil {
		return nil, err
	}
	p := &page{File: "budget.html", Current: "budget.html", Title: "Budget de la formation professionnelle"}
	if year == 0 {
		p.Lead = []string{"Aucun financement n'est encore connu : les livraisons de financements n'ont pas été chargées."}
		return p, nil
	}
	y, prev := strconv.Itoa(year), strconv.Itoa(year-1)
	committed, committedPrev := byYear.figAt("montant_engage", "annee", y), byYear.figAt("montant_engage", "annee", prev)
	real := byYear.figAt("montant_realise", "annee", y)
	p.Lead = []string{fmt.Sprintf("Montants engagés et payés par les financeurs sur les formations engagées en %d (date d'engagement), "+
		"rapportés aux enveloppes budgétaires qu'ils ont transmises.", year)}
	keys := []keyFigure{
		{Label: fmt.Sprintf("Montant engagé en %d", year), Value: fmtMEuros(committed),
			Change: changeText(changePct(committed, committedPrev), unitPct), Trend: trend(changePct(committed, committedPrev)),
			Sentence: fundingSentence(year, committed, changePct(committed, committedPrev), real)},
		{Label: "Montant payé", Value: fmtMEuros(real)},
		{Label: "Taux de réalisation", Value: unitPct.text(byYear.figAt("taux_realisation", "annee", y))},
		{Label: "Consommation des enveloppes", Value: unitPct.text(byYear.figAt("taux_consommation_enveloppe", "annee", y))},
	}
	p.Blocks = append(p.Blocks, block{Heading: "Chiffres clés", ID: "chiffres-cles", Keys: keys})

	// Distinct dossiers do not add up over funders (a co-financed dossier counts
	// for each): the catalogue gives them by funder only.
	moneyIDs := []string{"montant_engage", "montant_realise", "taux_realisation", "enveloppe", "taux_consommation_enveloppe"}

	// By type of funder.
	ft, err := b.r.query(moneyIDs, []string{"type_financeur"}, "annee", y)
	if err != nil {
		return nil, err
	}
	var typeCodes []string
	for _, v := range []string{dictionary.FunderRegion, dictionary.FunderFranceTravail, dictionary.FunderCDC, dictionary.FunderOPCO,
		dictionary.FunderTransitionsPro, dictionary.FunderEtat, dictionary.FunderAgefiph, dictionary.FunderAutre} {
		if ft.find("type_financeur", v) >= 0 {
			typeCodes = append(typeCodes, v)
		}
	}
	byType := moneyChart(ft, "type_financeur", typeCodes, funderTypeLabel, "budget-type-financeur",
		fmt.Sprintf("Engagé, payé et enveloppes par type de financeur, engagements %s", y),
		fmt.Sprintf("Montants engagés par type de financeur en %s", y))

	// By scheme.
	fd, err := b.r.query(moneyIDs, []string{"dispositif"}, "annee", y)
	if err != nil {
		return nil, err
	}
	var schemeCodes []string
	for _, c := range codesOf(dictionary.Dispositifs) {
		if fd.find("dispositif", c) >= 0 {
			schemeCodes = append(schemeCodes, c)
		}
	}
	sortByFig(fd, "dispositif", schemeCodes, "montant_engage")
	byScheme := moneyChart(fd, "dispositif", schemeCodes, schemeLabel, "budget-dispositif",
		fmt.Sprintf("Engagé, payé et enveloppes par dispositif, engagements %s", y),
		fmt.Sprintf("Montants engagés par dispositif en %s", y))

	// By funder: consumption of envelopes and co-financing.
	ff, err := b.r.query(append(moneyIDs, "nb_dossiers_finances", "nb_dossiers_cofinances"), []string{"financeur"}, "annee", y)
	if err != nil {
		return nil, err
	}
	var funders []string
	for _, c := range codesOf(dictionary.Financeurs) {
		if ff.find("financeur", c) >= 0 {
			funders = append(funders, c)
		}
	}
	consumption := b.consumptionChart(ff, funders, y)
	cofin := cofinancingChart(ff, funders, y)
	funderTable := &tableBlock{ID: "budget-financeurs", Caption: fmt.Sprintf("Financements par financeur, engagements %s", y),
		Search: "Filtrer les financeurs", CSV: true, Table: funderMoneyTable(ff, funders)}

	costs, err := b.costCharts(y)
	if err != nil {
		return nil, err
	}
	p.Blocks = append(p.Blocks,
		block{Heading: "Par type de financeur", ID: "types", Chart: byType},
		block{Heading: "Par dispositif", ID: "dispositifs", Chart: byScheme},
		block{Heading: "Consommation des enveloppes", ID: "enveloppes", Chart: consumption},
		block{Heading: "Coût par stagiaire et par heure : Régions et France Travail", ID: "couts",
			Paras: []string{"Pour un même domaine de formation (NSF), ce que coûtent les formations financées par les Régions et par France Travail : montant engagé par dossier financé, et par heure de formation prévue."}},
	)
	for _, c := range costs {
		p.Blocks = append(p.Blocks, block{Chart: c})
	}
	p.Blocks = append(p.Blocks,
		block{Heading: "Cofinancements", ID: "cofinancements", Chart: cofin},
		block{Heading: "Détail par financeur", ID: "financeurs", Table: funderTable},
	)
	return p, nil
}

// sortByFig orders codes by decreasing figure, hidden and missing last.
func sortByFig(f *frame, dim string, codes []string, id string) {
	sort.SliceStable(codes, func(a, z int) bool {
		fa, fz := f.figAt(id, dim, codes[a]), f.figAt(id, dim, codes[z])
		if fa.ok() != fz.ok() {
			return fa.ok()
		}
		return fa.v > fz.v
	})
}

// millions turns amounts into millions of euros for a chart axis.
func millions(fs []fig) []fig {
	out := make([]fig, len(fs))
	for i, f := range fs {
		out[i] = f
		if f.ok() {
			out[i].v = f.v / 1e6
		}
	}
	return out
}

// moneyChart draws committed, realised and envelope amounts (in millions of
// euros) for codes of a dimension, with the full figures in its table.
func moneyChart(f *frame, dim string, codes []string, label func(string) string, id, title, intro string) *chart {
	var labels []string
	var eng, real, env []fig
	t := table{
		Head:    []string{capitalize(dimLabel(dim)), "Montant engagé", "Montant payé", "Taux de réalisation", "Enveloppe", "Consommation de l'enveloppe"},
		Keys:    []string{dimKey(dim), "montant_engage", "montant_realise", "taux_realisation", "enveloppe", "taux_consommation_enveloppe"},
		Numeric: []bool{false, true, true, true, true, true},
	}
	for _, c := range codes {
		i := f.find(dim, c)
		labels = append(labels, label(c))
		eng = append(eng, f.fig(i, "montant_engage"))
		real = append(real, f.fig(i, "montant_realise"))
		env = append(env, f.fig(i, "enveloppe"))
		t.Rows = append(t.Rows, []cell{codeCell(label(c), c),
			figCell(eng[len(eng)-1], unitEuros), figCell(real[len(real)-1], unitEuros), figCell(f.fig(i, "taux_realisation"), unitPct),
			figCell(env[len(env)-1], unitEuros), figCell(f.fig(i, "taux_consommation_enveloppe"), unitPct)})
	}
	summary := rankSummary(intro, labels, millions(eng), unitMillions, "")
	return hbar(id, title, summary+" Les montants sont en millions d'euros ; une enveloppe absente (n.d.) n'a pas été transmise.", unitMillions, labels,
		[]series{{"Engagé", millions(eng)}, {"Payé", millions(real)}, {"Enveloppe", millions(env)}}, t)
}

// consumptionChart: committed amount over envelope, for each funder with an envelope.
func (b *builder) consumptionChart(f *frame, funders []string, y string) *chart {
	var codes []string
	for _, c := range funders {
		if v := f.figAt("taux_consommation_enveloppe", "financeur", c); v.ok() || v.secret() {
			codes = append(codes, c)
		}
	}
	sortByFig(f, "financeur", codes, "taux_consommation_enveloppe")
	var labels []string
	var rate []fig
	t := table{
		Head:    []string{"Financeur", "Montant engagé", "Enveloppe", "Consommation de l'enveloppe"},
		Keys:    []string{"code_financeur", "montant_engage", "enveloppe", "taux_consommation_enveloppe"},
		Numeric: []bool{false, true, true, true},
	}
	over := 0
	for _, c := range codes {
		i := f.find("financeur", c)
		labels = append(labels, funderLabel(c))
		r := f.fig(i, "taux_consommation_enveloppe")
		rate = append(rate, r)
		if r.ok() && r.v > 100 {
			over++
		}
		t.Rows = append(t.Rows, []cell{codeCell(funderLabel(c), c), figCell(f.fig(i, "montant_engage"), unitEuros),
			figCell(f.fig(i, "enveloppe"), unitEuros), figCell(r, unitPct)})
	}
	summary := rankSummary(fmt.Sprintf("Part de l'enveloppe %s engagée, par financeur", y), labels, rate, unitPct, "")
	switch {
	case over == 1:
		summary += " Un financeur a engagé plus que son enveloppe."
	case over > 1:
		summary += fmt.Sprintf(" %s financeurs ont engagé plus que leur enveloppe.", capitalize(numberWord(over)))
	}
	c := hbar("budget-consommation", fmt.Sprintf("Consommation des enveloppes %s par financeur", y), summary, unitPct, labels,
		[]series{{"Engagé / enveloppe", rate}}, t)
	// A line at 100 %: beyond it, a funder has committed more than its envelope.
	set(c.Option, map[string]any{
		"silent": true, "symbol": "none",
		"data":      []any{map[string]any{"xAxis": 100}},
		"label":     map[string]any{"show": false},
		"lineStyle": map[string]any{"color": "#1e1e1e", "type": "dashed", "width": 1.5},
	}, "series", "0", "markLine")
	return c
}

// cofinancingChart: share of each funder's dossiers paid by two funders or more.
func cofinancingChart(f *frame, funders []string, y string) *chart {
	var labels []string
	var share []fig
	t := table{
		Head:    []string{"Financeur", "Dossiers financés", "Dossiers cofinancés", "Part cofinancée"},
		Keys:    []string{"code_financeur", "nb_dossiers_finances", "nb_dossiers_cofinances", "part_cofinancee"},
		Numeric: []bool{false, true, true, true},
	}
	codes := append([]string(nil), funders...)
	shareOf := func(c string) fig {
		i := f.find("financeur", c)
		return pctOf(f.fig(i, "nb_dossiers_cofinances"), f.fig(i, "nb_dossiers_finances"))
	}
	sort.SliceStable(codes, func(a, z int) bool {
		fa, fz := shareOf(codes[a]), shareOf(codes[z])
		if fa.ok() != fz.ok() {
			return fa.ok()
		}
		return fa.v > fz.v
	})
	for _, c := range codes {
		i := f.find("financeur", c)
		s := shareOf(c)
		labels = append(labels, funderLabel(c))
		share = append(share, s)
		t.Rows = append(t.Rows, []cell{codeCell(funderLabel(c), c), figCell(f.fig(i, "nb_dossiers_finances"), unitCount),
			figCell(f.fig(i, "nb_dossiers_cofinances"), unitCount), figCell(s, unitPct)})
	}
	summary := rankSummary(fmt.Sprintf("Part des dossiers financés en %s qui ont au moins un autre financeur, par financeur", y), labels, share, unitPct, "")
	return hbar("budget-cofinancement", fmt.Sprintf("Part des dossiers cofinancés par financeur, engagements %s", y), summary, unitPct, labels,
		[]series{{"Dossiers cofinancés", share}}, t)
}

// funderMoneyTable is the full table of funding figures by funder.
func funderMoneyTable(f *frame, funders []string) table {
	t := table{
		Head: []string{"Financeur", "Dossiers financés", "Dossiers cofinancés", "Montant engagé", "Montant payé", "Taux de réalisation",
			"Enveloppe", "Consommation de l'enveloppe"},
		Keys: []string{"code_financeur", "nb_dossiers_finances", "nb_dossiers_cofinances", "montant_engage", "montant_realise", "taux_realisation",
			"enveloppe", "taux_consommation_enveloppe"},
		Numeric: []bool{false, true, true, true, true, true, true, true},
	}
	for _, c := range funders {
		i := f.find("financeur", c)
		t.Rows = append(t.Rows, []cell{codeCell(funderLabel(c), c),
			figCell(f.fig(i, "nb_dossiers_finances"), unitCount), figCell(f.fig(i, "nb_dossiers_cofinances"), unitCount),
			figCell(f.fig(i, "montant_engage"), unitEuros), figCell(f.fig(i, "montant_realise"), unitEuros),
			figCell(f.fig(i, "taux_realisation"), unitPct), figCell(f.fig(i, "enveloppe"), unitEuros),
			figCell(f.fig(i, "taux_consommation_enveloppe"), unitPct)})
	}
	return t
}

// costCharts compare cost per hour and per trainee of Regions and France
// Travail on the NSF domains both fund.
func (b *builder) costCharts(y string) ([]*chart, error) {
	f, err := b.r.query([]string{"nb_dossiers_finances", "cout_par_heure", "cout_par_stagiaire"}, []string{"domaine_nsf", "type_financeur"}, "annee", y)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var domains []string
	for i := 0; i < f.len(); i++ {
		d := f.code(i, "domaine_nsf")
		if d == "" || seen[d] {
			continue
		}
		if f.find("domaine_nsf", d, "type_financeur", dictionary.FunderRegion) >= 0 &&
			f.find("domaine_nsf", d, "type_financeur", dictionary.FunderFranceTravail) >= 0 {
			seen[d] = true
			domains = append(domains, d)
		}
	}
	sort.Strings(domains)
	var out []*chart
	for _, k := range []struct {
		id, title, what string
		u               unit
	}{
		{"cout_par_heure", "Coût par heure de formation prévue", "Coût par heure de formation", unitEuroCents},
		{"cout_par_stagiaire", "Coût par stagiaire", "Coût par stagiaire", unitEuros},
	} {
		var labels []string
		var reg, ft []fig
		t := table{
			Head: []string{"Domaine de formation (NSF)", "Dossiers financés par les Régions", k.what + " (Régions)",
				"Dossiers financés par France Travail", k.what + " (France Travail)"},
			Keys:    []string{"domaine_nsf", "nb_dossiers_regions", k.id + "_regions", "nb_dossiers_france_travail", k.id + "_france_travail"},
			Numeric: []bool{false, true, true, true, true},
		}
		var gaps []fig
		for _, d := range domains {
			l := d + " " + b.nsfLabel(d)
			labels = append(labels, l)
			ri := f.find("domaine_nsf", d, "type_financeur", dictionary.FunderRegion)
			fi := f.find("domaine_nsf", d, "type_financeur", dictionary.FunderFranceTravail)
			reg = append(reg, f.fig(ri, k.id))
			ft = append(ft, f.fig(fi, k.id))
			gaps = append(gaps, reg[len(reg)-1].minus(ft[len(ft)-1]))
			t.Rows = append(t.Rows, []cell{codeCell(l, d), figCell(f.fig(ri, "nb_dossiers_finances"), unitCount), figCell(reg[len(reg)-1], k.u),
				figCell(f.fig(fi, "nb_dossiers_finances"), unitCount), figCell(ft[len(ft)-1], k.u)})
		}
		summary := rankSummary(fmt.Sprintf("%s en %s, écart entre les Régions et France Travail par domaine (positif : plus cher pour les Régions)", k.what, y),
			labels, gaps, k.u, "")
		if len(domains) == 0 {
			summary = fmt.Sprintf("Aucun domaine de formation n'est financé à la fois par les Régions et par France Travail en %s.", y)
		}
		out = append(out, hbar("budget-"+k.id, fmt.Sprintf("%s : Régions et France Travail par domaine, engagements %s", k.title, y), summary, k.u, labels,
			[]series{{"Régions", reg}, {"France Travail", ft}}, t))
	}
	return out, nil
}
