package land

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

const testSecret = "cle-de-test-0123456789abcdef0123456789"

func testKey(t testing.TB) *pseudo.Key {
	k, err := pseudo.NewKey([]byte(testSecret))
	require.NoError(t, err)
	return k
}

// env is a data root with a lake, and a folder of deliveries beside it.
type env struct {
	t    testing.TB
	root string // data root
	in   string // deliveries
	lake *lake.Lake
	key  *pseudo.Key
}

func newEnv(t testing.TB) *env {
	base := t.TempDir()
	e := &env{t: t, root: filepath.Join(base, "data"), in: filepath.Join(base, "livraisons"), key: testKey(t)}
	require.NoError(t, os.MkdirAll(e.in, 0o755))
	require.NoError(t, os.MkdirAll(e.root, 0o755))
	var err error
	e.lake, err = lake.Open(filepath.Join(e.root, "lake"))
	require.NoError(t, err)
	return e
}

// write puts a delivery in the input folder and returns its path.
func (e *env) write(name string, data []byte) string {
	p := filepath.Join(e.in, name)
	require.NoError(e.t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(e.t, os.WriteFile(p, data, 0o644))
	return p
}

func (e *env) land(opts Options, paths ...string) Summary {
	e.t.Helper()
	s, err := Run(context.Background(), e.lake, e.key, paths, opts)
	require.NoError(e.t, err)
	for _, f := range s.Files {
		require.Equal(e.t, f.Read, f.Landed+f.Quarantined, "%s: read = landed + quarantined", f.Name)
	}
	return s
}

// db opens DuckDB with one view per dataset of the latest snapshot, read with
// hive_partitioning as the warehouse does.
func (e *env) db() *sql.DB {
	e.t.Helper()
	db, err := sql.Open("duckdb", "")
	require.NoError(e.t, err)
	e.t.Cleanup(func() { db.Close() })
	snap, err := e.lake.Snapshot("")
	require.NoError(e.t, err)
	for ds, cols := range dictionary.LakeSchemas() {
		files := snap.Paths()[ds]
		var q string
		if len(files) == 0 {
			var sel []string
			for _, c := range cols {
				sel = append(sel, fmt.Sprintf("NULL::%s AS %s", c.Type, c.Name))
			}
			q = "SELECT " + strings.Join(sel, ", ") + " WHERE false"
		} else {
			q = fmt.Sprintf("SELECT * FROM read_parquet(['%s'], hive_partitioning=true)", strings.Join(files, "','"))
		}
		_, err := db.Exec("CREATE VIEW " + ds + " AS " + q)
		require.NoError(e.t, err)
	}
	return db
}

// rows runs a query and returns its rows as strings (NULL as "∅").
func rows(t testing.TB, db *sql.DB, q string, args ...any) [][]string {
	t.Helper()
	r, err := db.Query(q, args...)
	require.NoError(t, err, q)
	defer r.Close()
	cols, err := r.Columns()
	require.NoError(t, err)
	var out [][]string
	for r.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, r.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = "∅"
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	require.NoError(t, r.Err())
	return out
}

// lakeFiles lists every file under the lake (relative), for before/after comparisons.
func (e *env) lakeFiles() []string {
	var out []string
	filepath.WalkDir(e.lake.Root(), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(e.lake.Root(), p)
			out = append(out, rel)
		}
		return nil
	})
	slices.Sort(out)
	return out
}

// csvFile joins a header and rows with ';' and LF.
func csvFile(header []string, rows ...[]string) []byte {
	var b strings.Builder
	b.WriteString(strings.Join(header, ";") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ";") + "\n")
	}
	return []byte(b.String())
}

func testKeyRaw() (*pseudo.Key, error) { return pseudo.NewKey([]byte(testSecret)) }
