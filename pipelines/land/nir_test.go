package land

import (
	"testing"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
)

// FuzzContainsNIR checks containsNIR against every 15 bytes of the text read
// by dictionary.ValidNIR (Corsican letters in either case), and its
// consistency with delivery.MaskNIRs, which masks what quarantine keeps of a
// row that containsNIR rejects: a text that holds a NIR is changed by the
// mask, and the masked text holds none.
func FuzzContainsNIR(f *testing.F) {
	for _, s := range []string{nir1, nir2, "253072b07300470", "D-" + nir3 + "-x", "12345678200010", "1" + nir4,
		nir1 + nir2, "2 95 10 99 126 111 93", "é" + nir1, ""} {
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
