package delivery

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/agora-formation/agora/dictionary"
)

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

// separatedNIRs is the oracle of EachSeparatedNIR, by brute force: every
// substring s[i:j] starting and ending a group of NIR characters, made of NIR
// characters and single separators, with at least one separator and 15 NIR
// characters forming a valid NIR. It returns the set of masked positions.
func separatedNIRs(s string) map[int]bool {
	seps := []string{" ", ".", "-", "\u00a0", "\u202f"}
	out := map[int]bool{}
	for i := 0; i < len(s); i++ {
		if !nirChar(s[i]) || i > 0 && nirChar(s[i-1]) {
			continue
		}
		var nir []byte
		var pos []int
		groups := 0
		for k := i; k < len(s) && len(nir) <= 15; {
			if nirChar(s[k]) {
				if k == i || !nirChar(s[k-1]) {
					groups++
				}
				nir = append(nir, upperASCII(s[k : k+1])[0])
				pos = append(pos, k)
				k++
				if len(nir) == 15 && groups >= 2 && (k == len(s) || !nirChar(s[k])) && dictionary.ValidNIR(string(nir)) {
					for _, p := range pos {
						out[p] = true
					}
				}
				continue
			}
			sep := ""
			for _, x := range seps {
				if strings.HasPrefix(s[k:], x) {
					sep = x
				}
			}
			if sep == "" || k+len(sep) >= len(s) || !nirChar(s[k+len(sep)]) {
				break
			}
			k += len(sep)
		}
	}
	return out
}

// FuzzMaskNIRs checks what MaskNIRs promises: no valid NIR (checked by
// dictionary.ValidNIR on every 15 bytes), no valid NIR written in groups
// (checked by separatedNIRs) and no run of 13 or of 15 or more NIR characters
// survives; only such characters become '*', so that the length in bytes and
// in runes is kept; a run of 14 (a SIRET) is kept unless it is part of a NIR
// written in groups; masking twice changes nothing.
func FuzzMaskNIRs(f *testing.F) {
	for _, s := range []string{
		"295109912611193", "2951099126111", "253072b07300470", "D-295109912611193-x", "12345678200010",
		"é295109912611193é", "2 95 10 99 126 111 93", "1234567890123456789012345678901", "AB12", "",
		"2.95.10.99.126.111.93", "2-53-07-2b-073-004-70", "tél 01 23 45 67 89 01 23 45", "2951099126111 93", "2 95 10 99 126 111 94",
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
		// Maximal runs of NIR characters: masked if of 13 or 15 and more, or
		// if part of a NIR written in groups, else kept.
		sep := separatedNIRs(s)
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
				if (out[k] == '*') != (masked || sep[k]) {
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

// TestMaskSeparatedNIRs checks masking on NIRs as partners write them. The
// keys are hand-checked: 2951099126111 mod 97 = 4, key 97 − 4 = 93;
// 253072B073004, 2B read as 18, is 2530718073004, mod 97 = 27, key 70.
func TestMaskSeparatedNIRs(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2 95 10 99 126 111 93", "* ** ** ** *** *** **"},
		{"NIR 2 95 10 99 126 111 93 en clair", "NIR * ** ** ** *** *** ** en clair"},
		{"2.95.10.99.126.111.93", "*.**.**.**.***.***.**"},
		{"2-95-10-99-126-111-93", "*-**-**-**-***-***-**"},
		{"2 95 10 99 126 111\u00a093", "* ** ** ** *** ***\u00a0**"},
		{"2951099126111 93", "************* **"},
		{"2 53 07 2B 073 004 70", "* ** ** ** *** *** **"},
		{"2 53 07 2b 073 004 70", "* ** ** ** *** *** **"},
		// Wrong key (94, 71): not a NIR, kept readable.
		{"2 95 10 99 126 111 94", "2 95 10 99 126 111 94"},
		{"2 53 07 2B 073 004 71", "2 53 07 2B 073 004 71"},
		// Two separators in a row, or a group cut in the middle: kept.
		{"2  95 10 99 126 111 93", "2  95 10 99 126 111 93"},
		{"12 95 10 99 126 111 93", "12 95 10 99 126 111 93"},
		// Phone numbers, a date, a SIRET: kept.
		{"01 23 45 67 89 / 06 12 34 56 78", "01 23 45 67 89 / 06 12 34 56 78"},
		{"2024-07-01", "2024-07-01"},
		{"siret 123 456 782 00010", "siret 123 456 782 00010"},
		{"12345678200010", "12345678200010"},
		// Unspaced runs: 13 and 15 masked whatever the key, 14 kept.
		{"295109912611194", "***************"},
		{"2951099126111", "*************"},
	} {
		if got := MaskNIRs(c.in); got != c.want {
			t.Errorf("MaskNIRs(%q) = %q, want %q", c.in, got, c.want)
		}
		if want := c.want != c.in && strings.ContainsAny(c.in, " .-\u00a0"); ContainsSeparatedNIR(c.in) != want {
			t.Errorf("ContainsSeparatedNIR(%q) = %v, want %v", c.in, !want, want)
		}
	}
}
