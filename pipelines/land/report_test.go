package land

import (
	"bytes"
	"flag"
	"os"
	"strings"
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
			{Name: "30006514100016_202507_1.dsn", Feed: NEODeS, Status: StatusLanded, Read: 8, Landed: 6, Quarantined: 2,
				ByRule: map[string]int64{"BAD_DSN_LINE": 1, "BAD_DATE": 2}, Declarations: 2, Skipped: 1}, // 3 rules, 2 rows: the note
			{Name: "sans_nir.csv", Feed: "dossiers", Status: StatusRefused, Rule: "MISSING_COLUMN",
				Error: "sans_nir.csv : colonne(s) obligatoire(s) absente(s) pour le flux dossiers : nir ; rien n'a été chargé."},
		},
		Read: 1354575, Landed: 1354563, Quarantined: 12, Seconds: 12.34,
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

// The note on rows that break several rules appears when, and only when, a
// file's rule detail adds up to more than its quarantined rows: 3 rows
// quarantined, detail 2 + 1 + 1 = 4 > 3.
func TestWriteTableSeveralRules(t *testing.T) {
	const note = "Une ligne peut enfreindre plusieurs règles : elle compte sous chacune"
	for _, tc := range []struct {
		name   string
		byRule map[string]int64
		want   bool
	}{
		{"4 violations pour 3 lignes", map[string]int64{"UNKNOWN_CODE": 2, "MISSING_VALUE": 1, "OUT_OF_RANGE": 1}, true},
		{"3 violations pour 3 lignes", map[string]int64{"UNKNOWN_CODE": 2, "MISSING_VALUE": 1}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Summary{Files: []FileResult{{Name: "ev.csv", Feed: "evenements", Status: StatusLanded,
				Read: 8, Landed: 5, Quarantined: 3, ByRule: tc.byRule}}, Read: 8, Landed: 5, Quarantined: 3}
			var b bytes.Buffer
			require.NoError(t, s.WriteTable(&b))
			assert.Equal(t, tc.want, strings.Contains(b.String(), note), b.String())
		})
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
