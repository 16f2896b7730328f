package land

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Small files of one feed land in one transaction: one manifest, one row
// count per source, one Parquet file per dataset. Files land in the lexical
// order of their paths.
func TestBatches(t *testing.T) {
	e := newEnv(t)
	var paths []string
	for i := range 5 {
		paths = append(paths, e.write(fmt.Sprintf("a-env/%d.csv", i), csvFile(header("enveloppes"),
			row("enveloppes", map[string]string{"annee": strconv.Itoa(2020 + i)}),
			row("enveloppes", map[string]string{"annee": strconv.Itoa(2020 + i), "montant": "0"}))))
	}
	paths = append(paths, e.write("dos.csv", csvFile(header("dossiers"), row("dossiers", nil))))
	paths = append(paths, e.write("dos2.csv", csvFile(header("dossiers"), row("dossiers", nil)))) // same bytes as dos.csv
	s := e.land(Options{Workers: 1}, paths...)
	require.Len(t, s.Files, 7)
	ms, err := e.lake.Manifests()
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, "enveloppes", ms[0].Feed)
	require.Len(t, ms[0].Sources, 5)
	for i, src := range ms[0].Sources {
		assert.Equal(t, fmt.Sprintf("%d.csv", i), src.Name)
		assert.Equal(t, int64(2), src.Rows.Read)
		assert.Equal(t, int64(1), src.Rows.Landed)
		assert.Equal(t, map[string]int64{"OUT_OF_RANGE": 1}, src.Rows.QuarantinedByRule)
		assert.Equal(t, ms[0].ID, s.Files[i].Manifest)
	}
	assert.Equal(t, StatusAlready, s.Files[6].Status)
	assert.Equal(t, s.Files[5].Manifest, s.Files[6].Manifest)
	assert.Equal(t, []string{"dossiers/" + tokenOf(ms[1].ID) + "-00001.parquet", "enveloppes/" + tokenOf(ms[0].ID) + "-00002.parquet",
		"quarantaine/" + tokenOf(ms[0].ID) + "-00001.parquet"}, parquetFiles(e))
	assert.Equal(t, [][]string{{"5", "5"}}, rows(t, e.db(), "SELECT count(*), count(DISTINCT fichier) FROM quarantaine"))
}

func tokenOf(id string) string { return id[len(id)-8:] }

// A file that fails within a batch does not hold back the others: the batch
// is landed again file by file.
func TestBatchFallback(t *testing.T) {
	e := newEnv(t)
	var paths []string
	for i := range 4 {
		paths = append(paths, e.write(fmt.Sprintf("%d.csv", i), csvFile(header("enveloppes"), row("enveloppes", map[string]string{"annee": strconv.Itoa(2020 + i)}))))
	}
	failpoint = func(p string) error {
		if p == "fichier:2.csv" {
			return errCrash
		}
		return nil
	}
	t.Cleanup(func() { failpoint = nil })
	s := e.land(Options{}, paths...)
	var st []Status
	for _, f := range s.Files {
		st = append(st, f.Status)
	}
	assert.Equal(t, []Status{StatusLanded, StatusLanded, StatusFailed, StatusLanded}, st)
	assert.Contains(t, s.Files[2].Error, "panne simulée")
	ms, err := e.lake.Manifests()
	require.NoError(t, err)
	assert.Len(t, ms, 3)
	assert.Equal(t, [][]string{{"3"}}, rows(t, e.db(), "SELECT count(*) FROM enveloppes"))

	failpoint = nil
	s = e.land(Options{}, paths...)
	assert.Equal(t, 3, s.Count(StatusAlready))
	assert.Equal(t, 1, s.Count(StatusLanded))
}

// A cancelled landing stops, says so, and leaves nothing half-visible.
func TestCancel(t *testing.T) {
	e := newEnv(t)
	var paths []string
	for i := range 6 {
		paths = append(paths, e.write(fmt.Sprintf("%d.csv", i), csvFile(header("enveloppes"), row("enveloppes", map[string]string{"annee": strconv.Itoa(2020 + i)}))))
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s, err := Run(ctx, e.lake, e.key, paths, Options{})
	require.ErrorContains(t, err, "chargement interrompu")
	assert.Empty(t, s.Files)
	ms, err := e.lake.Manifests()
	require.NoError(t, err)
	assert.Empty(t, ms)
	assert.Empty(t, parquetFiles(e))
}
