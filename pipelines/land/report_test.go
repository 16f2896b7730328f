package land

import (
	"bytes"
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "réécrire les fichiers de référence de testdata")

// The French summary table, against testdata/bilan.golden (go test -update rewrites it).
func TestWriteTable(t *testing.T) {
	s := Summary{
		Files: []FileResult{
			{Name: "dossiers_FT_2024.csv", Feed: "dossiers", Status: StatusLanded, Read: 120000, Landed: 119990, Quarantined: 10,
				ByRule: map[string]int64{"DUPLICATE_IN_FILE": 6, "BAD_NIR": 4}, Extra: []string{"intitule_formation"}},
			{Name: "dossiers_CDC_2024.csv", Feed: "dossiers", Status: StatusAlready, Manifest: "00000003-1a2b3c4d"},
			{Name: "ev.csv", Feed: "evenements", Status: StatusLanded, Read: 1234567, Landed: 1234567},
			{Name: "30006514100016_202507_1.dsn", Feed: NEODeS, Status: StatusLanded, Read: 8, Landed: 7, Quarantined: 1,
				ByRule: map[string]int64{"BAD_DSN_LINE": 1}, Declarations: 2, Skipped: 1},
			{Name: "sans_nir.csv", Feed: "dossiers", Status: StatusRefused, Rule: "MISSING_COLUMN",
				Error: "sans_nir.csv : colonne(s) obligatoire(s) absente(s) pour le flux dossiers : nir ; rien n'a été chargé."},
		},
		Read: 1354575, Landed: 1354564, Quarantined: 11, Seconds: 12.34,
	}
	var b bytes.Buffer
	require.NoError(t, s.WriteTable(&b))
	golden := "testdata/bilan.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

func TestGroupDigits(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1 000", 1234567: "1 234 567", -12345: "-12 345"} {
		assert.Equal(t, want, groupDigits(n))
	}
}

// The progress bar draws bytes and rows per second on its writer.
func TestProgress(t *testing.T) {
	e := newEnv(t)
	var b bytes.Buffer
	p := e.write("env.csv", csvFile(header("enveloppes"), row("enveloppes", nil)))
	_, err := Run(t.Context(), e.lake, e.key, []string{p}, Options{Progress: &b})
	require.NoError(t, err)
	assert.Contains(t, b.String(), "100%")
}
