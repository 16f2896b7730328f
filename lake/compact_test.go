package lake

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// dsnTest is a row shaped like the lake's dsn_extrait: a UUID pseudonym, DATE
// columns, an optional number, a dictionary string and the lineage columns.
type dsnTest struct {
	Pseudo  [16]byte `parquet:"pseudo,uuid"`
	Mois    Date     `parquet:"mois,date"`
	Debut   Date     `parquet:"date_debut_contrat,date"`
	Heures  *float64 `parquet:"heures_mois,optional"`
	Nature  string   `parquet:"nature_contrat,dict"`
	Landing string   `parquet:"_landing,dict"`
	Ligne   int64    `parquet:"_ligne"`
}

var dsnSort = []string{"pseudo", "mois", "date_debut_contrat", "_landing", "_ligne"}

func person(n int) [16]byte {
	var p [16]byte
	// Spread the first byte so that the sort order differs from the landing order.
	p[0], p[15] = byte(n*37), byte(n)
	return p
}

// dsnRows makes n rows of landing label over the given months: person i
// works in month months[i%len(months)]; every third row has no hours.
func dsnRows(label string, n int, months ...Date) []dsnTest {
	rows := make([]dsnTest, n)
	for i := range rows {
		h := float64(100 + i)
		rows[i] = dsnTest{Pseudo: person(i), Mois: months[i%len(months)], Debut: NewDate(2020, 1, 1+i%28),
			Heures: &h, Nature: []string{"01", "02", "03"}[i%3], Landing: label, Ligne: int64(i + 2)}
		if i%3 == 0 {
			rows[i].Heures = nil
		}
	}
	return rows
}

// landDSN lands rows as the landing pipeline does: one file per month
// partition (mois=AAAA-MM-01), sorted on the dataset's keys.
func landDSN(t testing.TB, l *Lake, label string, rows []dsnTest) Manifest {
	t.Helper()
	txn, err := l.Begin("dsn_extrait", src(label))
	require.NoError(t, err)
	byMonth := map[Date][]dsnTest{}
	for _, r := range rows {
		byMonth[r.Mois] = append(byMonth[r.Mois], r)
	}
	for _, m := range slices.Sorted(maps.Keys(byMonth)) {
		w, err := NewWriter[dsnTest](txn, "dsn_extrait", []Partition{{Key: "mois", Value: m.String()}}, WriteOptions{SortBy: dsnSort[:3]})
		require.NoError(t, err)
		_, err = w.Write(byMonth[m])
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	n := int64(len(rows))
	man, err := txn.Commit(Summary{Rows: []Rows{{Read: n, Landed: n}}})
	require.NoError(t, err)
	return man
}

// content reads every row of the dataset in snap, lineage included, as text,
// in lineage order: the lake's content independent of its files.
func content(t testing.TB, db *sql.DB, snap *Snapshot, dataset string) []string {
	t.Helper()
	var files []string
	for _, f := range snap.Files(dataset) {
		files = append(files, f.Abs)
	}
	if len(files) == 0 {
		return nil
	}
	rows, err := db.Query("SELECT concat_ws('|', pseudo, mois, date_debut_contrat, coalesce(heures_mois::VARCHAR, 'NULL'), nature_contrat, _landing, _ligne) FROM " +
		readParquet(files) + " ORDER BY _landing, _ligne")
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// unsorted counts the rows of a file that are not where the sort order puts them.
func unsorted(t testing.TB, db *sql.DB, file string, keys []string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, db.QueryRow(fmt.Sprintf(`SELECT count(*) FROM (
		SELECT file_row_number AS pos, row_number() OVER (%s) - 1 AS want
		FROM read_parquet(%s, file_row_number = true)) WHERE pos <> want`, orderBy(keys), quoteString(file))).Scan(&n))
	return n
}

// threeLandings lands three small transmissions of DSN over two months, and
// a fourth dataset file that must be left alone.
func threeLandings(t testing.TB, l *Lake) {
	t.Helper()
	jan, feb := NewDate(2024, 1, 1), NewDate(2024, 2, 1)
	landDSN(t, l, "L1", dsnRows("L1", 40, jan, feb))
	landDSN(t, l, "L2", dsnRows("L2", 30, jan, feb))
	landDSN(t, l, "L3", dsnRows("L3", 21, feb)) // only February
}

func TestCompact(t *testing.T) {
	ctx := context.Background()
	db := openDuckDB(t)
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	threeLandings(t, l)
	before, err := l.Snapshot("")
	require.NoError(t, err)
	require.Len(t, before.Files("dsn_extrait"), 5) // L1: 2 months, L2: 2, L3: 1
	want := content(t, db, before, "dsn_extrait")
	require.Len(t, want, 91)

	// Dry run: the plan, nothing written.
	plan, err := Compact(ctx, l, CompactOptions{DB: db, DryRun: true})
	require.NoError(t, err)
	assert.Empty(t, plan.Manifest)
	assert.Equal(t, 5, plan.FilesBefore())
	assert.Equal(t, 2, plan.FilesAfter())
	ms, err := l.Manifests()
	require.NoError(t, err)
	assert.Len(t, ms, 3)

	res, err := Compact(ctx, l, CompactOptions{DB: db})
	require.NoError(t, err)
	require.NotEmpty(t, res.Manifest)
	// January: 20 rows of L1 + 15 of L2; February: 20 + 15 + 21.
	require.Len(t, res.Groups, 2)
	assert.Equal(t, CompactGroup{Dataset: "dsn_extrait", Dir: "dsn_extrait/mois=2024-01-01", Partition: map[string]string{"mois": "2024-01-01"},
		FilesBefore: 2, FilesAfter: 1, Rows: 35, BytesBefore: res.Groups[0].BytesBefore, BytesAfter: res.Groups[0].BytesAfter}, res.Groups[0])
	assert.Equal(t, int64(56), res.Groups[1].Rows)
	assert.Equal(t, 3, res.Groups[1].FilesBefore)

	after, err := l.Snapshot("")
	require.NoError(t, err)
	files := after.Files("dsn_extrait")
	require.Len(t, files, 2)
	for _, f := range files {
		assert.Equal(t, res.Manifest, f.Manifest)
		assert.Equal(t, "mois="+f.Partition["mois"], path.Base(path.Dir(f.Path)), "same Hive directory")
		assert.Zero(t, unsorted(t, db, f.Abs, dsnSort), "%s sorted on the keys", f.Path)
		var outside int64
		require.NoError(t, db.QueryRow("SELECT count(*) FROM "+readParquet([]string{f.Abs})+" WHERE mois::VARCHAR <> ?", f.Partition["mois"]).Scan(&outside))
		assert.Zero(t, outside, "every row in its month's partition")
	}
	assert.Equal(t, want, content(t, db, after, "dsn_extrait"), "same rows, lineage included")

	// The manifest removes exactly the old files; as of the last landing, the old files.
	ms, err = l.Manifests()
	require.NoError(t, err)
	require.Len(t, ms, 4)
	m := ms[3]
	assert.Equal(t, Compaction, m.Kind)
	assert.ElementsMatch(t, paths(before.Files("")), m.Removes)
	asOf, err := l.Snapshot(ms[2].ID)
	require.NoError(t, err)
	assert.Equal(t, paths(before.Files("")), paths(asOf.Files("")))
	assert.Equal(t, want, content(t, db, asOf, "dsn_extrait"), "old files still on disk and readable")

	// Compacting again finds nothing to do.
	again, err := Compact(ctx, l, CompactOptions{DB: db})
	require.NoError(t, err)
	assert.Empty(t, again.Manifest)
	assert.Empty(t, again.Groups)
}

func TestCompactPlan(t *testing.T) {
	ctx := context.Background()
	db := openDuckDB(t)
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	jan := NewDate(2024, 1, 1)
	for i, n := range []int{10, 10, 10, 10, 200, 10} {
		label := fmt.Sprintf("L%d", i)
		landDSN(t, l, label, dsnRows(label, n, jan))
	}
	// Files of 10 rows are small against a target of 25; the file of 200
	// rows is large and left alone. Bins hold up to 25 rows: 2 files each.
	res, err := Compact(ctx, l, CompactOptions{DB: db, TargetRows: 25, DryRun: true})
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	assert.Equal(t, 4, res.Groups[0].FilesBefore, "two bins of two; the fifth small file alone is left as it is")
	assert.Equal(t, 2, res.Groups[0].FilesAfter)
	assert.Equal(t, int64(40), res.Groups[0].Rows)

	// Datasets filters.
	res, err = Compact(ctx, l, CompactOptions{DB: db, Datasets: []string{"dossiers"}})
	require.NoError(t, err)
	assert.Empty(t, res.Groups)

	// Row groups of the compacted file follow RowGroupRows (DuckDB cuts
	// them at a multiple of its 2048-row vectors).
	res, err = Compact(ctx, l, CompactOptions{DB: db, TargetRows: 100_000, RowGroupRows: 2048})
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	assert.Equal(t, 6, res.Groups[0].FilesBefore, "with a larger target every file is small")
	assert.Equal(t, int64(250), res.Groups[0].Rows)
}

func TestCompactRowGroups(t *testing.T) {
	ctx := context.Background()
	db := openDuckDB(t)
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	jan := NewDate(2024, 1, 1)
	landDSN(t, l, "A", dsnRows("A", 5000, jan))
	landDSN(t, l, "B", dsnRows("B", 5000, jan))
	res, err := Compact(ctx, l, CompactOptions{DB: db, RowGroupRows: 4096})
	require.NoError(t, err)
	require.NotEmpty(t, res.Manifest)
	snap, err := l.Snapshot("")
	require.NoError(t, err)
	files := snap.Files("dsn_extrait")
	require.Len(t, files, 1)
	var groups, largest int64
	require.NoError(t, db.QueryRow("SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata(?)", files[0].Abs).Scan(&groups, &largest))
	assert.Equal(t, int64(3), groups, "10 000 rows in groups of at most 4096")
	assert.LessOrEqual(t, largest, int64(4096))
	var codec string
	require.NoError(t, db.QueryRow("SELECT any_value(compression) FROM parquet_metadata(?)", files[0].Abs).Scan(&codec))
	assert.Equal(t, "ZSTD", codec)
}

// A compaction killed at any point leaves the lake as it was; its files are
// collected, and compacting again completes with the same rows.
func TestKilledCompactionLeavesLakeAsItWas(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	db := openDuckDB(t)
	for _, point := range []string{fpWriterSynced, fpWriterRenamed, fpCompactWritten, fpCommitStart, fpCommitLocked, fpManifestSynced} {
		t.Run(point, func(t *testing.T) {
			root := t.TempDir()
			l, err := Open(root)
			require.NoError(t, err)
			threeLandings(t, l)
			before, err := l.Snapshot("")
			require.NoError(t, err)
			want := content(t, db, before, "dsn_extrait")

			_, killed := exitCode(t, startCompactChild(t, root, point))
			require.True(t, killed, "child killed by SIGKILL at %s", point)

			l, err = Open(root) // a new process sees the lake
			require.NoError(t, err)
			snap, err := l.Snapshot("")
			require.NoError(t, err)
			assert.Equal(t, before.AsOf, snap.AsOf, "no manifest committed")
			assert.Equal(t, paths(before.Files("")), paths(snap.Files("")))
			assert.Greater(t, len(parquetOnDisk(t, root)), len(before.Files("")), "the dead compaction left files behind")

			removed, err := l.Collect(0)
			require.NoError(t, err)
			assert.NotEmpty(t, removed)
			assert.ElementsMatch(t, paths(before.Files("")), parquetOnDisk(t, root))

			res, err := Compact(context.Background(), l, CompactOptions{DB: db})
			require.NoError(t, err)
			require.NotEmpty(t, res.Manifest)
			after, err := l.Snapshot("")
			require.NoError(t, err)
			assert.Len(t, after.Files(""), 2)
			assert.Equal(t, want, content(t, db, after, "dsn_extrait"))
		})
	}
}

// The compaction child: this test binary re-executed with LAKE_COMPACT_ROOT
// compacts that lake and kills itself at failpoint LAKE_COMPACT_KILL_AT. It
// runs from init, before TestMain.
func init() {
	root := os.Getenv("LAKE_COMPACT_ROOT")
	if root == "" {
		return
	}
	killAt := os.Getenv("LAKE_COMPACT_KILL_AT")
	failpoint = func(p string) {
		if p == killAt {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Minute)
		}
	}
	code := 0
	if err := compactChild(root); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		code = childFailed
	}
	os.Exit(code)
}

func compactChild(root string) error {
	db, err := sql.Open("duckdb", "?autoinstall_known_extensions=false&autoload_known_extensions=false")
	if err != nil {
		return err
	}
	defer db.Close()
	l, err := Open(root)
	if err != nil {
		return err
	}
	_, err = Compact(context.Background(), l, CompactOptions{DB: db})
	return err
}

func startCompactChild(t *testing.T, root, killAt string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LAKE_COMPACT_ROOT="+root, "LAKE_COMPACT_KILL_AT="+killAt)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	return cmd
}

// Files landed before the _source column and files with it compact together:
// the old rows have a NULL _source, and the compacted file is sorted with
// _source before _ligne (two files of one landing keep their own order).
func TestCompactWithAndWithoutSource(t *testing.T) {
	type withSource struct {
		Pseudo  [16]byte `parquet:"pseudo,uuid"`
		Mois    Date     `parquet:"mois,date"`
		Debut   Date     `parquet:"date_debut_contrat,date"`
		Landing string   `parquet:"_landing,dict"`
		Source  int64    `parquet:"_source"`
		Ligne   int64    `parquet:"_ligne"`
	}
	ctx := context.Background()
	db := openDuckDB(t)
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	jan := NewDate(2024, 1, 1)
	landDSN(t, l, "L1", dsnRows("L1", 3, jan)) // no _source
	// L2: two sources of one landing, the same person and contract start on
	// line 2 of each: _source decides.
	txn, err := l.Begin("dsn_extrait", src("L2a"), src("L2b"))
	require.NoError(t, err)
	w, err := NewWriter[withSource](txn, "dsn_extrait", []Partition{{Key: "mois", Value: jan.String()}}, WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write([]withSource{
		{Pseudo: person(1), Mois: jan, Debut: NewDate(2020, 1, 2), Landing: "L2", Source: 2, Ligne: 2},
		{Pseudo: person(1), Mois: jan, Debut: NewDate(2020, 1, 2), Landing: "L2", Source: 1, Ligne: 2},
		{Pseudo: person(1), Mois: jan, Debut: NewDate(2020, 1, 2), Landing: "L2", Source: 1, Ligne: 3},
	})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	_, err = txn.Commit(Summary{Rows: []Rows{{Read: 2, Landed: 2}, {Read: 1, Landed: 1}}})
	require.NoError(t, err)

	res, err := Compact(ctx, l, CompactOptions{DB: db})
	require.NoError(t, err)
	require.Len(t, res.Groups, 1)
	assert.Equal(t, 2, res.Groups[0].FilesBefore)
	snap, err := l.Snapshot("")
	require.NoError(t, err)
	files := snap.Files("dsn_extrait")
	require.Len(t, files, 1)
	// In file order; person(1) is 25000000-…-01 (first byte 37).
	got := scanStrings(t, db, `SELECT _landing, coalesce(_source::VARCHAR, 'NULL'), _ligne::VARCHAR FROM `+
		readParquet([]string{files[0].Abs}, "file_row_number = true")+
		` WHERE pseudo = '25000000-0000-0000-0000-000000000001' ORDER BY file_row_number`)
	// person(1) has one row in L1 (line 3), then the three of L2 in (_source, _ligne) order.
	assert.Equal(t, [][]any{{"L1", "NULL", "3"}, {"L2", "1", "2"}, {"L2", "1", "3"}, {"L2", "2", "2"}}, got)
}
