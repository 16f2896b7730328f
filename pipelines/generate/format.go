package generate

import (
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/agora-formation/agora/dictionary"
)

// Feeds written by the generator, in the dictionary's order.
const (
	feedDossiers = iota
	feedEvenements
	feedFinancements
	feedEnveloppes
	feedDSN
	nFeeds
)

var feedDefs = [nFeeds]*dictionary.Feed{
	dictionary.Dossiers, dictionary.Evenements, dictionary.Financements, dictionary.Enveloppes, dictionary.DSNExtrait,
}

// extraColumn is the unknown column some partners add to their dossiers export
// (landing ignores and reports it). Its labels need quoting.
const extraColumn = "intitule_formation"

// style is how a partner exports its files.
type style struct {
	name     string
	cp1252   bool // Windows-1252 instead of UTF-8
	bom      bool // UTF-8 with a byte-order mark
	crlf     bool
	frDates  bool // JJ/MM/AAAA instead of AAAA-MM-JJ
	comma    bool // ',' as decimal mark
	quoteAll bool // every text field between double quotes
	extra    bool // dossiers carry extraColumn
	// order[feed] lists the columns in the partner's order (index len(columns) is
	// extraColumn); nil means the dictionary's order.
	order [nFeeds][]int
}

// Encoding returns the name of the style's encoding.
func (s *style) Encoding() string {
	switch {
	case s.cp1252:
		return "windows-1252"
	case s.bom:
		return "utf-8-bom"
	}
	return "utf-8"
}

func partnerStyle(code string, r *rnd) style {
	st := style{name: code}
	switch code {
	case "FT": // a big partner on an old system: Windows-1252, CRLF, French dates and decimals
		st.cp1252, st.extra = true, true
	case "CDC":
		st.bom = true
	case "OPCO-11":
		st.quoteAll = true
		st.order[feedDossiers] = r.Perm(len(dictionary.Dossiers.Columns))
	case "REG-11":
		st.extra = true
		st.order[feedFinancements] = r.Perm(len(dictionary.Financements.Columns))
	default:
		st.cp1252 = r.bern(.35)
		st.bom = !st.cp1252 && r.bern(.3)
		st.quoteAll = r.bern(.15)
		st.extra = r.bern(.2)
		if r.bern(.2) {
			for f := range nFeeds {
				if f != feedDSN {
					st.order[f] = r.Perm(len(feedDefs[f].Columns))
				}
			}
		}
	}
	if st.cp1252 {
		st.crlf, st.frDates, st.comma = true, true, true
	}
	if st.extra {
		n := len(dictionary.Dossiers.Columns)
		order := st.order[feedDossiers]
		if order == nil {
			order = make([]int, n)
			for i := range order {
				order[i] = i
			}
		}
		at := r.IntN(n + 1)
		order = append(order[:at], append([]int{n}, order[at:]...)...)
		st.order[feedDossiers] = order
	}
	return st
}

// columnOrder returns the output order of feed f's columns.
func (s *style) columnOrder(f int) []int {
	if o := s.order[f]; o != nil {
		return o
	}
	return canonicalOrder[f]
}

var canonicalOrder [nFeeds][]int

// textColumn[f][i] tells whether a quote-all partner quotes column i of feed f.
var textColumn [nFeeds][]bool

func init() {
	for f, d := range feedDefs {
		canonicalOrder[f] = make([]int, len(d.Columns))
		textColumn[f] = make([]bool, len(d.Columns)+1)
		for i, c := range d.Columns {
			canonicalOrder[f][i] = i
			switch c.Kind {
			case dictionary.Text, dictionary.CodeKind, dictionary.Pattern, dictionary.NIR, dictionary.SIRET, dictionary.Flag:
				textColumn[f][i] = true
			}
		}
		textColumn[f][len(d.Columns)] = true
	}
}

// header returns the header line of feed f in style s, encoded.
func (s *style) header(f int) []byte {
	var b []byte
	if s.bom {
		b = append(b, 0xEF, 0xBB, 0xBF)
	}
	cols := feedDefs[f].Columns
	for j, i := range s.columnOrder(f) {
		if j > 0 {
			b = append(b, ';')
		}
		name := extraColumn
		if i < len(cols) {
			name = cols[i].Name
		}
		if s.quoteAll {
			b = append(append(append(b, '"'), name...), '"')
		} else {
			b = append(b, name...)
		}
	}
	return s.eol(b)
}

func (s *style) eol(b []byte) []byte {
	if s.crlf {
		return append(b, '\r', '\n')
	}
	return append(b, '\n')
}

const maxCols = 17

// row holds the fields of one CSV row (UTF-8) before it is written in a style.
type row struct {
	feed  int
	buf   []byte
	start [maxCols]int32
	end   [maxCols]int32
	st    *style
	// offsets of each output field in the last joined line (for truncation)
	outStart [maxCols]int32
	outQuote [maxCols]bool
}

func (r *row) reset(feed int, st *style) {
	r.feed, r.st = feed, st
	r.buf = r.buf[:0]
	for i := range r.start {
		r.start[i], r.end[i] = 0, 0
	}
}

func (r *row) open(i int) { r.start[i] = int32(len(r.buf)) }

func (r *row) close(i int) { r.end[i] = int32(len(r.buf)) }

func (r *row) str(i int, s string) {
	r.open(i)
	r.buf = append(r.buf, s...)
	r.close(i)
}

func (r *row) bytes(i int, s []byte) {
	r.open(i)
	r.buf = append(r.buf, s...)
	r.close(i)
}

func (r *row) field(i int) []byte { return r.buf[r.start[i]:r.end[i]] }

func (r *row) date(i int, d Day) {
	r.open(i)
	if r.st.frDates {
		r.buf = appendFR(r.buf, d)
	} else {
		r.buf = appendISO(r.buf, d)
	}
	r.close(i)
}

// optDate writes d, or nothing when d is 0.
func (r *row) optDate(i int, d Day) {
	if d != 0 {
		r.date(i, d)
	}
}

func (r *row) timestamp(i int, d Day, sec int) {
	r.open(i)
	r.buf = appendTimestamp(r.buf, d, sec)
	r.close(i)
}

func (r *row) month(i int, m Month) {
	r.open(i)
	r.buf = appendMonth(r.buf, m)
	r.close(i)
}

func (r *row) integer(i int, n int64) {
	r.open(i)
	r.buf = strconv.AppendInt(r.buf, n, 10)
	r.close(i)
}

// cents writes an amount (or hours) kept in hundredths, with the style's decimal mark.
func (r *row) cents(i int, n int64) {
	r.open(i)
	r.buf = appendCents(r.buf, n, r.st.comma)
	r.close(i)
}

func appendCents(b []byte, n int64, comma bool) []byte {
	if n < 0 {
		b = append(b, '-')
		n = -n
	}
	b = strconv.AppendInt(b, n/100, 10)
	if comma {
		b = append(b, ',')
	} else {
		b = append(b, '.')
	}
	return append2(b, int(n%100))
}

// line appends the row, written in its style (field order, quoting, encoding,
// end of line), to dst.
func (r *row) line(dst []byte) []byte {
	order := r.st.columnOrder(r.feed)
	for j, i := range order {
		if j > 0 {
			dst = append(dst, ';')
		}
		r.outStart[j] = int32(len(dst))
		v := r.buf[r.start[i]:r.end[i]]
		q := needsQuotes(v) || (r.st.quoteAll && textColumn[r.feed][i] && len(v) > 0)
		r.outQuote[j] = q
		if q {
			dst = append(dst, '"')
			for _, c := range v {
				if c == '"' {
					dst = append(dst, '"')
				}
				dst = append(dst, c)
			}
			dst = append(dst, '"')
		} else {
			dst = append(dst, v...)
		}
	}
	return r.st.eol(dst)
}

// encode converts a UTF-8 line to the style's encoding (in place when UTF-8).
func (s *style) encode(dst, line []byte) []byte {
	if !s.cp1252 {
		return append(dst, line...)
	}
	return appendWindows1252(dst, line)
}

// appendWindows1252 converts UTF-8 text to Windows-1252 ('?' for runes it lacks).
func appendWindows1252(dst, s []byte) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		ru, size := utf8.DecodeRune(s[i:])
		b, ok := charmap.Windows1252.EncodeRune(ru)
		if !ok {
			b = '?'
		}
		dst = append(dst, b)
		i += size
	}
	return dst
}

func needsQuotes(v []byte) bool {
	for _, c := range v {
		if c == ';' || c == '"' || c == '\n' || c == '\r' {
			return true
		}
	}
	return false
}

// truncate cuts a line joined by line (UTF-8, starting at offset 0) inside
// output field j ≥ 1, so that it keeps j+1 fields at most, and ends it again.
func (r *row) truncate(line []byte, j int) []byte {
	cut := int(r.outStart[j])
	if !r.outQuote[j] {
		// keep part of the field when it is not quoted (never inside a quote)
		next := len(line)
		if j+1 < len(r.st.columnOrder(r.feed)) {
			next = int(r.outStart[j+1]) - 1
		}
		cut += (next - cut) / 2
		for cut > 0 && line[cut]&0xC0 == 0x80 { // stay on a rune boundary
			cut--
		}
	}
	return r.st.eol(line[:cut])
}
