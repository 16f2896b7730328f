package land

import (
	"cmp"
	"database/sql"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
)

type testRow struct {
	Part int64 `parquet:"part"`
	V    int64 `parquet:"v"`
}

var byTestRow order[testRow] = func(w *keyWriter, r *testRow) { w.int(r.V) }

// A sink writes sorted files of at most partRows rows per partition, and
// never keeps more than twice partRows rows in memory, however many
// partitions there are.
func TestSinkParts(t *testing.T) {
	lk, err := lake.Open(t.TempDir())
	require.NoError(t, err)
	txn, err := lk.Begin("test", lake.Source{Name: "x", SHA256: "0000000000000000000000000000000000000000000000000000000000000000"})
	require.NoError(t, err)
	var pool chunks
	s := newSink(txn, "essai", byTestRow, 10, &pool).partitioned(
		func(r *testRow) int64 { return r.Part },
		func(k int64) []lake.Partition { return []lake.Partition{{Key: "p", Value: string(rune('a' + k))}} })
	maxBuffered := 0
	// 25 rows in partition 0 (values descending), then one row in each of 30 partitions.
	for v := int64(25); v > 0; v-- {
		s.add(testRow{0, v})
		maxBuffered = max(maxBuffered, s.buffered)
	}
	for p := int64(1); p <= 30; p++ {
		s.add(testRow{p % 20, 100 + p})
		maxBuffered = max(maxBuffered, s.buffered)
	}
	require.NoError(t, s.close())
	assert.LessOrEqual(t, maxBuffered, 20)
	m, err := txn.Commit(lake.Summary{Rows: []lake.Rows{{}}})
	require.NoError(t, err)
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	var total int64
	for _, f := range m.Files {
		assert.LessOrEqual(t, f.Rows, int64(10), f.Path)
		total += f.Rows
		vs := rows(t, db, "SELECT v FROM read_parquet(?)", filepath.Join(lk.Root(), f.Path))
		sorted := slices.IsSortedFunc(vs, func(a, b []string) int {
			x, _ := strconv.Atoi(a[0])
			y, _ := strconv.Atoi(b[0])
			return cmp.Compare(x, y)
		})
		assert.True(t, sorted, "%s: %v", f.Path, vs)
	}
	assert.Equal(t, int64(55), total)
	// Partition a holds 25 + 2 rows (101 goes to partition 1, 120 to 0…).
	var inA int64
	for _, f := range m.Files {
		if filepath.Base(filepath.Dir(f.Path)) == "p=a" {
			inA += f.Rows
		}
	}
	assert.Equal(t, int64(25+1), inA) // 25 + the row of p=20 (20 % 20 = 0)
}
