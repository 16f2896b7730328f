package runner

import (
	"context"
	"fmt"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/warehouse"
)

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
// the manifest asOf ("" = the latest), and returns the id of that manifest ("" for an empty lake). Datasets
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
	return snap.AsOf, nil
}
