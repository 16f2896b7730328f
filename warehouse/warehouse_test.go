package warehouse

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func setting(t *testing.T, s *Session, name string) string {
	t.Helper()
	var v string
	require.NoError(t, s.QueryRow(context.Background(), "SELECT current_setting($1)::VARCHAR", name).Scan(&v))
	return v
}

func TestOpenAppliesOptions(t *testing.T) {
	ctx := context.Background()
	tmp := filepath.Join(t.TempDir(), "spill")
	s, err := Open(ctx, Options{MemoryLimit: "1 Go", Threads: 1, TempDir: tmp})
	require.NoError(t, err)
	defer s.Close()
	for name, want := range map[string]string{
		"threads":                      "1",
		"memory_limit":                 "953.6 MiB", // 1 Go = 10^9 bytes, as DuckDB reads 1GB
		"temp_directory":               tmp,
		"autoinstall_known_extensions": "false",
		"autoload_known_extensions":    "false",
		"allow_community_extensions":   "false",
		"preserve_insertion_order":     "false",
		"disabled_compression_methods": "FSST,DICT_FSST",
	} {
		assert.Equal(t, want, setting(t, s, name), name)
	}
	// The settings are the database's: every pooled connection has them.
	s.DB().SetMaxIdleConns(4)
	conns := make([]string, 3)
	for i := range conns {
		c, err := s.DB().Conn(ctx)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.QueryRowContext(ctx, "SELECT current_setting('threads')::VARCHAR").Scan(&conns[i]))
	}
	assert.Equal(t, []string{"1", "1", "1"}, conns)

	var one int
	require.NoError(t, s.QueryRow(ctx, "SELECT 1").Scan(&one))
	used, err := s.MemoryUsage(ctx)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, used, int64(0))
}

func TestInMemoryTempDir(t *testing.T) {
	ctx := context.Background()
	a, err := Open(ctx, Options{})
	require.NoError(t, err)
	b, err := Open(ctx, Options{})
	require.NoError(t, err)
	ta, tb := a.Options().TempDir, b.Options().TempDir
	assert.NotEqual(t, ta, tb, "one spill directory per database")
	assert.Equal(t, ta, setting(t, a, "temp_directory"))
	assert.DirExists(t, ta)
	require.NoError(t, a.Close())
	require.NoError(t, b.Close())
	assert.NoDirExists(t, ta)
	assert.NoDirExists(t, tb)
}

func TestOpenDefaults(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "agora.duckdb")
	s, err := Open(ctx, Options{Path: path})
	require.NoError(t, err)
	defer s.Close()
	assert.Equal(t, Options{Path: path, MemoryLimit: "8GB", Threads: runtime.NumCPU(), TempDir: path + ".tmp"}, s.Options())
	assert.Equal(t, "7.4 GiB", setting(t, s, "memory_limit"), "8 GB = 8e9 bytes")
	assert.Equal(t, path+".tmp", setting(t, s, "temp_directory"))
	assert.Equal(t, "read_write", setting(t, s, "access_mode"))
	assert.FileExists(t, path)
}

func TestReadOnlyRejectsWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "agora.duckdb")
	s, err := Open(ctx, Options{Path: path})
	require.NoError(t, err)
	_, err = s.Exec(ctx, "CREATE TABLE mart AS SELECT 42 AS n")
	require.NoError(t, err)
	require.NoError(t, s.Close())

	ro, err := Open(ctx, Options{Path: path, ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	assert.Equal(t, "read_only", setting(t, ro, "access_mode"))
	var n int
	require.NoError(t, ro.QueryRow(ctx, "SELECT n FROM mart").Scan(&n))
	assert.Equal(t, 42, n)
	for _, stmt := range []string{
		"INSERT INTO mart VALUES (1)",
		"CREATE TABLE other (n INTEGER)",
		"CREATE VIEW v AS SELECT 1",
		"DROP TABLE mart",
	} {
		_, err := ro.Exec(ctx, stmt)
		assert.ErrorContains(t, err, "read-only", stmt)
	}
	require.NoError(t, ro.QueryRow(ctx, "SELECT count(*) FROM mart").Scan(&n))
	assert.Equal(t, 1, n)

	_, err = Open(ctx, Options{ReadOnly: true})
	assert.ErrorContains(t, err, "lecture seule")
	_, err = Open(ctx, Options{Path: filepath.Join(t.TempDir(), "absent.duckdb"), ReadOnly: true})
	assert.Error(t, err, "a read-only database must exist")
}

func TestOpenRefusesBadPaths(t *testing.T) {
	_, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "a?b.duckdb")})
	assert.ErrorContains(t, err, "? et #")
}

func TestExtensionsCheck(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, Options{})
	require.NoError(t, err)
	defer s.Close()
	var loaded string
	require.NoError(t, s.QueryRow(ctx, `SELECT string_agg(extension_name, ',' ORDER BY extension_name) FROM duckdb_extensions()
		WHERE loaded AND extension_name IN ('parquet', 'json', 'icu')`).Scan(&loaded))
	assert.Equal(t, "icu,json,parquet", loaded)

	require.NoError(t, requireExtensions(ctx, s.DB(), "parquet", "json", "icu"))
	err = requireExtensions(ctx, s.DB(), "parquet", "tpch", "spatial")
	assert.ErrorContains(t, err, "non chargée(s) : tpch, spatial")

	// Nothing may be installed or auto-loaded.
	_, err = s.Exec(ctx, "SELECT * FROM tpch_queries()")
	assert.Error(t, err)
	// INSTALL fails at the extension directory, before any download: the
	// error names the null device, not a repository.
	for _, stmt := range []string{"INSTALL spatial", "INSTALL httpfs FROM core", "FORCE INSTALL httpfs FROM 'http://extensions.duckdb.org'", "LOAD spatial"} {
		_, err = s.Exec(ctx, stmt)
		if assert.Error(t, err, stmt) {
			assert.Contains(t, err.Error(), os.DevNull, stmt)
		}
	}
}
