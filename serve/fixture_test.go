package serve

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators/fixture"
)

// buildWarehouse writes a warehouse file at path, as a build lands: the marts
// of package indicators' test fixture (hand-chosen cells where every
// disclosure rule triggers) or, with scaled > 0, its scaled version of about
// that many exits; written under a temporary name, then renamed onto path.
func buildWarehouse(t testing.TB, path string, scaled int) {
	t.Helper()
	tmp := path + ".construction"
	os.Remove(tmp)
	db, err := sql.Open("duckdb", tmp)
	require.NoError(t, err)
	if scaled > 0 {
		err = fixture.BuildScaled(context.Background(), db, scaled)
		if err == nil {
			// Sorted as sql/marts/resultats_dossiers.sql writes it, so that a
			// funder's rows sit together (DuckDB skips the other row groups).
			_, err = db.Exec(`CREATE OR REPLACE TABLE resultats_dossiers AS
				SELECT * FROM resultats_dossiers ORDER BY code_financeur, id_dossier`)
		}
	} else {
		err = fixture.Build(context.Background(), db)
	}
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.NoError(t, os.Rename(tmp, path))
}
