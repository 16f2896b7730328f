package warehouse

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/agora-formation/agora/lake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dossier is written to the test lake; code_financeur is also the partition.
type dossier struct {
	ID      string     `parquet:"id_dossier"`
	Pseudo  [16]byte   `parquet:"pseudo,uuid"`
	Heures  int32      `parquet:"heures_prevues"`
	Debut   lake.Date  `parquet:"date_debut_prevue,date"`
	Montant *int64     `parquet:"montant,optional,decimal(2:18)"`
	Fin     *lake.Date `parquet:"date_fin_prevue,optional,date"`
}

var dossierSchema = []Column{
	{"code_financeur", "VARCHAR"},
	{"region_formation", "VARCHAR"}, // a partition key, "01" must stay "01"
	{"id_dossier", "VARCHAR"},
	{"pseudo", "UUID"},
	{"heures_prevues", "INTEGER"},
	{"date_debut_prevue", "DATE"},
	{"date_fin_prevue", "DATE"},
	{"montant", "DECIMAL(18,2)"},
	{"certification", "VARCHAR"}, // in no file yet: NULL
}

var evenementSchema = []Column{
	{"id_dossier", "VARCHAR"},
	{"type_evenement", "VARCHAR"},
	{"date_evenement", "DATE"},
}

func landDossiers(t *testing.T, l *lake.Lake, label string, parts map[[2]string][]dossier) {
	t.Helper()
	src := lake.Source{Name: label + ".csv", SHA256: sha(label), Size: 1}
	txn, err := l.Begin("dossiers", src)
	require.NoError(t, err)
	var n int64
	for key, rows := range parts {
		w, err := lake.NewWriter[dossier](txn, "dossiers",
			[]lake.Partition{{Key: "code_financeur", Value: key[0]}, {Key: "region_formation", Value: key[1]}},
			lake.WriteOptions{SortBy: []string{"id_dossier"}})
		require.NoError(t, err)
		_, err = w.Write(rows)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		n += int64(len(rows))
	}
	_, err = txn.Commit(lake.Summary{Rows: []lake.Rows{{Read: n, Landed: n}}, SchemaVersion: "1"})
	require.NoError(t, err)
}

func sha(label string) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 64)
	for i := range out {
		out[i] = hex[(int(label[i%len(label)])+i)%16]
	}
	return string(out)
}

func rowsOf(t *testing.T, s *Session, q string) [][]any {
	t.Helper()
	rows, err := s.Query(context.Background(), q)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]any
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]any, len(cols))
		for i, v := range vals {
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

func TestMountLake(t *testing.T) {
	ctx := context.Background()
	// A quote in the lake's path: file names must be quoted safely.
	root := filepath.Join(t.TempDir(), "l'eau", "lake")
	l, err := lake.Open(root)
	require.NoError(t, err)
	cents := int64(123456)
	fin := lake.NewDate(2024, 6, 30)
	landDossiers(t, l, "ft", map[[2]string][]dossier{
		{"FT", "01"}: {
			{ID: "D2", Pseudo: [16]byte{0xab, 15: 1}, Heures: 35, Debut: lake.NewDate(2024, 3, 1)},
			{ID: "D1", Pseudo: [16]byte{0xcd, 15: 2}, Heures: 400, Debut: lake.NewDate(2024, 1, 15), Montant: &cents, Fin: &fin},
		},
	})
	landDossiers(t, l, "re", map[[2]string][]dossier{
		{"RE", "84"}: {{ID: "D9", Heures: 1, Debut: lake.NewDate(2023, 12, 31)}},
	})
	snap, err := l.Snapshot("")
	require.NoError(t, err)

	s, err := Open(ctx, Options{Path: filepath.Join(t.TempDir(), "agora.duckdb")})
	require.NoError(t, err)
	defer s.Close()
	schemas := map[string][]Column{"dossiers": dossierSchema, "evenements": evenementSchema}
	require.NoError(t, s.MountLake(ctx, snap.Paths(), schemas))

	// The view has exactly the schema's columns, in order, with its types.
	assert.Equal(t, [][]any{
		{"code_financeur", "VARCHAR"}, {"region_formation", "VARCHAR"}, {"id_dossier", "VARCHAR"},
		{"pseudo", "UUID"}, {"heures_prevues", "INTEGER"}, {"date_debut_prevue", "DATE"},
		{"date_fin_prevue", "DATE"}, {"montant", "DECIMAL(18,2)"}, {"certification", "VARCHAR"},
	}, rowsOf(t, s, "SELECT column_name, column_type FROM (DESCRIBE lake_dossiers)"))
	got := rowsOf(t, s, `SELECT code_financeur, region_formation, id_dossier, pseudo::VARCHAR, heures_prevues::VARCHAR,
		date_debut_prevue::VARCHAR, date_fin_prevue::VARCHAR, montant::VARCHAR, certification FROM lake_dossiers ORDER BY id_dossier`)
	assert.Equal(t, [][]any{
		{"FT", "01", "D1", "cd000000-0000-0000-0000-000000000002", "400", "2024-01-15", "2024-06-30", "1234.56", nil},
		{"FT", "01", "D2", "ab000000-0000-0000-0000-000000000001", "35", "2024-03-01", nil, nil, nil},
		{"RE", "84", "D9", "00000000-0000-0000-0000-000000000000", "1", "2023-12-31", nil, nil, nil},
	}, got)

	// An empty dataset is an empty, typed view.
	assert.Equal(t, [][]any{{"id_dossier", "VARCHAR"}, {"type_evenement", "VARCHAR"}, {"date_evenement", "DATE"}},
		rowsOf(t, s, "SELECT column_name, column_type FROM (DESCRIBE lake_evenements)"))
	assert.Equal(t, [][]any{{"0"}}, rowsOf(t, s, "SELECT count(*)::VARCHAR FROM lake_evenements"))
	// Models compile against it: a join with the empty view runs.
	assert.Equal(t, [][]any{{"3", "0"}}, rowsOf(t, s, `SELECT count(*)::VARCHAR, count(e.type_evenement)::VARCHAR
		FROM lake_dossiers d LEFT JOIN lake_evenements e USING (id_dossier)`))

	// As of the first landing, then mounted again at the latest: the views follow.
	first, err := l.Manifests()
	require.NoError(t, err)
	old, err := l.Snapshot(first[0].ID)
	require.NoError(t, err)
	require.NoError(t, s.MountLake(ctx, old.Paths(), schemas))
	assert.Equal(t, [][]any{{"2"}}, rowsOf(t, s, "SELECT count(*)::VARCHAR FROM lake_dossiers"))
	require.NoError(t, s.MountLake(ctx, snap.Paths(), schemas))
	assert.Equal(t, [][]any{{"3"}}, rowsOf(t, s, "SELECT count(*)::VARCHAR FROM lake_dossiers"))

	// The views live in the warehouse file: a read-only session sees them.
	path := s.Options().Path
	require.NoError(t, s.Close())
	ro, err := Open(ctx, Options{Path: path, ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	assert.Equal(t, [][]any{{"3"}}, rowsOf(t, ro, "SELECT count(*)::VARCHAR FROM lake_dossiers"))
	assert.Error(t, ro.MountLake(ctx, snap.Paths(), schemas), "a read-only session cannot mount")
}

func TestMountLakeRefusals(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	require.NoError(t, err)
	defer s.Close()
	dir := t.TempDir()

	err = s.MountLake(ctx, map[string][]string{"dossiers": {filepath.Join(dir, "a.parquet")}}, nil)
	assert.ErrorContains(t, err, "pas de schéma")

	for _, c := range []struct {
		name    string
		dataset string
		cols    []Column
		paths   []string
		want    string
	}{
		{"bad dataset", `x"; DROP TABLE t; --`, evenementSchema, nil, "nom de jeu de données invalide"},
		{"bad type", "evenements", []Column{{"a", "VARCHAR); DROP TABLE t; --"}}, nil, "invalide"},
		{"no column", "evenements", nil, nil, "aucune colonne"},
		{"glob", "evenements", evenementSchema, []string{filepath.Join(dir, "*.parquet")}, "motif"},
		{"missing file", "evenements", evenementSchema, []string{filepath.Join(dir, "absent.parquet")}, "lecture des fichiers"},
	} {
		files := map[string][]string{}
		if c.paths != nil {
			files[c.dataset] = c.paths
		}
		err := s.MountLake(ctx, files, map[string][]Column{c.dataset: c.cols})
		assert.ErrorContains(t, err, c.want, c.name)
	}

	// A file name with a quote cannot break out of its literal.
	evil := filepath.Join(dir, "x'); DROP TABLE t; --.parquet")
	w, err := lake.CreateParquet[struct {
		ID string `parquet:"id_dossier"`
	}](evil, lake.WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write(make([]struct {
		ID string `parquet:"id_dossier"`
	}, 2))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = s.Exec(ctx, "CREATE TABLE t AS SELECT 1 AS n")
	require.NoError(t, err)
	require.NoError(t, s.MountLake(ctx, map[string][]string{"evenements": {evil}}, map[string][]Column{"evenements": evenementSchema}))
	assert.Equal(t, [][]any{{"2", "0"}}, rowsOf(t, s, "SELECT count(*)::VARCHAR, count(type_evenement)::VARCHAR FROM lake_evenements"))
	assert.Equal(t, [][]any{{"1"}}, rowsOf(t, s, "SELECT n::VARCHAR FROM t"), "table t still there")

	// A failure leaves the previous views in place (one transaction).
	err = s.MountLake(ctx, map[string][]string{"evenements": {filepath.Join(dir, "absent.parquet")}},
		map[string][]Column{"evenements": evenementSchema, "dossiers": dossierSchema})
	require.Error(t, err)
	assert.Equal(t, [][]any{{"2"}}, rowsOf(t, s, "SELECT count(*)::VARCHAR FROM lake_evenements"))
	_, err = s.Exec(ctx, "SELECT * FROM lake_dossiers")
	assert.Error(t, err, "lake_dossiers was not created")
	_, err = os.Stat(evil)
	require.NoError(t, err)
}

// A lake landed before a lineage column was added (here _source) still
// mounts: the column is NULL in the rows of the old files, and in every row
// when no file has it yet.
func TestMountLakeColumnMissingFromOldFiles(t *testing.T) {
	ctx := context.Background()
	type before struct {
		ID      string `parquet:"id_dossier"`
		Landing string `parquet:"_landing"`
		Ligne   int64  `parquet:"_ligne"`
	}
	type after struct {
		ID      string `parquet:"id_dossier"`
		Landing string `parquet:"_landing"`
		Source  int64  `parquet:"_source"`
		Ligne   int64  `parquet:"_ligne"`
	}
	dir := t.TempDir()
	old, recent := filepath.Join(dir, "old.parquet"), filepath.Join(dir, "new.parquet")
	w, err := lake.CreateParquet[before](old, lake.WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write([]before{{"D1", "L1", 2}, {"D2", "L1", 3}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	w2, err := lake.CreateParquet[after](recent, lake.WriteOptions{})
	require.NoError(t, err)
	_, err = w2.Write([]after{{"D1", "L2", 2, 2}})
	require.NoError(t, err)
	require.NoError(t, w2.Close())

	s, err := Open(ctx, Options{})
	require.NoError(t, err)
	defer s.Close()
	schema := map[string][]Column{"dossiers": {{"id_dossier", "VARCHAR"}, {"_landing", "VARCHAR"}, {"_source", "BIGINT"}, {"_ligne", "BIGINT"}}}

	require.NoError(t, s.MountLake(ctx, map[string][]string{"dossiers": {old, recent}}, schema))
	assert.Equal(t, [][]any{{"D1", "L1", nil, "2"}, {"D1", "L2", "2", "2"}, {"D2", "L1", nil, "3"}},
		rowsOf(t, s, "SELECT id_dossier, _landing, _source::VARCHAR, _ligne::VARCHAR FROM lake_dossiers ORDER BY ALL"))
	// The same files in the other order: union by name, not by position.
	require.NoError(t, s.MountLake(ctx, map[string][]string{"dossiers": {recent, old}}, schema))
	assert.Equal(t, [][]any{{"D1", "L1", nil, "2"}, {"D1", "L2", "2", "2"}, {"D2", "L1", nil, "3"}},
		rowsOf(t, s, "SELECT id_dossier, _landing, _source::VARCHAR, _ligne::VARCHAR FROM lake_dossiers ORDER BY ALL"))
	// Old files only: the column is there, NULL, with its type.
	require.NoError(t, s.MountLake(ctx, map[string][]string{"dossiers": {old}}, schema))
	assert.Equal(t, [][]any{{"BIGINT", "2", "0"}},
		rowsOf(t, s, "SELECT any_value(typeof(_source)), count(*)::VARCHAR, count(_source)::VARCHAR FROM lake_dossiers"))
}
