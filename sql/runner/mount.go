package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/warehouse"
)

// LandingsTable is the table Mount creates beside the lake views: one row per
// committed manifest up to the mounted one. The lake's rows carry in _landing
// the token of the transaction that wrote them; this table gives its commit
// order (sequence), which is what "the latest landing wins" means.
const LandingsTable = "lake_chargements"

// LakeSchemas returns the lake datasets of the dictionary as the warehouse
// mounts them: every dataset the staging models read, with its typed columns.
func LakeSchemas() map[string][]warehouse.Column {
	out := map[string][]warehouse.Column{}
	for name, cols := range dictionary.LakeSchemas() {
		for _, c := range cols {
			out[name] = append(out[name], warehouse.Column{Name: c.Name, Type: c.Type})
		}
	}
	return out
}

// Mount exposes the lake at lakeRoot as the lake_* views of the session, as of
// the manifest asOf ("" = the latest), creates the table lake_chargements,
// and returns the id of that manifest ("" for an empty lake). Datasets
// without files are mounted as empty views.
func Mount(ctx context.Context, s *warehouse.Session, lakeRoot, asOf string) (string, error) {
	l, err := lake.Open(lakeRoot)
	if err != nil {
		return "", err
	}
	snap, err := l.Snapshot(asOf)
	if err != nil {
		return "", err
	}
	if err := s.MountLake(ctx, snap.Paths(), LakeSchemas()); err != nil {
		return "", fmt.Errorf("montage du lac %s : %w", lakeRoot, err)
	}
	ms, err := l.Manifests()
	if err != nil {
		return "", err
	}
	var rows []string
	for _, m := range ms {
		_, token, _ := strings.Cut(m.ID, "-")
		rows = append(rows, fmt.Sprintf("(%s, %s, %d, %s, %s, %s, %s)", sqlString(token), sqlString(m.ID), m.Seq(),
			sqlString(string(m.Kind)), sqlString(m.Feed), sqlTime(m.StartedAt.UTC().Format("2006-01-02 15:04:05")),
			sqlTime(m.FinishedAt.UTC().Format("2006-01-02 15:04:05"))))
		if m.ID == snap.AsOf {
			break
		}
	}
	stmts := []string{fmt.Sprintf(`CREATE OR REPLACE TABLE %s (
		_landing VARCHAR, manifeste VARCHAR, sequence BIGINT, type VARCHAR, flux VARCHAR, debut TIMESTAMP, fin TIMESTAMP)`, LandingsTable)}
	for len(rows) > 0 {
		n := min(len(rows), 1000)
		stmts = append(stmts, "INSERT INTO "+LandingsTable+" VALUES "+strings.Join(rows[:n], ", "))
		rows = rows[n:]
	}
	for _, q := range stmts {
		if _, err := s.DB().ExecContext(ctx, q); err != nil {
			return "", fmt.Errorf("table %s : %w", LandingsTable, err)
		}
	}
	return snap.AsOf, nil
}

func sqlTime(s string) string { return "TIMESTAMP " + sqlString(s) }
