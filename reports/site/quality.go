package site

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// QualityReport is the data quality of the partners who send deliveries, as
// the quality pages of the site and `agora quality` show it (same figures).
//
// The figures describe deliveries, not people: rejected lines, completeness of
// columns, transmission delays. The two counts of dossiers are published under
// the disclosure rule of counts (fewer than 11 are hidden).
type QualityReport struct {
	DataDate string           `json:"date_donnees"`
	Partners []PartnerQuality `json:"partenaires"`
}

// PartnerQuality is the data quality of one partner (code_financeur of its deliveries).
type PartnerQuality struct {
	Funder string `json:"code_financeur"`
	Label  string `json:"libelle"`
	// Dossiers and Cancelled are nil when hidden (fewer than 11); Secret says why.
	Dossiers        *int64   `json:"nb_dossiers"`
	Cancelled       *int64   `json:"nb_dossiers_annules"`
	RejectedLines   int64    `json:"nb_lignes_rejetees"`
	OrphanEvents    int64    `json:"nb_evenements_orphelins"`
	OrphanFundings  int64    `json:"nb_financements_orphelins"`
	Events          int64    `json:"nb_evenements"`
	DelayMedian     *float64 `json:"delai_transmission_median_jours"`
	DelayP90        *float64 `json:"delai_transmission_p90_jours"`
	Within30Days    *float64 `json:"part_transmis_30j"`
	Corrections     int64    `json:"nb_corrections"`
	LateCorrections int64    `json:"nb_corrections_tardives"`
	Secret          string   `json:"secret"`

	Rejections   []Rejection    `json:"rejets"`
	Completeness []Completeness `json:"completude"`
}

// Rejection is the number of lines of one feed rejected by one rule.
type Rejection struct {
	Feed  string `json:"flux"`
	Rule  string `json:"regle"`
	Label string `json:"libelle"`
	Lines int64  `json:"nb_lignes"`
}

// Completeness is how often a column of a feed is filled in.
type Completeness struct {
	Feed   string   `json:"flux"`
	Column string   `json:"colonne"`
	Lines  int64    `json:"nb_lignes"`
	Filled int64    `json:"nb_renseignes"`
	Rate   *float64 `json:"taux_completude"`
}

// ruleLabel is the French label of a quarantine rule or orphan code.
func ruleLabel(code string) string {
	switch code {
	case "ORPHAN_EVENT":
		return "Événement d'un dossier inconnu, gardé hors des indicateurs"
	case "ORPHAN_FUNDING":
		return "Financement d'un dossier inconnu, gardé hors des indicateurs"
	}
	if r, ok := dictionary.RuleByCode(code); ok {
		return r.Label
	}
	return code
}

// partnerLabel is the French name of a partner code.
func partnerLabel(code string) string {
	if code == "INCONNU" {
		return "Émetteur inconnu (fichier illisible)"
	}
	return funderLabel(code)
}

// Quality reads the data-quality marts for every partner, or for one when
// funder is not empty. Partners are sorted by code.
func Quality(ctx context.Context, db *sql.DB, funder string) (*QualityReport, error) {
	st, err := indicators.ReadDataState(ctx, db)
	if err != nil {
		return nil, err
	}
	rep := &QualityReport{DataDate: st.Date()}
	byCode := map[string]*PartnerQuality{}
	get := func(code string) *PartnerQuality {
		p := byCode[code]
		if p == nil {
			p = &PartnerQuality{Funder: code, Label: partnerLabel(code)}
			byCode[code] = p
		}
		return p
	}
	where, args := "", []any{}
	if funder != "" {
		where, args = " WHERE code_financeur = ?", []any{funder}
	}

	rows, err := db.QueryContext(ctx, `SELECT code_financeur, nb_dossiers, nb_dossiers_annules, nb_lignes_rejetees,
		nb_evenements_orphelins, nb_financements_orphelins, nb_evenements, delai_transmission_median_jours,
		delai_transmission_p90_jours, part_transmis_30j, nb_corrections, nb_corrections_tardives
		FROM qualite_partenaire`+where+` ORDER BY code_financeur`, args...)
	if err != nil {
		return nil, fmt.Errorf("qualité des données (qualite_partenaire) : %w ; lancez « agora build »", err)
	}
	for rows.Next() {
		var code string
		var dossiers, cancelled, rejected, oe, of, events, corr, late sql.NullInt64
		var med, p90, within sql.NullFloat64
		if err := rows.Scan(&code, &dossiers, &cancelled, &rejected, &oe, &of, &events, &med, &p90, &within, &corr, &late); err != nil {
			rows.Close()
			return nil, err
		}
		p := get(code)
		var reasons []string
		p.Dossiers = publishCount(dossiers.Int64, "nb_dossiers", &reasons)
		p.Cancelled = publishCount(cancelled.Int64, "nb_dossiers_annules", &reasons)
		p.Secret = strings.Join(reasons, " ; ")
		p.RejectedLines, p.OrphanEvents, p.OrphanFundings = rejected.Int64, oe.Int64, of.Int64
		p.Events, p.Corrections, p.LateCorrections = events.Int64, corr.Int64, late.Int64
		p.DelayMedian, p.DelayP90, p.Within30Days = nullFloat(med), nullFloat(p90), nullFloat(within)
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}

	rows, err = db.QueryContext(ctx, `SELECT code_financeur, flux, regle, nb_lignes FROM qualite_rejets`+where+
		` ORDER BY code_financeur, nb_lignes DESC, flux, regle`, args...)
	if err != nil {
		return nil, fmt.Errorf("qualité des données (qualite_rejets) : %w", err)
	}
	for rows.Next() {
		var r Rejection
		var code string
		if err := rows.Scan(&code, &r.Feed, &r.Rule, &r.Lines); err != nil {
			rows.Close()
			return nil, err
		}
		r.Label = ruleLabel(r.Rule)
		p := get(code)
		p.Rejections = append(p.Rejections, r)
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}

	rows, err = db.QueryContext(ctx, `SELECT code_financeur, flux, colonne, nb_lignes, nb_renseignes, taux_completude
		FROM qualite_completude`+where+` ORDER BY code_financeur, flux, colonne`, args...)
	if err != nil {
		return nil, fmt.Errorf("qualité des données (qualite_completude) : %w", err)
	}
	for rows.Next() {
		var c Completeness
		var code string
		var rate sql.NullFloat64
		if err := rows.Scan(&code, &c.Feed, &c.Column, &c.Lines, &c.Filled, &rate); err != nil {
			rows.Close()
			return nil, err
		}
		c.Rate = nullFloat(rate)
		p := get(code)
		p.Completeness = append(p.Completeness, c)
	}
	if err := closeRows(rows); err != nil {
		return nil, err
	}

	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		rep.Partners = append(rep.Partners, *byCode[c])
	}
	return rep, nil
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// publishCount applies the disclosure rule of counts of dossiers.
func publishCount(n int64, name string, reasons *[]string) *int64 {
	if r := disclosure.CountReason(float64(n)); r != "" {
		*reasons = append(*reasons, name+" : "+r)
		return nil
	}
	return &n
}

func nullFloat(v sql.NullFloat64) *float64 {
	if !v.Valid {
		return nil
	}
	x := v.Float64
	return &x
}

func intFig(p *int64) fig {
	if p == nil {
		return secretFig
	}
	return shown(float64(*p))
}

func floatFig(p *float64) fig {
	if p == nil {
		return missingFig
	}
	return shown(*p)
}

// qualityFile is the quality page of one partner.
func qualityFile(code string) string {
	safe := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, code)
	return "qualite-" + safe + ".html"
}

// quality builds the data-quality overview and one page per partner.
func (b *builder) quality() ([]*page, error) {
	rep, err := Quality(b.r.ctx, b.r.db, "")
	if err != nil {
		return nil, err
	}
	index := &page{File: "qualite.html", Current: "qualite.html", Title: "Qualité des données des partenaires"}
	index.Lead = []string{"Ce que chaque partenaire transmet : lignes rejetées à l'arrivée (et pourquoi), colonnes renseignées, " +
		"délai entre un événement (entrée, sortie…) et sa transmission, corrections tardives. Ces chiffres décrivent les livraisons, pas les personnes."}
	t := table{
		Head: []string{"Partenaire", "Dossiers", "Lignes rejetées", "Événements orphelins", "Délai médian de transmission",
			"Transmis sous 30 jours", "Corrections tardives"},
		Keys: []string{"code_financeur", "nb_dossiers", "nb_lignes_rejetees", "nb_evenements_orphelins", "delai_transmission_median_jours",
			"part_transmis_30j", "nb_corrections_tardives"},
		Numeric: []bool{false, true, true, true, true, true, true},
	}
	var links []link
	pages := []*page{index}
	for i := range rep.Partners {
		q := &rep.Partners[i]
		t.Rows = append(t.Rows, []cell{codeCell(q.Label, q.Funder), figCell(intFig(q.Dossiers), unitCount),
			figCell(shown(float64(q.RejectedLines)), unitCount), figCell(shown(float64(q.OrphanEvents)), unitCount),
			figCell(floatFig(q.DelayMedian), unitDays), figCell(floatFig(q.Within30Days), unitPct),
			figCell(shown(float64(q.LateCorrections)), unitCount)})
		links = append(links, link{Href: qualityFile(q.Funder), Text: q.Label,
			Note: fmt.Sprintf("%s ligne%s rejetée%s", fmtInt(q.RejectedLines), plural(q.RejectedLines), plural(q.RejectedLines))})
		pages = append(pages, b.partnerQuality(q))
	}
	index.Blocks = append(index.Blocks,
		block{Heading: "Tableau des partenaires", ID: "tableau", Table: &tableBlock{ID: "qualite-partenaires",
			Caption: "Qualité des livraisons par partenaire", Search: "Filtrer les partenaires", CSV: true, Table: t,
			Note: "Délai de transmission : jours entre la date d'un événement et sa première transmission. Un événement orphelin se rapporte à un dossier inconnu : il est gardé dans le lac mais n'entre dans aucun indicateur."}},
		block{Heading: "Page de chaque partenaire", ID: "partenaires", Links: links},
	)
	return pages, nil
}

func plural(n int64) string {
	if n >= 2 {
		return "s"
	}
	return ""
}

// partnerQuality builds the page of one partner.
func (b *builder) partnerQuality(q *PartnerQuality) *page {
	p := &page{File: qualityFile(q.Funder), Current: "qualite.html", Title: "Qualité des données : " + q.Label}
	keys := []keyFigure{
		{Label: "Dossiers connus", Value: unitCount.text(intFig(q.Dossiers))},
		{Label: "Lignes rejetées", Value: fmtInt(q.RejectedLines)},
		{Label: "Délai médian de transmission", Value: unitDays.text(floatFig(q.DelayMedian))},
		{Label: "Événements transmis sous 30 jours", Value: unitPct.text(floatFig(q.Within30Days))},
	}
	p.Lead = []string{qualitySentence(q)}
	p.Blocks = append(p.Blocks, block{Heading: "Chiffres clés", ID: "chiffres-cles", Keys: keys})

	id := strings.TrimSuffix(qualityFile(q.Funder), ".html")
	if len(q.Rejections) > 0 {
		var cats, labels []string
		var n []fig
		t := table{Head: []string{"Règle", "Flux", "Lignes", "Code de la règle"}, Keys: []string{"libelle", "flux", "nb_lignes", "regle"},
			Numeric: []bool{false, false, true, false}}
		for _, r := range q.Rejections {
			cats = append(cats, r.Rule+" · "+r.Feed)
			labels = append(labels, r.Label+", flux "+r.Feed)
			n = append(n, shown(float64(r.Lines)))
			t.Rows = append(t.Rows, []cell{textCell(r.Label), textCell(r.Feed), figCell(shown(float64(r.Lines)), unitCount), textCell(r.Rule)})
		}
		summary := rankSummary("Lignes rejetées ou orphelines par règle", labels, n, unitCount, "")
		c := hbar(id+"-rejets", "Lignes rejetées par règle", summary, unitCount, cats, []series{{"Lignes", n}}, t)
		c.Labels = labelMap(cats, labels)
		p.Blocks = append(p.Blocks, block{Heading: "Rejets par règle", ID: "rejets", Chart: c})
	} else {
		p.Blocks = append(p.Blocks, block{Heading: "Rejets par règle", ID: "rejets", Paras: []string{"Aucune ligne rejetée."}})
	}
	if len(q.Completeness) > 0 {
		var labels []string
		var rate []fig
		t := table{Head: []string{"Colonne", "Flux", "Lignes concernées", "Lignes renseignées", "Taux de complétude"},
			Keys: []string{"colonne", "flux", "nb_lignes", "nb_renseignes", "taux_completude"}, Numeric: []bool{false, false, true, true, true}}
		cs := append([]Completeness(nil), q.Completeness...)
		sort.SliceStable(cs, func(a, z int) bool { return floatFig(cs[a].Rate).v < floatFig(cs[z].Rate).v })
		for _, c := range cs {
			labels = append(labels, c.Column+" · "+c.Feed)
			rate = append(rate, floatFig(c.Rate))
			t.Rows = append(t.Rows, []cell{textCell(c.Column), textCell(c.Feed), figCell(shown(float64(c.Lines)), unitCount),
				figCell(shown(float64(c.Filled)), unitCount), figCell(floatFig(c.Rate), unitPct)})
		}
		summary := rankSummary("Part des lignes où la colonne est renseignée", labels, rate, unitPct, "")
		p.Blocks = append(p.Blocks, block{Heading: "Complétude des colonnes", ID: "completude",
			Chart: hbar(id+"-completude", "Taux de complétude par colonne", summary, unitPct, labels, []series{{"Renseignée", rate}}, t)})
	}
	timing := table{Head: []string{"Mesure", "Valeur"}, Keys: []string{"mesure", "valeur"}, Numeric: []bool{false, true}}
	add := func(label, key string, f fig, u unit) {
		timing.Rows = append(timing.Rows, []cell{codeCell(label, key), figCell(f, u)})
	}
	add("Événements transmis", "nb_evenements", shown(float64(q.Events)), unitCount)
	add("Délai médian entre l'événement et sa transmission", "delai_transmission_median_jours", floatFig(q.DelayMedian), unitDays)
	add("Délai au 90e centile", "delai_transmission_p90_jours", floatFig(q.DelayP90), unitDays)
	add("Événements transmis sous 30 jours", "part_transmis_30j", floatFig(q.Within30Days), unitPct)
	add("Corrections (retransmissions d'une clé déjà reçue)", "nb_corrections", shown(float64(q.Corrections)), unitCount)
	add("Corrections tardives (plus de 30 jours après la première transmission)", "nb_corrections_tardives", shown(float64(q.LateCorrections)), unitCount)
	add("Événements orphelins", "nb_evenements_orphelins", shown(float64(q.OrphanEvents)), unitCount)
	add("Financements orphelins", "nb_financements_orphelins", shown(float64(q.OrphanFundings)), unitCount)
	add("Dossiers annulés", "nb_dossiers_annules", intFig(q.Cancelled), unitCount)
	p.Blocks = append(p.Blocks,
		block{Heading: "Délais et corrections", ID: "delais", Table: &tableBlock{ID: id + "-delais", Caption: "Délais de transmission et corrections", CSV: true, Table: timing}},
		block{Links: []link{{Href: "qualite.html", Text: "Tous les partenaires"}}},
	)
	return p
}

// qualitySentence sums up a partner's deliveries in French.
func qualitySentence(q *PartnerQuality) string {
	var b strings.Builder
	if q.Dossiers != nil {
		fmt.Fprintf(&b, "%s a transmis %s dossier%s", q.Label, fmtInt(*q.Dossiers), plural(*q.Dossiers))
	} else {
		fmt.Fprintf(&b, "%s a transmis un nombre de dossiers %s", q.Label, secretPhrase)
	}
	fmt.Fprintf(&b, " ; %s ligne%s %s été rejetée%s ou mise%s à l'écart", fmtInt(q.RejectedLines), plural(q.RejectedLines),
		map[bool]string{true: "ont", false: "a"}[q.RejectedLines >= 2], plural(q.RejectedLines), plural(q.RejectedLines))
	if q.Within30Days != nil {
		fmt.Fprintf(&b, ", et %s des événements sont arrivés moins de 30 jours après leur date", fmtPct(*q.Within30Days))
	}
	b.WriteString(".")
	return b.String()
}
