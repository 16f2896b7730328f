package chain

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/pipelines/pseudo"
	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/warehouse"
)

// testOptions returns the options of a small generated sample under a fresh root.
func testOptions(t testing.TB, dossiers int) Options {
	t.Helper()
	key, err := pseudo.NewKey([]byte("clé de test de la chaîne, jamais utilisée ailleurs"))
	require.NoError(t, err)
	g := generate.DefaultOptions()
	g.Dossiers = dossiers
	g.Seed = 11
	return Options{Root: dataroot.Root{Dir: t.TempDir()}, Key: key, Generate: g, Memory: "2GB", Threads: 2}
}

// generated writes the sample of opts into its root's deliveries folder and
// returns that folder.
func generated(t testing.TB, opts Options) string {
	t.Helper()
	g := opts.Generate
	g.Out = opts.Root.Deliveries()
	_, err := generate.Run(context.Background(), g, nil)
	require.NoError(t, err)
	return g.Out
}

// marts reads every mart Parquet file of dir as sorted text rows, doubles
// rounded to 9 decimals (a sum of doubles depends on the order DuckDB reads
// rows in, which compaction changes).
func marts(t testing.TB, db *sql.DB, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.parquet"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string][]string{}
	for _, f := range files {
		src := fmt.Sprintf("read_parquet('%s')", strings.ReplaceAll(f, "'", "''"))
		cols, err := db.Query("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM " + src + ")")
		require.NoError(t, err)
		var exprs []string
		for cols.Next() {
			var name, typ string
			require.NoError(t, cols.Scan(&name, &typ))
			e := `"` + name + `"`
			if typ == "DOUBLE" || typ == "FLOAT" {
				e = "round(" + e + ", 9)"
			}
			exprs = append(exprs, "coalesce(("+e+")::VARCHAR, '∅')")
		}
		cols.Close()
		rows, err := db.Query("SELECT concat_ws('|', " + strings.Join(exprs, ", ") + ") AS r FROM " + src + " ORDER BY r")
		require.NoError(t, err)
		var lines []string
		for rows.Next() {
			var s string
			require.NoError(t, rows.Scan(&s))
			lines = append(lines, s)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		out[filepath.Base(f)] = lines
	}
	return out
}

// assertSameMarts compares marts row by row: integers and text exactly,
// decimals to within one unit of their last digit. Rates and value added
// are rounded sums of doubles, which DuckDB adds in the order it reads rows
// in: a compacted lake may tip 58.75 to 58.7 or 58.8.
func assertSameMarts(t *testing.T, want, got map[string][]string, after string) {
	t.Helper()
	require.Equal(t, len(want), len(got))
	for name, rows := range want {
		if !assert.Len(t, got[name], len(rows), "%s after %s", name, after) {
			continue
		}
		bad := 0
		for i, w := range rows {
			if g := got[name][i]; !sameRow(w, g) {
				if bad++; bad <= 3 {
					t.Errorf("%s after %s, row %d:\nwant %s\ngot  %s", name, after, i, w, g)
				}
			}
		}
		if bad > 3 {
			t.Errorf("%s after %s: %d rows differ", name, after, bad)
		}
	}
}

func sameRow(a, b string) bool {
	if a == b {
		return true
	}
	fa, fb := strings.Split(a, "|"), strings.Split(b, "|")
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i] == fb[i] {
			continue
		}
		dot := strings.IndexByte(fa[i], '.')
		x, err1 := strconv.ParseFloat(fa[i], 64)
		y, err2 := strconv.ParseFloat(fb[i], 64)
		if dot < 0 || err1 != nil || err2 != nil {
			return false
		}
		unit := math.Pow10(-(len(fa[i]) - dot - 1))
		if math.Abs(x-y) > unit*1.000001 {
			return false
		}
	}
	return true
}

// Compaction and purge change files, never indicators: every mart of a
// generated sample is the same after each.
func TestCompactionAndPurgeKeepIndicators(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, lands and builds a sample three times")
	}
	ctx := context.Background()
	opts := testOptions(t, 3000)
	_, err := Land(ctx, opts, []string{generated(t, opts)})
	require.NoError(t, err)
	_, err = Build(ctx, opts)
	require.NoError(t, err)

	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: "2GB", Threads: 2})
	require.NoError(t, err)
	defer s.Close()
	want := marts(t, s.DB(), opts.Root.Marts())
	require.NotEmpty(t, want["resultats_dossiers.parquet"])

	l, err := lake.Open(opts.Root.Lake())
	require.NoError(t, err)
	before, err := l.Snapshot("")
	require.NoError(t, err)
	cres, err := lake.Compact(ctx, l, lake.CompactOptions{DB: s.DB()})
	require.NoError(t, err)
	require.NotEmpty(t, cres.Manifest)
	after, err := l.Snapshot("")
	require.NoError(t, err)
	t.Logf("compactage : %d fichiers → %d", len(before.Files("")), len(after.Files("")))
	assert.Less(t, len(after.Files("")), len(before.Files("")))
	_, err = Build(ctx, opts)
	require.NoError(t, err)
	assertSameMarts(t, want, marts(t, s.DB(), opts.Root.Marts()), "compaction")

	pres, err := lake.PurgeDSN(ctx, l, lake.PurgeOptions{DB: s.DB()})
	require.NoError(t, err)
	t.Logf("purge : %d lignes hors fenêtre, %d sans dossier, %d de l'historique", pres.OutsideWindow, pres.NoDossier, pres.HistoryRows)
	require.NotEmpty(t, pres.Manifest)
	assert.Positive(t, pres.OutsideWindow, "the sample has DSN outside every window")
	_, err = Build(ctx, opts)
	require.NoError(t, err)
	assertSameMarts(t, want, marts(t, s.DB(), opts.Root.Marts()), "purge")

	// As of the last landing (before compaction and purge), the build gives
	// the same marts too, without the purged rows.
	ms, err := l.Manifests()
	require.NoError(t, err)
	old, err := l.Snapshot(ms[len(ms)-3].ID)
	require.NoError(t, err)
	require.Equal(t, before.AsOf, old.AsOf)
	for _, f := range old.Files("") {
		_, err := os.Stat(f.Abs)
		require.NoError(t, err, "as of %s, %s is on disk", old.AsOf, f.Path)
	}
	asOf := dataroot.Root{Dir: t.TempDir()}
	ws, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: "2GB", Threads: 2})
	require.NoError(t, err)
	defer ws.Close()
	_, err = runner.Mount(ctx, ws, opts.Root.Lake(), old.AsOf)
	require.NoError(t, err)
	_, err = runner.Build(ctx, ws.DB(), runner.Options{MartsDir: asOf.Marts()})
	require.NoError(t, err)
	assertSameMarts(t, want, marts(t, s.DB(), asOf.Marts()), "purge, as of "+old.AsOf)
}
