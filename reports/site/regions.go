package site

import (
	"fmt"
	"strconv"

	"github.com/agora-formation/agora/dictionary"
)

// regionFile is the page of one region.
func regionFile(code string) string { return "region-" + code + ".html" }

// regions builds the list of regions and one page per region.
func (b *builder) regions() ([]*page, error) {
	y, prev := strconv.Itoa(b.year), strconv.Itoa(b.year-1)
	f, err := b.r.query([]string{"nb_sortants", "taux_emploi_6m", "taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut",
		"taux_emploi_durable_6m", "taux_emploi_durable_6m_ic_bas", "taux_emploi_durable_6m_ic_haut"}, []string{"annee", "region"})
	if err != nil {
		return nil, err
	}
	index := &page{File: "regions.html", Current: "regions.html", Title: "Résultats par région"}
	index.Lead = []string{fmt.Sprintf("Les sortants de formation de %d selon la région où la formation a eu lieu. Chaque région a sa page.", b.year)}
	t := table{
		Head:    []string{"Région", "Sortants", "Taux d'emploi à 6 mois", "Taux d'emploi durable à 6 mois"},
		Keys:    []string{"code_region", "nb_sortants", "taux_emploi_6m", "taux_emploi_durable_6m"},
		Numeric: []bool{false, true, true, true},
	}
	var links []link
	pages := []*page{index}
	for _, r := range dictionary.Regions.Codes {
		i := f.find("annee", y, "region", r.Code)
		if i < 0 {
			continue
		}
		t.Rows = append(t.Rows, []cell{codeCell(r.Label, r.Code), figCell(f.fig(i, "nb_sortants"), unitCount),
			figCell(f.fig(i, "taux_emploi_6m"), unitPct), figCell(f.fig(i, "taux_emploi_durable_6m"), unitPct)})
		links = append(links, link{Href: regionFile(r.Code), Text: r.Label,
			Note: "taux d'emploi à 6 mois : " + unitPct.text(f.fig(i, "taux_emploi_6m"))})
		p, err := b.region(r.Code, f, y, prev)
		if err != nil {
			return nil, err
		}
		pages = append(pages, p)
	}
	index.Blocks = append(index.Blocks,
		block{Heading: "Pages régionales", ID: "liste", Links: links},
		block{Heading: "Tableau des régions", ID: "tableau", Table: &tableBlock{ID: "regions-tableau",
			Caption: fmt.Sprintf("Sortants de %d et taux d'emploi par région", b.year), CSV: true, Table: t}},
	)
	return pages, nil
}

// region builds the page of one region: its key figures, its rates by scheme
// next to the national ones, before/after by scheme.
func (b *builder) region(code string, byRegion *frame, y, prev string) (*page, error) {
	name := regionLabel(code)
	p := &page{File: regionFile(code), Current: "regions.html", Title: "Région " + name}
	exits, exitsPrev := byRegion.figAt("nb_sortants", "annee", y, "region", code), byRegion.figAt("nb_sortants", "annee", prev, "region", code)
	cur, before := []string{"annee", y, "region", code}, []string{"annee", prev, "region", code}
	rate := readRateChange(byRegion, "taux_emploi_6m", cur, before)
	dur := readRateChange(byRegion, "taux_emploi_durable_6m", cur, before)
	p.Lead = []string{exitsSentence(" "+dictionary.RegionIn(code), b.year, exits, rate)}
	if s := durableSentence(dur); s != "" {
		p.Lead = append(p.Lead, s)
	}
	p.Blocks = append(p.Blocks, block{Heading: "Chiffres clés", ID: "chiffres-cles", Keys: []keyFigure{
		{Label: fmt.Sprintf("Sorties de formation en %s", y), Value: unitCount.text(exits),
			Change: changeText(changePct(exits, exitsPrev), unitPct), Trend: trend(changePct(exits, exitsPrev))},
		rateKey("En emploi six mois après", rate),
		rateKey("En emploi durable six mois après", dur),
	}})
	compare, err := b.regionVersusNation(code, y)
	if err != nil {
		return nil, err
	}
	ba, baSentence, err := b.beforeAfter("region-"+code+"-avant-apres", code, y)
	if err != nil {
		return nil, err
	}
	p.Blocks = append(p.Blocks,
		block{Heading: "Taux d'emploi par dispositif", ID: "dispositifs", Chart: compare},
		block{Heading: "Avant et après la formation", ID: "avant-apres", Paras: nonEmpty(baSentence), Chart: ba},
		block{Links: []link{{Href: "regions.html", Text: "Toutes les régions"}, {Href: "index.html", Text: "Résultats nationaux"}}},
	)
	return p, nil
}

// regionVersusNation puts the region's employment rate at six months by scheme
// beside the national rate of the same scheme.
func (b *builder) regionVersusNation(code, y string) (*chart, error) {
	name := regionLabel(code)
	reg, err := b.r.query(rateIDs, []string{"dispositif"}, "annee", y, "region", code)
	if err != nil {
		return nil, err
	}
	nat, err := b.r.query([]string{"taux_emploi_6m"}, []string{"dispositif"}, "annee", y)
	if err != nil {
		return nil, err
	}
	var codes []string
	for _, c := range codesOf(dictionary.Dispositifs) {
		if reg.find("dispositif", c) >= 0 {
			codes = append(codes, c)
		}
	}
	sortByFig(reg, "dispositif", codes, "taux_emploi_6m")
	var labels []string
	var r, n []fig
	t := table{
		Head: []string{"Dispositif", "Sortants", "Observés à 6 mois", "Taux d'emploi à 6 mois (région)", "Borne basse (IC 95 %)",
			"Borne haute (IC 95 %)", "Taux d'emploi durable à 6 mois (région)", "Taux d'emploi à 6 mois (France)"},
		Keys: []string{"code_dispositif", "nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas",
			"taux_emploi_6m_ic_haut", "taux_emploi_durable_6m", "taux_emploi_6m_france"},
		Numeric: []bool{false, true, true, true, true, true, true, true},
	}
	var gaps []fig
	for _, c := range codes {
		i := reg.find("dispositif", c)
		labels = append(labels, schemeLabel(c))
		r = append(r, reg.fig(i, "taux_emploi_6m"))
		n = append(n, nat.figAt("taux_emploi_6m", "dispositif", c))
		gaps = append(gaps, r[len(r)-1].minus(n[len(n)-1]))
		t.Rows = append(t.Rows, []cell{codeCell(schemeLabel(c), c), figCell(reg.fig(i, "nb_sortants"), unitCount),
			figCell(reg.fig(i, "nb_observes_6m"), unitCount), figCell(r[len(r)-1], unitPct),
			figCell(reg.fig(i, "taux_emploi_6m_ic_bas"), unitPct), figCell(reg.fig(i, "taux_emploi_6m_ic_haut"), unitPct),
			figCell(reg.fig(i, "taux_emploi_durable_6m"), unitPct), figCell(n[len(n)-1], unitPct)})
	}
	summary := rankSummary(fmt.Sprintf("Écart entre le taux d'emploi à six mois %s et le taux national, sortants de %s, par dispositif (positif : la région fait mieux)", dictionary.RegionIn(code), y),
		labels, gaps, unitPoints, "")
	return hbar("region-"+code+"-dispositifs", fmt.Sprintf("Taux d'emploi à six mois par dispositif : %s et France, sortants de %s", name, y), summary, unitPct, labels,
		[]series{{name, r}, {"France", n}}, t), nil
}
