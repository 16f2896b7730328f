package opendata

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/fixture"
)

// TestEveryHiddenCellHasAReason checks dictionary.md 5, first rule, on every
// published file: it ends with a secret column, and each cell the disclosure
// control hides is empty with all its reasons in that column. A cell that is
// empty because the value does not exist (no envelope, a rate with no one
// observed) adds no reason.
func TestEveryHiddenCellHasAReason(t *testing.T) {
	cat := indicators.New()
	for _, f := range files() {
		tbl, err := f.table(context.Background(), fixtureDB, cat)
		require.NoError(t, err)
		recs := readCSV(t, f.name+".csv")
		last := len(recs[0]) - 1
		require.Equal(t, "secret", recs[0][last], f.name)
		require.Len(t, recs, len(tbl.Rows)+1, f.name)
		for i, r := range tbl.Rows {
			secret := recs[i+1][last]
			assert.Equal(t, r.Secret, secret, "%s row %v", f.name, recs[i+1])
			for j, why := range r.Hidden {
				if why == "" {
					continue
				}
				assert.Empty(t, recs[i+1][j], "%s %s hidden but published", f.name, recs[0][j])
				for _, reason := range strings.Split(why, " ; ") {
					assert.Contains(t, secret, reason, "%s row %v: %s hidden without its reason", f.name, recs[i+1], recs[0][j])
				}
			}
		}
	}
}

// TestHiddenEnvelopeIsNotNoEnvelope checks financement_dispositif.csv: an
// envelope that the disclosure control hides has its reason in secret, while
// a row with no envelope has an empty enveloppe and no reason for it.
func TestHiddenEnvelopeIsNotNoEnvelope(t *testing.T) {
	fin := readCSV(t, "financement_dispositif.csv")
	tbl, err := fileNamed("financement_dispositif").table(context.Background(), fixtureDB, indicators.New())
	require.NoError(t, err)
	env := tbl.ColumnIndex("enveloppe")
	envelope := func(key ...string) (any, string) {
		for i, x := range tbl.Rows {
			if tbl.Text(i, 0) == key[0] && tbl.Text(i, 1) == key[1] && tbl.Text(i, 2) == key[2] {
				return x.Values[env], x.Hidden[env]
			}
		}
		t.Fatalf("no row %v", key)
		return nil, ""
	}

	// 2024 REG-93/PRF: 25 dossiers (published) and an envelope of 100000 in
	// fixture.sql. The row's amounts are hidden as secondary secret (they
	// would give back those of FT/PRF, 8 dossiers), and the envelope with
	// them: its cell is empty, and the row's secret says why.
	r := row(t, fin, "2024", "REG-93", "PRF")
	assert.Equal(t, []string{"25", "", ""}, []string{r["nb_dossiers"], r["montant_engage"], r["enveloppe"]})
	assert.Equal(t, "effectif < 11 ; secret secondaire", r["secret"])
	v, why := envelope("2024", "REG-93", "PRF")
	assert.Nil(t, v)
	assert.Equal(t, "secret secondaire", why)
	assert.Contains(t, r["secret"], why, "a hidden envelope says why")
	// 2024 FT/PRF: 8 dossiers, the whole row is hidden.
	assert.Contains(t, row(t, fin, "2024", "FT", "PRF")["secret"], "moins de 11 dossiers")

	// 2023 CDC/CPF: 97 dossiers, no envelope (NULL in fixture.sql): the
	// cell is empty and gives no reason; the row's secret only speaks of its
	// 0 co-financed dossiers (a count below 11).
	r = row(t, fin, "2023", "CDC", "CPF")
	assert.Equal(t, []string{"97", "", "", "", "effectif < 11"},
		[]string{r["nb_dossiers"], r["nb_dossiers_cofinances"], r["enveloppe"], r["taux_consommation_enveloppe"], r["secret"]})
	v, why = envelope("2023", "CDC", "CPF")
	assert.Nil(t, v)
	assert.Equal(t, "", why, "no envelope is not a hidden envelope")
}

// TestNoEnvelopeRowWithoutSecret publishes a warehouse where the 2023 CDC/CPF
// row (97 dossiers, no envelope) has 30 co-financed dossiers instead of 0, so
// that none of its figures is hidden: enveloppe and
// taux_consommation_enveloppe are empty and secret is empty too, which is how
// a reader tells « no envelope » from « envelope hidden ».
func TestNoEnvelopeRowWithoutSecret(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a second fixture warehouse")
	}
	ctx := context.Background()
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, fixture.Build(ctx, db))
	_, err = db.ExecContext(ctx, `UPDATE financement_dispositif SET nb_dossiers_cofinances = 30
		WHERE annee = 2023 AND code_financeur = 'CDC' AND code_dispositif = 'CPF'`)
	require.NoError(t, err)
	dir := filepath.Join(t.TempDir(), "opendata")
	require.NoError(t, Write(ctx, db, dir, testMeta))
	f, err := os.Open(filepath.Join(dir, "financement_dispositif.csv"))
	require.NoError(t, err)
	defer f.Close()
	recs, err := readAll(f)
	require.NoError(t, err)
	r := row(t, recs, "2023", "CDC", "CPF")
	assert.Equal(t, map[string]string{"annee": "2023", "code_financeur": "CDC", "code_dispositif": "CPF", "nb_dossiers": "97",
		"nb_dossiers_cofinances": "30", "montant_engage": "150000.00", "montant_realise": "150000.00", "taux_realisation": "100.0",
		"enveloppe": "", "taux_consommation_enveloppe": "", "enveloppe_transmise": "N", "secret": ""}, r)
}
