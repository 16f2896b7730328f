// Package french writes numbers and dates the way French typography wants
// them, for every text agora shows a reader: the site, the open-data README,
// the API's date of the data and the command line.
//
//   - Digits are grouped by three with a narrow no-break space (U+202F):
//     « 812 400 ».
//   - The decimal mark is a comma: « 1 234,5 ».
//   - A negative number takes the minus sign (U+2212), not the hyphen:
//     « −12 ».
//   - The first day of a month is an ordinal: « 1er juillet 2025 »,
//     « 2 juillet 2025 ».
//   - Month names take no capital: « juillet 2025 ».
//
// The package imports no agora package, so that every stage may use it.
package french

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Spaces and signs of French typography.
const (
	// NarrowNoBreakSpace (espace fine insécable) groups digits and goes
	// before a unit or a percent sign: « 58,3 % », « 12 € ».
	NarrowNoBreakSpace = "\u202f"
	// NoBreakSpace (espace insécable) goes before « : » so that no line
	// starts with it.
	NoBreakSpace = "\u00a0"
	// Minus (signe moins) is the sign of a negative number.
	Minus = "\u2212"
)

// Int writes n with its digits grouped by three: « 18 900 000 », « −12 345 ».
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	if digits, neg := strings.CutPrefix(s, "-"); neg {
		return Minus + group(digits)
	}
	return group(s)
}

// Dec writes x with exactly decimals digits after a decimal comma, rounded
// half away from zero as the indicators are (61,25 → « 61,3 »), its integer
// part grouped as Int does: « 1 234,6 ». With decimals 0 it writes a whole
// number without a comma. With decimals < 0 it writes as many decimals as x
// needs, the fewest that read back as x, as strconv.FormatFloat does with
// precision −1: Dec(0.005, -1) is « 0,005 ». A value that rounds to zero is
// written without a sign (« 0,0 », never « −0,0 »). NaN is « NaN », the
// infinities « ∞ » and « −∞ ».
func Dec(x float64, decimals int) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "∞"
	case math.IsInf(x, -1):
		return Minus + "∞"
	}
	r := x
	if decimals >= 0 {
		r = Round(x, decimals)
	}
	ip, fp, _ := strings.Cut(strconv.FormatFloat(math.Abs(r), 'f', max(decimals, -1), 64), ".")
	out := group(ip)
	if fp != "" {
		out += "," + fp
	}
	if r < 0 {
		out = Minus + out
	}
	return out
}

// Round rounds x to decimals digits, halves away from zero, as Dec does
// before writing it: a machine-readable copy of a figure (a CSV cell, a
// chart's data) rounded with Round agrees with its text. Where x·10^decimals
// is too large for a float, x has no digit at that place and is returned as
// it is.
func Round(x float64, decimals int) float64 {
	p := math.Pow10(max(decimals, 0)) // decimals < 0: as 0
	y := x * p
	if math.IsInf(y, 0) || math.IsNaN(y) {
		return x
	}
	return math.Round(y) / p
}

// group inserts a narrow no-break space every three digits from the right
// of a string of ASCII digits.
func group(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	b.Grow(len(digits) + (len(digits)-1)/3*len(NarrowNoBreakSpace))
	for i := 0; i < len(digits); i++ {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(NarrowNoBreakSpace)
		}
		b.WriteByte(digits[i])
	}
	return b.String()
}

var months = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

// Date writes the day of t: « 1er juillet 2025 », « 14 juillet 2025 ». The
// time of day and the location are not looked at: pass t in the location
// whose day you mean.
func Date(t time.Time) string {
	day := strconv.Itoa(t.Day())
	if t.Day() == 1 {
		day = "1er"
	}
	return day + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Month writes the month of t: « juillet 2025 ».
func Month(t time.Time) string {
	return months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// MonthISO writes a month given as AAAA-MM (ISO 8601, as the warehouse stores
// it) the way Month does: « 2025-07 » → « juillet 2025 ». ok is false, and
// the text empty, when ym is not four digits, a hyphen and a month 01 to 12.
func MonthISO(ym string) (text string, ok bool) {
	if len(ym) != 7 || ym[4] != '-' {
		return "", false
	}
	year, month := 0, 0
	for i, c := range []byte(ym) {
		switch {
		case i == 4:
			continue
		case c < '0' || c > '9':
			return "", false
		case i < 4:
			year = 10*year + int(c-'0')
		default:
			month = 10*month + int(c-'0')
		}
	}
	if month < 1 || month > 12 {
		return "", false
	}
	return months[month-1] + " " + strconv.Itoa(year), true
}
