package generate

import (
	"strconv"

	"github.com/agora-formation/agora/dictionary"
)

// Emission of a person's CSV rows: each row goes to the file of its partner and
// transmission period; a later version of the same row goes to a later file.

// item is a piece of output for one file: one CSV row, or an employee block of
// a NEODeS declaration.
type item struct {
	key    fileKey
	off    int32
	end    int32
	lines  int32
	rows   int32 // rows counted in the summary (NEODeS: contract-months of a surviving declaration)
	defect int32 // 1 + index in personOut.defects, 0 when none
}

// defectMark is a planted defect inside an item.
type defectMark struct {
	rule    string
	column  string
	lineOff int32 // line of the defect inside the item (0 = first)
}

// Column indexes in the dictionary's order.
const (
	dId, dFin, dNIR, dSexe, dNaiss, dSit, dDisp, dSiret, dFormacode, dNSF, dCert, dRegion, dHeures, dDebut, dFin2, dTS = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	eId, eFin, eType, eDate, eMotif, eCert, eTS                                                                        = 0, 1, 2, 3, 4, 5, 6
	fId, fFinDos, fFin, fType, fEng, fDateEng, fReal, fDateReal, fTS                                                   = 0, 1, 2, 3, 4, 5, 6, 7, 8
	vFin, vDisp, vAnnee, vMontant, vTS                                                                                 = 0, 1, 2, 3, 4
	xNIR, xMois, xSiret, xNAF, xNature, xDebut, xFinPrev, xFinReel, xHeures, xContrat                                  = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9
)

var tsColumn = [nFeeds]int{feedDossiers: dTS, feedEvenements: eTS, feedFinancements: fTS, feedEnveloppes: vTS, feedDSN: -1}

// push joins the current row, encodes it and appends it as an item of key.
func (w *worker) push(key fileKey, defect *defectMark) {
	w.line = w.row.line(w.line[:0])
	w.pushLine(key, w.line, defect)
}

// pushLine appends an already joined UTF-8 line as an item of key.
func (w *worker) pushLine(key fileKey, line []byte, defect *defectMark) {
	o := w.out
	off := len(o.data)
	o.data = w.row.st.encode(o.data, line)
	it := item{key: key, off: int32(off), end: int32(len(o.data)), lines: 1, rows: 1}
	if defect != nil {
		o.defects = append(o.defects, *defect)
		it.defect = int32(len(o.defects))
	}
	o.items = append(o.items, it)
}

func csvKey(feed int, p *partner, period int) fileKey {
	return fileKey{kind: kindCSV, a: int32(feed), b: int32(p.funder), c: int32(period)}
}

// setTS writes the transmission timestamp of a period into the current row.
func (w *worker) setTS(p *partner, period int) {
	day, sec := w.g.w.transmission(p, period)
	w.row.timestamp(tsColumn[w.row.feed], day, sec)
}

// emitRow writes the current row in period, then maybe plants a defect. free is
// a period in which the row's key is sent nowhere else (-1 when there is none).
func (w *worker) emitRow(p *partner, period, free int) {
	feed := w.row.feed
	w.setTS(p, period)
	key := csvKey(feed, p, period)
	w.push(key, nil)
	if w.defectDraw() {
		w.plant(key, p, free)
	}
}

func (w *worker) defectDraw() bool {
	return w.g.opt.DefectRate > 0 && w.r.Float64() < w.g.opt.DefectRate
}

// periodsOf maps version days to periods (clamped to the last one) and keeps the
// last version of each period. It returns the kept indexes and periods.
func (w *worker) periodsOf(p *partner, days []Day) (keep []int, per []int) {
	last := w.g.w.lastPeriod(p)
	keep, per = w.keep[:0], w.per[:0]
	for i, d := range days {
		k := p.period(d)
		if k > last {
			k = last
		}
		if n := len(per); n > 0 && per[n-1] >= k {
			keep[n-1] = i
			continue
		}
		keep = append(keep, i)
		per = append(per, k)
	}
	w.keep, w.per = keep, per
	return keep, per
}

// freePeriod returns the first period after per[0] that is not in per, or -1.
func (w *worker) freePeriod(p *partner, per []int) int {
	last := w.g.w.lastPeriod(p)
	k := per[0] + 1
	for _, x := range per[1:] {
		if x != k {
			break
		}
		k++
	}
	if k > last {
		return -1
	}
	return k
}

// emitDossier writes the dossier's rows, events and funding lines.
func (w *worker) emitDossier(d *dossier) {
	p := w.g.w.partners[d.sender]
	id := w.id
	// Dossier rows.
	w.days = w.days[:0]
	for _, v := range d.vers {
		w.days = append(w.days, v.day)
	}
	keep, per := w.periodsOf(p, w.days)
	free := w.freePeriod(p, per)
	for j, i := range keep {
		v := &d.vers[i]
		r := &w.row
		r.reset(feedDossiers, &p.style)
		r.bytes(dId, d.id)
		r.str(dFin, p.code)
		r.bytes(dNIR, id.nir[:])
		r.str(dSexe, strconv.Itoa(id.sex))
		r.date(dNaiss, id.birth)
		r.str(dSit, sitCodes[d.sit])
		r.str(dDisp, schemes[v.scheme].code)
		r.str(dSiret, w.g.w.orgs[d.org].siret)
		r.bytes(dFormacode, d.formac[:])
		r.str(dNSF, strconv.Itoa(nsfs[d.nsf].code))
		r.bytes(dCert, d.cert)
		r.str(dRegion, regions[d.region].code)
		r.integer(dHeures, int64(v.hours))
		r.date(dDebut, d.start)
		r.date(dFin2, v.end)
		r.str(len(dictionary.Dossiers.Columns), d.label)
		w.emitRow(p, per[j], free)
	}
	w.out.stats.dossierRows += int64(len(keep))

	// Events.
	last := w.g.w.lastPeriod(p)
	for i := range d.events {
		e := &d.events[i]
		k := p.period(e.day) + e.delay
		if k > last {
			k = last
		}
		r := &w.row
		r.reset(feedEvenements, &p.style)
		r.bytes(eId, d.id)
		r.str(eFin, p.code)
		r.str(eType, eventCodes[e.typ])
		r.date(eDate, e.day)
		if e.motif >= 0 && e.typ == evSORTIE {
			r.str(eMotif, motifCodes[e.motif])
		}
		if e.cert != 0 {
			r.bytes(eCert, []byte{e.cert})
		}
		free := k + 1
		if free > last {
			free = -1
		}
		w.setTS(p, k)
		key := csvKey(feedEvenements, p, k)
		w.push(key, nil)
		if w.defectDraw() {
			if e.typ == evENTREE && w.r.bern(1.0/7) {
				w.exitBeforeEntry(d, e, p, k)
			} else {
				w.plant(key, p, free)
			}
		}
	}

	// Funding lines.
	for li := range d.lines {
		l := &d.lines[li]
		w.days = w.days[:0]
		for _, v := range l.vers {
			w.days = append(w.days, v.day)
		}
		keep, per := w.periodsOf(p, w.days)
		free := w.freePeriod(p, per)
		for j, i := range keep {
			v := &l.vers[i]
			r := &w.row
			r.reset(feedFinancements, &p.style)
			r.bytes(fId, d.id)
			r.str(fFinDos, p.code)
			r.str(fFin, funderCodes[l.payer])
			r.str(fType, costCodes[l.cost])
			r.cents(fEng, v.engaged)
			r.date(fDateEng, d.created)
			if v.realised >= 0 {
				r.cents(fReal, v.realised)
				r.date(fDateReal, v.realDay)
			}
			w.emitRow(p, per[j], free)
		}
	}
}

// exitBeforeEntry plants an exit dated before the entry, in the file of the entry.
func (w *worker) exitBeforeEntry(d *dossier, e *event, p *partner, k int) {
	r := &w.row
	r.reset(feedEvenements, &p.style)
	r.bytes(eId, d.id)
	r.str(eFin, p.code)
	r.str(eType, "SORTIE")
	r.date(eDate, e.day-Day(w.r.between(1, 60)))
	r.str(eMotif, "FIN")
	w.setTS(p, k)
	w.push(csvKey(feedEvenements, p, k), &defectMark{rule: dictionary.RuleExitBeforeEntry, column: "date_evenement"})
}

// A defect kind: a rule, the column it breaks and how.
type defectKind struct {
	rule   string
	col    int // -1 for whole-row defects
	needs  bool
	mangle func(w *worker, orig []byte) []byte
}

var defectKinds [nFeeds][]defectKind

func badDate(w *worker, orig []byte) []byte {
	y := 2019 + w.r.IntN(6)
	d := [][2]int{{2, 30}, {2, 31}, {4, 31}, {6, 31}, {9, 31}, {11, 31}, {13, 1}, {0, 12}}[w.r.IntN(8)]
	if w.row.st.frDates {
		b := append2(nil, d[1])
		b = append2(append(b, '/'), d[0])
		return append4(append(b, '/'), y)
	}
	b := append4(nil, y)
	b = append2(append(b, '-'), d[0])
	return append2(append(b, '-'), d[1])
}

func constant(s string) func(*worker, []byte) []byte {
	return func(*worker, []byte) []byte { return []byte(s) }
}

func negative(w *worker, orig []byte) []byte {
	if len(orig) == 0 || allZero(orig) {
		return appendCents([]byte{'-'}, 15000, w.row.st.comma)
	}
	return append([]byte{'-'}, orig...)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c >= '1' && c <= '9' {
			return false
		}
	}
	return true
}

func init() {
	badNIR := func(w *worker, orig []byte) []byte {
		b := append([]byte(nil), orig...)
		k := int(b[13]-'0')*10 + int(b[14]-'0')
		k = k%97 + 1
		b[13], b[14] = byte('0'+k/10), byte('0'+k%10)
		return b
	}
	badSIRET := func(w *worker, orig []byte) []byte {
		b := append([]byte(nil), orig...)
		b[13] = '0' + (b[13]-'0'+1)%10
		return b
	}
	missing := constant("")
	line := defectKind{rule: dictionary.RuleBadLine, col: -1}
	dup := defectKind{rule: dictionary.RuleDuplicateInFile, col: -1}
	defectKinds[feedDossiers] = []defectKind{
		{dictionary.RuleBadNIR, dNIR, true, badNIR},
		{dictionary.RuleBadSIRET, dSiret, true, badSIRET},
		{dictionary.RuleBadDate, dNaiss, true, badDate},
		{dictionary.RuleBadDate, dDebut, true, badDate},
		{dictionary.RuleUnknownCode, dDisp, true, constant("CPF2")},
		{dictionary.RuleUnknownCode, dRegion, true, constant("99")},
		{dictionary.RuleUnknownCode, dSit, true, constant("CHOMEUR")},
		{dictionary.RuleOutOfRange, dHeures, true, constant("4500")},
		{dictionary.RuleOutOfRange, dHeures, true, constant("0")},
		{dictionary.RuleMissingValue, dSiret, true, missing},
		{dictionary.RuleMissingValue, dNaiss, true, missing},
		{dictionary.RuleBadNumber, dHeures, true, func(w *worker, o []byte) []byte { return append(append([]byte(nil), o...), 'h') }},
		line, dup,
	}
	defectKinds[feedEvenements] = []defectKind{
		{dictionary.RuleBadDate, eDate, true, badDate},
		{dictionary.RuleUnknownCode, eType, true, constant("ENTRÉE")},
		{dictionary.RuleMissingValue, eDate, true, missing},
		{dictionary.RuleOutOfRange, eDate, true, func(w *worker, o []byte) []byte {
			// after the transmission of the file it is sent in
			day, _ := w.g.w.transmission(w.defP, w.defFree)
			day += Day(w.r.between(10, 40))
			if w.row.st.frDates {
				return appendFR(nil, day)
			}
			return appendISO(nil, day)
		}},
		line, dup,
	}
	defectKinds[feedFinancements] = []defectKind{
		{dictionary.RuleBadNumber, fEng, true, func(w *worker, o []byte) []byte { return append([]byte("1 "), o...) }},
		{dictionary.RuleOutOfRange, fEng, true, negative},
		{dictionary.RuleBadDate, fDateEng, true, badDate},
		{dictionary.RuleUnknownCode, fType, true, constant("FORMATION")},
		{dictionary.RuleMissingValue, fDateEng, true, missing},
		line, dup,
	}
	defectKinds[feedDSN] = []defectKind{
		{dictionary.RuleBadNIR, xNIR, false, badNIR},
		{dictionary.RuleBadSIRET, xSiret, false, badSIRET},
		{dictionary.RuleBadDate, xDebut, false, badDate},
		{dictionary.RuleBadDate, xMois, false, func(w *worker, o []byte) []byte { return append(append([]byte(nil), o[:5]...), "13"...) }},
		{dictionary.RuleUnknownCode, xNature, false, constant("99")},
		{dictionary.RuleOutOfRange, xHeures, false, negative},
		{dictionary.RuleBadNumber, xHeures, false, constant("151h67")},
		{dictionary.RuleMissingValue, xSiret, false, missing},
		{dictionary.RuleMissingValue, xDebut, false, missing},
		line, dup,
	}
}

// plant writes a defective copy of the row just pushed to key. Copies that
// break a field go to a period where the row's key is absent (CSV feeds of
// partners) or get a contract number of their own (dsn_extrait), so that the
// defective row is never needed and never collides with a valid one.
func (w *worker) plant(key fileKey, p *partner, free int) {
	feed := w.row.feed
	kinds := defectKinds[feed]
	k := kinds[w.r.IntN(len(kinds))]
	if k.needs && free < 0 {
		k = kinds[len(kinds)-1] // duplicate
	}
	if feed == feedEvenements && k.rule == dictionary.RuleOutOfRange && string(w.row.field(eType)) == "ENTREE" {
		// a later entry, even rejected, could make a landing misread an exit of the
		// same file as "before the entry": break its date instead
		k = kinds[0]
	}
	switch k.rule {
	case dictionary.RuleDuplicateInFile:
		w.pushLine(key, w.line, &defectMark{rule: k.rule})
		return
	case dictionary.RuleBadLine:
		n := len(w.row.st.columnOrder(feed))
		j := 1 + w.r.IntN(n-2)
		cut := w.row.truncate(w.line, j)
		w.pushLine(key, cut, &defectMark{rule: k.rule})
		return
	}
	r := &w.row
	w.defP, w.defFree = p, free
	savedStart, savedEnd := r.start, r.end
	bad := k.mangle(w, r.field(k.col))
	r.bytes(k.col, bad)
	if feed == feedDSN {
		id := append([]byte{'X'}, r.field(xContrat)...)
		r.bytes(xContrat, id)
	} else {
		w.setTS(p, free)
		key = csvKey(feed, p, free)
	}
	w.push(key, &defectMark{rule: k.rule, column: feedDefs[feed].Columns[k.col].Name})
	r.start, r.end = savedStart, savedEnd
}
