package generate

import (
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
)

// The realism tests read a generation of 20 000 dossiers (DSN as dsn_extrait,
// so that employment can be read from CSV), rebuild what the models will
// (latest transmission wins, dossier states, employment by person and month)
// and check shares against stated tolerances.

const realismN = 20000

type dossierState struct {
	ts                   time.Time
	scheme, region, sit  string
	nir, birth, sex, nsf string
	events               []evt
	entry, exit          time.Time
	cancelled, hasEntry  bool
	payers               map[string]bool
}

type evt struct {
	typ string
	day time.Time
}

type dsnRow struct {
	family  string
	hours   float64
	start   time.Time
	section byte
}

type population struct {
	dossiers map[string]*dossierState
	dsn      map[string]map[string][]dsnRow // nir → AAAA-MM → rows
	envelope map[string]int64               // funder|scheme|year → cents (latest)
	envTS    map[string]time.Time
	orgs     map[string]int
	truth    Truth
}

var popCache *population

func readPopulation(t *testing.T) *population {
	t.Helper()
	if popCache != nil {
		return popCache
	}
	if testing.Short() {
		t.Skip("realism checks read a generation of 20 000 dossiers")
	}
	opt := smallOptions(realismN, 11)
	opt.DSNFormat = DSNExtrait
	root := generated(t, opt)
	p := &population{dossiers: map[string]*dossierState{}, dsn: map[string]map[string][]dsnRow{},
		envelope: map[string]int64{}, envTS: map[string]time.Time{}, orgs: map[string]int{}, truth: readTruth(t, root)}
	get := func(key string) *dossierState {
		d := p.dossiers[key]
		if d == nil {
			d = &dossierState{payers: map[string]bool{}}
			p.dossiers[key] = d
		}
		return d
	}
	for _, rel := range deliveries(t, root, ".csv") {
		feed, _, rows := validate(t, root, rel)
		for _, r := range rows {
			f := r.fields
			switch feed {
			case dictionary.Dossiers:
				d := get(f[1] + "|" + f[0])
				ts := feed.Get(r.rec, "date_transmission").Time
				if ts.Before(d.ts) {
					continue
				}
				d.ts = ts
				d.nir, d.sex, d.sit, d.scheme, d.region = f[dNIR], f[dSexe], f[dSit], f[dDisp], f[dRegion]
				d.birth = feed.Get(r.rec, "date_naissance").Time.Format("2006-01-02")
				d.nsf = f[dNSF]
				p.orgs[f[dSiret]]++
			case dictionary.Evenements:
				d := get(f[1] + "|" + f[0])
				d.events = append(d.events, evt{f[eType], feed.Get(r.rec, "date_evenement").Time})
			case dictionary.Financements:
				get(f[1] + "|" + f[0]).payers[f[fFin]] = true
			case dictionary.Enveloppes:
				k := f[vFin] + "|" + f[vDisp] + "|" + f[vAnnee]
				ts := feed.Get(r.rec, "date_transmission").Time
				if ts.After(p.envTS[k]) || p.envTS[k].IsZero() {
					p.envTS[k] = ts
					p.envelope[k] = feed.Get(r.rec, "montant").Int
				}
			case dictionary.DSNExtrait:
				nir := dictionary.NormalizeNIR(f[xNIR])
				fam, _ := dictionary.ContractFamily(f[xNature])
				m := f[xMois]
				if p.dsn[nir] == nil {
					p.dsn[nir] = map[string][]dsnRow{}
				}
				p.dsn[nir][m] = append(p.dsn[nir][m], dsnRow{family: fam, hours: feed.Get(r.rec, "heures_mois").Num,
					start: feed.Get(r.rec, "date_debut_contrat").Time, section: nafSection(f[xNAF])})
			}
		}
	}
	for _, d := range p.dossiers {
		sort.SliceStable(d.events, func(i, j int) bool { return d.events[i].day.Before(d.events[j].day) })
		var exit time.Time
		for _, e := range d.events {
			switch e.typ {
			case "ENTREE":
				if !d.hasEntry {
					d.entry, d.hasEntry = e.day, true
				}
			case "SORTIE":
				exit = e.day
			case "REPRISE":
				exit = time.Time{}
			case "ANNULATION":
				d.cancelled = true
			}
		}
		d.exit = exit
	}
	popCache = p
	return p
}

// nafSection maps a NAF code to its section through its division.
func nafSection(naf string) byte {
	div := int(naf[0]-'0')*10 + int(naf[1]-'0')
	bounds := []struct {
		upTo int
		s    byte
	}{{3, 'A'}, {9, 'B'}, {33, 'C'}, {35, 'D'}, {39, 'E'}, {43, 'F'}, {47, 'G'}, {53, 'H'}, {56, 'I'}, {63, 'J'},
		{66, 'K'}, {68, 'L'}, {75, 'M'}, {82, 'N'}, {84, 'O'}, {85, 'P'}, {88, 'Q'}, {93, 'R'}, {96, 'S'}, {98, 'T'}, {99, 'U'}}
	for _, b := range bounds {
		if div <= b.upTo {
			return b.s
		}
	}
	return '?'
}

func monthKey(t time.Time, k int) string {
	return t.AddDate(0, 0, 1-t.Day()).AddDate(0, k, 0).Format("2006-01")
}

func (p *population) employed(nir, month string) bool {
	for _, r := range p.dsn[nir][month] {
		if r.family == dictionary.FamilyCDI || r.family == dictionary.FamilyCDD || r.family == dictionary.FamilyInterim {
			return true
		}
	}
	return false
}

// best returns the best job of a month by the agreed rule.
func (p *population) best(nir, month string) (dsnRow, bool) {
	rank := map[string]int{dictionary.FamilyCDI: 3, dictionary.FamilyCDD: 2, dictionary.FamilyInterim: 1}
	var b dsnRow
	found := false
	for _, r := range p.dsn[nir][month] {
		if rank[r.family] == 0 {
			continue
		}
		if !found || rank[r.family] > rank[b.family] || rank[r.family] == rank[b.family] && (r.hours > b.hours || r.hours == b.hours && r.start.After(b.start)) {
			b, found = r, true
		}
	}
	return b, found
}

func share(num, den int) float64 { return 100 * float64(num) / float64(den) }

func TestRealismShares(t *testing.T) {
	p := readPopulation(t)
	n := len(p.dossiers)
	require.Equal(t, realismN, n, "exactly N dossiers")
	scheme, region := map[string]int{}, map[string]int{}
	cancelled, cofin, kept := 0, 0, 0
	byNIR := map[string]int{}
	for _, d := range p.dossiers {
		scheme[d.scheme]++
		region[d.region]++
		byNIR[d.nir]++
		if d.cancelled {
			cancelled++
			continue
		}
		kept++
		if len(d.payers) >= 2 {
			cofin++
		}
	}
	multi := 0
	for _, c := range byNIR {
		if c > 1 {
			multi++
		}
	}
	tests := []struct {
		name      string
		got, want float64
		tol       float64 // percentage points
	}{
		{"scheme CPF", share(scheme["CPF"], n), 37, 2.5},
		{"scheme APP", share(scheme["APP"], n), 8, 1.5},
		{"scheme PRF", share(scheme["PRF"], n), 9, 1.5},
		{"scheme AIF", share(scheme["AIF"], n), 7, 1.5},
		{"scheme BC", share(scheme["BC"], n), 5, 1.2},
		{"scheme CPF_TP", share(scheme["CPF_TP"], n), 1.2, .6},
		{"region Île-de-France", share(region["11"], n), 18.3, 1.5},
		{"region Auvergne-Rhône-Alpes", share(region["84"], n), 12.1, 1.5},
		{"region Provence-Alpes-Côte d'Azur", share(region["93"], n), 7.7, 1.2},
		{"region Corse", share(region["94"], n), .52, .35},
		{"region Mayotte", share(region["06"], n), .46, .35},
		{"cancelled dossiers", share(cancelled, n), 2.4, 1},
		{"co-financed dossiers (not cancelled)", share(cofin, kept), 11.5, 2.5},
		{"persons with several dossiers", share(multi, len(byNIR)), 9.5, 2},
	}
	for _, tt := range tests {
		assert.InDelta(t, tt.want, tt.got, tt.tol, "%s: %.2f%% (want %.2f ± %.2f)", tt.name, tt.got, tt.want, tt.tol)
	}
	assert.Len(t, scheme, 20, "all 20 schemes appear")
	assert.Len(t, region, 18, "all 18 regions appear")
}

func TestRealismOrganisationsAndNIR(t *testing.T) {
	p := readPopulation(t)
	// skewed organisation sizes: the largest tenth trains well over a tenth
	var sizes []int
	total := 0
	for _, c := range p.orgs {
		sizes = append(sizes, c)
		total += c
	}
	sort.Sort(sort.Reverse(sort.IntSlice(sizes)))
	top := 0
	for _, c := range sizes[:len(sizes)/10] {
		top += c
	}
	assert.GreaterOrEqual(t, len(sizes), 90, "about N/200 organisations")
	assert.Greater(t, share(top, total), 30.0, "top 10%% of organisations hold more than 30%% of dossier rows")

	// a NIR is one person: same birth date and sex everywhere; structure follows them
	type who struct{ birth, sex string }
	seen := map[string]who{}
	corsica, temporary := 0, 0
	for _, d := range p.dossiers {
		if w, ok := seen[d.nir]; ok {
			assert.Equal(t, w, who{d.birth, d.sex}, "NIR shared by two persons")
		}
		seen[d.nir] = who{d.birth, d.sex}
		require.True(t, dictionary.ValidNIR(d.nir), d.nir)
		first := d.nir[0]
		if first == '7' || first == '8' {
			temporary++
			first -= 6
		}
		assert.Equal(t, d.sex, string(first))
		assert.Equal(t, d.birth[2:4], d.nir[1:3], "birth year in the NIR")
		if d.nir[7] == 'A' || d.nir[7] == 'B' || d.nir[5:7] == "20" {
			corsica++
		}
	}
	assert.Positive(t, corsica, "some persons born in Corsica (2A, 2B, or 20 before 1976)")
	assert.InDelta(t, 1, share(temporary, len(p.dossiers)), .6, "about 1%% temporary numbers")
}

func TestRealismEmployment(t *testing.T) {
	p := readPopulation(t)
	coverage := p.truth.Parameters.Coverage
	bySit := map[string]*cell{}
	bySchemeYear := map[[2]string]*cell{}
	var m3, m6, m12 cell
	matchProd, prod, matchServ, serv := 0, 0, 0, 0
	beforeSAL, beforeSALEmp, beforeOther, beforeOtherEmp := 0, 0, 0, 0
	for _, d := range p.dossiers {
		if d.cancelled || !d.hasEntry {
			continue
		}
		if before := monthKey(d.entry, -1); before >= "2018-01" {
			if d.sit == "SAL" {
				beforeSAL++
				if p.employed(d.nir, before) {
					beforeSALEmp++
				}
			} else {
				beforeOther++
				if p.employed(d.nir, before) {
					beforeOtherEmp++
				}
			}
		}
		if d.exit.IsZero() {
			continue
		}
		k6 := monthKey(d.exit, 6)
		if k6 > coverage {
			continue
		}
		emp := p.employed(d.nir, k6)
		for _, c := range []*cell{rateCell(bySit, d.sit), rateCell2(bySchemeYear, [2]string{d.scheme, d.exit.Format("2006")}), &m6} {
			c.obs++
			if emp {
				c.emp++
			}
		}
		if monthKey(d.exit, 12) <= coverage && d.sit == "DE" {
			m3.obs++
			m12.obs++
			if p.employed(d.nir, monthKey(d.exit, 3)) {
				m3.emp++
			}
			if p.employed(d.nir, monthKey(d.exit, 12)) {
				m12.emp++
			}
		}
		if b, ok := p.best(d.nir, k6); ok {
			switch d.nsf[0] {
			case '2':
				prod++
				if b.section >= 'A' && b.section <= 'F' {
					matchProd++
				}
			case '3':
				serv++
				if b.section >= 'G' && b.section <= 'S' {
					matchServ++
				}
			}
		}
	}
	// The realised counts read from the files equal those the generator planted.
	for _, e := range p.truth.Expected {
		if e.Scheme == "" {
			continue
		}
		c := bySchemeYear[[2]string{e.Scheme, itoa(int64(e.Year))}]
		if c == nil {
			assert.Zero(t, e.Observed, "%s %d", e.Scheme, e.Year)
			continue
		}
		assert.Equal(t, e.Observed, int64(c.obs), "observed exits at M+6, %s %d", e.Scheme, e.Year)
		assert.Equal(t, e.Employed, int64(c.emp), "employed at M+6, %s %d", e.Scheme, e.Year)
		if e.Observed >= 300 { // realised within 4 standard errors of the planted expectation
			pe := e.Expected / 100
			se := math.Sqrt(pe*(1-pe)/float64(e.Observed)) * 100
			assert.InDelta(t, e.Expected, e.Realised, 4*se, "%s %d", e.Scheme, e.Year)
		}
	}
	de, sal := bySit["DE"], bySit["SAL"]
	rate := func(c *cell) float64 { return share(c.emp, c.obs) }
	tests := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"employment at M+6, jobseekers", rate(de), 45, 65},
		{"employment at M+6, employees", rate(sal), 80, 97},
		{"employees minus jobseekers at M+6 (points)", rate(sal) - rate(de), 20, 50},
		{"employment at M+6, all", rate(&m6), 55, 80},
		{"jobseekers: M+12 minus M+3 (points)", rate(&m12) - rate(&m3), 0, 25},
		{"jobs after a production training in sections A-F", share(matchProd, prod), 35, 90},
		{"jobs after a services training in sections G-S", share(matchServ, serv), 75, 100},
		{"employees with a job the month before entry", share(beforeSALEmp, beforeSAL), 100, 100},
		{"others with a job the month before entry", share(beforeOtherEmp, beforeOther), 0, 0},
	}
	for _, tt := range tests {
		assert.True(t, tt.got >= tt.lo && tt.got <= tt.hi, "%s: %.1f not in [%.0f, %.0f]", tt.name, tt.got, tt.lo, tt.hi)
	}
}

// cell counts exits observed and employed.
type cell struct{ obs, emp int }

func rateCell(m map[string]*cell, k string) *cell {
	if m[k] == nil {
		m[k] = &cell{}
	}
	return m[k]
}

func rateCell2(m map[[2]string]*cell, k [2]string) *cell {
	if m[k] == nil {
		m[k] = &cell{}
	}
	return m[k]
}

func TestRealismContractsAndBudget(t *testing.T) {
	p := readPopulation(t)
	cdi, cdiFull, months, multi := 0, 0, 0, 0
	natures := map[string]int{}
	for _, byMonth := range p.dsn {
		for _, rows := range byMonth {
			months++
			jobs := 0
			for _, r := range rows {
				natures[r.family]++
				if r.family == dictionary.FamilyCDI {
					cdi++
					if r.hours == 151.67 {
						cdiFull++
					}
				}
				if r.family != dictionary.FamilyNone {
					jobs++
				}
			}
			if jobs > 1 {
				multi++
			}
		}
	}
	// envelopes against what was committed (latest funding lines)
	root := generated(t, func() Options { o := smallOptions(realismN, 11); o.DSNFormat = DSNExtrait; return o }())
	committed := map[string]int64{}
	latest := map[string]time.Time{}
	amount := map[string]int64{}
	meta := map[string]string{}
	for _, rel := range deliveries(t, root, ".csv") {
		if !strings.HasPrefix(rel, "financements/") {
			continue
		}
		feed, _, rows := validate(t, root, rel)
		for _, r := range rows {
			k := r.fields[fFinDos] + "|" + r.fields[fId] + "|" + r.fields[fFin] + "|" + r.fields[fType]
			ts := feed.Get(r.rec, "date_transmission").Time
			if ts.Before(latest[k]) {
				continue
			}
			latest[k] = ts
			amount[k] = feed.Get(r.rec, "montant_engage").Int
			meta[k] = r.fields[fFin] + "|" + feed.Get(r.rec, "date_engagement").Time.Format("2006")
		}
	}
	schemeOf := map[string]string{}
	for k, d := range p.dossiers {
		schemeOf[k] = d.scheme
	}
	for k, a := range amount {
		parts := strings.SplitN(k, "|", 4)
		if parts[0] != parts[2] { // envelopes cover the main funder's own lines
			continue
		}
		fy := strings.SplitN(meta[k], "|", 2)
		committed[fy[0]+"|"+schemeOf[parts[0]+"|"+parts[1]]+"|"+fy[1]] += a
	}
	over, under := 0, 0
	for k, env := range p.envelope {
		c := committed[k]
		require.Positive(t, c, "envelope without commitments: %s", k)
		if c > env {
			over++
		} else {
			under++
		}
	}
	tests := []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"CDI rows at 151.67 h", share(cdiFull, cdi), 60, 95},
		{"person-months with several jobs", share(multi, months), 1, 15},
		{"interim rows", share(natures[dictionary.FamilyInterim], months), 5, 40},
		{"rows that are not employment (internships, civic service...)", share(natures[dictionary.FamilyNone], months), .2, 10},
		{"envelopes over-consumed", share(over, over+under), 10, 45},
	}
	for _, tt := range tests {
		assert.True(t, tt.got >= tt.lo && tt.got <= tt.hi, "%s: %.1f not in [%.1f, %.1f]", tt.name, tt.got, tt.lo, tt.hi)
	}
}

func TestBothFormatsNeverOverlap(t *testing.T) {
	root := generated(t, smallOptions(3000, 5))
	neodesMonths := map[string]bool{}
	for _, rel := range deliveries(t, root, ".dsn") {
		base := filepath.Base(rel)
		neodesMonths[base[:14]+"|"+base[15:19]+"-"+base[19:21]] = true
	}
	require.NotEmpty(t, neodesMonths)
	rows := 0
	for _, rel := range deliveries(t, root, ".csv") {
		if !strings.HasPrefix(rel, "dsn_extrait/") {
			continue
		}
		_, _, good := validate(t, root, rel)
		for _, r := range good {
			rows++
			assert.False(t, neodesMonths[r.fields[xSiret]+"|"+r.fields[xMois]], "%s:%d: establishment-month also declared in NEODeS", rel, r.line)
		}
	}
	assert.Positive(t, rows)
}
