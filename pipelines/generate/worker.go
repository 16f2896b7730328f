package generate

import (
	"github.com/agora-formation/agora/pipelines/generate/neodes"
)

// worker generates persons; each goroutine owns one, with its scratch buffers.
type worker struct {
	g     *generator
	r     *rnd
	id    *identity
	out   *personOut
	row   row
	line  []byte
	nw    neodes.Writer
	car   career
	ds    [3]dossier
	days  []Day
	keep  []int
	per   []int
	group []int32
	block []int32
	// the partner and period of the defect being planted
	defP    *partner
	defFree int
}

// personOut is what one person adds to the deliveries, applied in person order.
type personOut struct {
	items   []item
	data    []byte
	defects []defectMark
	exits   []exitStat
	commits []commitStat
	stats   personStats
}

type exitStat struct {
	scheme, sit, org int
	year             int
	observed         bool
	p6               float64
	emp6             bool
}

type commitStat struct {
	payer, scheme, year int
	cents               int64
}

type personStats struct {
	dossiers, cancelled, cofinanced, entered, exits int64
	dossierRows, extraitRows, neodesRows            int64
	byScheme                                        [nSchemes]int64
	byRegion                                        [18]int64
	bySit                                           [nSituations]int64
}

func (o *personOut) reset() {
	o.items, o.data, o.defects, o.exits, o.commits = o.items[:0], o.data[:0], o.defects[:0], o.exits[:0], o.commits[:0]
	o.stats = personStats{}
}

func newWorker(g *generator) *worker {
	return &worker{g: g, r: newRnd()}
}

// person generates everything about one person into out.
func (w *worker) person(id *identity, out *personOut) {
	w.id, w.out = id, out
	out.reset()
	w.r.reseed(w.g.opt.Seed, streamLife, uint64(id.person))
	ds := w.ds[:id.nd]
	for k := range ds {
		w.planDossier(id, k, &ds[k])
	}
	w.car.reset(w)
	w.car.build(id, ds)
	for k := range ds {
		d := &ds[k]
		w.emitDossier(d)
		w.account(d)
	}
	w.emitDSN(ds)
}

// account records what the summary and truth.json need about a dossier.
func (w *worker) account(d *dossier) {
	o := w.out
	st := &o.stats
	st.dossiers++
	st.byScheme[d.scheme]++
	st.byRegion[d.region]++
	st.bySit[d.sit]++
	if d.cancel != 0 {
		st.cancelled++
	}
	if d.cofin && d.cancel == 0 {
		st.cofinanced++
	}
	if d.entry != 0 && d.cancel == 0 {
		st.entered++
	}
	if d.exit != 0 && d.cancel == 0 {
		st.exits++
		m6 := d.exit.Month() + 6
		o.exits = append(o.exits, exitStat{scheme: d.scheme, sit: d.sit, org: d.org, year: d.exit.Year(),
			observed: m6 <= w.g.w.coverage, p6: d.p6, emp6: d.emp6})
	}
	// Envelopes are the main funders' budgets: top-ups by other funders and
	// commitments before the first year are left out.
	for i := range d.lines {
		l := &d.lines[i]
		if l.payer != d.sender || l.finalEng == 0 || d.created.Year() < firstEntryMonth.Year() {
			continue
		}
		o.commits = append(o.commits, commitStat{payer: l.payer, scheme: d.scheme, year: d.created.Year(), cents: l.finalEng})
	}
}
