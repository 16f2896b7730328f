package site

import (
	"context"
	"database/sql"
	_ "embed"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/")

//go:embed testdata/marts.sql
var martsSQL string

var (
	warehouseOnce sync.Once
	warehousePath string
	warehouseErr  error
)

// testWarehouse returns a DuckDB warehouse holding the marts of
// testdata/marts.sql, built once per test run in a temporary file.
func testWarehouse(t testing.TB) *sql.DB {
	t.Helper()
	warehouseOnce.Do(func() {
		dir, err := os.MkdirTemp("", "agora-site-test-")
		if err != nil {
			warehouseErr = err
			return
		}
		warehousePath = filepath.Join(dir, "warehouse.duckdb")
		db, err := sql.Open("duckdb", warehousePath)
		if err != nil {
			warehouseErr = err
			return
		}
		defer db.Close()
		_, warehouseErr = db.Exec(martsSQL)
	})
	require.NoError(t, warehouseErr)
	db, err := sql.Open("duckdb", warehousePath+"?access_mode=read_only")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if warehousePath != "" {
		os.RemoveAll(filepath.Dir(warehousePath))
	}
	os.Exit(code)
}

// publishedAt is the fixed publication date of the test sites.
var publishedAt = time.Date(2025, 7, 10, 9, 0, 0, 0, time.UTC)

// writeTestSite writes the site of the test warehouse into a temporary folder.
func writeTestSite(t testing.TB) (string, *Summary) {
	t.Helper()
	db := testWarehouse(t)
	dir := filepath.Join(t.TempDir(), "site")
	var sum Summary
	require.NoError(t, Write(context.Background(), db, dir, Options{Now: publishedAt, Summary: &sum, tables: primaryTables{}}))
	return dir, &sum
}

func TestWrite(t *testing.T) {
	dir, sum := writeTestSite(t)
	t.Logf("%d pages, %d fichiers, année %d", len(sum.Pages), sum.Files, sum.Year)
	require.Equal(t, 2024, sum.Year)
	for _, p := range sum.Pages {
		require.FileExists(t, filepath.Join(dir, p))
	}
	// AGORA_SITE_OUT=DIR keeps a copy of the test site to look at.
	if out := os.Getenv("AGORA_SITE_OUT"); out != "" {
		require.NoError(t, Write(context.Background(), testWarehouse(t), out, Options{Now: publishedAt, tables: primaryTables{}}))
	}
}
