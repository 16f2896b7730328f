package dictionary

import "strings"

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
