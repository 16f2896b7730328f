package site

import (
	"math"
	"strconv"
	"strings"
)

// French typography: thousands are grouped with a narrow no-break space, the
// decimal mark is a comma, and units (%, €) follow a narrow no-break space.
const (
	nnbsp = "\u202f" // espace fine insécable
	nbsp  = "\u00a0" // espace insécable, before « : » so that no line starts with it
	minus = "\u2212" // signe moins
)

// fmtInt writes an integer the French way: 812 400.
func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	if neg {
		b.WriteString(minus)
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(nnbsp)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fmtDec writes x with d decimals the French way: 1 234,5.
func fmtDec(x float64, d int) string {
	if d <= 0 {
		return fmtInt(int64(math.Round(x)))
	}
	s := strconv.FormatFloat(math.Abs(roundHalfAway(x, d)), 'f', d, 64)
	ip, fp, _ := strings.Cut(s, ".")
	n, _ := strconv.ParseInt(ip, 10, 64)
	out := fmtInt(n) + "," + fp
	if x < 0 && strings.Trim(s, "0.") != "" {
		out = minus + out
	}
	return out
}

// fmtPct writes a rate in percent with one decimal: 58,3 %.
func fmtPct(x float64) string { return fmtDec(x, 1) + nnbsp + "%" }

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
		return fmtDec(v, 2) + unit
	case a >= 1e6:
		v := x / 1e6
		unit := " million d'euros"
		if math.Abs(v) >= 2 {
			unit = " millions d'euros"
		}
		return fmtDec(v, 1) + unit
	default:
		return fmtInt(int64(math.Round(x))) + nnbsp + "€"
	}
}

// fmtEurosCents writes a unit cost: 12,35 €.
func fmtEurosCents(x float64) string { return fmtDec(x, 2) + nnbsp + "€" }

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
	s := fmtDec(x, d)
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
	return fmtInt(int64(n))
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

// roundHalfAway rounds x to d decimals, halves away from zero (61,25 → 61,3),
// as the indicators are rounded.
func roundHalfAway(x float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(x*p) / p
}
