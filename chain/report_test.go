package chain

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/indicators/fixture"
)

// TestReportRefusedKeepsPublication: a warehouse the site refuses (no exit
// yet: a partner's first deliveries without any final exit) fails the report
// before anything published is replaced. The open data used to be rewritten,
// header only, before the site step failed.
func TestReportRefusedKeepsPublication(t *testing.T) {
	ctx := context.Background()
	root := dataroot.Root{Dir: t.TempDir()}
	db, err := sql.Open("duckdb", root.Warehouse())
	require.NoError(t, err)
	require.NoError(t, fixture.Build(ctx, db))
	// Every exit gone: the marts of exits are empty, funding stays.
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE table_name IN (
		SELECT table_name FROM duckdb_columns() WHERE column_name = 'nb_sortants') AND table_name <> 'etat_donnees'`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		tables = append(tables, name)
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, tables)
	for _, name := range tables {
		_, err := db.ExecContext(ctx, "DELETE FROM "+name)
		require.NoError(t, err)
	}
	require.NoError(t, db.Close())

	published := filepath.Join(root.OpenData(), "insertion_dispositif_region.csv")
	require.NoError(t, os.MkdirAll(root.OpenData(), 0o755))
	require.NoError(t, os.WriteFile(published, []byte("publication précédente\n"), 0o644))

	_, err = Report(ctx, Options{Root: root, Memory: "1GB", Threads: 2})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "aucune sortie de formation")
	b, err := os.ReadFile(published)
	require.NoError(t, err)
	assert.Equal(t, "publication précédente\n", string(b), "the open data in place must stay")
}
