package generate

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/generate/neodes"
)

// accumulators gather, in person order, what the summary and truth.json report.
type accumulators struct {
	g            *generator
	persons      int64
	multi        int64
	stats        personStats
	bySchemeYear map[[2]int]*rateAcc
	bySitYear    map[[2]int]*rateAcc
	byOrg        []rateAcc
	commits      map[[3]int]int64
	neodesRows   int64
	declTypes    map[string]int64
	eventReports int
	defects      int64
	byRule       map[string]int64
	defFile      *os.File
	defW         *bufio.Writer
	line         []byte
}

type rateAcc struct {
	exits, observed, employed int64
	sumP                      float64
}

func (a *accumulators) init(g *generator) {
	a.g = g
	a.bySchemeYear = map[[2]int]*rateAcc{}
	a.bySitYear = map[[2]int]*rateAcc{}
	a.byOrg = make([]rateAcc, len(g.w.orgs))
	a.commits = map[[3]int]int64{}
	a.declTypes = map[string]int64{}
	a.byRule = map[string]int64{}
}

func (a *accumulators) open() error {
	f, err := os.Create(filepath.Join(a.g.dir, ".defauts.jsonl"))
	if err != nil {
		return err
	}
	a.defFile, a.defW = f, bufio.NewWriterSize(f, 1<<16)
	return nil
}

func (a *accumulators) close() {
	if a.defFile != nil {
		a.defFile.Close()
		os.Remove(a.defFile.Name())
		a.defFile = nil
	}
}

func rateOf(m map[[2]int]*rateAcc, k [2]int) *rateAcc {
	r := m[k]
	if r == nil {
		r = &rateAcc{}
		m[k] = r
	}
	return r
}

func (r *rateAcc) add(e *exitStat) {
	r.exits++
	if e.observed {
		r.observed++
		r.sumP += e.p6
		if e.emp6 {
			r.employed++
		}
	}
}

func (a *accumulators) person(id *identity, o *personOut) {
	a.persons++
	if id.nd > 1 {
		a.multi++
	}
	s, t := &a.stats, &o.stats
	s.dossiers += t.dossiers
	s.cancelled += t.cancelled
	s.cofinanced += t.cofinanced
	s.entered += t.entered
	s.exits += t.exits
	s.dossierRows += t.dossierRows
	s.extraitRows += t.extraitRows
	s.neodesRows += t.neodesRows
	for i := range t.byScheme {
		s.byScheme[i] += t.byScheme[i]
	}
	for i := range t.byRegion {
		s.byRegion[i] += t.byRegion[i]
	}
	for i := range t.bySit {
		s.bySit[i] += t.bySit[i]
	}
	for i := range o.exits {
		e := &o.exits[i]
		rateOf(a.bySchemeYear, [2]int{e.scheme, e.year}).add(e)
		rateOf(a.bySchemeYear, [2]int{-1, e.year}).add(e)
		rateOf(a.bySitYear, [2]int{e.sit, e.year}).add(e)
		a.byOrg[e.org].add(e)
	}
	for _, c := range o.commits {
		a.commits[[3]int{c.payer, c.scheme, c.year}] += c.cents
	}
}

// Defect is a deliberate defect: the row a landing must quarantine.
type Defect struct {
	File   string `json:"fichier"`
	Line   int64  `json:"ligne"`
	Rule   string `json:"regle"`
	Column string `json:"colonne"`
}

func (a *accumulators) defect(rel string, line int64, rule, column string) {
	a.defects++
	a.byRule[rule]++
	b, _ := json.Marshal(Defect{File: rel, Line: line, Rule: rule, Column: column})
	a.defW.Write(b)
	a.defW.WriteByte('\n')
}

// createFile names a new output file and writes its head.
func (g *generator) createFile(key fileKey, f *outFile) {
	w := g.w
	switch key.kind {
	case kindCSV:
		feed := int(key.a)
		p := w.partners[key.b]
		day, _ := w.transmission(p, int(key.c))
		name := feedDefs[feed].Name
		f.rel = name + "/" + name + "_" + p.code + "_" + string(appendCompact(nil, day)) + ".csv"
		g.fs.head(f, p.style.header(feed), 1)
	case kindEnv:
		p := w.partners[key.b]
		f.rel = "enveloppes/enveloppes_" + p.code + "_" + string(appendCompact(nil, Day(key.c))) + ".csv"
		g.fs.head(f, p.style.header(feedEnveloppes), 1)
	case kindExtrait:
		m := Month(key.b)
		y, mm := m.Civil()
		f.rel = fmt.Sprintf("dsn_extrait/dsn_extrait_%04d%02d.csv", y, mm)
		g.fs.head(f, w.dsnStyle.header(feedDSN), 1)
	case kindNEODeS:
		e := &w.employers[key.a]
		m := Month(key.b)
		n := int(key.c % variantNothing)
		base := key.c - int32(n)
		plan := w.neodesPlan(int(key.a), m, key.c >= variantNothing)
		y, mm := m.Civil()
		f.rel = fmt.Sprintf("dsn/%s_%04d%02d_%d.dsn", e.siret, y, mm, n)
		fy, fm, fd := plan.dates[n-1].Civil()
		var nw neodes.Writer
		nw.CRLF = e.cp1252
		nw.Header(&neodes.Declaration{Software: "agora generate", SIREN: e.siret[:9], NIC: e.siret[9:], HeadNIC: e.siret[9:],
			APEN: e.naf, APET: e.naf, Name: e.name, Nature: plan.nat[n-1], Type: plan.types[n-1], Order: n,
			Month: neodes.Date{Year: y, Month: mm, Day: 1}, FileDate: neodes.Date{Year: fy, Month: fm, Day: fd}})
		st := &w.dsnStyle
		if e.cp1252 {
			st = &cp1252DSN
		}
		g.fs.head(f, st.encode(nil, nw.Buf), nw.Lines)
		if plan.nat[n-1] == neodes.NatureMonthly {
			g.acc.declTypes[plan.types[n-1]]++
		} else {
			g.acc.eventReports++
		}
		for i := 1; i <= plan.n; i++ { // the other declarations of the establishment-month
			g.fs.get(fileKey{kind: kindNEODeS, a: key.a, b: key.b, c: base + int32(i)})
		}
	}
}

// finish writes what needs every person first: NEODeS declarations of months
// without employees, NEODeS footers and the budget envelopes.
func (g *generator) finish() {
	w := g.w
	for e := range w.employers {
		from := w.employers[e].neodesFrom
		if from == noNEODeS {
			continue
		}
		for m := from; m <= w.coverage; m++ {
			if _, ok := g.fs.files[fileKey{kind: kindNEODeS, a: int32(e), b: int32(m), c: 1}]; ok {
				continue
			}
			h := hash3(g.opt.Seed, streamNEODeS, uint64(e)<<24|uint64(m)|1<<60)
			if unit(h) >= .25 {
				continue
			}
			key := fileKey{kind: kindNEODeS, a: int32(e), b: int32(m), c: variantNothing + 1}
			f := g.fs.get(key)
			if w.neodesPlan(e, m, true).kind == planNothingFix {
				g.phantom(f, e, m, h)
			}
		}
	}
	for _, f := range g.fs.list {
		if f.key.kind != kindNEODeS {
			continue
		}
		var nw neodes.Writer
		nw.CRLF = w.employers[f.key.a].cp1252
		nw.Footer(int(f.lines))
		g.fs.head(f, nw.Buf, nw.Lines)
	}
	g.envelopes()
}

// phantom writes, in a declaration later replaced by a néant one, an employee
// who is no trainee (a NIR no person has).
func (g *generator) phantom(f *outFile, e int, m Month, h uint64) {
	emp := &g.w.employers[e]
	var nw neodes.Writer
	nw.CRLF = emp.cp1252
	y, mm := m.Civil()
	nw.Employee(&neodes.Employee{NIR: phantomNIR(h), Surname: "ERREUR", FirstNames: "Saisie", Sex: "01", Birth: neodes.Date{Year: 1980, Month: 1, Day: 1}})
	nw.Contract(&neodes.Contract{Start: neodes.Date{Year: y, Month: mm, Day: 1}, Nature: "02", Number: "ERR-1", JobTitle: "Erreur de saisie",
		PlannedEnd: neodes.Date{Year: y, Month: mm, Day: m.Days()}, Quotity: 15167})
	g.fs.head(f, nw.Buf, nw.Lines)
}

// envelopes writes each funder's annual envelopes by scheme: sent early in the
// year, sometimes revised in July; some end under-consumed, some over-consumed.
func (g *generator) envelopes() {
	keys := make([][3]int, 0, len(g.acc.commits))
	for k := range g.acc.commits {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		if a[2] != b[2] {
			return a[2] < b[2]
		}
		return a[1] < b[1]
	})
	r := newRnd()
	w := g.w
	var rw row
	var line []byte
	for _, k := range keys {
		total := g.acc.commits[k]
		p := w.partners[k[0]]
		r.reseed(g.opt.Seed, streamEnvelope, uint64(k[0])<<32|uint64(k[1])<<16|uint64(k[2]))
		var f float64
		if r.bern(.25) {
			f = r.uniform(.75, .98) // over-consumed
		} else {
			f = r.uniform(1.02, 1.6)
		}
		final := int64(math.Round(float64(total)*f/100000)) * 100000
		if final < 100000 {
			final = 100000
		}
		year := k[2]
		// one transmission day per funder and year (and one for revisions)
		hy := hash3(g.opt.Seed, streamEnvelope, uint64(k[0])<<32|uint64(year))
		first := DayOf(year, 1, 10+int(hy%10))
		revision := DayOf(year, 7, 1+int(hy>>8%10))
		revise := r.bern(.3)
		initial := final
		if revise {
			initial = int64(math.Round(float64(final)*r.uniform(.85, 1.1)/100000)) * 100000
			if initial < 100000 {
				initial = 100000
			}
		}
		put := func(day Day, amount int64) {
			if day > w.now {
				return
			}
			rw.reset(feedEnveloppes, &p.style)
			rw.str(vFin, p.code)
			rw.str(vDisp, schemes[k[1]].code)
			rw.integer(vAnnee, int64(year))
			rw.cents(vMontant, amount)
			rw.timestamp(vTS, day, p.second)
			line = rw.line(line[:0])
			g.fs.add(fileKey{kind: kindEnv, b: int32(k[0]), c: int32(day)}, p.style.encode(nil, line), 1)
		}
		put(first, initial)
		if revise {
			put(revision, final)
		}
	}
}

func (g *generator) summary() Summary {
	s := Summary{Seed: g.opt.Seed, Coverage: g.opt.Coverage.String(), DSNFormat: string(g.opt.DSNFormat), DefectRate: g.opt.DefectRate,
		Persons: g.acc.persons, Dossiers: g.acc.stats.dossiers, Defects: g.acc.defects, Bytes: g.fs.written}
	files := make([]int, nFeeds)
	rows := make([]int64, nFeeds)
	for _, f := range g.fs.list {
		switch f.key.kind {
		case kindCSV:
			files[f.key.a]++
			rows[f.key.a] += f.rows
		case kindEnv:
			files[feedEnveloppes]++
			rows[feedEnveloppes] += f.rows
		case kindExtrait:
			files[feedDSN]++
			rows[feedDSN] += f.rows
		case kindNEODeS:
			s.NEODeS.Files++
		}
	}
	for i := range nFeeds {
		s.Feeds = append(s.Feeds, FeedSummary{Feed: feedDefs[i].Name, Files: files[i], Rows: rows[i]})
	}
	s.NEODeS.Establishments = g.w.neodesN
	s.NEODeS.EventReports = g.acc.eventReports
	s.NEODeS.ContractMonths = g.acc.neodesRows
	for _, t := range []string{"01", "02", "03", "04", "05"} {
		if n := g.acc.declTypes[t]; n > 0 {
			s.NEODeS.ByType = append(s.NEODeS.ByType, RuleCount{Code: t, Count: n})
		}
	}
	for _, r := range dictionary.Rules {
		if n := g.acc.byRule[r.Code]; n > 0 {
			s.DefectsByRule = append(s.DefectsByRule, RuleCount{Code: r.Code, Count: n})
		}
	}
	return s
}

// Truth is the content of truth.json: the planted parameters and every
// deliberate defect. It is written beside the deliveries and is not one.
type Truth struct {
	Version     int                 `json:"version"`
	Description string              `json:"description"`
	Parameters  TruthParameters     `json:"parametres"`
	Model       EmploymentModel     `json:"modele_emploi_6m"`
	Expected    []ExpectedRate      `json:"taux_attendus_6m"`
	BySituation []ExpectedRate      `json:"taux_attendus_6m_par_situation"`
	Counts      TruthCounts         `json:"effectifs"`
	Partners    []PartnerHabits     `json:"partenaires"`
	NSFNAF      []NSFCorrespondence `json:"correspondance_nsf_naf"`
	NEODeS      NEODeSSummary       `json:"neodes"`
	Defects     []Defect            `json:"defauts"`
}

// TruthParameters are the options of the generation.
type TruthParameters struct {
	Dossiers   int     `json:"dossiers"`
	Seed       uint64  `json:"graine"`
	Coverage   string  `json:"couverture"`
	DSNFormat  string  `json:"format_dsn"`
	DefectRate float64 `json:"taux_defauts"`
}

// EmploymentModel is the planted model of employment six months after exit:
// logit P = base[scheme] + situation + age band + sex + region + NSF domain +
// exit reason + organisation effect.
type EmploymentModel struct {
	Formula    string             `json:"formule"`
	SchemeBase []SchemeBase       `json:"base_dispositif"`
	Situation  map[string]float64 `json:"coef_situation_avant"`
	AgeBand    map[string]float64 `json:"coef_tranche_age"`
	Sex        map[string]float64 `json:"coef_sexe"`
	Region     map[string]float64 `json:"coef_region"`
	Domain     map[string]float64 `json:"coef_domaine_nsf"`
	Motif      map[string]float64 `json:"coef_motif_sortie"`
	OrgSD      float64            `json:"ecart_type_effet_organisme"`
	Orgs       []OrgEffect        `json:"effets_organismes"`
}

// SchemeBase is a scheme's base logit and the rate it implies for the reference person.
type SchemeBase struct {
	Scheme string  `json:"code_dispositif"`
	Logit  float64 `json:"logit"`
	Rate   float64 `json:"taux_reference"`
}

// OrgEffect is an organisation's planted effect, with its exits observed at M+6.
type OrgEffect struct {
	SIRET    string  `json:"siret_of"`
	Region   string  `json:"region"`
	Effect   float64 `json:"effet"`
	Observed int64   `json:"nb_observes_6m"`
	Expected float64 `json:"taux_attendu_6m"`
	Employed int64   `json:"nb_emploi_6m"`
}

// ExpectedRate is, for a scheme (or situation) and exit year, the expected
// employment rate at M+6 (mean planted probability of the exits observed at M+6)
// and the realised one, in percent.
type ExpectedRate struct {
	Scheme    string  `json:"code_dispositif,omitempty"`
	Situation string  `json:"situation_avant,omitempty"`
	Year      int     `json:"annee_sortie"`
	Exits     int64   `json:"nb_sortants"`
	Observed  int64   `json:"nb_observes_6m"`
	Expected  float64 `json:"taux_attendu_6m"`
	Employed  int64   `json:"nb_emploi_6m"`
	Realised  float64 `json:"taux_realise_6m"`
}

// TruthCounts are overall counts of the generated population.
type TruthCounts struct {
	Persons      int64            `json:"personnes"`
	MultiDossier int64            `json:"personnes_plusieurs_dossiers"`
	Dossiers     int64            `json:"dossiers"`
	Cancelled    int64            `json:"dossiers_annules"`
	Cofinanced   int64            `json:"dossiers_cofinances"`
	Entered      int64            `json:"dossiers_entres"`
	Exits        int64            `json:"sortants"`
	ByScheme     map[string]int64 `json:"dossiers_par_dispositif"`
	ByRegion     map[string]int64 `json:"dossiers_par_region"`
	BySituation  map[string]int64 `json:"dossiers_par_situation"`
	ExtraitRows  int64            `json:"lignes_dsn_extrait_valides"`
}

// PartnerHabits says how a partner writes its files.
type PartnerHabits struct {
	Code          string `json:"code_financeur"`
	Encoding      string `json:"encodage"`
	LineEnd       string `json:"fin_de_ligne"`
	Dates         string `json:"dates"`
	Decimal       string `json:"decimale"`
	QuoteAll      bool   `json:"guillemets_partout"`
	ExtraColumn   bool   `json:"colonne_inconnue"`
	ReorderedCols bool   `json:"colonnes_reordonnees"`
	CadenceMonths int    `json:"cadence_mois"`
	Resend        bool   `json:"renvoi_a_la_sortie"`
}

// NSFCorrespondence lists the NAF sections the generator favours for jobs after
// a training of an NSF speciality.
type NSFCorrespondence struct {
	NSF      string `json:"code_nsf"`
	Sections string `json:"sections_naf"`
}

func pct(num float64, den int64) float64 {
	if den == 0 {
		return 0
	}
	return math.Round(num/float64(den)*10000) / 100
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }

func rateRows(m map[[2]int]*rateAcc, label func(int) (string, string)) []ExpectedRate {
	keys := make([][2]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var out []ExpectedRate
	for _, k := range keys {
		r := m[k]
		s, sit := label(k[0])
		out = append(out, ExpectedRate{Scheme: s, Situation: sit, Year: k[1], Exits: r.exits, Observed: r.observed,
			Expected: pct(r.sumP, r.observed), Employed: r.employed, Realised: pct(float64(r.employed), r.observed)})
	}
	return out
}

func (g *generator) writeTruth(sum *Summary) error {
	a := &g.acc
	t := Truth{
		Version: 1,
		Description: "Vérité terrain de la génération synthétique : paramètres plantés du modèle d'emploi à 6 mois et liste de chaque défaut volontaire " +
			"(fichier relatif, ligne avec 1 = en-tête, règle de quarantaine, colonne). Ce fichier n'est pas une livraison : ne pas le charger.",
		Parameters: TruthParameters{Dossiers: g.opt.Dossiers, Seed: g.opt.Seed, Coverage: g.opt.Coverage.String(), DSNFormat: string(g.opt.DSNFormat), DefectRate: g.opt.DefectRate},
		Model: EmploymentModel{
			Formula:   "logit P(emploi à M+6) = base_dispositif + coef_situation_avant + coef_tranche_age + coef_sexe + coef_region + coef_domaine_nsf + coef_motif_sortie + effet_organisme",
			Situation: map[string]float64{}, AgeBand: map[string]float64{}, Sex: map[string]float64{"1": 0, "2": coefSexWoman},
			Region: map[string]float64{}, Domain: map[string]float64{}, Motif: map[string]float64{}, OrgSD: ofEffectSD,
		},
		BySituation: rateRows(a.bySitYear, func(i int) (string, string) { return "", sitCodes[i] }),
		Counts: TruthCounts{Persons: a.persons, MultiDossier: a.multi, Dossiers: a.stats.dossiers, Cancelled: a.stats.cancelled,
			Cofinanced: a.stats.cofinanced, Entered: a.stats.entered, Exits: a.stats.exits, ByScheme: map[string]int64{},
			ByRegion: map[string]int64{}, BySituation: map[string]int64{}, ExtraitRows: a.stats.extraitRows},
		NEODeS: sum.NEODeS,
	}
	t.Expected = rateRows(a.bySchemeYear, func(i int) (string, string) {
		if i < 0 {
			return "", ""
		}
		return schemes[i].code, ""
	})
	for i, s := range schemes {
		t.Model.SchemeBase = append(t.Model.SchemeBase, SchemeBase{Scheme: s.code, Logit: s.logit, Rate: round4(logistic(s.logit))})
		t.Counts.ByScheme[s.code] = a.stats.byScheme[i]
	}
	for i, c := range sitCodes {
		t.Model.Situation[c] = coefSituation[i]
		t.Counts.BySituation[c] = a.stats.bySit[i]
	}
	for i, b := range ageBands {
		t.Model.AgeBand[b] = coefAge[i]
	}
	for i, r := range regions {
		t.Model.Region[r.code] = r.effect
		t.Counts.ByRegion[r.code] = a.stats.byRegion[i]
	}
	for d, x := range domainEffect {
		t.Model.Domain[strconv.Itoa(d)+"xx"] = x
	}
	for i, m := range motifCodes {
		t.Model.Motif[m] = coefMotif[i]
	}
	orgs := make([]OrgEffect, len(g.w.orgs))
	for i, o := range g.w.orgs {
		r := &a.byOrg[i]
		orgs[i] = OrgEffect{SIRET: o.siret, Region: regions[o.region].code, Effect: round4(o.effect), Observed: r.observed,
			Expected: pct(r.sumP, r.observed), Employed: r.employed}
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i].SIRET < orgs[j].SIRET })
	t.Model.Orgs = orgs
	for i, p := range g.w.partners {
		if p == nil {
			continue
		}
		st := &p.style
		h := PartnerHabits{Code: funderCodes[i], Encoding: st.Encoding(), LineEnd: "LF", Dates: "AAAA-MM-JJ", Decimal: ".",
			QuoteAll: st.quoteAll, ExtraColumn: st.extra, CadenceMonths: p.cadence, Resend: p.resend}
		for f := range nFeeds {
			if st.order[f] != nil && !(f == feedDossiers && st.extra && len(st.order[f]) > 0 && isShiftedCanonical(st.order[f])) {
				h.ReorderedCols = true
			}
		}
		if st.crlf {
			h.LineEnd = "CRLF"
		}
		if st.frDates {
			h.Dates = "JJ/MM/AAAA"
		}
		if st.comma {
			h.Decimal = ","
		}
		t.Partners = append(t.Partners, h)
	}
	for _, n := range nsfs {
		t.NSFNAF = append(t.NSFNAF, NSFCorrespondence{NSF: strconv.Itoa(n.code), Sections: n.naf})
	}

	if err := a.defW.Flush(); err != nil {
		return err
	}
	head, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	// Stream the defects into the "defauts" array (the head ends with "defauts": null).
	const tail = "\"defauts\": null\n}"
	if !bytes.HasSuffix(head, []byte(tail)) {
		return fmt.Errorf("generate: unexpected truth layout")
	}
	head = head[:len(head)-len(tail)]
	out, err := os.Create(filepath.Join(g.dir, TruthFile))
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	bw.Write(head)
	bw.WriteString("\"defauts\": [")
	if _, err := a.defFile.Seek(0, 0); err != nil {
		out.Close()
		return err
	}
	sc := bufio.NewScanner(a.defFile)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	first := true
	for sc.Scan() {
		if !first {
			bw.WriteByte(',')
		}
		first = false
		bw.WriteString("\n    ")
		bw.Write(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		out.Close()
		return err
	}
	if !first {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	if err := bw.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// isShiftedCanonical reports whether order is the canonical order with only the
// extra column inserted.
func isShiftedCanonical(order []int) bool {
	j := 0
	for _, i := range order {
		if i == len(order)-1 {
			continue
		}
		if i != j {
			return false
		}
		j++
	}
	return true
}
