// Package dsn parses DSN declarations in the NEODeS text format
// (dictionary.md section 1.6) as a stream: one rubric per line, `CODE,'value'`.
// It emits, for each declaration, its header and one dsn_extrait row per
// employee and contract, as raw fields aligned with dictionary.DSNExtrait's
// columns, so that they are validated exactly like the tabular feed.
package dsn

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"unsafe"

	"github.com/agora-formation/agora/dictionary"
)

// Declaration is the header of one NEODeS declaration, values as written in
// the file (NEODeS formats: dates JJMMAAAA, month 01MMAAAA).
type Declaration struct {
	Index    int    // position in the file, from 0 (a file normally holds one)
	Line     int64  // line of its first rubric S20.G00.05.001
	Nature   string // S20.G00.05.001: 01 = monthly DSN; others are skipped
	Type     string // S20.G00.05.002: 01 normal, 02 néant, 03 cancels and replaces, 04 cancels, 05 cancels and replaces néant
	Order    string // S20.G00.05.004
	Month    string // S20.G00.05.005, 01MMAAAA
	FileDate string // S20.G00.05.007, JJMMAAAA
	SIREN    string // S21.G00.06.001
	APEN     string // S21.G00.06.003
	NIC      string // S21.G00.11.001
	APET     string // S21.G00.11.002
	Rows     int64  // dsn_extrait rows emitted for it
}

// Monthly reports whether the declaration is a monthly DSN (nature 01), the
// only nature whose employees are read.
func (d *Declaration) Monthly() bool { return d.Nature == "01" }

// SIRET returns SIREN + NIC.
func (d *Declaration) SIRET() string { return d.SIREN + d.NIC }

// NAF returns the establishment's activity (APET), else the company's (APEN).
func (d *Declaration) NAF() string {
	if d.APET != "" {
		return d.APET
	}
	return d.APEN
}

// MonthISO returns the declared month as AAAA-MM, or the raw value when it is
// not of the form 01MMAAAA (the rows then fail validation with BAD_DATE).
func (d *Declaration) MonthISO() string {
	m := d.Month
	if len(m) == 8 && allDigits(m) {
		return m[4:8] + "-" + m[2:4]
	}
	return m
}

// Handler receives what the parser finds, in file order.
type Handler interface {
	// Row receives one employee × contract of a monthly declaration. fields
	// are aligned with dictionary.DSNExtrait.Columns (dates converted to
	// AAAA-MM-JJ, month to AAAA-MM, hours summed; values that do not convert
	// are passed as written, so that validation reports them; a column the
	// parser does not know is empty). line is the
	// line of the contract's S21.G00.40.001 rubric. The strings are only valid
	// during the call; Parser.Written gives the same row as the file writes it.
	Row(d *Declaration, line int64, fields []string)
	// BadLine reports a line that is not a rubric `CODE,'value'`, or a rubric
	// out of place (a contract outside an employee…): rule BAD_DSN_LINE.
	BadLine(line int64, reason string)
	// Declaration is called when a declaration ends, with its row count.
	Declaration(d *Declaration)
}

// Stats counts what a parse read.
type Stats struct {
	Lines        int64 // physical lines
	Blank        int64 // empty lines, ignored
	Declarations int64 // declarations found
	Skipped      int64 // declarations of a nature other than 01, not read
	Rows         int64 // rows emitted
	BadLines     int64 // lines reported to BadLine
}

// layout is where the parser puts each value it emits in a row: the position
// of its column among a feed's columns, -1 when the feed has no such column.
// Rows have one field per column, those the parser does not fill empty.
type layout struct {
	width                                         int
	nir, mois, siret, naf, nature                 int
	start, plannedEnd, actualEnd, hours, contract int
}

func layoutOf(columns []dictionary.Column) layout {
	at := func(name string) int {
		for i, c := range columns {
			if c.Name == name {
				return i
			}
		}
		return -1
	}
	return layout{
		width: len(columns),
		nir:   at("nir"), mois: at("mois"), siret: at("siret_employeur"), naf: at("code_naf"), nature: at("nature_contrat"),
		start: at("date_debut_contrat"), plannedEnd: at("date_fin_prevue"), actualEnd: at("date_fin_reelle"),
		hours: at("heures_mois"), contract: at("id_contrat"),
	}
}

// extrait is the layout of dictionary.DSNExtrait, the rows the parser emits.
var extrait = layoutOf(dictionary.DSNExtrait.Columns)

// span is a value copied into the employee's arena.
type span struct{ off, n int32 }

type contract struct {
	line                                  int64
	start, nature, num, plannedEnd, ended span
}

// pay is one S21.G00.51 block: hours paid for a contract number.
type pay struct {
	num, hours span
}

// Parser is a streaming NEODeS parser. Make one with NewParser; it can be
// reused for several files with Reset.
type Parser struct {
	br    *bufio.Reader
	h     Handler
	stats Stats
	spill []byte

	decl       *Declaration
	inEmployee bool
	empLine    int64
	arena      []byte // values of the current employee
	nir        span
	contracts  []contract
	pays       []pay
	inPay      bool // the current block instance is an S21.G00.51
	curPay     pay

	prevGroup [10]byte // block of the previous rubric, e.g. "S21.G00.51"
	prevField int      // its rubric number

	lay     layout
	fields  []string
	written []string // fields as the file writes them (see Written)
	offs    [][2]int // where each field is in out
	out     []byte   // converted values of the row being emitted
}

// NewParser returns a parser of r, which must be UTF-8 (see delivery.NewDecoder
// for Windows-1252 files), reporting to h.
func NewParser(r io.Reader, h Handler) *Parser { return newParser(r, h, extrait) }

// newParser returns a parser emitting rows of another layout (for tests: a
// feed that gained or lost a column).
func newParser(r io.Reader, h Handler, lay layout) *Parser {
	p := &Parser{lay: lay, fields: make([]string, lay.width), written: make([]string, lay.width), offs: make([][2]int, lay.width)}
	p.Reset(r, h)
	return p
}

// Reset makes the parser read another file, keeping its buffers.
func (p *Parser) Reset(r io.Reader, h Handler) {
	if p.br == nil {
		p.br = bufio.NewReaderSize(r, 256<<10)
	} else {
		p.br.Reset(r)
	}
	p.h = h
	p.stats = Stats{}
	p.decl = nil
	p.inEmployee = false
	p.arena = p.arena[:0]
	p.contracts = p.contracts[:0]
	p.pays = p.pays[:0]
	p.inPay = false
	p.prevGroup = [10]byte{}
	p.prevField = 0
}

// Parse reads the whole input. The only error is an I/O error: malformed
// lines are reported to the handler and parsing goes on.
func (p *Parser) Parse() (Stats, error) {
	for {
		line, ok, err := p.readLine()
		if err != nil {
			return p.stats, err
		}
		if !ok {
			break
		}
		p.line(line)
	}
	p.endDeclaration()
	return p.stats, nil
}

// Parse is a shortcut for NewParser(r, h).Parse().
func Parse(r io.Reader, h Handler) (Stats, error) { return NewParser(r, h).Parse() }

func (p *Parser) readLine() ([]byte, bool, error) {
	line, err := p.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		p.spill = append(p.spill[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = p.br.ReadSlice('\n')
			p.spill = append(p.spill, line...)
		}
		line = p.spill
	}
	if err != nil && err != io.EOF {
		return nil, false, err
	}
	if len(line) == 0 {
		return nil, false, nil
	}
	p.stats.Lines++
	if n := len(line); line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line, true, nil
}

// rubric shape: Sdd.Gdd.dd.ddd,'value'
func wellFormed(l []byte) bool {
	if len(l) < 17 || l[0] != 'S' || l[3] != '.' || l[4] != 'G' || l[7] != '.' || l[10] != '.' ||
		l[14] != ',' || l[15] != '\'' || l[len(l)-1] != '\'' {
		return false
	}
	for _, i := range [...]int{1, 2, 5, 6, 8, 9, 11, 12, 13} {
		if l[i] < '0' || l[i] > '9' {
			return false
		}
	}
	return true
}

func (p *Parser) bad(reason string) {
	p.stats.BadLines++
	p.h.BadLine(p.stats.Lines, reason)
}

func (p *Parser) line(l []byte) {
	if len(l) == 0 {
		p.stats.Blank++
		return
	}
	if !wellFormed(l) {
		p.bad(malformed(l))
		return
	}
	value := l[16 : len(l)-1]
	field := int(l[11]-'0')*100 + int(l[12]-'0')*10 + int(l[13]-'0')
	// A block instance starts again when its rubric numbers stop increasing
	// (normally when its .001 rubric reappears), or when the block changes.
	newInstance := string(l[:10]) != string(p.prevGroup[:]) || field <= p.prevField
	copy(p.prevGroup[:], l[:10])
	p.prevField = field
	if newInstance && p.inPay {
		p.endPay()
	}

	switch string(l[:10]) {
	case "S20.G00.05":
		if field == 1 {
			p.endDeclaration()
			p.decl = &Declaration{Index: int(p.stats.Declarations), Line: p.stats.Lines, Nature: string(value)}
			p.stats.Declarations++
			if !p.decl.Monthly() {
				p.stats.Skipped++
			}
			return
		}
		if p.decl == nil {
			return // reported by no rule: the nature line is the declaration's start
		}
		switch field {
		case 2:
			p.decl.Type = string(value)
		case 4:
			p.decl.Order = string(value)
		case 5:
			p.decl.Month = string(value)
		case 7:
			p.decl.FileDate = string(value)
		}
	case "S21.G00.06":
		if p.decl != nil {
			switch field {
			case 1:
				p.decl.SIREN = string(value)
			case 3:
				p.decl.APEN = string(value)
			}
		}
	case "S21.G00.11":
		if p.decl != nil {
			switch field {
			case 1:
				p.decl.NIC = string(value)
			case 2:
				p.decl.APET = string(value)
			}
		}
	case "S21.G00.30":
		if field != 1 {
			return
		}
		p.endEmployee()
		if p.decl == nil {
			p.bad("salarié (S21.G00.30.001) avant l'en-tête de la déclaration (S20.G00.05.001)")
			return
		}
		if !p.decl.Monthly() {
			return
		}
		p.inEmployee = true
		p.empLine = p.stats.Lines
		p.nir = p.keep(value)
	case "S21.G00.40":
		if field == 1 {
			if !p.inEmployee {
				if p.decl == nil || p.decl.Monthly() {
					p.bad("début de contrat (S21.G00.40.001) hors d'un bloc salarié (S21.G00.30.001)")
				}
				return
			}
			p.contracts = append(p.contracts, contract{line: p.stats.Lines, start: p.keep(value)})
			return
		}
		if c := p.current(); c != nil {
			switch field {
			case 7:
				c.nature = p.keep(value)
			case 9:
				c.num = p.keep(value)
			case 10:
				c.plannedEnd = p.keep(value)
			}
		}
	case "S21.G00.51":
		if !p.inEmployee {
			return
		}
		if newInstance {
			p.inPay = true
			p.curPay = pay{}
		}
		switch field {
		case 10:
			p.curPay.num = p.keep(value)
		case 12:
			p.curPay.hours = p.keep(value)
		}
	case "S21.G00.62":
		if field != 1 {
			return
		}
		if c := p.current(); c != nil {
			c.ended = p.keep(value)
		} else if p.decl == nil || p.decl.Monthly() {
			p.bad("fin de contrat (S21.G00.62.001) sans contrat (S21.G00.40.001) qui la précède")
		}
	}
}

// current returns the last contract of the current employee, or nil.
func (p *Parser) current() *contract {
	if !p.inEmployee || len(p.contracts) == 0 {
		return nil
	}
	return &p.contracts[len(p.contracts)-1]
}

func (p *Parser) endPay() {
	p.inPay = false
	if p.curPay.hours.n > 0 || p.curPay.num.n > 0 {
		p.pays = append(p.pays, p.curPay)
	}
}

// keep copies a value into the employee's arena.
func (p *Parser) keep(v []byte) span {
	s := span{off: int32(len(p.arena)), n: int32(len(v))}
	p.arena = append(p.arena, v...)
	return s
}

func (p *Parser) str(s span) []byte { return p.arena[s.off : s.off+s.n] }

func (p *Parser) endDeclaration() {
	p.endEmployee()
	if p.decl != nil {
		p.h.Declaration(p.decl)
		p.decl = nil
	}
}

// endEmployee emits one row per contract of the employee.
func (p *Parser) endEmployee() {
	if p.inPay {
		p.endPay()
	}
	if p.inEmployee && p.decl != nil {
		d := p.decl
		l := &p.lay
		for i := range p.contracts {
			c := &p.contracts[i]
			p.out = p.out[:0]
			clear(p.offs)
			p.put(l.nir, p.str(p.nir))
			p.put(l.mois, []byte(d.MonthISO()))
			p.put(l.siret, []byte(d.SIRET()))
			p.put(l.naf, []byte(d.NAF()))
			p.put(l.nature, p.str(c.nature))
			start := len(p.out)
			p.out = appendDate(p.out, p.str(c.start))
			p.mark(l.start, start)
			start = len(p.out)
			p.out = appendDate(p.out, p.str(c.plannedEnd))
			p.mark(l.plannedEnd, start)
			start = len(p.out)
			p.out = appendDate(p.out, p.str(c.ended))
			p.mark(l.actualEnd, start)
			start = len(p.out)
			p.out = p.appendHours(p.out, p.str(c.num))
			p.mark(l.hours, start)
			p.put(l.contract, p.str(c.num))
			for col, o := range p.offs {
				p.fields[col] = bytesString(p.out[o[0]:o[1]])
				p.written[col] = p.fields[col]
			}
			p.writtenAs(l.mois, d.Month)
			p.writtenAs(l.start, bytesString(p.str(c.start)))
			p.writtenAs(l.plannedEnd, bytesString(p.str(c.plannedEnd)))
			p.writtenAs(l.actualEnd, bytesString(p.str(c.ended)))
			d.Rows++
			p.stats.Rows++
			p.h.Row(d, c.line, p.fields)
		}
	}
	p.inEmployee = false
	p.arena = p.arena[:0]
	p.contracts = p.contracts[:0]
	p.pays = p.pays[:0]
}

// Written returns the row being passed to Handler.Row as the file writes it,
// aligned like its fields: the dates as JJMMAAAA and the month as 01MMAAAA
// (where the fields have AAAA-MM-JJ and AAAA-MM), so that a quarantined value
// can be found in the file. The other fields are the same as Row's: the SIRET
// joins SIREN and NIC, the hours are the sum of the contract's S21.G00.51
// rubrics (or the first unreadable one, as written). Only valid during Row.
func (p *Parser) Written() []string { return p.written }

// writtenAs records v as the written value of column col; nothing when the
// layout has no such column.
func (p *Parser) writtenAs(col int, v string) {
	if col >= 0 {
		p.written[col] = v
	}
}

// put appends b to the row being emitted as the value of column col.
func (p *Parser) put(col int, b []byte) {
	start := len(p.out)
	p.out = append(p.out, b...)
	p.mark(col, start)
}

// mark records that out[start:] is the value of column col; nothing when the
// layout has no such column.
func (p *Parser) mark(col, start int) {
	if col >= 0 {
		p.offs[col] = [2]int{start, len(p.out)}
	}
}

// appendHours appends the sum of the hours paid for contract number num, in
// hundredths when they all have at most two decimals; nothing when none is
// declared (unknown); the first unreadable value as written, so that
// validation reports it.
func (p *Parser) appendHours(dst, num []byte) []byte {
	var cents int64
	var sum float64
	exact, found := true, false
	for _, pa := range p.pays {
		if pa.hours.n == 0 || string(p.str(pa.num)) != string(num) {
			continue
		}
		raw := bytesString(p.str(pa.hours))
		found = true
		if c, err := dictionary.ParseAmount(raw); err == nil {
			cents += c
			sum += float64(c) / 100
			continue
		}
		x, err := dictionary.ParseDecimal(raw)
		if err != nil {
			return append(dst, raw...)
		}
		exact = false
		sum += x
	}
	switch {
	case !found:
		return dst
	case exact:
		if cents < 0 {
			dst = append(dst, '-')
			cents = -cents
		}
		dst = strconv.AppendInt(dst, cents/100, 10)
		if r := cents % 100; r != 0 {
			dst = append(dst, '.', byte('0'+r/10), byte('0'+r%10))
		}
		return dst
	}
	return strconv.AppendFloat(dst, sum, 'f', -1, 64)
}

// appendDate converts JJMMAAAA to AAAA-MM-JJ; other values are appended as
// written (empty stays empty).
func appendDate(dst, v []byte) []byte {
	if len(v) == 8 && allDigits(string(v)) {
		return append(dst, v[4], v[5], v[6], v[7], '-', v[2], v[3], '-', v[0], v[1])
	}
	return append(dst, v...)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// malformed says why a line is not a rubric, without quoting its content
// (which may be a NIR): only a well-formed rubric code is shown.
func malformed(l []byte) string {
	if len(l) < 17 {
		return fmt.Sprintf("ligne trop courte pour une rubrique (%d caractères) : attendu Sxx.Gxx.xx.xxx,'valeur'", len(l))
	}
	if wellFormed(append(l[:14:14], ",''"...)) {
		return fmt.Sprintf("rubrique %s mal formée : attendu %s,'valeur' (virgule puis valeur entre apostrophes)", l[:14], l[:14])
	}
	return "code de rubrique invalide : attendu Sxx.Gxx.xx.xxx,'valeur'"
}

func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
