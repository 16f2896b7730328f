package site

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
	models "github.com/agora-formation/agora/sql"
)

// QualityReport is the data quality of the partners who send deliveries, as
// the quality pages of the site and `agora quality` show it (same figures).
//
// The figures describe deliveries, not people: rejected lines, completeness of
// columns, transmission delays. The two counts of dossiers are published under
// the disclosure rule of counts (fewer than 11 are hidden); a partner with
// fewer than 11 dossiers also hides the counts that would give its number of
// dossiers away (see hideVolumes).
type QualityReport struct {
	DataDate string           `json:"date_donnees"`
	Partners []PartnerQuality `json:"partenaires"`
}

// PartnerQuality is the data quality of one partner (code_financeur of its deliveries).
type PartnerQuality struct {
	Funder string `json:"code_financeur"`
	Label  string `json:"libelle"`
	// Unattributed marks the lines no partner can be named for (code
	// INCONNU, see unattributed): it has no dossiers, events or corrections,
	// so those figures are nil and do not apply (« sans objet »), and Secret
	// is empty.
	Unattributed bool `json:"sans_partenaire,omitempty"`
	// Dossiers and Cancelled are nil when hidden (fewer than 11), Events
	// when the partner has fewer than 11 dossiers (hideVolumes); Secret says why.
	Dossiers  *int64 `json:"nb_dossiers"`
	Cancelled *int64 `json:"nb_dossiers_annules"`
	// RejectedLines counts each rejected line once, whatever the number of
	// its faults, as `agora land` does; RejectedDSNLines those of them of a
	// DSN feed (only lines without a partner can be).
	RejectedLines    int64  `json:"nb_lignes_rejetees"`
	RejectedDSNLines int64  `json:"nb_lignes_rejetees_dsn"`
	OrphanEvents     int64  `json:"nb_evenements_orphelins"`
	OrphanFundings   int64  `json:"nb_financements_orphelins"`
	Events           *int64 `json:"nb_evenements"`
	// The delays and the share within 30 days are nil when there is no event
	// (or the share hidden); written « secret » when Events is hidden.
	DelayMedian  *float64 `json:"delai_transmission_median_jours"`
	DelayP90     *float64 `json:"delai_transmission_p90_jours"`
	Within30Days *float64 `json:"part_transmis_30j"`
	// Corrections and LateCorrections are nil when the partner has fewer
	// than 11 dossiers (hideVolumes).
	Corrections     *int64 `json:"nb_corrections"`
	LateCorrections *int64 `json:"nb_corrections_tardives"`
	Secret          string `json:"secret"`

	Rejections   []Rejection    `json:"rejets"`
	Completeness []Completeness `json:"completude"`
}

// Rejection is the number of lines of one feed rejected by one rule. A line
// breaking several rules counts under each (see severalRules).
type Rejection struct {
	Feed  string `json:"flux"`
	Rule  string `json:"regle"`
	Label string `json:"libelle"`
	Lines int64  `json:"nb_lignes"`
}

// Completeness is how often a column of a feed is filled in.
type Completeness struct {
	Feed   string `json:"flux"`
	Column string `json:"colonne"`
	// Lines and Filled are nil when hidden (partner with fewer than 11
	// dossiers); Rate is nil when there is no line, or when hidden (on fewer
	// than 20 hidden lines). Secret says why.
	Lines  *int64   `json:"nb_lignes"`
	Filled *int64   `json:"nb_renseignes"`
	Rate   *float64 `json:"taux_completude"`
	Secret string   `json:"secret"`
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

// unattributed is the code_financeur of the quarantined lines that name no
// partner (stg_quarantaine): the DSN lines, which employers send and which
// carry no funder, and the lines of partners' files whose sender could not
// be read (a line or a whole file unreadable, a code_financeur missing or
// unknown). No dossier can belong to it: a dossier is landed only with a
// known sender.
const unattributed = "INCONNU"

// notApplicable is how a figure that does not apply is written (the
// dossiers of the lines without a partner).
const notApplicable = "sans objet"

// The labels of the two measures that models.LateDays defines: an event
// transmitted at most LateDays days after its date (part_transmis_30j), a
// correction arriving more than LateDays days after the first transmission
// of its key (nb_corrections_tardives). The models read the same constant
// (macro delai_tardif()).
var (
	withinLateDays = fmt.Sprintf("sous %d jours", models.LateDays)
	lateCorrection = fmt.Sprintf("plus de %d jours après la première transmission", models.LateDays)
)

// partnerLabel is the French name of a partner code.
func partnerLabel(code string) string {
	if code == unattributed {
		return "Lignes sans partenaire identifié"
	}
	return funderLabel(code)
}

// feedLabel is the French name of a feed (the flux of the quality marts),
// as a page writes it; the others (dossiers, financements, enveloppes, and
// unknown feeds) read as their code.
func feedLabel(feed string) string {
	switch feed {
	case "evenements":
		return "événements"
	case "dsn_extrait":
		return "extrait DSN"
	case "dsn_neodes", "dsn":
		return "DSN (NEODeS)"
	}
	return feed
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
			p = &PartnerQuality{Funder: code, Label: partnerLabel(code), Unattributed: code == unattributed}
			byCode[code] = p
		}
		return p
	}
	dossierCounts := map[string]int64{} // before disclosure, for hideVolumes
	where, args := "", []any{}
	if funder != "" {
		where, args = " WHERE code_financeur = ?", []any{funder}
	}

	rows, err := db.QueryContext(ctx, `SELECT code_financeur, nb_dossiers, nb_dossiers_annules, nb_lignes_rejetees,
		nb_lignes_rejetees_dsn, nb_evenements_orphelins, nb_financements_orphelins, nb_evenements, delai_transmission_median_jours,
		delai_transmission_p90_jours, part_transmis_30j, nb_corrections, nb_corrections_tardives
		FROM qualite_partenaire`+where+` ORDER BY code_financeur`, args...)
	if err != nil {
		return nil, fmt.Errorf("qualité des données (qualite_partenaire) : %w ; lancez « agora build »", err)
	}
	for rows.Next() {
		var code string
		var dossiers, cancelled, rejected, rejectedDSN, oe, of, events, corr, late sql.NullInt64
		var med, p90, within sql.NullFloat64
		if err := rows.Scan(&code, &dossiers, &cancelled, &rejected, &rejectedDSN, &oe, &of, &events, &med, &p90, &within, &corr, &late); err != nil {
			rows.Close()
			return nil, err
		}
		p := get(code)
		p.RejectedLines, p.RejectedDSNLines, p.OrphanEvents, p.OrphanFundings = rejected.Int64, rejectedDSN.Int64, oe.Int64, of.Int64
		if p.Unattributed {
			continue
		}
		dossierCounts[code] = dossiers.Int64
		var reasons []string
		p.Dossiers = publishCount(dossiers.Int64, "nb_dossiers", &reasons)
		p.Cancelled = publishCount(cancelled.Int64, "nb_dossiers_annules", &reasons)
		p.Secret = strings.Join(reasons, " ; ")
		p.Events, p.Corrections, p.LateCorrections = &events.Int64, &corr.Int64, &late.Int64
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
		var lines, filled int64
		var rate sql.NullFloat64
		if err := rows.Scan(&code, &c.Feed, &c.Column, &lines, &filled, &rate); err != nil {
			rows.Close()
			return nil, err
		}
		c.Lines, c.Filled, c.Rate = &lines, &filled, nullFloat(rate)
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
		p := byCode[c]
		// A partner absent from qualite_partenaire counts no dossier.
		if r := disclosure.RowReason(float64(dossierCounts[c])); r != "" && !p.Unattributed {
			hideVolumes(p, r)
		}
		rep.Partners = append(rep.Partners, *p)
	}
	return rep, nil
}

// hideVolumes hides the counts of a partner with fewer than
// disclosure.MinCount dossiers that would give its hidden number of dossiers
// away; reason is why (disclosure.ReasonRow, as for a row of
// financement_dispositif).
//
// Every count of what it delivered and was kept is hidden, whatever its size:
// lines by column, events, corrections (new versions of them). These counts
// follow the number of dossiers too closely for a threshold to do: the
// dossiers feed has one line per dossier, motif_sortie one per exit, and the
// events are mostly an entry and an exit per dossier: 14 events for 7
// dossiers, so hiding only the counts below 11 would still give the number.
// Hiding the counts rather than the rates keeps what the page is for (how
// well the columns are filled in); but its rates (completeness, events within
// 30 days) are then computed on hidden counts, so they follow the rule of
// rates of the contract: published on 20 lines or events or more
// (disclosure.RateReason): on fewer, 80 % of motif_sortie filled would leave
// 5, 10 or 15 exits to choose from.
// The delays are not counts and stay, written « secret » when missing, for
// « n.d. » would tell there is no event (figOn). The counts of rejected and
// orphan lines stay published: they are what the page is about, and these
// lines are not among its dossiers.
func hideVolumes(p *PartnerQuality, reason string) {
	var rates []string // the rates hidden, by name
	hideRate := func(rate **float64, den int64, name string) string {
		r := disclosure.RateReason(float64(den))
		if r == "" || *rate == nil {
			return ""
		}
		*rate = nil
		if !slices.Contains(rates, name) {
			rates = append(rates, name)
		}
		return r
	}
	if p.Events != nil {
		hideRate(&p.Within30Days, *p.Events, "part_transmis_30j")
		p.Events = nil
	}
	p.Corrections, p.LateCorrections = nil, nil
	for i := range p.Completeness {
		c := &p.Completeness[i]
		c.Secret = "nb_lignes, nb_renseignes : " + reason
		if r := hideRate(&c.Rate, *c.Lines, "taux_completude"); r != "" {
			c.Secret += " ; taux_completude : " + r
		}
		c.Lines, c.Filled = nil, nil
	}
	counts := "nb_evenements, nb_corrections, nb_corrections_tardives"
	if len(p.Completeness) > 0 {
		counts += ", nb_lignes, nb_renseignes"
	}
	reasons := []string{counts + " : " + reason}
	if len(rates) > 0 {
		reasons = append(reasons, strings.Join(rates, ", ")+" : "+disclosure.ReasonDenominator)
	}
	if p.Secret != "" {
		reasons = append([]string{p.Secret}, reasons...)
	}
	p.Secret = strings.Join(reasons, " ; ")
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

// figOn is a figure computed on the count base (a rate, a delay): secret
// when it is absent and base is hidden, for then « n.d. » would tell that
// the hidden count is zero, or that the figure was hidden.
func figOn(p *float64, base *int64) fig {
	if p == nil && base == nil {
		return secretFig
	}
	return floatFig(p)
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
			"Transmis " + withinLateDays, "Corrections tardives"},
		Keys: []string{"code_financeur", "nb_dossiers", "nb_lignes_rejetees", "nb_evenements_orphelins", "delai_transmission_median_jours",
			"part_transmis_30j", "nb_corrections_tardives"},
		Numeric: []bool{false, true, true, true, true, true, true},
	}
	var links []link
	pages := []*page{index}
	for i := range rep.Partners {
		q := &rep.Partners[i]
		if q.Unattributed {
			na := cell{Text: notApplicable, Sort: math.NaN()}
			t.Rows = append(t.Rows, []cell{codeCell(q.Label, q.Funder), na,
				figCell(shown(float64(q.RejectedLines)), unitCount), figCell(shown(float64(q.OrphanEvents)), unitCount), na, na, na})
		} else {
			t.Rows = append(t.Rows, []cell{codeCell(q.Label, q.Funder), figCell(intFig(q.Dossiers), unitCount),
				figCell(shown(float64(q.RejectedLines)), unitCount), figCell(shown(float64(q.OrphanEvents)), unitCount),
				figCell(figOn(q.DelayMedian, q.Events), unitDays), figCell(figOn(q.Within30Days, q.Events), unitPct),
				figCell(intFig(q.LateCorrections), unitCount)})
		}
		links = append(links, link{Href: qualityFile(q.Funder), Text: q.Label,
			Note: fmt.Sprintf("%s ligne%s rejetée%s", french.Int(q.RejectedLines), plural(q.RejectedLines), plural(q.RejectedLines))})
		pages = append(pages, b.partnerQuality(q))
	}
	index.Blocks = append(index.Blocks,
		block{Heading: "Tableau des partenaires", ID: "tableau", Table: &tableBlock{ID: "qualite-partenaires",
			Caption: "Qualité des livraisons par partenaire", Search: "Filtrer les partenaires", CSV: true, Table: t,
			Note: "Délai de transmission : jours entre la date d'un événement et sa première transmission. Un événement orphelin se rapporte à un dossier inconnu : il est gardé dans le lac mais n'entre dans aucun indicateur. " +
				"Les lignes sans partenaire identifié sont celles de la DSN, envoyées par les employeurs, et celles dont l'émetteur n'a pu être lu" + nbsp + ": aucun dossier ne s'y rattache."}},
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
	var keys []keyFigure
	if q.Unattributed {
		dsn, other := q.unattributedLines()
		keys = []keyFigure{
			{Label: "Lignes rejetées", Value: french.Int(q.RejectedLines)},
			{Label: "dont lignes de DSN (employeurs)", Value: french.Int(dsn)},
			{Label: "dont lignes de fichiers à l'émetteur illisible", Value: french.Int(other)},
			{Label: "Dossiers connus", Value: notApplicable},
		}
	} else {
		keys = []keyFigure{
			{Label: "Dossiers connus", Value: unitCount.text(intFig(q.Dossiers))},
			{Label: "Lignes rejetées", Value: french.Int(q.RejectedLines)},
			{Label: "Délai médian de transmission", Value: unitDays.text(figOn(q.DelayMedian, q.Events))},
			{Label: "Événements transmis " + withinLateDays, Value: unitPct.text(figOn(q.Within30Days, q.Events))},
		}
	}
	p.Lead = []string{qualitySentence(q)}
	p.Blocks = append(p.Blocks, block{Heading: "Chiffres clés", ID: "chiffres-cles", Keys: keys})

	id := strings.TrimSuffix(qualityFile(q.Funder), ".html")
	if len(q.Rejections) > 0 {
		var labels []string
		var n []fig
		t := table{Head: []string{"Règle", "Flux", "Lignes", "Code de la règle"}, Keys: []string{"libelle", "flux", "nb_lignes", "regle"},
			Numeric: []bool{false, false, true, false}}
		for _, r := range q.Rejections {
			// The rule in words and the feed, as the partner knows it:
			// « Date ou horodatage invalide · extrait DSN ».
			labels = append(labels, r.Label+" · "+feedLabel(r.Feed))
			n = append(n, shown(float64(r.Lines)))
			t.Rows = append(t.Rows, []cell{textCell(r.Label), codeCell(feedLabel(r.Feed), r.Feed), figCell(shown(float64(r.Lines)), unitCount), textCell(r.Rule)})
		}
		summary := rankSummary("Lignes rejetées ou orphelines par règle et par flux", labels, n, unitCount, "")
		if q.severalRules() {
			summary += " " + severalRulesNote(nbsp)
		}
		c := hbar(id+"-rejets", "Lignes rejetées par règle", summary, unitCount, labels, []series{{"Lignes", n}}, t)
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
		sort.SliceStable(cs, func(a, z int) bool { return figOn(cs[a].Rate, cs[a].Lines).v < figOn(cs[z].Rate, cs[z].Lines).v })
		hidden := false
		for _, c := range cs {
			labels = append(labels, c.Column+" · "+feedLabel(c.Feed))
			rate = append(rate, figOn(c.Rate, c.Lines))
			t.Rows = append(t.Rows, []cell{textCell(c.Column), codeCell(feedLabel(c.Feed), c.Feed), figCell(intFig(c.Lines), unitCount),
				figCell(intFig(c.Filled), unitCount), figCell(figOn(c.Rate, c.Lines), unitPct)})
			hidden = hidden || c.Lines == nil
		}
		summary := rankSummary("Part des lignes où la colonne est renseignée", labels, rate, unitPct, "")
		if hidden {
			summary += fmt.Sprintf(" Ce partenaire compte moins de %d dossiers : ses nombres de lignes sont couverts par le secret statistique, "+
				"et un taux n'est publié que sur %d lignes ou plus.", disclosure.MinCount, disclosure.MinDenominator)
		}
		p.Blocks = append(p.Blocks, block{Heading: "Complétude des colonnes", ID: "completude",
			Chart: hbar(id+"-completude", "Taux de complétude par colonne", summary, unitPct, labels, []series{{"Renseignée", rate}}, t)})
	}
	if q.Unattributed {
		p.Blocks = append(p.Blocks, block{Links: []link{{Href: "qualite.html", Text: "Tous les partenaires"}}})
		return p
	}
	timing := table{Head: []string{"Mesure", "Valeur"}, Keys: []string{"mesure", "valeur"}, Numeric: []bool{false, true}}
	add := func(label, key string, f fig, u unit) {
		timing.Rows = append(timing.Rows, []cell{codeCell(label, key), figCell(f, u)})
	}
	add("Événements transmis", "nb_evenements", intFig(q.Events), unitCount)
	add("Délai médian entre l'événement et sa transmission", "delai_transmission_median_jours", figOn(q.DelayMedian, q.Events), unitDays)
	add("Délai au 90e centile", "delai_transmission_p90_jours", figOn(q.DelayP90, q.Events), unitDays)
	add("Événements transmis "+withinLateDays, "part_transmis_30j", figOn(q.Within30Days, q.Events), unitPct)
	add("Corrections (retransmissions d'une clé déjà reçue)", "nb_corrections", intFig(q.Corrections), unitCount)
	add("Corrections tardives ("+lateCorrection+")", "nb_corrections_tardives", intFig(q.LateCorrections), unitCount)
	add("Événements orphelins", "nb_evenements_orphelins", shown(float64(q.OrphanEvents)), unitCount)
	add("Financements orphelins", "nb_financements_orphelins", shown(float64(q.OrphanFundings)), unitCount)
	add("Dossiers annulés", "nb_dossiers_annules", intFig(q.Cancelled), unitCount)
	p.Blocks = append(p.Blocks,
		block{Heading: "Délais et corrections", ID: "delais", Table: &tableBlock{ID: id + "-delais", Caption: "Délais de transmission et corrections", CSV: true, Table: timing}},
		block{Links: []link{{Href: "qualite.html", Text: "Tous les partenaires"}}},
	)
	return p
}

// unattributedLines splits the rejected lines of the lines without a
// partner into those of the DSN and the others (unreadable sender). Not from
// the rejections by rule: a line breaking two rules counts under both.
func (q *PartnerQuality) unattributedLines() (dsn, other int64) {
	return q.RejectedDSNLines, q.RejectedLines - q.RejectedDSNLines
}

// severalRules reports whether some rejected line of the partner breaks
// several rules: its lines by rule, orphans aside, add up to more than its
// rejected lines.
func (q *PartnerQuality) severalRules() bool {
	var sum int64
	for _, r := range q.Rejections {
		if !strings.HasPrefix(r.Rule, "ORPHAN_") {
			sum += r.Lines
		}
	}
	return sum > q.RejectedLines
}

// severalRulesNote says why the lines by rule add up to more than the
// rejected lines, where both are shown (sep is what precedes « : »).
func severalRulesNote(sep string) string {
	return "Une ligne peut enfreindre plusieurs règles" + sep + ": elle compte alors sous chacune, " +
		"et la somme des règles dépasse le nombre de lignes rejetées."
}

// qualitySentence sums up a partner's deliveries in French.
func qualitySentence(q *PartnerQuality) string {
	if q.Unattributed {
		return unattributedSentence(q)
	}
	var b strings.Builder
	if q.Dossiers != nil {
		fmt.Fprintf(&b, "%s a transmis %s dossier%s", q.Label, french.Int(*q.Dossiers), plural(*q.Dossiers))
	} else {
		fmt.Fprintf(&b, "%s a transmis un nombre de dossiers %s", q.Label, secretPhrase)
	}
	fmt.Fprintf(&b, " ; %s ligne%s %s été rejetée%s", french.Int(q.RejectedLines), plural(q.RejectedLines),
		map[bool]string{true: "ont", false: "a"}[q.RejectedLines >= 2], plural(q.RejectedLines))
	if o := q.OrphanEvents + q.OrphanFundings; o > 0 {
		// Orphans are kept in the lake but enter no indicator: set aside.
		fmt.Fprintf(&b, " et %s ligne%s orpheline%s mise%s à l'écart", french.Int(o), plural(o), plural(o), plural(o))
	}
	if q.Within30Days != nil {
		fmt.Fprintf(&b, ", et %s des événements sont arrivés au plus %d jours après leur date", fmtPct(*q.Within30Days), models.LateDays)
	}
	b.WriteString(".")
	return b.String()
}

// unattributedSentence says what the lines without a partner are: « Aucun
// partenaire financeur ne peut être nommé pour ces lignes, rejetées à
// l'arrivée : 1 207 lignes de DSN, envoyées par les employeurs, qui ne
// nomment pas de financeur, et 15 lignes de fichiers de partenaires dont
// l'émetteur n'a pu être lu (…). Aucun dossier ne s'y rattache (…). »
func unattributedSentence(q *PartnerQuality) string {
	dsn, other := q.unattributedLines()
	var parts []string
	if dsn > 0 {
		verb := "nomme"
		if dsn > 1 {
			verb = "nomment"
		}
		parts = append(parts, fmt.Sprintf("%s ligne%s de DSN, envoyée%s par les employeurs, qui ne %s pas de financeur",
			french.Int(dsn), plural(dsn), plural(dsn), verb))
	}
	if other > 0 {
		parts = append(parts, fmt.Sprintf("%s ligne%s de fichiers de partenaires dont l'émetteur n'a pu être lu "+
			"(fichier ou ligne illisible, code financeur absent ou inconnu)", french.Int(other), plural(other)))
	}
	s := "Aucun partenaire financeur ne peut être nommé pour ces lignes, rejetées à l'arrivée"
	if len(parts) > 0 {
		s += nbsp + ": " + strings.Join(parts, ", et ")
	}
	return s + ". Aucun dossier ne s'y rattache" + nbsp + ": nombres de dossiers, délais de transmission et corrections sont sans objet."
}
