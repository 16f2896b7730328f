package generate

import (
	"math"
	"sort"

	"github.com/agora-formation/agora/dictionary"
)

// The world holds everything that does not belong to one person: training
// organisations, employers, partners and their export habits. Its size is
// bounded (it does not grow with the number of dossiers beyond fixed caps).

// First months of the synthetic history.
var (
	firstEntryMonth = MonthOf(2019, 1) // entries start here
	firstDSNMonth   = MonthOf(2018, 1) // DSN history starts 12 months before the first entry
	periodOrigin    = MonthOf(2018, 1) // transmission periods are aligned on this month
)

// org is a training organisation (organisme de formation).
type org struct {
	siret    string
	region   int
	cfa      bool // apprenticeship centre: serves APP and PRO
	national bool // network present in every region
	effect   float64
	nsf      []int // indexes in nsfs
	nsfW     []float64
}

// employer is an establishment declaring DSN.
type employer struct {
	siret      string
	naf        string
	section    byte
	weight     float64
	interim    bool
	neodesFrom Month // first month declared in NEODeS; noNEODeS when never
	cp1252     bool  // NEODeS files of this establishment are Windows-1252 with CRLF
	name       string
}

const noNEODeS = Month(math.MaxInt32)

// partner is a funder sending dossiers, events and funding lines (dictionary 2.2).
type partner struct {
	funder  int // index in funderCodes
	code    string
	style   style
	cadence int  // months between two transmissions
	offset  int  // days after a period's end when its file is made
	second  int  // second of the day of the transmission timestamp
	resend  bool // sends the whole dossier again when it ends
}

type world struct {
	opt       Options
	now       Day // last day of the coverage month
	coverage  Month
	orgs      []org
	orgsBy    [][2]pool // region × (general, cfa)
	national  pool
	employers []employer
	bySection map[byte]*pool
	sections  []byte
	sectionC  []float64
	interim   pool
	partners  []*partner          // indexed like funderCodes (nil for ENT, IND)
	entryCum  [nSchemes][]float64 // cumulative entry weights by month since firstEntryMonth
	schemeCum []float64
	regionCum []float64
	sitCum    [nSchemes][]float64
	nsfNAF    [][]byte // per NSF index: preferred NAF sections
	neodesN   int
	dsnStyle  style
}

// pool is a weighted list of indexes.
type pool struct {
	idx []int32
	cum []float64
}

func (p *pool) add(i int, w float64) {
	s := w
	if n := len(p.cum); n > 0 {
		s += p.cum[n-1]
	}
	p.idx = append(p.idx, int32(i))
	p.cum = append(p.cum, s)
}

func (p *pool) draw(r *rnd) int { return int(p.idx[r.pick(p.cum)]) }

func (p *pool) empty() bool { return len(p.idx) == 0 }

func clampInt(x, lo, hi int) int {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}

func newWorld(opt Options) *world {
	w := &world{opt: opt, coverage: opt.Coverage, now: opt.Coverage.Last()}
	r := newRnd()
	r.reseed(opt.Seed, streamWorld, 0)

	// Marginal distributions.
	var sw, rw []float64
	for _, s := range schemes {
		sw = append(sw, s.share)
	}
	for _, g := range regions {
		rw = append(rw, g.pop)
	}
	w.schemeCum = cumulative(sw)
	w.regionCum = cumulative(rw)
	for s := range schemes {
		w.sitCum[s] = cumulative(schemes[s].sit[:])
		var ew []float64
		for m := firstEntryMonth; m <= w.coverage; m++ {
			ew = append(ew, entryWeight(s, m))
		}
		w.entryCum[s] = cumulative(ew)
	}
	w.nsfNAF = make([][]byte, len(nsfs))
	for i, n := range nsfs {
		w.nsfNAF[i] = []byte(n.naf)
	}

	w.buildOrgs(r)
	w.buildEmployers(r)
	w.buildPartners()
	w.dsnStyle = style{name: "dsn"}
	return w
}

// entryWeight is the relative number of entries of scheme s in month m: a
// seasonal profile (September peak, August trough), the 2020 lockdowns and the
// CPF boom of 2021-2022.
func entryWeight(s int, m Month) float64 {
	y, mm := m.Civil()
	season := [13]float64{0, 1.1, 1.05, 1.05, 1, .95, .9, .6, .4, 1.4, 1.3, 1.15, .7}[mm]
	if s == sAPP || s == sPRO {
		season = [13]float64{0, .5, .5, .5, .5, .5, .7, .9, .8, 5, 2.5, 1, .5}[mm]
	}
	year := map[int]float64{2019: 1, 2020: .85, 2021: 1.2, 2022: 1.25, 2023: 1.15, 2024: 1.05}[y]
	if year == 0 {
		year = 1
	}
	if s == sCPF && (y == 2021 || y == 2022) {
		year *= 1.25
	}
	if y == 2020 && mm >= 3 && mm <= 5 {
		year *= .35
	}
	return season * year
}

func (w *world) buildOrgs(r *rnd) {
	n := clampInt(w.opt.Dossiers/200, 50, 5000)
	w.orgs = make([]org, n)
	w.orgsBy = make([][2]pool, len(regions))
	var nsfW []float64
	for _, x := range nsfs {
		nsfW = append(nsfW, x.w)
	}
	nsfCum := cumulative(nsfW)
	for i := range w.orgs {
		o := &w.orgs[i]
		o.siret = makeSIRET(20000000+(uint64(i)*7919)%9999991, r)
		switch {
		case i < 2*len(regions): // every region has at least a general centre and a CFA
			o.region = i % len(regions)
			o.cfa = i >= len(regions)
		default:
			o.region = r.pick(w.regionCum)
			o.cfa = r.bern(.22)
			o.national = !o.cfa && r.bern(.04)
		}
		o.effect = r.normal(0, ofEffectSD)
		k := 1 + r.IntN(4)
		for j := 0; j < k; j++ {
			ni := r.pick(nsfCum)
			o.nsf = append(o.nsf, ni)
			o.nsfW = append(o.nsfW, 1/float64(j+1))
		}
		size := r.lognormal(1, 1.3)
		if o.national {
			w.national.add(i, size)
		} else {
			kind := 0
			if o.cfa {
				kind = 1
			}
			w.orgsBy[o.region][kind].add(i, size)
		}
	}
}

// makeSIRET builds a valid SIRET from an 8-digit SIREN body: Luhn SIREN, a NIC
// 000xx and the Luhn check digit.
func makeSIRET(body uint64, r *rnd) string {
	b := make([]byte, 0, 14)
	for d := uint64(10000000); d > 0; d /= 10 {
		b = append(b, byte('0'+body/d%10))
	}
	siren := dictionary.LuhnComplete(string(b))
	nic := []byte{'0', '0', '0', byte('1' + r.IntN(3)), byte('0' + r.IntN(10))}
	return dictionary.LuhnComplete(siren + string(nic[:4]))
}

func (w *world) employerCount() int {
	if w.opt.DSNFormat == DSNNEODeS {
		return clampInt(w.opt.Dossiers/100, 20, 400)
	}
	return clampInt(w.opt.Dossiers/3, 300, 150000)
}

func (w *world) buildEmployers(r *rnd) {
	n := w.employerCount()
	w.employers = make([]employer, n)
	w.bySection = map[byte]*pool{}
	var secW []float64
	for _, s := range sectionWeights {
		w.sections = append(w.sections, s.s)
		secW = append(secW, s.w)
		w.bySection[s.s] = &pool{}
	}
	w.sectionC = cumulative(secW)
	for i := range w.employers {
		e := &w.employers[i]
		e.siret = makeSIRET(30000000+(uint64(i)*104729)%9999991, r)
		e.weight = r.lognormal(1, 1.6)
		e.neodesFrom = noNEODeS
		if i%25 == 7 { // about 4% are temporary-work agencies, big ones
			e.interim = true
			e.naf, e.section = nafInterim, 'N'
			e.weight *= 4
			w.interim.add(i, e.weight)
		} else {
			e.section = w.sections[r.pick(w.sectionC)]
			list := nafBySection[e.section]
			var nw []float64
			for _, x := range list {
				nw = append(nw, x.w)
			}
			e.naf = list[r.pickWeights(nw)].code
			w.bySection[e.section].add(i, e.weight)
		}
		e.cp1252 = r.bern(.3)
		e.name = "ETABLISSEMENT " + e.siret[:9]
	}
	// Every section needs an establishment (a tiny world could miss one).
	for _, s := range w.sections {
		if w.bySection[s].empty() {
			w.bySection[s].add(int(r.IntN(n)), 1e-9)
		}
	}
	switch w.opt.DSNFormat {
	case DSNNEODeS:
		for i := range w.employers {
			w.employers[i].neodesFrom = firstDSNMonth
		}
		w.neodesN = n
	case DSNBoth:
		// NEODeS senders: a few big establishments, some switching to NEODeS during
		// the period. Their count is capped so the number of files stays bounded.
		k := clampInt(w.opt.Dossiers/400, 5, 150)
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		sort.SliceStable(order, func(a, b int) bool { return w.employers[order[a]].weight > w.employers[order[b]].weight })
		cand := order[:min(4*k, n)]
		for j := 0; j < k && j < len(cand); j++ {
			x := j + r.IntN(len(cand)-j)
			cand[j], cand[x] = cand[x], cand[j]
			e := &w.employers[cand[j]]
			e.neodesFrom = firstDSNMonth
			if r.bern(.5) {
				e.neodesFrom = firstDSNMonth + Month(r.IntN(int(w.coverage-firstDSNMonth)+1))
			}
		}
		w.neodesN = min(k, len(cand))
	}
}

// pickEmployer draws an establishment of one of the sections (any section when empty).
func (w *world) pickEmployer(r *rnd, sections []byte) int {
	if len(sections) == 0 {
		return w.bySection[w.sections[r.pick(w.sectionC)]].draw(r)
	}
	return w.bySection[sections[r.IntN(len(sections))]].draw(r)
}

// buildPartners sets each partner's export habits and transmission cadence: a
// partner with few dossiers sends less often, so that files are not tiny.
func (w *world) buildPartners() {
	share := w.expectedPartnerShares()
	months := float64(w.coverage-firstEntryMonth) + 1
	w.partners = make([]*partner, len(funderCodes))
	r := newRnd()
	for i, c := range dictionary.Financeurs.Codes {
		if c.SIRET == "" { // ENT and IND fund lines but send nothing
			continue
		}
		r.reseed(w.opt.Seed, streamStyle, uint64(i))
		p := &partner{funder: i, code: c.Code}
		perMonth := float64(w.opt.Dossiers) * share[i] / months
		p.cadence = 12
		for _, cad := range []int{1, 2, 3, 6, 12} {
			if perMonth*float64(cad) >= 150 {
				p.cadence = cad
				break
			}
		}
		p.offset = 1 + r.IntN(6)
		p.second = 3600*(1+r.IntN(22)) + r.IntN(3600)
		p.style = partnerStyle(c.Code, r)
		p.resend = r.bern(.4)
		w.partners[i] = p
	}
}

// expectedPartnerShares returns the expected share of dossiers sent by each funder.
func (w *world) expectedPartnerShares() []float64 {
	share := make([]float64, len(funderCodes))
	totalS, totalR := 0.0, 0.0
	for _, s := range schemes {
		totalS += s.share
	}
	for _, g := range regions {
		totalR += g.pop
	}
	opco := make([]float64, 12)
	totalN := 0.0
	for _, n := range nsfs {
		opco[n.opco] += n.w
		totalN += n.w
	}
	for _, s := range schemes {
		f := s.share / totalS
		byRegion := func(fn func(int) int, x float64) {
			for ri, g := range regions {
				share[fn(ri)] += x * g.pop / totalR
			}
		}
		byOPCO := func(x float64) {
			for k := 1; k <= 11; k++ {
				share[opcoFunder(k)] += x * opco[k] / totalN
			}
		}
		switch s.funder {
		case fundRegion:
			byRegion(regionFunder, f)
		case fundTP:
			byRegion(tpFunder, f)
		case fundFT:
			share[funderOf("FT")] += f
		case fundCDC:
			share[funderOf("CDC")] += f
		case fundOPCO:
			byOPCO(f)
		case fundEtat:
			share[funderOf("ETAT")] += f
		case fundAgefiph:
			share[funderOf("AGEFIPH")] += f
		case fundPOEC:
			share[funderOf("FT")] += f / 2
			byOPCO(f / 2)
		case fundVAE:
			share[funderOf("CDC")] += .6 * f
			byRegion(regionFunder, .25*f)
			share[funderOf("FT")] += .15 * f
		case fundBC:
			share[funderOf("CDC")] += .8 * f
			share[funderOf("FT")] += .2 * f
		}
	}
	return share
}

// period returns the transmission period of a day for a partner.
func (p *partner) period(d Day) int { return int(d.Month()-periodOrigin) / p.cadence }

// lastPeriod is the period of the last transmission (the one containing now).
func (w *world) lastPeriod(p *partner) int { return p.period(w.now) }

// transmission returns the day and second of the transmission of period k.
func (w *world) transmission(p *partner, k int) (Day, int) {
	end := (periodOrigin + Month((k+1)*p.cadence) - 1).Last()
	if end > w.now {
		end = w.now
	}
	jit := int(hash3(w.opt.Seed, streamStyle, uint64(p.funder)<<32|uint64(k)) % 3)
	return end + Day(p.offset+jit), p.second
}
