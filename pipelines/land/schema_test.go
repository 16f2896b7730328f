package land

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
)

// Every lake dataset, read by DuckDB with hive_partitioning=true as the
// warehouse reads it, has exactly the columns and types of
// dictionary.LakeSchemas(), in the same order (the mois partition of
// dsn_extrait included: it is also a column of the files, with the same value).
func TestLakeSchemas(t *testing.T) {
	e := newEnv(t)
	var paths []string
	for _, f := range dictionary.Feeds() {
		paths = append(paths, e.write(f.Name+".csv", csvFile(header(f.Name), row(f.Name, nil), row(f.Name, map[string]string{"nir": "123"}))))
	}
	dsnFile, err := os.ReadFile("../dsn/testdata/mensuelle.dsn")
	require.NoError(t, err)
	paths = append(paths, e.write("mensuelle.dsn", dsnFile))
	s := e.land(Options{}, paths...)
	require.Equal(t, len(paths), s.Count(StatusLanded), "%+v", s)

	db := e.db()
	for ds, want := range dictionary.LakeSchemas() {
		got := rows(t, db, "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "+ds+")")
		var wantRows [][]string
		for _, c := range want {
			wantRows = append(wantRows, []string{c.Name, c.Type})
		}
		assert.Equal(t, wantRows, got, ds)
	}
	// The partition directory and the column agree.
	got := rows(t, db, "SELECT DISTINCT mois::VARCHAR, regexp_extract(filename, 'mois=([0-9-]+)', 1) FROM read_parquet('"+e.lake.Root()+"/dsn_extrait/*/*.parquet', hive_partitioning=false, filename=true) ORDER BY 1")
	assert.Equal(t, [][]string{{"2024-03-01", "2024-03-01"}}, got)
}
