package opendata

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/fixture"
)

// handmadeMarts is the models' hand-made dataset, as the marts its builds give
// (figures worked out by hand by the models' tests).
const handmadeMarts = "../../testdata/handmade/expected"

// TestHandmadeMarts publishes the open data from the marts of the models'
// hand-made dataset (about 30 dossiers): the catalogue reads the models' real
// columns and levels, every file validates against its schema, and with so
// few exits every count is hidden.
func TestHandmadeMarts(t *testing.T) {
	db := fixture.OpenMarts(t, handmadeMarts)
	dir := filepath.Join(t.TempDir(), "opendata")
	require.NoError(t, Write(context.Background(), db, dir, Meta{Generated: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)}))

	b, err := os.ReadFile(filepath.Join(dir, "schema.json"))
	require.NoError(t, err)
	var pkg Package
	require.NoError(t, json.Unmarshal(b, &pkg))
	cat := indicators.New()
	for _, res := range pkg.Resources {
		f, err := os.Open(filepath.Join(dir, res.Path))
		require.NoError(t, err)
		recs, err := readAll(f)
		f.Close()
		require.NoError(t, err)
		assert.Empty(t, validate(res, recs), res.Path)
		// Every published count of people or dossiers is at least 11, but
		// for the 0 of a count of observed exits (horizon not covered yet).
		for j, h := range recs[0] {
			in, ok := cat.Indicator(indicatorID(fileNamed(res.Name), h))
			if !ok || in.Kind != indicators.KindCount {
				continue
			}
			for _, r := range recs[1:] {
				if r[j] != "" && !(indicators.ObservedCount(in.ID) && r[j] == "0") {
					n, err := strconv.Atoi(r[j])
					assert.NoError(t, err)
					assert.GreaterOrEqual(t, n, 11, "%s %s", res.Path, h)
				}
			}
		}
	}
	// 27 exits in all: the national rows of 2024 and earlier are all below 11 per scheme.
	idr, err := os.ReadFile(filepath.Join(dir, "insertion_dispositif_region.csv"))
	require.NoError(t, err)
	assert.Contains(t, string(idr), "effectif < 11")
}

func fileNamed(name string) file {
	for _, f := range files() {
		if f.name == name {
			return f
		}
	}
	return file{}
}
