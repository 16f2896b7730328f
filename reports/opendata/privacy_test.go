package opendata

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/warehouse"
)

// Patterns of personal data that must never appear in a public output.
var personal = map[string]*regexp.Regexp{
	"NIR":              regexp.MustCompile(`(^|[^0-9A-Za-z])[1278][0-9]{2}(0[1-9]|1[0-2]|[2-9][0-9])(2[AB]|[0-9]{2})[0-9]{8}([^0-9A-Za-z]|$)`),
	"15 chiffres":      regexp.MustCompile(`(^|[^0-9])[0-9]{15}([^0-9]|$)`),
	"UUID":             regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`),
	"pseudonyme hexa":  regexp.MustCompile(`(^|[^0-9a-fA-F])[0-9a-fA-F]{32}([^0-9a-fA-F]|$)`),
	"date AAAA-MM-JJ":  regexp.MustCompile(`(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])`),
	"date JJ/MM/AAAA":  regexp.MustCompile(`(0[1-9]|[12][0-9]|3[01])/(0[1-9]|1[0-2])/(19|20)[0-9]{2}`),
	"identifiant fixe": regexp.MustCompile(`(CPF|PRF|AIF)-[0-9]+-[0-9]{3}`), // the fixture's dossier ids
}

// scan returns the kinds of personal data found in text.
func scan(text string) []string {
	var found []string
	for name, re := range personal {
		if m := re.FindString(text); m != "" {
			found = append(found, name+" : "+m)
		}
	}
	return found
}

func TestScannerFindsPlantedData(t *testing.T) {
	for _, planted := range []string{
		"2024,CPF,295109912611193,", "x 253072B07300470 y", "id,6f1c2a4e-9b7d-4c1e-8f3a-2d5e6b7c8a9f",
		"a,00112233445566778899aabbccddeeff,b", "naissance,1987-03-14", "le 14/03/1987", "AIF-7-001;",
	} {
		assert.NotEmpty(t, scan(planted), planted)
	}
	for _, clean := range []string{"2024,CPF,11,120,100,60,60.0", "12345678200010", "2024-03,PRF,84", "300000.00"} {
		assert.Empty(t, scan(clean), clean)
	}
}

// TestNoPersonalData scans every public file, the Parquet ones read back as
// text by DuckDB, for NIRs, pseudonyms, dates of birth and dossier ids. The
// publication timestamp of schema.json is the one full date allowed.
func TestNoPersonalData(t *testing.T) {
	out := t.TempDir()
	entries, err := os.ReadDir(fixtureDir)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	ids, err := fixtureDB.Query(`SELECT id_dossier FROM resultats_dossiers`)
	require.NoError(t, err)
	var dossiers []string
	for ids.Next() {
		var id string
		require.NoError(t, ids.Scan(&id))
		dossiers = append(dossiers, id)
	}
	require.NoError(t, ids.Err())
	require.NotEmpty(t, dossiers)
	for _, e := range entries {
		path := filepath.Join(fixtureDir, e.Name())
		if strings.HasSuffix(e.Name(), ".parquet") {
			back := filepath.Join(out, e.Name()+".csv")
			_, err := fixtureDB.Exec(`COPY (SELECT * FROM read_parquet(` + warehouse.Literal(path) + `)) TO ` + warehouse.Literal(back) + ` (HEADER)`)
			require.NoError(t, err)
			path = back
		}
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		text := strings.ReplaceAll(string(b), testMeta.Generated.UTC().Format("2006-01-02T15:04:05Z"), "")
		assert.Empty(t, scan(text), e.Name())
		for _, id := range dossiers {
			if strings.Contains(text, id) {
				t.Errorf("%s contains the dossier id %s", e.Name(), id)
				break
			}
		}
		if strings.HasSuffix(e.Name(), ".csv") || strings.HasSuffix(e.Name(), ".parquet") {
			header := strings.SplitN(text, "\n", 2)[0]
			for _, col := range strings.Split(header, ",") {
				assert.NotContains(t, []string{"nir", "pseudonyme", "pseudo", "date_naissance", "id_dossier"}, col, e.Name())
			}
		}
	}
}
