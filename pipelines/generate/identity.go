package generate

import (
	"fmt"
	"math"

	"github.com/agora-formation/agora/dictionary"
)

// A person's identity is drawn in a cheap sequential pass, in person order:
// how many dossiers they have, the schedule of those dossiers, sex, birth date,
// region and birth place. The NIR is then built from those, with the
// "commune + order" digits taken from a counter per (sex, year, month, place)
// cell, so that no two persons ever share a NIR whatever N is, with memory
// fixed by the number of cells.

type schedDossier struct {
	scheme int
	start  Day // planned start
	days   int // planned length in days (planned end = start + days - 1)
	hours  int
}

type identity struct {
	person       int64
	firstDossier int64
	nd           int
	sched        [3]schedDossier
	sex          int // 1 man, 2 woman
	birth        Day
	region       int
	nir          [15]byte
}

// drawIdentity draws person i's identity (without the NIR serial); remaining
// is the number of dossiers still to generate.
func (g *generator) drawIdentity(r *rnd, i int64, remaining int64, id *identity) {
	r.reseed(g.opt.Seed, streamIdentity, uint64(i))
	w := g.w
	*id = identity{person: i}
	nd := 1
	if u := r.Float64(); u < .015 {
		nd = 3
	} else if u < .10 {
		nd = 2
	}
	if int64(nd) > remaining {
		nd = int(remaining)
	}
	var gaps [3]int
	for k := 0; k < nd; k++ {
		s := r.pick(w.schemeCum)
		spec := &schemes[s]
		h := clamp(r.lognormal(spec.hoursMed, spec.hoursSigma), spec.hoursMin, spec.hoursMax)
		hours := int(math.Round(h))
		weekly := r.lognormal(spec.weekly, .25)
		days := int(math.Ceil(float64(hours) / weekly * 7))
		if days < 1 {
			days = 1
		}
		id.sched[k] = schedDossier{scheme: s, hours: hours, days: days}
		gaps[k] = r.between(330, 900)
	}
	// The whole schedule must fit between the first entry month and now.
	lo := firstEntryMonth.First()
	var latest Day
	for ; ; nd-- {
		span := 0
		for k := 0; k < nd-1; k++ {
			span += id.sched[k].days + gaps[k+1]
		}
		latest = w.now - Day(span)
		if latest >= lo || nd == 1 {
			break
		}
	}
	if latest < lo {
		latest = lo
	}
	id.nd = nd
	s0 := id.sched[0].scheme
	hi := int(latest.Month() - firstEntryMonth)
	cum := w.entryCum[s0][:hi+1]
	m := firstEntryMonth + Month(r.pick(cum))
	start := m.First() + Day(r.IntN(m.Days()))
	if start > latest {
		start = latest
	}
	for k := 0; k < nd; k++ {
		if k > 0 {
			start += Day(id.sched[k-1].days + gaps[k])
		}
		id.sched[k].start = start
	}
	spec := &schemes[s0]
	age := clamp(r.normal(spec.ageMean, spec.ageSD), spec.ageMin, spec.ageMax)
	id.birth = id.sched[0].start - Day(age*365.25) - Day(r.IntN(30))
	id.sex = 2
	if r.bern(spec.male) {
		id.sex = 1
	}
	id.region = r.pick(w.regionCum)
}

// Birth places: metropolitan departments (then the commune's 3 digits are free),
// overseas departments 97d (2 digits free) and foreign countries 99ccc (none free).
type place struct {
	code string
	free int // free digits before the 3-digit order number
}

var (
	places      []place
	placeByCode = map[string]int{}
	regionPlace [][]int // region index → its places
	countryCum  []float64
)

func init() {
	regionPlace = make([][]int, len(regions))
	add := func(code string, free int) int {
		if i, ok := placeByCode[code]; ok {
			return i
		}
		places = append(places, place{code, free})
		placeByCode[code] = len(places) - 1
		return len(places) - 1
	}
	for ri, g := range regions {
		for _, d := range g.depts {
			free := 3
			if g.dom {
				free = 2
			}
			regionPlace[ri] = append(regionPlace[ri], add(d, free))
		}
	}
	add("20", 3) // Corsica before 1976
	var cw []float64
	for _, c := range countries {
		add("99"+c.code, 0)
		cw = append(cw, c.w)
	}
	countryCum = cumulative(cw)
}

// nirCells counts the NIRs handed out per cell.
type nirCells struct {
	count []uint32
}

const nirMonths = 24 // 12 real months, then 12 fictitious ones (20-31) used when a cell is full

func newNIRCells() *nirCells {
	return &nirCells{count: make([]uint32, 4*100*nirMonths*len(places))}
}

// drawPlace draws the birth place of a person living in region ri.
func drawPlace(r *rnd, w *world, ri int, birthYear int) int {
	u := r.Float64()
	var pr int
	switch {
	case regions[ri].dom && u < .85, !regions[ri].dom && u < .70:
		pr = ri
	case u < .90:
		pr = r.pick(w.regionCum)
	default:
		return placeByCode["99"+countries[r.pick(countryCum)].code]
	}
	ps := regionPlace[pr]
	p := ps[r.IntN(len(ps))]
	if c := places[p].code; (c == "2A" || c == "2B") && birthYear < 1976 {
		return placeByCode["20"]
	}
	return p
}

// assignNIR builds the person's NIR. It is called in person order.
func (g *generator) assignNIR(r *rnd, id *identity) error {
	r.reseed(g.opt.Seed, streamIdentity, uint64(id.person)|1<<62)
	y, mo, _ := id.birth.Civil()
	p := drawPlace(r, g.w, id.region, y)
	first := id.sex // 1 or 2
	if r.bern(.01) {
		first += 6 // temporary number (NIA): 7 or 8
	}
	return g.number(first, y, mo, p, &id.nir)
}

// number writes into nir the next NIR of the cell (first digit, birth year and
// month, place): the serial is scrambled into the commune and order digits.
// A full cell moves on to the fictitious months 20-31.
func (g *generator) number(first, y, mo, p int, nir *[15]byte) error {
	fi := map[int]int{1: 0, 2: 1, 7: 2, 8: 3}[first]
	pl := places[p]
	capacity := 999 * map[int]int{3: 990, 2: 99, 0: 1}[pl.free]
	for mi := mo - 1; mi < nirMonths; mi += 12 {
		cell := ((fi*100+y%100)*nirMonths+mi)*len(places) + p
		k := g.cells.count[cell]
		if int(k) >= capacity {
			continue
		}
		g.cells.count[cell]++
		x := (uint64(k)*7919 + mix64(uint64(cell))%uint64(capacity)) % uint64(capacity)
		month := mi + 1
		if mi >= 12 {
			month = 20 + mi - 12
		}
		b := nir[:0]
		b = append(b, byte('0'+first))
		b = append2(b, y%100)
		b = append2(b, month)
		b = append(b, pl.code...)
		switch pl.free {
		case 3:
			b = append(b, byte('0'+(1+x/999)/100), byte('0'+(1+x/999)/10%10), byte('0'+(1+x/999)%10))
		case 2:
			b = append2(b, int(1+x/999))
		}
		o := 1 + x%999
		b = append(b, byte('0'+o/100), byte('0'+o/10%10), byte('0'+o%10))
		key, ok := dictionary.NIRKey(string(b))
		if !ok {
			return fmt.Errorf("generate: corps de NIR mal formé %q", b)
		}
		copy(nir[13:], key)
		return nil
	}
	return fmt.Errorf("plus de numéros NIR disponibles pour la cellule (sexe %d, %d-%02d, lieu %s)", first, y, mo, pl.code)
}

// phantomNIR builds a valid NIR that belongs to no trainee (birth month 99,
// never handed out to persons), used in declarations later cancelled.
func phantomNIR(h uint64) string {
	b := make([]byte, 0, 15)
	b = append(b, byte('1'+h%2))
	b = append2(b, int(h>>8%60+40))
	b = append2(b, 99)
	b = append2(b, int(h>>16%89+1))
	x := h >> 24 % 999000
	b = append(b, byte('0'+x/100000), byte('0'+x/10000%10), byte('0'+x/1000%10))
	o := 1 + x%999
	b = append(b, byte('0'+o/100), byte('0'+o/10%10), byte('0'+o%10))
	key, ok := dictionary.NIRKey(string(b))
	if !ok {
		panic("generate: phantom NIR body " + string(b))
	}
	return string(b) + key
}
