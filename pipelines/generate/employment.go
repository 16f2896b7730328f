package generate

// A person's working life around their trainings, as a list of contracts with
// exact dates. Employment at a month is the presence of a CDI, CDD or interim
// contract that month, so M+3, M+6 and M+12 come from one continuous history.
//
// For each exit the planted draw "employed at M+6" is honoured by construction:
// when it is true a main contract covers month exit+6 (the job kept, or a new
// one starting between the exit and M+6); when it is false every main contract
// ends before M+6 and nothing new starts before M+7. The months around are
// filled by a job-search process whose monthly hazard grows with the planted
// probability, so M+3 and M+12 follow coherently.

const (
	famCDI = iota
	famCDD
	famINT
)

type contract struct {
	emp     int32
	nature  string
	start   Day
	planned Day // planned end, 0 when none
	end     Day // actual end, 0 when it goes on past the horizon
	hours   int32
	num     int32
	title   uint8
	main    bool // a main job (CDI, CDD or interim), never overlapping another main job
	train   bool // the work contract of an apprenticeship or professionalisation
}

type career struct {
	w       *worker
	cs      []contract
	horizon Day
	nsf     int
	num     int32
}

func (c *career) reset(w *worker) {
	c.w, c.cs, c.num, c.nsf = w, c.cs[:0], 0, -1
}

// lastEnd returns the end of the latest main contract: 0 when one goes on,
// -1 when there is none.
func (c *career) lastEnd() Day {
	last := Day(-1)
	for i := range c.cs {
		x := &c.cs[i]
		if !x.main {
			continue
		}
		if x.end == 0 {
			return 0
		}
		if x.end > last {
			last = x.end
		}
	}
	return last
}

// activeAfter returns the main contract running on day d and going on after it.
func (c *career) activeAfter(d Day) int {
	for i := range c.cs {
		x := &c.cs[i]
		if x.main && x.start <= d && (x.end == 0 || x.end > d) {
			return i
		}
	}
	return -1
}

// activeOn returns the main contract running on day d.
func (c *career) activeOn(d Day) int {
	for i := range c.cs {
		x := &c.cs[i]
		if x.main && x.start <= d && (x.end == 0 || x.end >= d) {
			return i
		}
	}
	return -1
}

// mainCovering returns a main contract active during month m.
func (c *career) mainCovering(m Month) int {
	for i := range c.cs {
		if c.cs[i].main && covers(&c.cs[i], m) {
			return i
		}
	}
	return -1
}

func covers(x *contract, m Month) bool {
	return x.start <= m.Last() && (x.end == 0 || x.end >= m.First())
}

// addMonths adds k months to d, keeping the day of month when it exists.
func addMonths(d Day, k int) Day {
	y, m, dd := d.Civil()
	mm := MonthOf(y, m) + Month(k)
	if n := mm.Days(); dd > n {
		dd = n
	}
	return mm.First() + Day(dd-1)
}

func (c *career) natureFor(fam int, section byte) string {
	u := c.w.r.Float64()
	switch fam {
	case famCDI:
		switch section {
		case 'O':
			if u < .5 {
				return "09"
			} else if u < .7 {
				return "50"
			}
		case 'P', 'Q':
			if u < .25 {
				return "09"
			} else if u < .35 {
				return "50"
			}
		case 'F':
			if u < .05 {
				return "82"
			}
		case 'H':
			if u < .01 {
				return "91"
			}
		}
		if u > .99 {
			return "07"
		}
		return "01"
	case famCDD:
		switch section {
		case 'O', 'P', 'Q':
			if u < .4 {
				return "10"
			}
		case 'H':
			if u < .01 {
				return "92"
			}
		}
		if u > .997 {
			return "93"
		}
		return "02"
	}
	return "03"
}

var partTime = []int32{7583, 8667, 10400, 12133, 13000}

func (c *career) hoursFor(fam int) int32 {
	r := c.w.r
	full := .82
	if fam == famCDD {
		full = .72
	} else if fam == famINT {
		full = 1
	}
	if r.bern(full) {
		return 15167
	}
	return partTime[r.IntN(len(partTime))]
}

// employerFor draws the employer of a new job: temporary-work agencies for
// interim, otherwise a sector matching the latest training with probability match.
func (c *career) employerFor(fam int, match float64) int {
	wd, r := c.w.g.w, c.w.r
	if fam == famINT && !wd.interim.empty() {
		return wd.interim.draw(r)
	}
	if c.nsf >= 0 && r.bern(match) {
		return wd.pickEmployer(r, wd.nsfNAF[c.nsf])
	}
	return wd.pickEmployer(r, nil)
}

func (c *career) add(x contract) int {
	c.num++
	x.num = c.num
	x.title = uint8(c.w.r.IntN(len(jobTitles)))
	c.cs = append(c.cs, x)
	return len(c.cs) - 1
}

// cddMonths are CDD lengths in months with their weights: many short ones and a
// good mass around the 6-month threshold of durable employment.
var (
	cddMonths  = []int{1, 2, 3, 4, 5, 6, 7, 9, 12, 18}
	cddWeights = []float64{18, 14, 14, 8, 8, 12, 7, 7, 8, 4}
)

// newJob adds a main job of family fam starting on start, lasting at least until
// minEnd (0: no constraint) and at most until maxEnd (0: no constraint). emp < 0
// draws the employer. It returns the end of the job (0 when it goes on).
func (c *career) newJob(start Day, fam int, minEnd, maxEnd Day, emp int, match float64) Day {
	r := c.w.r
	if emp < 0 {
		emp = c.employerFor(fam, match)
	}
	e := &c.w.g.w.employers[emp]
	if fam == famINT && !e.interim {
		fam = famCDD
	}
	hours := c.hoursFor(fam)
	clip := func(end Day) Day {
		if minEnd > 0 && end < minEnd {
			end = minEnd + Day(r.between(0, 120))
		}
		if maxEnd > 0 && end > maxEnd {
			end = maxEnd
		}
		if end < start {
			end = start
		}
		return end
	}
	switch fam {
	case famCDI:
		var end Day
		if r.bern(.06) {
			end = start + Day(r.between(14, 60)) // trial period not passed
		} else {
			end = start + Day(30*(1+r.geometric(.012))+r.IntN(30))
		}
		end = clip(end)
		if end > c.horizon && maxEnd == 0 {
			end = 0
		}
		c.add(contract{emp: int32(emp), nature: c.natureFor(famCDI, e.section), start: start, end: end, hours: hours, main: true})
		return end
	case famCDD:
		months := cddMonths[r.pickWeights(cddWeights)]
		planned := addMonths(start, months) - 1
		if r.bern(.3) {
			planned -= Day(r.between(0, 20))
		}
		planned = clip(planned)
		if planned < start {
			planned = start
		}
		end := planned
		if r.bern(.12) {
			end = clip(start + Day(r.IntN(int(planned-start)+1)))
		}
		if end > c.horizon {
			end = 0
		}
		c.add(contract{emp: int32(emp), nature: c.natureFor(famCDD, e.section), start: start, planned: planned, end: end, hours: hours, main: true})
		return end
	}
	// Interim: a spell of back-to-back missions with the same agency.
	spellEnd := clip(start + Day(30*(1+r.geometric(.3))))
	s := start
	for {
		e := s + Day(r.between(5, 60)) - 1
		if e > spellEnd {
			e = spellEnd
		}
		x := contract{emp: int32(emp), nature: "03", start: s, planned: e, end: e, hours: 15167, main: true}
		if e > c.horizon {
			x.end = 0
		}
		c.add(x)
		if x.end == 0 || e >= spellEnd {
			return x.end
		}
		s = e + 1
	}
}

// pastJob adds a main job that ended on end, lasting about days.
func (c *career) pastJob(end Day, fam int, days int) {
	r := c.w.r
	emp := c.employerFor(fam, .4)
	e := &c.w.g.w.employers[emp]
	if fam == famINT && !e.interim {
		fam = famCDD
	}
	start := end - Day(days) + 1
	switch fam {
	case famINT:
		c.newJob(start, famINT, end, end, emp, 0)
	case famCDD:
		planned := end
		if r.bern(.1) {
			planned = end + Day(r.between(5, 60))
		}
		c.add(contract{emp: int32(emp), nature: c.natureFor(famCDD, e.section), start: start, planned: planned, end: end, hours: c.hoursFor(famCDD), main: true})
	default:
		c.add(contract{emp: int32(emp), nature: c.natureFor(famCDI, e.section), start: start, end: end, hours: c.hoursFor(famCDI), main: true})
	}
}

// other adds a contract that is not employment (internship, civic service, ...).
func (c *career) other(nature string, start, end Day, sections []byte) {
	wd := c.w.g.w
	emp := wd.pickEmployer(c.w.r, sections)
	if end > c.horizon {
		end = 0
	}
	c.add(contract{emp: int32(emp), nature: nature, start: start, end: end, hours: int32(c.w.r.between(5000, 15167))})
}

func dayIn(r *rnd, lo, hi Day) Day {
	if hi <= lo {
		return lo
	}
	return lo + Day(r.IntN(int(hi-lo)+1))
}

func entryOf(d *dossier) Day {
	if d.entry != 0 {
		return d.entry
	}
	return d.start
}

// build writes the career of a person around their dossiers.
func (c *career) build(id *identity, ds []dossier) {
	wd := c.w.g.w
	// Horizon: 24 months after the last exit (or now when still in training), cut at the coverage month.
	last := ds[len(ds)-1]
	ref := wd.now
	switch {
	case last.exit != 0:
		ref = last.exit
	case last.cancel != 0:
		ref = last.cancel
	}
	c.horizon = min(wd.now, (ref.Month() + 24).Last())
	for k := range ds {
		d := &ds[k]
		e := entryOf(d)
		if k == 0 {
			c.before(d, e)
		} else {
			c.enforce(d, e)
		}
		c.during(d, e)
		until := c.horizon
		if k+1 < len(ds) {
			until = min(until, (entryOf(&ds[k+1]).Month() - 1).Last())
		}
		switch {
		case d.exit != 0:
			c.afterExit(d, until)
		case d.cancel != 0:
			c.fill(d.cancel+1, until, .35)
		}
	}
	c.extras(id, ds)
}

// before draws the year before the first entry, consistent with the situation
// declared in the dossier (an employee has a contract the month before entry).
func (c *career) before(d *dossier, e Day) {
	r := c.w.r
	em := e.Month()
	c.nsf = d.nsf
	switch d.sit {
	case sitSAL:
		if r.bern(.8) {
			start := e - Day(r.between(60, 3650))
			if start > (em-12).First()+90 && r.bern(.3) {
				c.pastJob(start-Day(r.between(10, 60)), famCDD, r.between(60, 400))
			}
			emp := c.employerFor(famCDI, .4)
			c.add(contract{emp: int32(emp), nature: c.natureFor(famCDI, c.w.g.w.employers[emp].section), start: start, hours: c.hoursFor(famCDI), main: true})
		} else {
			start := min(e-Day(r.between(30, 330)), (em-1).Last()-Day(r.IntN(20)))
			emp := c.employerFor(famCDD, .4)
			planned := max(d.trainEnd, e) + Day(r.between(30, 400))
			c.add(contract{emp: int32(emp), nature: c.natureFor(famCDD, c.w.g.w.employers[emp].section), start: start, planned: planned, hours: c.hoursFor(famCDD), main: true})
		}
	case sitDE:
		if r.bern(.6) {
			end := dayIn(r, (em - 12).First(), (em - 2).Last())
			fam := r.pickWeights([]float64{25, 50, 25})
			days := map[int]int{famCDI: r.between(180, 1800), famCDD: r.between(30, 365), famINT: r.between(20, 180)}[fam]
			c.pastJob(end, fam, days)
			if r.bern(.25) {
				start := end - Day(days)
				c.pastJob(start-Day(r.between(15, 120)), famCDD, r.between(20, 150))
			}
		}
	case sitETU:
		if r.bern(.25) {
			end := dayIn(r, (em - 8).First(), (em - 1).Last())
			c.other("29", end-Day(r.between(30, 180)), end, nil)
		}
		if r.bern(.15) {
			end := dayIn(r, (em - 12).First(), (em - 2).Last())
			emp := c.employerFor(famCDD, 0)
			c.add(contract{emp: int32(emp), nature: "02", start: end - Day(r.between(20, 90)), planned: end, end: end, hours: int32(r.between(4000, 8000)), main: true})
		}
	case sitINA:
		if r.bern(.15) {
			c.pastJob(dayIn(r, (em-12).First(), (em-6).Last()), famCDD, r.between(30, 300))
		}
	case sitAUT:
		if r.bern(.35) {
			c.pastJob(dayIn(r, (em-12).First(), (em-2).Last()), r.pickWeights([]float64{30, 50, 20}), r.between(30, 600))
		}
	case sitIND:
		if r.bern(.1) {
			c.other("80", e-Day(r.between(365, 3000)), 0, nil)
		}
	}
}

// enforce makes the month before a later entry consistent with its situation:
// an employee has a contract then, anyone else has none (their last job ends
// at least a month before). It never changes month exit+6 of the previous dossier,
// which lies before entry-1.
func (c *career) enforce(d *dossier, e Day) {
	r := c.w.r
	em := e.Month()
	if d.sit == sitSAL {
		if i := c.mainCovering(em - 1); i >= 0 {
			if x := &c.cs[i]; x.end != 0 && x.end < e {
				if x.nature == "03" {
					x.planned, x.end = e-1, e-1
				} else {
					x.end = 0
					if x.planned != 0 && x.planned < e {
						x.planned = max(d.trainEnd, e) + Day(r.between(30, 200))
					}
				}
			}
			return
		}
		lo := (em - 3).First()
		if le := c.lastEnd(); le >= lo {
			lo = le + 1
		}
		start := dayIn(r, lo, (em - 1).Last())
		emp := c.employerFor(famCDI, .4)
		c.add(contract{emp: int32(emp), nature: c.natureFor(famCDI, c.w.g.w.employers[emp].section), start: start, hours: c.hoursFor(famCDI), main: true})
		return
	}
	cut := (em - 2).Last()
	kept := c.cs[:0]
	for _, x := range c.cs {
		if x.main {
			if x.start > cut {
				continue
			}
			if x.end == 0 || x.end > cut {
				x.end = dayIn(r, max(x.start, (em-2).First()), cut)
				if x.nature == "03" {
					x.planned = x.end
				}
			}
		}
		kept = append(kept, x)
	}
	c.cs = kept
}

// during sets employment during the training: the work contract of an
// apprenticeship or professionalisation, or an employee's job going on.
func (c *career) during(d *dossier, e Day) {
	r := c.w.r
	c.nsf = d.nsf
	if schemes[d.scheme].training == trainContract && d.entry != 0 {
		kept := c.cs[:0]
		for _, x := range c.cs {
			if x.main && (x.end == 0 || x.end >= e) {
				if x.start >= e {
					continue
				}
				x.end = e - 1
				if x.nature == "03" || (x.planned != 0 && x.planned < x.end) {
					x.planned = x.end
				}
			}
			kept = append(kept, x)
		}
		c.cs = kept
		emp := c.employerFor(famCDD, .85)
		x := contract{emp: int32(emp), start: e, hours: 15167, main: true, train: true}
		cdi := d.scheme == sAPP && r.bern(.2) || d.scheme == sPRO && r.bern(.25)
		switch {
		case cdi:
			x.nature = "01"
		default:
			x.nature = "02"
			x.planned = max(d.end, e)
			x.end = d.exit
		}
		if d.cancel != 0 {
			x.end = d.cancel
		}
		if x.end > c.horizon {
			x.end = 0
		}
		c.add(x)
		return
	}
	if d.sit == sitSAL {
		if i := c.activeAfter(e - 1); i >= 0 {
			x := &c.cs[i]
			x.end = 0
			if x.planned != 0 && x.planned < d.trainEnd {
				x.planned = d.trainEnd + Day(r.between(30, 300))
			}
		}
	}
}

var (
	startWeights = []float64{.08, .3, .2, .14, .11, .09, .08}
	famAfter     = []float64{33, 42, 25}
	famEmploi    = []float64{40, 45, 15}
	famPrepa     = []float64{55, 45, 0}
)

// afterExit draws the months after an exit up to until, honouring d.emp6.
func (c *career) afterExit(d *dossier, until Day) {
	r := c.w.r
	x := d.exit
	xm := x.Month()
	m6 := xm + 6
	cur := c.activeOn(x)
	if d.emp6 {
		keep := false
		if j := cur; j >= 0 && (c.cs[j].end == 0 || c.cs[j].end > x) {
			if c.cs[j].train {
				keep = c.cs[j].nature == "01" && r.bern(.75)
			} else {
				keep = r.bern(.92)
			}
		}
		if keep {
			j := &c.cs[cur]
			if j.end != 0 && j.end < m6.First() {
				j.end = m6.First() + Day(r.between(0, 240))
			}
			if j.planned != 0 && j.planned < j.end {
				j.planned = j.end
			}
			if j.end > c.horizon {
				j.end = 0
			}
		} else {
			startMin := x + 1
			train := false
			if cur >= 0 {
				j := &c.cs[cur]
				train = j.train
				if j.end == 0 || j.end > x {
					end := min(x+Day(r.between(0, 60)), m6.First()-2)
					j.end = max(end, j.start)
					if j.planned != 0 && j.planned < j.end || j.nature == "03" {
						j.planned = j.end
					}
				}
				startMin = max(startMin, j.end+1)
			}
			rehire := train && r.bern(.4)
			var start Day
			fam := r.pickWeights(famAfter)
			emp := -1
			switch {
			case d.motif == motEMPLOI:
				start = startMin + Day(r.between(0, 5))
				fam = r.pickWeights(famEmploi)
			case rehire:
				start = startMin
				fam = r.pickWeights([]float64{70, 30, 0})
				emp = int(c.cs[cur].emp)
			default:
				s := xm + Month(r.pickWeights(startWeights))
				start = s.First() + Day(r.IntN(s.Days()))
				if start < startMin {
					start = startMin + Day(r.between(0, 10))
				}
			}
			if d.scheme == sAFPR || d.scheme == sPOEI {
				fam = r.pickWeights(famPrepa)
			}
			if start > m6.Last() {
				start = max(startMin, m6.First()+Day(r.IntN(m6.Days()/2)))
			}
			c.newJob(start, fam, m6.First(), 0, emp, .6)
		}
		if le := c.lastEnd(); le > 0 {
			c.fill(le+1, until, d.p6)
		}
		return
	}
	if cur >= 0 {
		if j := &c.cs[cur]; j.end == 0 || j.end > x {
			j.end = dayIn(r, max(x, j.start), (m6 - 1).Last())
			if j.planned != 0 && j.planned < j.end || j.nature == "03" {
				j.planned = j.end
			}
		}
	}
	if r.bern(.3) {
		lo := (xm + 1).First()
		if le := c.lastEnd(); le >= lo {
			lo = le + 1
		}
		if hi := (m6 - 2).Last(); lo < hi {
			c.newJob(dayIn(r, lo, hi), 1+r.IntN(2), 0, (m6 - 1).Last(), -1, .6)
		}
	}
	c.fill((m6 + 1).First(), until, d.p6)
}

// fill draws jobs from day from to until with a monthly job-finding hazard
// rising with p (the person's planted employability).
func (c *career) fill(from, until Day, p float64) {
	r := c.w.r
	le := c.lastEnd()
	if le == 0 {
		return
	}
	if le >= from {
		from = le + 1
	}
	f := .03 + .3*p*p
	t := from
	immediate := false
	for t <= until {
		var start Day
		if immediate {
			start = t + Day(r.between(0, 14))
		} else {
			s := t.Month() + Month(r.geometric(f))
			if s > until.Month() {
				return
			}
			start = max(t, s.First()+Day(r.IntN(s.Days())))
		}
		if start > until {
			return
		}
		end := c.newJob(start, r.pickWeights([]float64{28, 47, 25}), 0, 0, -1, .55)
		if end == 0 || end >= until {
			return
		}
		t = end + 1
		immediate = r.bern(.35)
	}
}

// extras adds secondary jobs (multi-employment inside a main job) and contracts
// that are not employment (civic service, other natures).
func (c *career) extras(id *identity, ds []dossier) {
	r := c.w.r
	n := len(c.cs)
	for i := 0; i < n; i++ {
		x := c.cs[i]
		if !x.main || x.train || !r.bern(.06) {
			continue
		}
		end := x.end
		if end == 0 {
			end = c.horizon
		}
		if end-x.start < 20 {
			continue
		}
		start := x.start + Day(r.IntN(int(end-x.start)-10))
		stop := min(start+Day(r.between(20, 150)), end)
		emp := c.w.g.w.pickEmployer(r, nil)
		nature := []string{"02", "02", "02", "01", "03"}[r.IntN(5)]
		if nature == "03" && !c.w.g.w.interim.empty() {
			emp = c.w.g.w.interim.draw(r)
		} else if nature == "03" {
			nature = "02"
		}
		y := contract{emp: int32(emp), nature: nature, start: start, end: stop, hours: int32(r.between(2000, 7000)), main: false}
		if nature != "01" {
			y.planned = stop
		}
		if x.end == 0 && stop >= c.horizon {
			y.end = 0
		}
		c.add(y)
	}
	d := &ds[0]
	if d.age < 26 && (d.sit == sitETU || d.sit == sitINA || d.sit == sitDE) && r.bern(.05) {
		ref := entryOf(d)
		if d.exit != 0 {
			ref = d.exit
		}
		s := ref + Day(r.between(20, 90))
		if s <= c.horizon {
			c.other("89", s, s+Day(r.between(180, 240)), []byte("SOP"))
		}
	}
	if r.bern(.005) {
		s := dayIn(r, (entryOf(d).Month() - 12).First(), c.horizon)
		c.other("90", s, s+Day(r.between(20, 90)), nil)
	}
}
