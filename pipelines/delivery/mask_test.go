package delivery

import (
	"testing"
	"unicode/utf8"

	"github.com/agora-formation/agora/dictionary"
)

// nirChar reports whether c may be part of a NIR: a digit, or a Corsican A or B.
func nirChar(c byte) bool {
	return c >= '0' && c <= '9' || c == 'A' || c == 'B' || c == 'a' || c == 'b'
}

// upperASCII upper-cases ASCII letters only, keeping the length.
func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// FuzzMaskNIRs checks what MaskNIRs promises: no valid NIR (checked by
// dictionary.ValidNIR on every 15 bytes) and no run of 13 or of 15 or more NIR
// characters survives; only such characters become '*', so that the length in
// bytes and in runes is kept; a run of 14 (a SIRET) is kept; masking twice
// changes nothing.
func FuzzMaskNIRs(f *testing.F) {
	for _, s := range []string{
		"295109912611193", "2951099126111", "253072b07300470", "D-295109912611193-x", "12345678200010",
		"é295109912611193é", "2 95 10 99 126 111 93", "1234567890123456789012345678901", "AB12", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := MaskNIRs(s)
		if len(out) != len(s) || utf8.RuneCountInString(out) != utf8.RuneCountInString(s) {
			t.Fatalf("MaskNIRs(%q) = %q: length changed", s, out)
		}
		for i := 0; i < len(s); i++ {
			if out[i] != s[i] && (out[i] != '*' || !nirChar(s[i])) {
				t.Fatalf("MaskNIRs(%q) = %q: byte %d changed to %q", s, out, i, out[i])
			}
		}
		for i := 0; i+15 <= len(out); i++ {
			if dictionary.ValidNIR(upperASCII(out[i : i+15])) {
				t.Fatalf("MaskNIRs(%q) = %q: the NIR %q survives", s, out, out[i:i+15])
			}
		}
		// Maximal runs of NIR characters: masked if of 13 or 15 and more, else kept.
		for i := 0; i < len(s); {
			if !nirChar(s[i]) {
				i++
				continue
			}
			j := i
			for j < len(s) && nirChar(s[j]) {
				j++
			}
			masked := j-i == 13 || j-i >= 15
			for k := i; k < j; k++ {
				if (out[k] == '*') != masked {
					t.Fatalf("MaskNIRs(%q) = %q: run %q (%d characters) masked %v", s, out, s[i:j], j-i, out[k] == '*')
				}
			}
			i = j
		}
		if again := MaskNIRs(out); again != out {
			t.Fatalf("MaskNIRs not idempotent on %q: %q then %q", s, out, again)
		}
	})
}
