package dictionary

import (
	"slices"
	"strconv"
	"strings"
)

// NormalizeNIR removes spaces and upper-cases the Corsican department letters, so
// that "2 53 07 2a 073 004 43" and "253072A07300443" are the same person.
func NormalizeNIR(s string) string {
	if strings.IndexByte(s, ' ') < 0 && strings.IndexByte(s, 'a') < 0 && strings.IndexByte(s, 'b') < 0 {
		return s
	}
	s = strings.ReplaceAll(s, " ", "")
	return strings.ToUpper(s)
}

// ValidNIR checks a normalised NIR (social security number) or temporary number:
// 13 characters and a 2-digit key, key = 97 − (first 13 digits mod 97), with the
// Corsican departments 2A and 2B read as 19 and 18; the first digit is 1 or 2 (NIR)
// or 7 or 8 (temporary number).
func ValidNIR(s string) bool {
	if len(s) != 15 {
		return false
	}
	key, ok := NIRKey(s[:13])
	return ok && s[13:] == key
}

// NIRKey returns the 2-digit key of the first 13 characters of a NIR, 97 −
// (their number mod 97), or false when they are not a well-formed NIR body
// (see ValidNIR). The generator builds its numbers with it.
func NIRKey(body string) (string, bool) {
	if len(body) != 13 {
		return "", false
	}
	switch body[0] {
	case '1', '2', '7', '8':
	default:
		return "", false
	}
	var n uint64
	for i := 0; i < 13; i++ {
		c := body[i]
		var d uint64
		switch {
		case c >= '0' && c <= '9':
			d = uint64(c - '0')
		case i == 6 && body[5] == '2' && (c == 'A' || c == 'B'):
			// 2A → 19, 2B → 18: the preceding '2' becomes '1' and the letter 9 or 8.
			n -= 1
			if c == 'A' {
				d = 9
			} else {
				d = 8
			}
		default:
			return "", false
		}
		n = n*10 + d
	}
	k := 97 - n%97 // 1 to 97
	return twoDigits[2*k : 2*k+2], true
}

// twoDigits is 00, 01, … 99 written one after the other.
var twoDigits = func() string {
	b := make([]byte, 0, 200)
	for i := range 100 {
		b = append(b, byte('0'+i/10), byte('0'+i%10))
	}
	return string(b)
}()

// MaskNIR hides a NIR (or anything that may be one) before it is stored in
// quarantine, a log or a message: only its length survives.
func MaskNIR(s string) string {
	return strings.Repeat("*", len([]rune(s)))
}

// NIRFault says, in French, why raw is not a valid NIR (see ValidNIR), in
// words that reveal none of its digits: only its length, its shape and the
// digits the rule itself names. It returns "" for a valid NIR. Its text goes
// beside the masked value of a BAD_NIR violation, so that the partner knows
// what to correct without the quarantine holding the number. The reasons are
// short (42 characters at most but for several separators), so that a
// listing cut at 60 characters still shows them.
func NIRFault(raw string) string {
	raw = strings.TrimSpace(raw)
	if scientific(raw) {
		return "notation scientifique : formatez en texte"
	}
	var seps []string
	other := false
	for i, r := range raw {
		switch {
		case r >= '0' && r <= '9', r == ' ':
		case r == '.' || r == '-' || r == '/' || r == '_' || r == ',':
			if name := separatorNames[r]; !slices.Contains(seps, name) {
				seps = append(seps, name)
			}
		case (r == 'A' || r == 'B' || r == 'a' || r == 'b') && i > 0:
			// Corsica (2A, 2B): checked on the normalised number below.
		default:
			other = true
		}
	}
	if len(seps) > 0 {
		return "contient des " + strings.Join(seps, " et des ") + " (espaces seuls admis)"
	}
	n := NormalizeNIR(raw)
	if other || strings.ContainsAny(n[:min(len(n), 6)]+n[min(len(n), 7):], "AB") {
		return "contient des lettres ou des signes"
	}
	if len(n) != 15 {
		return strconv.Itoa(len(n)) + " caractère" + pluralS(len(n)) + " au lieu de 15"
	}
	switch n[0] {
	case '1', '2', '7', '8':
	default:
		return "premier chiffre autre que 1, 2, 7 ou 8"
	}
	key, ok := NIRKey(n[:13])
	if !ok {
		// A letter at the 7th place not preceded by a 2: not 2A or 2B.
		return "contient des lettres ou des signes"
	}
	if n[13:] != key {
		return "clé incorrecte"
	}
	return ""
}

var separatorNames = map[rune]string{'.': "points", '-': "tirets", '/': "barres obliques", '_': "soulignés", ',': "virgules"}

// scientific reports a number a spreadsheet wrote in scientific notation,
// « 2,95109E+14 »: a NIR read as a number.
func scientific(s string) bool {
	mant, exp, ok := strings.Cut(strings.ToUpper(s), "E")
	if !ok || mant == "" || exp == "" {
		return false
	}
	exp = strings.TrimPrefix(exp, "+")
	return strings.Trim(mant, "0123456789.,") == "" && exp != "" && strings.Trim(exp, "0123456789") == ""
}

func pluralS(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}
