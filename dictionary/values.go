package dictionary

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Errors of the value parsers. Column.Parse turns them into rule codes.
var (
	ErrBadDate   = errors.New("date invalide (attendu AAAA-MM-JJ ou JJ/MM/AAAA)")
	ErrBadTime   = errors.New("horodatage invalide (attendu AAAA-MM-JJTHH:MM:SS)")
	ErrBadMonth  = errors.New("mois invalide (attendu AAAA-MM)")
	ErrBadNumber = errors.New("nombre invalide")
)

// ParseDate reads a date written AAAA-MM-JJ or JJ/MM/AAAA and returns it at
// midnight UTC. It rejects impossible dates such as 2024-02-30.
func ParseDate(s string) (time.Time, error) {
	var y, m, d int
	var ok bool
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, ok = digits(s[0:4])
		m, ok = digitsAnd(ok, s[5:7])
		d, ok = digitsAnd(ok, s[8:10])
	case len(s) == 10 && s[2] == '/' && s[5] == '/':
		d, ok = digits(s[0:2])
		m, ok = digitsAnd(ok, s[3:5])
		y, ok = digitsAnd(ok, s[6:10])
	}
	if !ok {
		return time.Time{}, ErrBadDate
	}
	return civil(y, m, d, 0, 0, 0, ErrBadDate)
}

// ParseDSNDate reads a NEODeS date JJMMAAAA.
func ParseDSNDate(s string) (time.Time, error) {
	if len(s) != 8 {
		return time.Time{}, ErrBadDate
	}
	d, ok := digits(s[0:2])
	m, ok := digitsAnd(ok, s[2:4])
	y, ok := digitsAnd(ok, s[4:8])
	if !ok {
		return time.Time{}, ErrBadDate
	}
	return civil(y, m, d, 0, 0, 0, ErrBadDate)
}

// ParseTimestamp reads AAAA-MM-JJTHH:MM:SS in UTC (a trailing Z is accepted).
func ParseTimestamp(s string) (time.Time, error) {
	s = strings.TrimSuffix(s, "Z")
	if len(s) != 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return time.Time{}, ErrBadTime
	}
	y, ok := digits(s[0:4])
	mo, ok := digitsAnd(ok, s[5:7])
	d, ok := digitsAnd(ok, s[8:10])
	h, ok := digitsAnd(ok, s[11:13])
	mi, ok := digitsAnd(ok, s[14:16])
	se, ok := digitsAnd(ok, s[17:19])
	if !ok || h > 23 || mi > 59 || se > 59 {
		return time.Time{}, ErrBadTime
	}
	return civil(y, mo, d, h, mi, se, ErrBadTime)
}

// ParseMonth reads AAAA-MM and returns the first day of the month.
func ParseMonth(s string) (time.Time, error) {
	if len(s) != 7 || s[4] != '-' {
		return time.Time{}, ErrBadMonth
	}
	y, ok := digits(s[0:4])
	m, ok := digitsAnd(ok, s[5:7])
	if !ok {
		return time.Time{}, ErrBadMonth
	}
	return civil(y, m, 1, 0, 0, 0, ErrBadMonth)
}

func civil(y, m, d, h, mi, s int, bad error) (time.Time, error) {
	if y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 {
		return time.Time{}, bad
	}
	t := time.Date(y, time.Month(m), d, h, mi, s, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return time.Time{}, bad
	}
	return t, nil
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

func digitsAnd(ok bool, s string) (int, bool) {
	if !ok {
		return 0, false
	}
	return digits(s)
}

// ParseDecimal reads a decimal number with '.' or ',' as decimal mark and no
// thousands separator ("12,5", "-3.25", "7").
func ParseDecimal(s string) (float64, error) {
	if !decimalShape(s) {
		return 0, ErrBadNumber
	}
	f, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		return 0, ErrBadNumber
	}
	return f, nil
}

// ParseAmount reads an amount in euros ('.' or ',' as decimal mark) and returns it in
// cents, exactly. Digits beyond the cent must be zeros ("12.500" is accepted,
// "12.505" is not: it is no amount in euros).
func ParseAmount(s string) (int64, error) {
	if !decimalShape(s) {
		return 0, ErrBadNumber
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	intPart, frac, _ := strings.Cut(strings.Replace(s, ",", ".", 1), ".")
	if len(intPart) > 15 {
		return 0, ErrBadNumber
	}
	if intPart == "" {
		intPart = "0"
	}
	units, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, ErrBadNumber
	}
	for len(frac) > 2 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if len(frac) > 2 {
		return 0, ErrBadNumber
	}
	for len(frac) < 2 {
		frac += "0"
	}
	cents, _ := strconv.ParseInt(frac, 10, 64)
	v := units*100 + cents
	if neg {
		v = -v
	}
	return v, nil
}

// decimalShape accepts [+-]digits[(.|,)digits] with at least one digit.
func decimalShape(s string) bool {
	if s == "" {
		return false
	}
	i := 0
	if s[0] == '-' || s[0] == '+' {
		i = 1
	}
	nd, sep := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			nd++
		case (c == '.' || c == ',') && !sep:
			sep = true
		default:
			return false
		}
	}
	return nd > 0
}

// ParseInteger reads a base-10 integer: an optional leading minus, then 1 to
// 18 digits, with no plus sign, space or separator ("2024", "-5", "007").
func ParseInteger(s string) (int64, error) {
	neg := s != "" && s[0] == '-'
	if neg {
		s = s[1:]
	}
	if s == "" || len(s) > 18 {
		return 0, ErrBadNumber
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, ErrBadNumber
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}
