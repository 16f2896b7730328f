package neodes

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var rubric = regexp.MustCompile(`^S\d{2}\.G\d{2}\.\d{2}\.\d{3},'.*'$`)

// A declaration written by hand: one establishment, one month (May 2025), an
// employee with a CDD that ends on 20 May and a CDI; remunerations in reverse
// order of the contracts, linked by number.
func sample(w *Writer) {
	w.Header(&Declaration{Software: "agora generate", SIREN: "732829320", NIC: "00074", HeadNIC: "00074",
		APEN: "4711D", APET: "4711D", Name: "ÉPICERIE DU MARCHÉ", Nature: NatureMonthly, Type: TypeCancelReplace, Order: 2,
		Month: Date{2025, 5, 1}, FileDate: Date{2025, 6, 12}})
	w.Employee(&Employee{NIR: "295109912611193", Surname: "LEFÈVRE", FirstNames: "Hélène", Sex: "02", Birth: Date{1995, 10, 3}})
	w.Contract(&Contract{Start: Date{2025, 3, 21}, Nature: "02", Number: "CDD-7", JobTitle: "Employée d'accueil",
		PlannedEnd: Date{2025, 5, 20}, Quotity: 15167, End: Date{2025, 5, 20}, EndReason: "031"})
	w.Contract(&Contract{Start: Date{2025, 5, 21}, Nature: "01", Number: "CDI-8", JobTitle: "Vendeuse", Quotity: 12133})
	w.Payment(Date{2025, 5, 31}, 123456)
	// CDI-8: 11 days of 31 at 121.33 h = 43.05 h; CDD-7: 20 days of 31 at 151.67 h = 97.85 h
	w.Remuneration(&Remuneration{From: Date{2025, 5, 21}, To: Date{2025, 5, 31}, Contract: "CDI-8", Hours: 4305, Amount: 62000})
	w.Remuneration(&Remuneration{From: Date{2025, 5, 1}, To: Date{2025, 5, 20}, Contract: "CDD-7", Hours: 9785, Amount: 141000})
	w.Footer(w.Lines)
}

func TestDeclarationGolden(t *testing.T) {
	var w Writer
	sample(&w)
	path := filepath.Join("testdata", "declaration.dsn")
	if *update {
		require.NoError(t, os.WriteFile(path, w.Buf, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(w.Buf))

	lines := strings.Split(strings.TrimSuffix(string(w.Buf), "\n"), "\n")
	assert.Equal(t, w.Lines, len(lines))
	for _, l := range lines {
		assert.Regexp(t, rubric, l)
	}
	// 22 head rubrics + 5 employee + 9 (CDD with planned end) + 2 (its end) + 8 (CDI) + 3 payment + 2×6 remunerations + 2 footer
	assert.Equal(t, 22+5+9+2+8+3+12+2, w.Lines)
	assert.Equal(t, "S90.G00.90.001,'63'", lines[len(lines)-2], "the footer counts every rubric, its own included")
	assert.Contains(t, lines, "S21.G00.62.001,'20052025'")
	assert.Contains(t, lines, "S21.G00.40.006,'Employée d'accueil'", "a quote inside a value stays as it is")
}

func TestCRLFAndRaw(t *testing.T) {
	w := Writer{CRLF: true}
	w.Rubric("S21.G00.30.001", "295109912611193")
	w.Raw("S21.G00.40.00")
	w.Hundredths("S21.G00.51.012", -5)
	assert.Equal(t, "S21.G00.30.001,'295109912611193'\r\nS21.G00.40.00\r\nS21.G00.51.012,'-0.05'\r\n", string(w.Buf))
	assert.Equal(t, 3, w.Lines)
	w.Reset()
	assert.Empty(t, w.Buf)
	assert.Zero(t, w.Lines)
}
