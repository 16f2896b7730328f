package dictionary

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Reasons of NIRFault, as a partner reads them.
const (
	faultKey     = "clé incorrecte"
	faultFirst   = "premier chiffre autre que 1, 2, 7 ou 8"
	faultLetters = "contient des lettres ou des signes"
	faultSci     = "notation scientifique : formatez en texte"
)

func TestNIRFault(t *testing.T) {
	// 7951099126111: 97 − (7951099126111 mod 97) is its key.
	provisional, ok := NIRKey("7951099126111")
	require.True(t, ok)
	for _, tc := range []struct{ raw, want string }{
		{"295109912611193", ""}, // valid: 97 − (2951099126111 mod 97) = 93
		{" 2 95 10 99 126 111 93 ", ""},
		{"253072b07300470", ""}, // Corsica, lower-case letter
		{"7951099126111" + provisional, ""},
		{"295109912611194", faultKey},
		{"29510991261119", "14 caractères au lieu de 15"},
		{"2951099126111", "13 caractères au lieu de 15"},
		{"2 95 10 99 126 111 93 0", "16 caractères au lieu de 15"},
		{"2", "1 caractère au lieu de 15"},
		{"2.95.10.99.126.111.93", "contient des points (espaces seuls admis)"},
		{"2-95-10-99-126-111-93", "contient des tirets (espaces seuls admis)"},
		{"2.95-10.99-126.111/93", "contient des points et des tirets et des barres obliques (espaces seuls admis)"},
		{"2,95109912611193E+14", faultSci},
		{"2.95109E14", faultSci},
		{"395109912611193", faultFirst},
		{"095109912611193", faultFirst},
		{"2951099X2611193", faultLetters},
		{"2951099126111O3", faultLetters},
		{"A95109912611193", faultLetters},
		{"253071A07300470", faultLetters}, // A after a 1: no department 1A
		{"2530A2B07300470", faultLetters},
	} {
		t.Run(tc.raw, func(t *testing.T) {
			got := NIRFault(tc.raw)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.want == "", ValidNIR(NormalizeNIR(strings.TrimSpace(tc.raw))))
			assert.False(t, leaks(tc.raw, got), "the reason reveals digits: %q", got)
		})
	}
}

// ruleDigits are the phrases of NIRFault whose digits are the rule's, not
// the value's.
var ruleDigits = regexp.MustCompile(`^[0-9]+ caractères? au lieu de 15|1, 2, 7 ou 8`)

// leaks reports a reason that shows a digit of raw: any digit left once the
// rule's own phrases are taken out, or a count that is not the length of the
// normalised number.
func leaks(raw, reason string) bool {
	if m := regexp.MustCompile(`^([0-9]+) caractère`).FindStringSubmatch(reason); m != nil {
		if m[1] != strconv.Itoa(len(NormalizeNIR(strings.TrimSpace(raw)))) {
			return true
		}
	}
	return strings.ContainsAny(ruleDigits.ReplaceAllString(reason, ""), "0123456789")
}

// Whatever the value, a reason is given exactly when the NIR is invalid, and
// it shows none of the value's digits.
func FuzzNIRFault(f *testing.F) {
	for _, s := range []string{"295109912611193", "295109912611194", "2.95.10", "2,95E+14", "253072B07300470", "2951099X2611193", "2 95 10 99 126 111 93", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := NIRFault(raw)
		if valid := ValidNIR(NormalizeNIR(strings.TrimSpace(raw))); valid != (got == "") {
			t.Fatalf("NIRFault(%q) = %q, ValidNIR %v", raw, got, valid)
		}
		if leaks(raw, got) {
			t.Fatalf("NIRFault(%q) = %q reveals digits", raw, got)
		}
	})
}
