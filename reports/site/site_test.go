package site

import (
	"context"
	"database/sql"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
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
		n, orgs := fixtureSize()
		_, warehouseErr = db.Exec(fmt.Sprintf("SET VARIABLE nb_sorties = %d; SET VARIABLE nb_organismes = %d;\n", n, orgs) + martsSQL)
	})
	require.NoError(t, warehouseErr)
	db, err := sql.Open("duckdb", warehousePath+"?access_mode=read_only")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// fixtureSize is the number of exits and of training organisations of the
// test warehouse: AGORA_SITE_SORTIES and AGORA_SITE_ORGANISMES, by default
// 12 000 and 80 (the screenshots look more national with 60 000 and 300).
func fixtureSize() (int, int) {
	n, orgs := 12000, 80
	if v, err := strconv.Atoi(os.Getenv("AGORA_SITE_SORTIES")); err == nil && v > 0 {
		n = v
	}
	if v, err := strconv.Atoi(os.Getenv("AGORA_SITE_ORGANISMES")); err == nil && v > 0 {
		orgs = v
	}
	return n, orgs
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if warehousePath != "" {
		os.RemoveAll(filepath.Dir(warehousePath))
	}
	if siteDir != "" {
		os.RemoveAll(filepath.Dir(siteDir))
	}
	os.Exit(code)
}

// testCatalogue is the indicators catalogue of every test: it computes the
// disclosure-controlled publication of the test warehouse once and caches it.
var testCatalogue = indicators.New()

// publishedAt is the fixed publication date of the test sites.
var publishedAt = time.Date(2025, 7, 10, 9, 0, 0, 0, time.UTC)

var (
	siteOnce sync.Once
	siteDir  string
	siteSum  Summary
	siteErr  error
)

// writeTestSite writes the site of the test warehouse once per test run, in
// a temporary folder the tests only read.
func writeTestSite(t testing.TB) (string, *Summary) {
	t.Helper()
	db := testWarehouse(t)
	siteOnce.Do(func() {
		dir, err := os.MkdirTemp("", "agora-site-test-site-")
		if err != nil {
			siteErr = err
			return
		}
		siteDir = filepath.Join(dir, "site")
		siteErr = Write(context.Background(), db, siteDir, Options{Now: publishedAt, Summary: &siteSum, Catalogue: testCatalogue})
	})
	require.NoError(t, siteErr)
	return siteDir, &siteSum
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
		require.NoError(t, Write(context.Background(), testWarehouse(t), out, Options{Now: publishedAt, Catalogue: testCatalogue}))
	}
}
