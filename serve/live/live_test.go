package live

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/warehouse"
)

// writeWarehouse builds a DuckDB file holding one table v(n) = n under a
// temporary name and renames it onto path, as a build lands.
func writeWarehouse(t testing.TB, path string, n int) {
	t.Helper()
	tmp := path + ".new"
	os.Remove(tmp)
	db, err := sql.Open("duckdb", tmp)
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE v AS SELECT ? AS n`, n)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.NoError(t, os.Rename(tmp, path))
}

func readOnly(path string) OpenFunc { return ReadOnly(path, Options{Threads: 1}) }

func TestLiveDBSwapsWithoutFailingReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	l := New(path, readOnly(path), nil, nil)
	_, err := l.Acquire()
	assert.ErrorIs(t, err, ErrUnavailable, "nothing to serve before the first build")

	swapped, err := l.Reload(t.Context(), true)
	assert.False(t, swapped)
	assert.Error(t, err, "no file yet")

	writeWarehouse(t, path, 1)
	swapped, err = l.Reload(t.Context(), true)
	require.NoError(t, err)
	require.True(t, swapped)

	// Readers query without pause while builds land and the watcher swaps.
	ctx, cancel := context.WithCancel(t.Context())
	var (
		wg        sync.WaitGroup
		queries   atomic.Int64
		failures  atomic.Int64
		maxSeen   atomic.Int64
		firstErr  atomic.Value
		decreased atomic.Bool
	)
	for range 4 {
		wg.Go(func() {
			last := int64(0)
			for ctx.Err() == nil {
				lease, err := l.Acquire()
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				var n int64
				err = lease.DB.QueryRow(`SELECT n FROM v`).Scan(&n)
				lease.Release()
				queries.Add(1)
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				if n < last {
					decreased.Store(true)
				}
				last = n
				for {
					m := maxSeen.Load()
					if n <= m || maxSeen.CompareAndSwap(m, n) {
						break
					}
				}
			}
		})
	}
	for n := 2; n <= 6; n++ {
		time.Sleep(20 * time.Millisecond)
		writeWarehouse(t, path, n)
		// The first poll sees a change and waits; the second opens it.
		swapped, err := l.Reload(t.Context(), false)
		require.NoError(t, err)
		assert.False(t, swapped, "a file just changed is not opened at once")
		swapped, err = l.Reload(t.Context(), false)
		require.NoError(t, err)
		assert.True(t, swapped, "build %d", n)
		// An unchanged file is not reopened.
		swapped, err = l.Reload(t.Context(), false)
		require.NoError(t, err)
		assert.False(t, swapped)
	}
	require.Eventually(t, func() bool { return maxSeen.Load() == 6 }, 30*time.Second, 5*time.Millisecond,
		"readers see the last build")
	cancel()
	wg.Wait()

	assert.Zero(t, failures.Load(), "first error: %v", firstErr.Load())
	assert.Greater(t, queries.Load(), int64(50))
	assert.False(t, decreased.Load(), "a reader never goes back to an older build")

	l.Close()
	_, err = l.Acquire()
	assert.ErrorIs(t, err, ErrUnavailable)
}

func TestLiveDBKeepsServingWhenTheNewBuildCannotOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	writeWarehouse(t, path, 1)
	l := New(path, readOnly(path), nil, nil)
	_, err := l.Reload(t.Context(), true)
	require.NoError(t, err)
	defer l.Close()

	// A corrupt "build" lands: the old database keeps answering.
	require.NoError(t, os.WriteFile(path+".bad", []byte("not a duckdb file"), 0o644))
	require.NoError(t, os.Rename(path+".bad", path))
	_, err = l.Reload(t.Context(), true)
	require.Error(t, err)
	lease, err := l.Acquire()
	require.NoError(t, err)
	var n int
	require.NoError(t, lease.DB.QueryRow(`SELECT n FROM v`).Scan(&n))
	lease.Release()
	assert.Equal(t, 1, n)

	// Polls do not retry that broken version.
	swapped, err := l.Reload(t.Context(), false)
	assert.False(t, swapped)
	assert.NoError(t, err)

	// The next good build is picked up.
	writeWarehouse(t, path, 2)
	_, err = l.Reload(t.Context(), true)
	require.NoError(t, err)
	lease, err = l.Acquire()
	require.NoError(t, err)
	require.NoError(t, lease.DB.QueryRow(`SELECT n FROM v`).Scan(&n))
	lease.Release()
	assert.Equal(t, 2, n)
}

func TestLiveDBRetiresOldGenerationAfterItsReaders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	writeWarehouse(t, path, 1)
	l := New(path, readOnly(path), nil, nil)
	_, err := l.Reload(t.Context(), true)
	require.NoError(t, err)

	lease, err := l.Acquire()
	require.NoError(t, err)
	old := lease.DB
	writeWarehouse(t, path, 2)
	_, err = l.Reload(t.Context(), true)
	require.NoError(t, err)

	// The request that holds the old database can still use it…
	time.Sleep(20 * time.Millisecond)
	var n int
	require.NoError(t, old.QueryRow(`SELECT n FROM v`).Scan(&n))
	assert.Equal(t, 1, n)
	lease.Release()
	// …and once released it is closed.
	require.Eventually(t, func() bool { return old.Ping() != nil }, time.Second, 5*time.Millisecond)
	l.Close()
}

func TestReadOnlyIsLockedDown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	writeWarehouse(t, path, 7)
	db, err := readOnly(path)(t.Context())
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT n FROM v`).Scan(&n), "tables of the warehouse are found unqualified")
	assert.Equal(t, 7, n)
	var tempDir string
	require.NoError(t, db.QueryRow(`SELECT current_setting('temp_directory')`).Scan(&tempDir))
	assert.Empty(t, tempDir, "no spilling")

	secret := filepath.Join(t.TempDir(), "secret.csv")
	require.NoError(t, os.WriteFile(secret, []byte("a\n1\n"), 0o600))
	// Each statement fails, and for the lock-down's reason: without a
	// network, INSTALL would fail anyway, but not with this message.
	const readOnly, noFiles = "read-only mode", "disabled by configuration"
	for _, c := range []struct{ stmt, why string }{
		{`CREATE TABLE w AS SELECT 1`, readOnly}, // the warehouse is read-only
		{`INSERT INTO v VALUES (8)`, readOnly},
		{`SELECT * FROM read_csv('` + secret + `')`, noFiles}, // no other file
		{`SELECT * FROM read_text('/etc/hostname')`, noFiles},
		{`ATTACH '` + secret + `.duckdb' AS other`, noFiles},
		{`COPY v TO '` + secret + `.out'`, noFiles},
		{`SET enable_external_access = true`, "configuration has been locked"}, // no way back
		{`INSTALL httpfs`, noFiles},                                            // no extension, not even a download attempt
	} {
		_, err := db.Exec(c.stmt)
		if assert.Error(t, err, c.stmt) {
			assert.Contains(t, err.Error(), c.why, c.stmt)
		}
	}
	_, err = os.Stat(secret + ".out")
	assert.True(t, os.IsNotExist(err))
}

func TestPrepareRunsWhileTheOldBuildServes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	writeWarehouse(t, path, 1)
	prepared := make(chan struct{})
	prepare := func(ctx context.Context, db *sql.DB) (any, error) {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT n FROM v`).Scan(&n); err != nil {
			return nil, err
		}
		if n == 2 {
			<-prepared // a slow warm-up of the second build
		}
		if n == 3 {
			return nil, errors.New("mauvaise construction")
		}
		return n * 10, nil
	}
	l := New(path, readOnly(path), prepare, nil)
	_, err := l.Reload(t.Context(), true)
	require.NoError(t, err)
	defer l.Close()

	writeWarehouse(t, path, 2)
	done := make(chan error)
	go func() {
		_, err := l.Reload(t.Context(), true)
		done <- err
	}()
	// While the second build prepares, requests get the first at once.
	for range 20 {
		lease, err := l.Acquire()
		require.NoError(t, err)
		assert.Equal(t, 10, lease.Value)
		lease.Release()
	}
	close(prepared)
	require.NoError(t, <-done)
	lease, err := l.Acquire()
	require.NoError(t, err)
	assert.Equal(t, 20, lease.Value)
	lease.Release()

	// A build whose preparation fails is not served.
	writeWarehouse(t, path, 3)
	_, err = l.Reload(t.Context(), true)
	require.Error(t, err)
	lease, err = l.Acquire()
	require.NoError(t, err)
	assert.Equal(t, 20, lease.Value)
	lease.Release()
}

// opened reports whether ch is closed.
func opened(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// TestOpenedOnceAGenerationServes: Opened stays open while the warehouse is
// missing or broken, and closes at the first build that opens.
func TestOpenedOnceAGenerationServes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	l := New(path, readOnly(path), nil, nil)
	defer l.Close()
	_, err := l.Reload(t.Context(), true)
	require.ErrorIs(t, err, os.ErrNotExist)
	assert.False(t, opened(l.Opened()), "no file")

	require.NoError(t, os.WriteFile(path, []byte("not a duckdb file"), 0o644))
	_, err = l.Reload(t.Context(), true)
	require.Error(t, err)
	assert.False(t, opened(l.Opened()), "a file that does not open")

	writeWarehouse(t, path, 1)
	swapped, err := l.Reload(t.Context(), true)
	require.NoError(t, err)
	require.True(t, swapped)
	assert.True(t, opened(l.Opened()))
	writeWarehouse(t, path, 2)
	_, err = l.Reload(t.Context(), true)
	require.NoError(t, err, "a second build does not close it twice")
}

// TestReadOnlyMemoryLimit: the limit is read as warehouse.ParseMemoryLimit
// reads it; an invalid one fails before DuckDB sees it, in French.
func TestReadOnlyMemoryLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	writeWarehouse(t, path, 1)
	db, err := ReadOnly(path, Options{Threads: 1, MemoryLimit: "1,5 Go"})(t.Context())
	require.NoError(t, err)
	var limit string
	require.NoError(t, db.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limit))
	assert.Equal(t, "1.3 GiB", limit, "1.5e9 bytes")
	require.NoError(t, db.Close())

	_, err = ReadOnly(path, Options{Threads: 1, MemoryLimit: "1Gio"})(t.Context())
	var me *warehouse.MemoryLimitError
	require.ErrorAs(t, err, &me)
	assert.EqualError(t, err, "valeur de --memoire invalide : « 1Gio » ; écrivez par exemple 8GB, 8Go ou 512Mo")
}
