package generate

import (
	"math"
	"strconv"
)

// A dossier's life: who funds and sends it, the organisation and training, its
// events (entry, interruption, resumption, exit or cancellation), its funding
// lines, the transmissions that carry all of it (with corrections), and, for an
// exit, the planted probability of being employed six months later.

// Event types, in the dictionary's order (dictionary.TypesEvenement).
const (
	evENTREE = iota
	evINTERRUPTION
	evREPRISE
	evSORTIE
	evANNULATION
)

var eventCodes = [5]string{"ENTREE", "INTERRUPTION", "REPRISE", "SORTIE", "ANNULATION"}
var motifCodes = [nMotifs]string{"FIN", "ABANDON", "EMPLOI", "EXCLUSION", "AUTRE"}
var sitCodes = [nSituations]string{"DE", "SAL", "IND", "ETU", "INA", "AUT"}

// Cost types (dictionary.TypesCout).
const (
	costPeda = iota
	costRemu
	costAnnexe
)

var costCodes = [3]string{"PEDAGOGIQUE", "REMUNERATION", "ANNEXE"}

type event struct {
	typ   int
	day   Day
	motif int  // -1 when none
	cert  byte // 0, 'O' or 'N'
	delay int  // transmission delay in periods
}

// version is what a transmission says about a dossier or a funding line.
type version struct {
	day      Day // when it becomes known (its transmission is the next one)
	scheme   int
	hours    int
	end      Day
	engaged  int64
	realised int64 // -1 when not yet
	realDay  Day
}

type fundLine struct {
	payer    int
	cost     int
	engaged  int64
	vers     []version
	finalEng int64
}

type dossier struct {
	k        int
	gidx     int64
	scheme   int
	sender   int // funder index
	id       []byte
	org      int
	nsf      int
	formac   [5]byte
	cert     []byte
	region   int
	hours    int
	start    Day
	end      Day
	created  Day
	sit      int
	age      int
	label    string
	vers     []version // dossier versions (first may be wrong, later corrects)
	events   []event
	cancel   Day // cancellation day (0 = not cancelled)
	entry    Day // 0 = not entered
	exit     Day // final exit day (0 = none by now)
	motif    int
	p6       float64
	emp6     bool
	cofin    bool
	lines    []fundLine
	trainEnd Day // last day of the training as far as known (planned end, shifts, early exit)
}

// planDossier draws dossier k of a person.
func (w *worker) planDossier(id *identity, k int, d *dossier) {
	r, wd := w.r, w.g.w
	sd := id.sched[k]
	spec := &schemes[sd.scheme]
	*d = dossier{k: k, gidx: id.firstDossier + int64(k), scheme: sd.scheme, hours: sd.hours, start: sd.start,
		end: sd.start + Day(sd.days-1), vers: d.vers[:0], events: d.events[:0], lines: d.lines[:0], id: d.id[:0], cert: d.cert[:0]}
	d.region = id.region
	if k > 0 && r.bern(.15) {
		d.region = r.pick(wd.regionCum)
	}
	d.sit = r.pick(wd.sitCum[d.scheme])
	d.age = ageAt(id.birth, d.start)

	// Organisation, speciality, content, certification.
	kind := 0
	if spec.training == trainContract {
		kind = 1
	}
	switch {
	case kind == 0 && !wd.national.empty() && r.bern(.08):
		d.org = wd.national.draw(r)
	default:
		d.org = wd.orgsBy[d.region][kind].draw(r)
	}
	o := &wd.orgs[d.org]
	switch d.scheme {
	case sBC:
		d.nsf = nsfIndex(415)
	case sPREPA:
		d.nsf = nsfIndex(415)
		if r.bern(.3) {
			d.nsf = nsfIndex(413)
		}
	default:
		var ws [4]float64
		for j, n := range o.nsf {
			ws[j] = o.nsfW[j] * schemeNSFAffinity(d.scheme, nsfs[n].code)
		}
		d.nsf = o.nsf[r.pickWeights(ws[:len(o.nsf)])]
	}
	nc := nsfs[d.nsf]
	h := mix64(uint64(nc.code)*8 + uint64(r.IntN(4)))
	copy(d.formac[:2], nc.fcPref)
	d.formac[2], d.formac[3], d.formac[4] = byte('0'+h%10), byte('0'+h/10%10), byte('0'+h/100%10)
	switch u := r.Float64(); {
	case u < spec.rncp:
		d.cert = strconv.AppendInt(append(d.cert, "RNCP"...), int64(34000+h>>8%6000), 10)
	case u < spec.rncp+spec.rs:
		d.cert = strconv.AppendInt(append(d.cert, "RS"...), int64(5000+h>>8%1500), 10)
	}
	d.label = trainingTitles[int(h>>20)%len(trainingTitles)]

	// Sender: the funder of the scheme.
	d.sender = w.senderOf(d)
	w.makeID(d)

	// The dossier is created (and first transmitted) a little before its start.
	lead := r.between(0, 45)
	if d.scheme == sCPF {
		lead = r.between(0, 25)
	}
	d.created = max(d.start-Day(lead), firstEntryMonth.First()-Day(r.between(0, 20)))
	if d.created > d.start {
		d.created = d.start
	}

	w.lifecycle(d, spec)
	w.versions(d, spec)
	w.funding(d, spec)
}

func ageAt(birth, d Day) int {
	by, bm, bd := birth.Civil()
	y, m, dd := d.Civil()
	a := y - by
	if m < bm || (m == bm && dd < bd) {
		a--
	}
	return a
}

func (w *worker) senderOf(d *dossier) int {
	r := w.r
	opco := opcoFunder(nsfs[d.nsf].opco)
	switch schemes[d.scheme].funder {
	case fundRegion:
		return regionFunder(d.region)
	case fundTP:
		return tpFunder(d.region)
	case fundFT:
		return funderOf("FT")
	case fundCDC:
		return funderOf("CDC")
	case fundOPCO:
		return opco
	case fundEtat:
		return funderOf("ETAT")
	case fundAgefiph:
		return funderOf("AGEFIPH")
	case fundPOEC:
		if r.bern(.5) {
			return funderOf("FT")
		}
		return opco
	case fundVAE:
		switch u := r.Float64(); {
		case u < .6:
			return funderOf("CDC")
		case u < .85:
			return regionFunder(d.region)
		}
		return funderOf("FT")
	case fundBC:
		if r.bern(.8) {
			return funderOf("CDC")
		}
		return funderOf("FT")
	}
	panic("generate: no funder rule")
}

// makeID writes the sender's identifier of the dossier: each kind of partner has
// its own format (some with accents or spaces), unique through the global index.
func (w *worker) makeID(d *dossier) {
	code := funderCodes[d.sender]
	y := int64(d.start.Year())
	b := d.id[:0]
	pad := func(b []byte, n int64, width int) []byte {
		s := strconv.AppendInt(nil, n, 10)
		for i := len(s); i < width; i++ {
			b = append(b, '0')
		}
		return append(b, s...)
	}
	switch {
	case code == "CDC":
		n := (uint64(d.gidx)*2654435761 + 12345) % 10000000000
		b = append(b, '1')
		b = pad(b, int64(n), 10)
	case code == "FT":
		b = append(b, "FT-"...)
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '-')
		b = pad(b, d.gidx, 8)
	case code[:3] == "REG":
		b = append(b, "RÉG"...)
		b = append(b, code[4:]...)
		b = append(b, '-')
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '-')
		b = pad(b, d.gidx, 8)
	case code[:4] == "OPCO":
		b = append(b, "OPCO"...)
		b = append(b, code[5:]...)
		b = append(b, '/')
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '/')
		b = pad(b, d.gidx, 8)
	case code[:2] == "TP":
		b = append(b, "TP"...)
		b = append(b, code[3:]...)
		b = append(b, '-')
		b = pad(b, d.gidx, 8)
	case code == "ETAT":
		b = append(b, "FNE-"...)
		b = strconv.AppendInt(b, y, 10)
		b = append(b, '-')
		b = pad(b, d.gidx, 8)
	default: // AGEFIPH
		b = append(b, "AGF "...)
		b = strconv.AppendInt(b, y, 10)
		b = append(b, ' ')
		b = pad(b, d.gidx, 8)
	}
	d.id = b
}

// lifecycle draws the events of the dossier and its exit.
func (w *worker) lifecycle(d *dossier, spec *schemeSpec) {
	r, now := w.r, w.g.w.now
	add := func(typ int, day Day, motif int, cert byte) {
		if day > now {
			return
		}
		delay := 0
		if u := r.Float64(); u < .01 {
			delay = 2
		} else if u < .07 {
			delay = 1
		}
		d.events = append(d.events, event{typ: typ, day: day, motif: motif, cert: cert, delay: delay})
	}
	d.trainEnd = d.end
	if r.bern(spec.cancel) {
		if r.bern(.7) || d.start > now {
			d.cancel = d.created + Day(r.IntN(int(d.start-d.created)+1))
		} else {
			d.entry = d.start
			add(evENTREE, d.entry, -1, 0)
			d.cancel = d.entry + Day(r.between(1, 20))
		}
		if d.cancel > now {
			d.cancel = 0 // not cancelled yet: the dossier is only planned, or in training
			if d.entry == 0 && d.start <= now {
				d.entry = d.start
				add(evENTREE, d.entry, -1, 0)
			}
		} else {
			add(evANNULATION, d.cancel, -1, 0)
			return
		}
	} else if d.start <= now {
		d.entry = d.start
		if r.bern(.2) {
			d.entry += Day(r.between(1, 7))
		}
		if d.entry > d.end {
			d.entry = d.end
		}
		if d.entry > now {
			d.entry = now
		}
		add(evENTREE, d.entry, -1, 0)
	}
	if d.entry == 0 {
		return
	}
	d.motif = r.pickWeights(spec.motifs[:])
	length := int(d.end - d.entry)
	shift, resumed := Day(0), Day(0)
	certFor := func(m int) byte {
		if len(d.cert) == 0 {
			return 0
		}
		u := r.Float64()
		switch {
		case m == motFIN && u < .78:
			return 'O'
		case m == motFIN && u < .95, m != motFIN && u < .6:
			return 'N'
		}
		return 0
	}
	switch {
	case length > 20 && r.bern(.05):
		// interruption, then resumption (or, sometimes, drop-out)
		a := d.entry + Day(r.between(5, length-5))
		add(evINTERRUPTION, a, -1, 0)
		if d.motif == motABANDON && r.bern(.4) { // interrupted, never resumed
			d.exit = a + Day(r.between(7, 40))
			break
		}
		b := a + Day(r.between(14, 56))
		add(evREPRISE, b, -1, 0)
		shift = b - a
		resumed = b
	case d.motif == motFIN && length > 20 && r.bern(.006):
		// an exit, then a resumption, then the final exit
		a := d.entry + Day(r.between(5, length-5))
		b := a + Day(r.between(7, 28))
		if b <= now { // else, as of now, the first exit would be the final one
			add(evSORTIE, a, motAUTRE, 0)
			add(evREPRISE, b, -1, 0)
			shift = b - a
			resumed = b
		}
	}
	switch {
	case d.exit != 0:
	case d.motif == motFIN:
		d.exit = d.end + shift
	default:
		frac := r.uniform(.1, .9)
		d.exit = d.entry + shift + Day(frac*float64(length))
	}
	if d.exit <= resumed { // an exit always comes after the resumption
		d.exit = resumed + Day(r.between(1, 20))
	}
	d.trainEnd = d.exit
	if d.exit > now {
		d.exit = 0
		return
	}
	add(evSORTIE, d.exit, d.motif, certFor(d.motif))
	w.plantP6(d)
}

// plantP6 computes the planted probability of employment at six months.
func (w *worker) plantP6(d *dossier) {
	wd := w.g.w
	x := schemes[d.scheme].logit + coefSituation[d.sit] + coefAge[ageBand(d.age)] + coefMotif[d.motif]
	if w.id.sex == 2 {
		x += coefSexWoman
	}
	x += regions[d.region].effect + domainEffect[nsfs[d.nsf].code/100] + wd.orgs[d.org].effect
	d.p6 = logistic(x)
	d.emp6 = w.r.Float64() < d.p6
}

// versions lists what the dossier's transmissions say: the first one may be
// wrong (hours, planned end or scheme) and a later one corrects it.
func (w *worker) versions(d *dossier, spec *schemeSpec) {
	r, now := w.r, w.g.w.now
	right := version{day: d.created, scheme: d.scheme, hours: d.hours, end: d.end}
	if r.bern(.09) {
		wrong := right
		switch r.IntN(3) {
		case 0:
			wrong.hours = int(math.Round(float64(d.hours) * r.uniform(1.1, 1.5)))
			if wrong.hours > 4000 {
				wrong.hours = 4000
			}
		case 1:
			wrong.end = d.end + Day(r.between(7, 45))
		default:
			if alt := sameFunderScheme(d.scheme, r); alt >= 0 {
				wrong.scheme = alt
			} else {
				wrong.hours = d.hours + 7
			}
		}
		right.day = d.created + Day(r.between(20, 200))
		if wrong != right && right.day <= now {
			d.vers = append(d.vers, wrong)
		} else {
			right.day = d.created
		}
	}
	d.vers = append(d.vers, right)
	// Some partners send the whole dossier again when it ends.
	if d.exit != 0 && w.g.w.partners[d.sender].resend && d.exit > right.day {
		again := right
		again.day = d.exit
		d.vers = append(d.vers, again)
	}
}

// sameFunderScheme returns another scheme a sender could mistake s for, or -1.
func sameFunderScheme(s int, r *rnd) int {
	var alts []int
	switch s {
	case sAIF, sAFC, sCSP:
		alts = []int{sAIF, sAFC, sCSP}
	case sAFPR, sPOEI:
		alts = []int{sAFPR, sPOEI}
	case sPRF, sHSP, sAIR:
		alts = []int{sPRF, sHSP, sAIR}
	case sPRO, sAPP:
		alts = []int{sPRO, sAPP}
	}
	for len(alts) > 0 {
		a := alts[r.IntN(len(alts))]
		if a != s {
			return a
		}
	}
	return -1
}

// Co-funders by scheme, with weights. -1 stands for the region of training,
// -2 for the OPCO of the speciality.
var coFunders = map[int][]struct {
	code string
	w    float64
}{
	sCPF:     {{"ENT", 40}, {"IND", 30}, {"REG", 15}, {"FT", 15}},
	sCPFTP:   {{"ENT", 1}},
	sPRF:     {{"FT", 60}, {"AGEFIPH", 10}, {"ENT", 30}},
	sHSP:     {{"FT", 60}, {"AGEFIPH", 10}, {"ENT", 30}},
	sAIR:     {{"FT", 50}, {"IND", 50}},
	sAIF:     {{"REG", 50}, {"IND", 30}, {"AGEFIPH", 20}},
	sAFC:     {{"REG", 60}, {"AGEFIPH", 20}, {"ENT", 20}},
	sAFPR:    {{"OPCO", 60}, {"ENT", 40}},
	sPOEI:    {{"OPCO", 60}, {"ENT", 40}},
	sPOEC:    {{"OPCO", 50}, {"FT", 50}},
	sCSP:     {{"REG", 40}, {"IND", 30}, {"ENT", 30}},
	sPRO:     {{"ENT", 1}},
	sPROA:    {{"ENT", 1}},
	sAPP:     {{"ENT", 70}, {"REG", 30}},
	sPDC:     {{"ENT", 1}},
	sFNE:     {{"OPCO", 70}, {"ENT", 30}},
	sAGEFIPH: {{"FT", 50}, {"REG", 50}},
	sVAE:     {{"IND", 40}, {"REG", 30}, {"ENT", 30}},
	sBC:      {{"IND", 50}, {"ENT", 50}},
	sPREPA:   {{"REG", 1}},
}

func (w *worker) coFunder(d *dossier) int {
	list := coFunders[d.scheme]
	var ws [4]float64
	for i, c := range list {
		ws[i] = c.w
	}
	c := list[w.r.pickWeights(ws[:len(list)])].code
	f := 0
	switch c {
	case "REG":
		f = regionFunder(d.region)
	case "OPCO":
		f = opcoFunder(nsfs[d.nsf].opco)
	default:
		f = funderOf(c)
	}
	if f == d.sender {
		f = funderOf("IND")
	}
	return f
}

// funding draws the dossier's funding lines and their versions: committed when
// the dossier is created, partly paid during the training, paid after the exit,
// zeroed after a cancellation.
func (w *worker) funding(d *dossier, spec *schemeSpec) {
	r := w.r
	var cost float64
	if spec.flat {
		cost = r.uniform(spec.costLo, spec.costHi)
	} else {
		cost = float64(d.hours) * r.uniform(spec.costLo, spec.costHi)
	}
	total := int64(math.Round(cost * 100))
	if r.bern(.6) {
		total = (total + 50) / 100 * 100 // whole euros
	}
	if total < 100 {
		total = 100
	}
	share := 1.0
	cof := r.bern(.10)
	if d.scheme == sCPF {
		cof = r.bern(.15)
	}
	if cof {
		share = r.uniform(.5, .9)
		d.cofin = true
	}
	main := int64(math.Round(float64(total) * share))
	w.addLine(d, d.sender, costPeda, main)
	if cof {
		w.addLine(d, w.coFunder(d), costPeda, total-main)
	}
	if d.sit == sitDE && r.bern(spec.remuneration) || d.scheme == sCPFTP {
		months := float64(d.end-d.start+1) / 30.4
		monthly := r.uniform(650, 1300)
		if d.scheme == sCPFTP {
			monthly = r.uniform(1800, 3200)
		}
		w.addLine(d, d.sender, costRemu, int64(math.Round(months*monthly))*100)
	}
	if r.bern(.08) {
		w.addLine(d, d.sender, costAnnexe, int64(r.between(50, 800))*100)
	}
}

func (w *worker) addLine(d *dossier, payer, cost int, engaged int64) {
	r, now := w.r, w.g.w.now
	l := fundLine{payer: payer, cost: cost, engaged: engaged, finalEng: engaged}
	if n := len(d.lines); n < cap(d.lines) {
		l.vers = d.lines[:n+1][n].vers[:0]
	}
	l.vers = append(l.vers, version{day: d.created, engaged: engaged, realised: -1})
	switch {
	case d.cancel != 0:
		if r.bern(.6) {
			l.vers = append(l.vers, version{day: d.cancel, engaged: 0, realised: -1})
			l.finalEng = 0
		}
	case d.entry != 0:
		if length := d.end - d.entry; length > 60 && r.bern(.3) {
			pd := d.entry + Day(r.between(30, 60))
			if pd <= now && (d.exit == 0 || pd < d.exit) {
				l.vers = append(l.vers, version{day: pd, engaged: engaged, realised: engaged * 3 / 10, realDay: pd})
			}
		}
		if d.exit != 0 {
			frac := 1.0
			switch {
			case d.motif == motFIN && r.bern(.1):
				frac = r.uniform(.9, 1)
			case d.motif != motFIN:
				if length := float64(d.end - d.entry); length > 0 {
					frac = clamp(float64(d.exit-d.entry)/length, .05, 1)
				}
			}
			rd := d.exit + Day(r.between(20, 120))
			if rd <= now {
				l.vers = append(l.vers, version{day: rd, engaged: engaged, realised: int64(math.Round(float64(engaged) * frac)), realDay: rd})
			}
		}
	}
	d.lines = append(d.lines, l)
}
