package generate

import (
	"strconv"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/generate/neodes"
)

// DSN output: each contract-month of a person's career becomes a dsn_extrait
// row, or part of the NEODeS declaration of its establishment and month when
// that establishment declares in NEODeS that month (never both).

// Plans of an establishment-month's NEODeS declarations.
const (
	planSimple     = iota // one normal declaration
	planReplace           // a normal one with wrong hours, then a cancel-and-replace (03)
	planCancel            // a normal one, a cancellation (04), the same sent again
	planTwice             // a normal one with wrong hours, then another normal one that wins
	planEventToo          // a normal one and an end-of-contract event report (nature 04, skipped)
	planNothing           // néant (02), for a month without employees
	planNothingFix        // a normal one with an employee by mistake, then cancel-and-replace néant (05)
)

// variantNothing marks the declarations of months without employees in fileKey.c.
const variantNothing = 16

type declPlan struct {
	kind  int
	n     int // number of declarations
	final int // the declaration that survives (1-based; 0 when none carries employees)
	types [3]string
	nat   [3]string
	dates [3]Day
}

// neodesPlan returns the declarations of establishment e for month m.
func (w *world) neodesPlan(e int, m Month, nothing bool) declPlan {
	h := hash3(w.opt.Seed, streamNEODeS, uint64(e)<<24|uint64(m))
	u := unit(h)
	d0 := (m + 1).First() + Day(4+h%10)
	p := declPlan{n: 1, final: 1, types: [3]string{neodes.TypeNormal}, nat: [3]string{neodes.NatureMonthly, neodes.NatureMonthly, neodes.NatureMonthly}, dates: [3]Day{d0}}
	step := func(i int) Day { return Day(h >> (20 + 4*i) % 16) }
	if nothing {
		p.final = 0
		if u < .88 {
			p.kind, p.types[0] = planNothing, neodes.TypeNothing
			return p
		}
		p.kind, p.n = planNothingFix, 2
		p.types[1], p.dates[1] = neodes.TypeCancelReplaceNo, d0+10+step(1)
		return p
	}
	switch {
	case u < .025:
		p.kind, p.n, p.final = planReplace, 2, 2
		p.types[1], p.dates[1] = neodes.TypeCancelReplace, d0+20+step(1)
	case u < .04:
		p.kind, p.n, p.final = planCancel, 3, 3
		p.types[1], p.dates[1] = neodes.TypeCancel, d0+3+step(1)%6
		p.types[2], p.dates[2] = neodes.TypeNormal, p.dates[1]+step(2)%4
	case u < .05:
		p.kind, p.n, p.final = planTwice, 2, 2
		p.types[1], p.dates[1] = neodes.TypeNormal, d0+10+step(1)
	case u < .065:
		p.kind, p.n = planEventToo, 2
		p.types[1], p.nat[1], p.dates[1] = neodes.TypeNormal, neodes.NatureEndEvent, m.Last()+1+step(1)%3
	}
	return p
}

// emitDSN writes the person's contract-months from 12 months before the first
// entry to the horizon.
func (w *worker) emitDSN(ds []dossier) {
	wd, c := w.g.w, &w.car
	from := max(entryOf(&ds[0]).Month()-12, firstDSNMonth)
	to := c.horizon.Month()
	for m := from; m <= to; m++ {
		w.group = w.group[:0]
		for i := range c.cs {
			x := &c.cs[i]
			if !covers(x, m) {
				continue
			}
			if m >= wd.employers[x.emp].neodesFrom {
				w.group = append(w.group, int32(i))
				continue
			}
			w.extraitRow(x, m)
		}
		// NEODeS: one employee block per establishment, in order of first contract.
		for len(w.group) > 0 {
			emp := c.cs[w.group[0]].emp
			w.block = w.block[:0]
			rest := w.group[:0]
			for _, i := range w.group {
				if c.cs[i].emp == emp {
					w.block = append(w.block, i)
				} else {
					rest = append(rest, i)
				}
			}
			w.group = rest
			w.neodesBlock(int(emp), m)
		}
	}
}

// hoursIn returns the hours paid for contract x in month m (hundredths), or -1
// when the declaration leaves them out.
func (w *worker) hoursIn(x *contract, m Month) int64 {
	lo, hi := max(x.start, m.First()), m.Last()
	if x.end != 0 && x.end < hi {
		hi = x.end
	}
	days := int64(hi - lo + 1)
	n := int64(m.Days())
	if days >= n {
		return int64(x.hours)
	}
	return (int64(x.hours)*days + n/2) / n
}

func (w *worker) appendContractID(b []byte, x *contract) []byte {
	b = append(b, 'C')
	b = strconv.AppendInt(b, w.id.person, 36)
	b = append(b, '-')
	return strconv.AppendInt(b, int64(x.num), 10)
}

func (w *worker) extraitRow(x *contract, m Month) {
	wd := w.g.w
	e := &wd.employers[x.emp]
	r := &w.row
	r.reset(feedDSN, &wd.dsnStyle)
	r.bytes(xNIR, w.id.nir[:])
	r.month(xMois, m)
	r.str(xSiret, e.siret)
	r.str(xNAF, e.naf)
	r.str(xNature, x.nature)
	r.date(xDebut, x.start)
	r.optDate(xFinPrev, x.planned)
	if x.end != 0 && x.end.Month() == m {
		r.date(xFinReel, x.end)
	}
	if !w.r.bern(.005) {
		r.cents(xHeures, w.hoursIn(x, m))
	}
	r.open(xContrat)
	r.buf = w.appendContractID(r.buf, x)
	r.close(xContrat)
	key := fileKey{kind: kindExtrait, b: int32(m)}
	w.push(key, nil)
	w.out.stats.extraitRows++
	if w.defectDraw() {
		w.plant(key, nil, -1)
	}
}

func ndate(d Day) neodes.Date {
	y, m, dd := d.Civil()
	return neodes.Date{Year: y, Month: m, Day: dd}
}

var endReasons = map[string]string{"01": "059", "02": "031", "03": "070", "09": "059", "10": "031", "50": "059"}

// writeBlock writes the employee block of the contracts in w.block for month m;
// wrongHours halves the hours (a declaration later corrected), only keeps the
// contracts ending in m, malformed inserts a line that is not a rubric.
func (w *worker) writeBlock(m Month, wrongHours, onlyEnding bool, malformed string) (rows int) {
	c, id := &w.car, w.id
	nw := &w.nw
	sex := "01"
	if id.sex == 2 {
		sex = "02"
	}
	names := firstMen
	if id.sex == 2 {
		names = firstWomen
	}
	h := mix64(uint64(id.person))
	nw.Employee(&neodes.Employee{NIR: string(id.nir[:]), Surname: surnames[h%uint64(len(surnames))],
		FirstNames: names[h>>16%uint64(len(names))], Sex: sex, Birth: ndate(id.birth)})
	if malformed != "" {
		nw.Raw(malformed)
	}
	var idb [24]byte
	for _, i := range w.block {
		x := &c.cs[i]
		if onlyEnding && (x.end == 0 || x.end.Month() != m) {
			continue
		}
		ct := neodes.Contract{Start: ndate(x.start), Nature: x.nature, Number: string(w.appendContractID(idb[:0], x)),
			JobTitle: jobTitles[x.title], Quotity: int64(x.hours)}
		if x.planned != 0 {
			ct.PlannedEnd = ndate(x.planned)
		}
		if x.end != 0 && x.end.Month() == m {
			ct.End = ndate(x.end)
			ct.EndReason = endReasons[x.nature]
			if ct.EndReason == "" {
				ct.EndReason = "099"
			}
		}
		nw.Contract(&ct)
		rows++
	}
	if onlyEnding {
		return rows
	}
	// Payment (S21.G00.50) then remunerations (S21.G00.51), in another order than
	// the contracts: the platform links them by contract number.
	var net int64
	for _, i := range w.block {
		hours := w.hoursIn(&c.cs[i], m)
		if wrongHours {
			hours /= 2
		}
		net += hours * int64(1200+c.cs[i].hours%700) / 100 * 78 / 100
	}
	nw.Payment(ndate(m.Last()), net)
	for j := len(w.block) - 1; j >= 0; j-- {
		x := &c.cs[w.block[j]]
		hours := w.hoursIn(x, m)
		if wrongHours {
			hours /= 2
		}
		from := max(x.start, m.First())
		to := m.Last()
		if x.end != 0 && x.end < to {
			to = x.end
		}
		a := hours * int64(1200+x.hours%700) / 100
		nw.Remuneration(&neodes.Remuneration{From: ndate(from), To: ndate(to), Contract: string(w.appendContractID(idb[:0], x)), Hours: hours, Amount: a})
	}
	return rows
}

// neodesBlock writes the employee block of establishment emp for month m into
// each of the declarations its plan calls for.
func (w *worker) neodesBlock(emp int, m Month) {
	wd := w.g.w
	e := &wd.employers[emp]
	plan := wd.neodesPlan(emp, m, false)
	st := &wd.dsnStyle
	if e.cp1252 {
		st = &cp1252DSN
	}
	put := func(n int, wrong, ending bool, final bool) {
		w.nw.Reset()
		w.nw.CRLF = e.cp1252
		var mark *defectMark
		malformed := ""
		if final && plan.kind == planSimple && w.defectDraw() {
			malformed = malformedLines[w.r.IntN(len(malformedLines))]
			mark = &defectMark{rule: dictionary.RuleBadDSNLine, lineOff: 5}
		}
		rows := w.writeBlock(m, wrong, ending, malformed)
		if ending && rows == 0 {
			return
		}
		o := w.out
		off := len(o.data)
		o.data = st.encode(o.data, w.nw.Buf)
		it := item{key: fileKey{kind: kindNEODeS, a: int32(emp), b: int32(m), c: int32(n)}, off: int32(off), end: int32(len(o.data)), lines: int32(w.nw.Lines)}
		if final {
			it.rows = int32(rows)
			o.stats.neodesRows += int64(rows)
		}
		if mark != nil {
			o.defects = append(o.defects, *mark)
			it.defect = int32(len(o.defects))
		}
		o.items = append(o.items, it)
	}
	switch plan.kind {
	case planSimple:
		put(1, false, false, true)
	case planReplace, planTwice:
		put(1, true, false, false)
		put(2, false, false, true)
	case planCancel:
		put(1, false, false, false)
		put(3, false, false, true)
	case planEventToo:
		put(1, false, false, true)
		put(2, false, true, false)
	}
}

var cp1252DSN = style{name: "dsn", cp1252: true}

// Lines that are not NEODeS rubrics, planted as defects (they copy rubrics the
// platform does not read, so nothing is lost when they are rejected).
var malformedLines = []string{
	"S21.G00.30.004,Prénom sans guillemets",
	"S21.G00.30.002,'NOM TRONQU",
	"S21.G00.40.00",
	"S21.G00.40.006;'Agent de maîtrise'",
	"#ERREUR EXPORT LIGNE 42",
}
