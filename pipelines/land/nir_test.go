package land

import (
	"testing"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
)

// FuzzContainsNIR checks containsNIR against every 15 bytes of the text read
// by dictionary.ValidNIR (Corsican letters in either case) and the NIRs
// written in groups (delivery.ContainsSeparatedNIR, itself fuzzed against a
// brute-force oracle in delivery), and its
// consistency with delivery.MaskNIRs, which masks what quarantine keeps of a
// row that containsNIR rejects: a text that holds a NIR is changed by the
// mask, and the masked text holds none.
func FuzzContainsNIR(f *testing.F) {
	for _, s := range []string{nir1, nir2, "253072b07300470", "D-" + nir3 + "-x", "12345678200010", "1" + nir4,
		nir1 + nir2, "2 95 10 99 126 111 93", "é" + nir1, "",
		"2.53.07.2b.073.004.70", "1-85-07-75-123-456-08", "2 95 10 99 126 111 94", "12 95 10 99 126 111 93"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := false
		for i := 0; i+15 <= len(s); i++ {
			w := []byte(s[i : i+15])
			for k, c := range w {
				if c == 'a' || c == 'b' {
					w[k] = c - 'a' + 'A'
				}
			}
			want = want || dictionary.ValidNIR(string(w))
		}
		want = want || delivery.ContainsSeparatedNIR(s)
		if got := containsNIR(s); got != want {
			t.Fatalf("containsNIR(%q) = %v, want %v", s, got, want)
		}
		masked := delivery.MaskNIRs(s)
		if want && masked == s {
			t.Fatalf("MaskNIRs(%q) leaves the NIR", s)
		}
		if containsNIR(masked) {
			t.Fatalf("MaskNIRs(%q) = %q still holds a NIR", s, masked)
		}
	})
}

// TestContainsNIR: NIRs as partners write them in a free-text column, with
// correct keys (nir1 key 93, nir2 2B key 70, nir3 key 08) and wrong ones.
func TestContainsNIR(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"D-" + nir1, true},
		{"2 95 10 99 126 111 93", true},
		{"dossier de 2 95 10 99 126 111 93", true},
		{"2 53 07 2B 073 004 70", true},
		{"2.53.07.2b.073.004.70", true},
		{"1-85-07-75-123-456-08", true},
		{"2951099126111 93", true},
		{"2 95 10 99 126 111 94", false}, // key 94 instead of 93
		{"1 85 07 75 123 456 09", false}, // key 09 instead of 08
		{"12 95 10 99 126 111 93", false},
		{"01 23 45 67 89", false},
		{"12345678200010", false},
	} {
		if got := containsNIR(c.in); got != c.want {
			t.Errorf("containsNIR(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
