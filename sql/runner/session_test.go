package runner

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// failingRestore is a connection on which putting preserve_insertion_order
// back to true fails, as a broken connection would.
type failingRestore struct{ *sql.Conn }

func (c failingRestore) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if query == "SET preserve_insertion_order = true" {
		return nil, errors.New("connexion perdue")
	}
	return c.Conn.ExecContext(ctx, query, args...)
}

// A build restores what it changed in the session, and says when it cannot:
// the error of the restore is joined to the build's (none, or a test
// failure that errors.As still finds).
func TestBuildReportsRestoreErrors(t *testing.T) {
	ctx := context.Background()
	conn, err := openDB(t).Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A staging model only: the build sets preserve_insertion_order to false
	// (DuckDB's default is true) and must put it back.
	fsys := fstest.MapFS{"staging/s.sql": {Data: []byte("SELECT 1 AS k")}}
	_, err = Build(ctx, conn, Options{FS: fsys})
	var keep bool
	if err != nil || conn.QueryRowContext(ctx, "SELECT current_setting('preserve_insertion_order')").Scan(&keep) != nil || !keep {
		t.Fatalf("build = %v, preserve_insertion_order after it = %t", err, keep)
	}

	rep, err := Build(ctx, failingRestore{conn}, Options{FS: fsys})
	if err == nil || !strings.Contains(err.Error(), "remise en état de la session DuckDB") || !strings.Contains(err.Error(), "connexion perdue") {
		t.Errorf("err = %v, want the restore's error", err)
	}
	if len(rep.Models) != 1 || rep.Models[0].Rows != 1 {
		t.Errorf("report = %+v, want s built", rep.Models)
	}

	// The setting stayed false: put it back by hand, then fail a test.
	if _, err := conn.ExecContext(ctx, "SET preserve_insertion_order = true"); err != nil {
		t.Fatal(err)
	}
	fsys["staging/s.sql"] = &fstest.MapFile{Data: []byte("-- test: unique(k)\nSELECT 1 AS k UNION ALL SELECT 1")}
	_, err = Build(ctx, failingRestore{conn}, Options{FS: fsys})
	var tf *TestFailure
	if !errors.As(err, &tf) || !strings.Contains(err.Error(), "connexion perdue") {
		t.Errorf("err = %v, want the test failure and the restore's error", err)
	}
}
