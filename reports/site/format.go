package site

import (
	"math"
	"strings"

	"github.com/agora-formation/agora/french"
)

// Short names for the spaces and signs of French typography (package french).
const (
	nnbsp = french.NarrowNoBreakSpace // espace fine insécable
	nbsp  = french.NoBreakSpace       // espace insécable, before « : » so that no line starts with it
	minus = french.Minus              // signe moins
)

// fmtPct writes a rate in percent with one decimal: 58,3 %.
func fmtPct(x float64) string { return french.Dec(x, 1) + nnbsp + "%" }

// fmtEuros writes an amount in euros for a sentence: whole euros up to a
// million, then « 12,4 millions d'euros », « 1,25 milliard d'euros ».
func fmtEuros(x float64) string {
	a := math.Abs(x)
	switch {
	case a >= 1e9:
		v := x / 1e9
		unit := " milliard d'euros"
		if math.Abs(v) >= 2 {
			unit = " milliards d'euros"
		}
		return french.Dec(v, 2) + unit
	case a >= 1e6:
		v := x / 1e6
		unit := " million d'euros"
		if math.Abs(v) >= 2 {
			unit = " millions d'euros"
		}
		return french.Dec(v, 1) + unit
	default:
		return french.Dec(x, 0) + nnbsp + "€"
	}
}

// fmtEurosCents writes a unit cost: 12,35 €.
func fmtEurosCents(x float64) string { return french.Dec(x, 2) + nnbsp + "€" }

// fmtPoints writes a change in percentage points with its sign:
// « +1,2 point », « −0,4 point », « +2,5 points » (plural from 2 on).
func fmtPoints(x float64) string {
	r := math.Round(x*10) / 10
	unit := " point"
	if math.Abs(r) >= 2 {
		unit = " points"
	}
	return signed(r, 1) + unit
}

// fmtChangePct writes a relative change in percent with its sign: « +3,4 % ».
func fmtChangePct(x float64) string { return signed(math.Round(x*10)/10, 1) + nnbsp + "%" }

// signed writes x with d decimals and an explicit sign (+ or −; none for zero).
func signed(x float64, d int) string {
	s := french.Dec(x, d)
	if x > 0 {
		return "+" + s
	}
	if x == 0 {
		return strings.TrimPrefix(s, minus)
	}
	return s
}

// numberWord writes small whole numbers in words, as French prose does
// (« six mois après »), and larger ones in figures.
func numberWord(n int) string {
	words := []string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf",
		"dix", "onze", "douze"}
	if n >= 0 && n < len(words) {
		return words[n]
	}
	return french.Int(int64(n))
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}
