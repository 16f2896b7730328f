package opendata

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators/fixture"
	"github.com/agora-formation/agora/warehouse"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

// published open data of the fixture warehouse, written once for the tests.
var (
	fixtureDir string
	fixtureDB  *sql.DB
)

func TestMain(m *testing.M) {
	flag.Parse()
	tmp, err := os.MkdirTemp("", "opendata")
	if err != nil {
		panic(err)
	}
	code := func() int {
		defer os.RemoveAll(tmp)
		db, err := sql.Open("duckdb", "")
		if err != nil {
			panic(err)
		}
		defer db.Close()
		if err := fixture.Build(context.Background(), db); err != nil {
			panic(err)
		}
		fixtureDB = db
		fixtureDir = filepath.Join(tmp, "opendata")
		if err := Write(context.Background(), db, fixtureDir, testMeta); err != nil {
			panic(err)
		}
		return m.Run()
	}()
	os.Exit(code)
}

var testMeta = Meta{Producer: "Producteur d'essai", Contact: "donnees@example.org",
	Generated: time.Date(2025, 7, 3, 9, 0, 0, 0, time.UTC)}

// readCSV reads a published CSV file.
func readCSV(t *testing.T, name string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(fixtureDir, name))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return recs
}

// TestGolden compares every published file but the Parquet ones (see
// TestParquetMatchesCSV) with testdata/golden; -update rewrites them.
func TestGolden(t *testing.T) {
	golden := filepath.Join("testdata", "golden")
	entries, err := os.ReadDir(fixtureDir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".parquet") {
			names = append(names, e.Name())
		}
	}
	if *update {
		require.NoError(t, os.RemoveAll(golden))
		require.NoError(t, os.MkdirAll(golden, 0o755))
		for _, n := range names {
			b, err := os.ReadFile(filepath.Join(fixtureDir, n))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(golden, n), b, 0o644))
		}
	}
	want, err := os.ReadDir(golden)
	require.NoError(t, err)
	assert.Len(t, names, len(want), "files published")
	for _, n := range names {
		got, err := os.ReadFile(filepath.Join(fixtureDir, n))
		require.NoError(t, err)
		exp, err := os.ReadFile(filepath.Join(golden, n))
		if assert.NoError(t, err, n) {
			assert.Equal(t, string(exp), string(got), "%s differs from testdata/golden (go test -update)", n)
		}
	}
}

// TestContractFiles checks the names and columns of dictionary.md 5.1, in order.
func TestContractFiles(t *testing.T) {
	for name, cols := range map[string]string{
		"insertion_dispositif_region.csv": "annee_sortie,code_dispositif,code_region,nb_sortants,nb_observes_6m,nb_emploi_6m," +
			"taux_emploi_6m,taux_emploi_durable_6m,nb_observes_12m,taux_emploi_12m,taux_emploi_durable_12m,taux_emploi_3m,secret",
		"financement_dispositif.csv": "annee,code_financeur,code_dispositif,nb_dossiers,nb_dossiers_cofinances,montant_engage," +
			"montant_realise,taux_realisation,enveloppe,taux_consommation_enveloppe,enveloppe_transmise,secret",
		"insertion_organisme.csv": "annee_sortie,siret_of,nb_sortants,nb_observes_6m,taux_emploi_6m,taux_emploi_6m_ic_bas," +
			"taux_emploi_6m_ic_haut,taux_emploi_6m_attendu,valeur_ajoutee_6m,secret",
	} {
		recs := readCSV(t, name)
		assert.Equal(t, cols, strings.Join(recs[0], ","), name)
		_, err := os.Stat(filepath.Join(fixtureDir, strings.TrimSuffix(name, ".csv")+".parquet"))
		assert.NoError(t, err)
	}
	for _, n := range []string{"schema.json", "README.md"} {
		_, err := os.Stat(filepath.Join(fixtureDir, n))
		assert.NoError(t, err)
	}
}

// row finds the record whose first columns equal key.
func row(t *testing.T, recs [][]string, key ...string) map[string]string {
	t.Helper()
	for _, r := range recs[1:] {
		if strings.Join(r[:len(key)], "|") == strings.Join(key, "|") {
			m := map[string]string{}
			for i, h := range recs[0] {
				m[h] = r[i]
			}
			return m
		}
	}
	t.Fatalf("no row %v", key)
	return nil
}

// TestHandComputed checks figures worked out by hand from fixture.sql.
func TestHandComputed(t *testing.T) {
	idr := readCSV(t, "insertion_dispositif_region.csv")
	// CPF 2024, France entière: cells 1, 2, 3.
	//   nb_sortants     120 + 5 + 40 = 165
	//   nb_observes_6m  100 + 4 + 36 = 140
	//   nb_emploi_6m     60 + 2 + 22 =  84, taux 84/140 = 60.0 %
	//   durable 6m       40 + 1 + 12 =  53, 53/140 = 37.857 → 37.9 %
	//   12m: 50+1+18 = 69 / (80+3+30 = 113) = 61.06 → 61.1 % ; 3m: 55+2+20 = 77 / 153 = 50.3 %
	r := row(t, idr, "2024", "CPF", "")
	assert.Equal(t, map[string]string{"annee_sortie": "2024", "code_dispositif": "CPF", "code_region": "",
		"nb_sortants": "165", "nb_observes_6m": "140", "nb_emploi_6m": "84", "taux_emploi_6m": "60.0",
		"taux_emploi_durable_6m": "37.9", "nb_observes_12m": "113", "taux_emploi_12m": "61.1",
		"taux_emploi_durable_12m": "42.5", "taux_emploi_3m": "50.3", "secret": ""}, r)
	// CPF 84 2024: 5 exits, primary.
	r = row(t, idr, "2024", "CPF", "84")
	assert.Equal(t, "", r["nb_sortants"])
	assert.Equal(t, "", r["taux_emploi_6m"])
	assert.Contains(t, r["secret"], "effectif < 11")
	// CPF 93 2024 (40 exits) is the smallest other CPF region of 2024: secondary.
	r = row(t, idr, "2024", "CPF", "93")
	assert.Equal(t, "", r["nb_sortants"])
	assert.Contains(t, r["secret"], "secret secondaire")
	// CPF 11 2024: 120 exits, 10 in each month (exit month 1 + i mod 12), so
	// every month of flux_mensuels is hidden as « effectif < 11 », that is at
	// most 10: publishing 120 would give each month exactly (12 × 10). The
	// annual count is hidden (secondary); its rate, on 100 observed, stays:
	// 60/100 = 60.0 %.
	r = row(t, idr, "2024", "CPF", "11")
	assert.Equal(t, "", r["nb_sortants"])
	assert.Contains(t, r["secret"], "secret secondaire")
	assert.Equal(t, "60.0", r["taux_emploi_6m"])
	// PRF 93 2023 (cell 14): 14 employed of 28 observed at 6 months = 50.0 %,
	// 13/25 = 52.0 % at 12 months, 12/29 = 41.4 % at 3 months.
	r = row(t, idr, "2023", "PRF", "93")
	assert.Equal(t, []string{"30", "28", "14", "50.0", "52.0", "41.4", ""},
		[]string{r["nb_sortants"], r["nb_observes_6m"], r["nb_emploi_6m"], r["taux_emploi_6m"], r["taux_emploi_12m"], r["taux_emploi_3m"], r["secret"]})

	fin := readCSV(t, "financement_dispositif.csv")
	// 2023 FT/AIF: realised 85000 / committed 90000 = 94.44 → 94.4 % ;
	// committed 90000 / envelope 100000 = 90.0 %. 35 dossiers, 0 co-financed (hidden: < 11).
	r = row(t, fin, "2023", "FT", "AIF")
	assert.Equal(t, map[string]string{"annee": "2023", "code_financeur": "FT", "code_dispositif": "AIF", "nb_dossiers": "35",
		"nb_dossiers_cofinances": "", "montant_engage": "90000.00", "montant_realise": "85000.00", "taux_realisation": "94.4",
		"enveloppe": "100000.00", "taux_consommation_enveloppe": "90.0", "enveloppe_transmise": "O", "secret": "effectif < 11"}, r)
	// 2023 CDC/CPF: no envelope, so enveloppe and consumption are empty.
	r = row(t, fin, "2023", "CDC", "CPF")
	assert.Equal(t, []string{"97", "150000.00", "100.0", "", "", "N"},
		[]string{r["nb_dossiers"], r["montant_engage"], r["taux_realisation"], r["enveloppe"], r["taux_consommation_enveloppe"], r["enveloppe_transmise"]})
	// 2024 FT/PRF: 8 dossiers, every figure hidden; its 8 co-financed are
	// also a count below 11. It has no envelope, and says so (N): the
	// absence of an envelope is never hidden.
	r = row(t, fin, "2024", "FT", "PRF")
	for _, c := range []string{"nb_dossiers", "nb_dossiers_cofinances", "montant_engage", "montant_realise", "taux_realisation", "enveloppe", "taux_consommation_enveloppe"} {
		assert.Equal(t, "", r[c], c)
	}
	assert.Equal(t, "N", r["enveloppe_transmise"])
	assert.Equal(t, "effectif < 11 ; moins de 11 dossiers", r["secret"])
	// 2024 REG-11/AIF: an envelope of 50000 without any dossier: hidden
	// with the row (0 dossiers), but transmitted (O).
	r = row(t, fin, "2024", "REG-11", "AIF")
	assert.Equal(t, []string{"", "O", "effectif < 11 ; moins de 11 dossiers"}, []string{r["enveloppe"], r["enveloppe_transmise"], r["secret"]})

	org := readCSV(t, "insertion_organisme.csv")
	// Organisation 23456789900013 (B) in 2024: cells 2 and 5, 5 + 15 = 20 exits
	// (published), 4 + 15 = 19 observed at 6 months (published, ≥ 11) but the
	// rate on 19 < 20 is hidden, with its interval, expected rate and value added.
	r = row(t, org, "2024", "23456789900013")
	assert.Equal(t, []string{"20", "19", "", "", "", "", "", "dénominateur < 20"},
		[]string{r["nb_sortants"], r["nb_observes_6m"], r["taux_emploi_6m"], r["taux_emploi_6m_ic_bas"], r["taux_emploi_6m_ic_haut"],
			r["taux_emploi_6m_attendu"], r["valeur_ajoutee_6m"], r["secret"]})
	// Organisation 34567890800012 (C) in 2024: cells 3 and 9, 48 exits, 36 + 8 = 44
	// observed, 22 + 5 = 27 employed: 61.4 %, value added 61.4 - 50 = 11.4 points.
	r = row(t, org, "2024", "34567890800012")
	assert.Equal(t, []string{"48", "44", "61.4", "50.0", "11.4", ""},
		[]string{r["nb_sortants"], r["nb_observes_6m"], r["taux_emploi_6m"], r["taux_emploi_6m_attendu"], r["valeur_ajoutee_6m"], r["secret"]})
	// 2023: B has 7 exits (primary); the smallest other organisation, E (30),
	// is hidden so that the year's total does not give B by subtraction.
	assert.Contains(t, row(t, org, "2023", "23456789900013")["secret"], "effectif < 11")
	assert.Equal(t, "", row(t, org, "2023", "56789012400017")["nb_sortants"])
	assert.Equal(t, "135", row(t, org, "2023", "12345678200010")["nb_sortants"])
}

// TestParquetMatchesCSV reads each Parquet file back with DuckDB, writes it as
// CSV and compares with the published CSV byte for byte.
func TestParquetMatchesCSV(t *testing.T) {
	out := t.TempDir()
	for _, name := range Files() {
		base := strings.TrimSuffix(name, ".csv")
		back := filepath.Join(out, name)
		_, err := fixtureDB.Exec(`COPY (SELECT * FROM read_parquet(` + warehouse.Literal(filepath.Join(fixtureDir, base+".parquet")) + `)) TO ` +
			warehouse.Literal(back) + ` (HEADER, DELIMITER ',')`)
		require.NoError(t, err)
		got, err := os.ReadFile(back)
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join(fixtureDir, name))
		require.NoError(t, err)
		assert.Equal(t, string(want), string(got), name)
	}
}

// TestWriteReplaces checks that a second publication replaces the folder as a whole.
func TestWriteReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "opendata")
	require.NoError(t, Write(context.Background(), fixtureDB, dir, testMeta))
	stray := filepath.Join(dir, "ancien_fichier.csv")
	require.NoError(t, os.WriteFile(stray, []byte("x"), 0o644))
	require.NoError(t, Write(context.Background(), fixtureDB, dir, testMeta))
	_, err := os.Stat(stray)
	assert.True(t, os.IsNotExist(err), "a file of the previous publication survived")
	entries, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary folder left beside the publication")
	b, err := os.ReadFile(filepath.Join(dir, "insertion_dispositif_region.csv"))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(fixtureDir, "insertion_dispositif_region.csv"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, b), "same warehouse, same files")
}
