package runner

import (
	"context"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReadsOnly(t *testing.T) {
	for _, c := range []struct {
		cond string
		cols []string
		want bool
	}{
		{"mois_modifie(mois)", []string{"pseudo", "mois"}, true},
		{`mois_modifie("mois")`, []string{"pseudo", "mois"}, true},
		{"suivi_modifie(date_entree, date_sortie)", []string{"code_financeur", "id_dossier"}, false},
		{"mois_modifie(mois) OR x > 1", []string{"mois", "x"}, true}, // AND, OR, NOT are operators
		{"mois_modifie(mois) OR pseudo_modifie(pseudo)", []string{"pseudo", "mois"}, true},
		{"mois_modifie(mois) OR pseudo_modifie(pseudo)", []string{"mois"}, false},
		{"x BETWEEN 1 AND 2", []string{"x"}, false}, // another keyword counts as a column: judged not only
		{"f(g(a), b)", []string{"a", "b"}, true},
	} {
		assert.Equal(t, c.want, readsOnly(c.cond, c.cols), c.cond)
	}
}

func TestRestrictTests(t *testing.T) {
	tests, err := parseTests("unique(pseudo, mois), not_null(famille), relationships(famille, ref_f.code), check(heures >= 0)")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tt := range restrictTests(tests, "mois_modifie(mois)") {
		got[tt.Name] = tt.Where
	}
	assert.Equal(t, map[string]string{
		"unique(pseudo, mois)":               "mois_modifie(mois)", // the key holds the predicate's column
		"not_null(famille)":                  "mois_modifie(mois)", // row by row
		"relationships(famille, ref_f.code)": "",                   // the parent table may have changed
		"check(heures >= 0)":                 "mois_modifie(mois)",
	}, got)
	// A predicate on other columns: the unique test reads every row.
	for _, tt := range restrictTests(tests[:1], "suivi_modifie(date_entree, date_sortie)") {
		assert.Empty(t, tt.Where)
	}
}

func TestChangedMonthSQL(t *testing.T) {
	m := []time.Time{time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}
	assert.Equal(t, "CREATE OR REPLACE MACRO mois_modifie(m) AS m IN (DATE '2025-11-01', DATE '2025-12-01');\n"+
		"CREATE OR REPLACE MACRO mois_modifie_apres(m, k) AS list_contains(list_transform([DATE '2025-11-01', DATE '2025-12-01'], x -> (x - to_months(k))::DATE), m)",
		changedMonthSQL(m, true))
	assert.Equal(t, "CREATE OR REPLACE MACRO mois_modifie(m) AS false;\nCREATE OR REPLACE MACRO mois_modifie_apres(m, k) AS false", changedMonthSQL(nil, true))
	assert.Equal(t, "CREATE OR REPLACE MACRO mois_modifie(m) AS true;\nCREATE OR REPLACE MACRO mois_modifie_apres(m, k) AS true", changedMonthSQL(m, false))
}

// The shifted macro on months worked out by hand: with December 2025 changed,
// September 2025 + 3 months and December 2024 + 12 months are changed months,
// August 2025 + 3 is not, and January 2026 − 1 is.
func TestChangedMonthShifted(t *testing.T) {
	db := openDB(t)
	_, err := db.Exec(changedMonthSQL([]time.Time{time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)}, true))
	require.NoError(t, err)
	for _, c := range []struct {
		month string
		k     int
		want  bool
	}{
		{"2025-09-01", 3, true}, {"2024-12-01", 12, true}, {"2025-08-01", 3, false},
		{"2026-01-01", -1, true}, {"2025-12-01", 0, true}, {"2025-12-01", 6, false},
	} {
		var got bool
		require.NoError(t, db.QueryRow(fmt.Sprintf("SELECT mois_modifie_apres(DATE '%s', %d)", c.month, c.k)).Scan(&got))
		assert.Equal(t, c.want, got, "%s + %d mois", c.month, c.k)
	}
}

// An incremental build on a tiny project: the model reading the changed
// dataset is updated on the changed month only, the other staging model is
// reused, the mart is recomputed; a missing reused table is ErrStaleCache.
func TestIncrementalBuild(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE lake_d AS SELECT * FROM (VALUES (DATE '2025-01-01', 1), (DATE '2025-01-01', 2), (DATE '2025-02-01', 5)) AS t(mois, v)",
		"CREATE TABLE lake_p AS SELECT 7 AS k",
	} {
		_, err := db.Exec(q)
		require.NoError(t, err)
	}
	fsys := fstest.MapFS{
		"staging/p.sql":      {Data: []byte("SELECT k FROM lake_p")},
		"intermediate/i.sql": {Data: []byte("-- incremental: mois_modifie(mois)\n-- test: unique(mois), check(total > 0)\nSELECT mois, sum(v) AS total FROM lake_d WHERE mois_modifie(mois) GROUP BY mois")},
		"marts/m.sql":        {Data: []byte("SELECT count(*) AS mois, sum(total) AS total, max(k) AS k FROM i, p")},
	}
	opts := Options{FS: fsys, KeepIntermediate: true}
	_, err := Build(ctx, db, opts)
	require.NoError(t, err)
	mart := func() string {
		var n, total, k int
		require.NoError(t, db.QueryRow("SELECT * FROM m").Scan(&n, &total, &k))
		return fmt.Sprintf("%d mois, total %d, k %d", n, total, k)
	}
	assert.Equal(t, "2 mois, total 8, k 7", mart()) // 1 + 2 + 5

	// March lands, and (against the contract, to show what is read) January
	// changes too: only March is recomputed.
	for _, q := range []string{
		"INSERT INTO lake_d VALUES (DATE '2025-03-01', 10), (DATE '2025-01-01', 100)",
		"UPDATE lake_p SET k = 9",
	} {
		_, err := db.Exec(q)
		require.NoError(t, err)
	}
	opts.Changes = &Changes{Files: map[string][]string{"d": {"d/nouveau.parquet"}}, Months: []time.Time{time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)}}
	rep, err := Build(ctx, db, opts)
	require.NoError(t, err)
	assert.True(t, rep.Incremental)
	modes := map[string]string{}
	rows := map[string]int64{}
	for _, m := range rep.Models {
		modes[m.Name] = m.Mode
		rows[m.Name] = m.Rows
	}
	assert.Equal(t, map[string]string{"p": Unchanged, "i": Partial, "m": Full}, modes)
	// i: January, February, March; m: one row; p reused, not counted.
	assert.Equal(t, map[string]int64{"p": RowsUnchanged, "i": 3, "m": 1}, rows)
	assert.Equal(t, "3 mois, total 18, k 7", mart()) // 1 + 2 + 5 + 10; p reused (k 7)
	var tested int
	for _, r := range rep.Tests {
		if r.Model == "i" {
			tested++
		}
	}
	assert.Equal(t, 2, tested, "the partial model's tests ran")
	var macro bool
	require.NoError(t, db.QueryRow("SELECT mois_modifie(DATE '1999-01-01')").Scan(&macro))
	assert.True(t, macro, "mois_modifie is true again after the build")

	_, err = db.Exec("DROP TABLE p")
	require.NoError(t, err)
	_, err = Build(ctx, db, opts)
	assert.ErrorIs(t, err, ErrStaleCache)
}

func TestIncrementalHeaderChecks(t *testing.T) {
	for name, fsys := range map[string]fstest.MapFS{
		"table calling mois_modifie without a header": {
			"intermediate/i.sql": {Data: []byte("SELECT 1 AS x WHERE mois_modifie(DATE '2025-01-01')")},
		},
		"view calling it read by a model without a header": {
			"intermediate/v.sql": {Data: []byte("-- materialized: view\nSELECT 1 AS x WHERE mois_modifie(DATE '2025-01-01')")},
			"marts/m.sql":        {Data: []byte("SELECT * FROM v")},
		},
		"incremental view": {
			"intermediate/v.sql": {Data: []byte("-- materialized: view\n-- incremental: mois_modifie(mois)\nSELECT DATE '2025-01-01' AS mois")},
		},
		"predicate without mois_modifie": {
			"intermediate/i.sql": {Data: []byte("-- incremental: mois > DATE '2025-01-01'\nSELECT DATE '2025-01-01' AS mois")},
		},
	} {
		_, err := Load(fsys)
		assert.Error(t, err, name)
	}
}
