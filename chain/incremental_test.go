package chain

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/warehouse"
)

// holdBackMonth moves the DSN files of one month (yyyymm in their names:
// dsn_extrait_202512.csv, <siret>_202512_<n>.dsn) from deliveries to dst,
// and returns how many it moved.
func holdBackMonth(t testing.TB, deliveries, yyyymm, dst string) int {
	t.Helper()
	n := 0
	for _, feed := range []string{"dsn_extrait", "dsn"} {
		files, err := filepath.Glob(filepath.Join(deliveries, feed, "*_"+yyyymm+"*"))
		require.NoError(t, err)
		n += moveFiles(t, files, filepath.Join(dst, feed))
	}
	return n
}

// moveFiles moves files into the folder dst, and returns how many.
func moveFiles(t testing.TB, files []string, dst string) int {
	t.Helper()
	require.NoError(t, os.MkdirAll(dst, 0o755))
	for _, f := range files {
		require.NoError(t, os.Rename(f, filepath.Join(dst, filepath.Base(f))))
	}
	return len(files)
}

// modes returns model → build mode.
func modes(rep runner.Report) map[string]string {
	out := map[string]string{}
	for _, m := range rep.Models {
		out[m.Name] = m.Mode
	}
	return out
}

// A new DSN month landed after a build: the next build is incremental, it
// recomputes only the models the month can change, and every mart is the
// one a full rebuild gives.
func TestIncrementalRefreshEqualsFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, lands and builds a sample four times")
	}
	ctx := context.Background()
	opts := testOptions(t, 3000)
	deliveries := generated(t, opts)
	later := filepath.Join(t.TempDir(), "decembre")
	require.Positive(t, holdBackMonth(t, deliveries, "202512", later))

	_, err := Land(ctx, opts, []string{deliveries})
	require.NoError(t, err)
	first, err := BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	assert.False(t, first.Incremental)
	assert.Equal(t, "première construction (pas de cache)", first.Why)

	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: "2GB", Threads: 2})
	require.NoError(t, err)
	defer s.Close()
	november := marts(t, s.DB(), opts.Root.Marts())

	// Nothing landed: everything is reused, the marts stay.
	same, err := BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	require.True(t, same.Incremental, same.Why)
	for name, mode := range modes(same.Report) {
		if mode != runner.Unchanged { // views only: they cost nothing
			assert.Contains(t, []string{"stg_dsn", "int_contrats_mois"}, name, "%s rebuilt (%s) though nothing was landed", name, mode)
		}
	}
	assertSameMarts(t, november, marts(t, s.DB(), opts.Root.Marts()), "a build with nothing new")

	// December lands: an incremental build.
	_, err = Land(ctx, opts, []string{later})
	require.NoError(t, err)
	inc, err := BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	require.True(t, inc.Incremental, inc.Why)
	m := modes(inc.Report)
	for name, want := range map[string]string{
		"stg_dossiers":                runner.Unchanged, // no new dossier
		"int_dossiers":                runner.Unchanged,
		"int_mois_cibles":             runner.Unchanged, // targets depend on dossiers only
		"int_fenetres_dsn":            runner.Unchanged, // windows too
		"financement_dispositif":      runner.Unchanged,
		"stg_couverture":              runner.Full, // one row, recomputed
		"int_emploi_mois":             runner.Partial,
		"int_sortants":                runner.Partial,
		"resultats_dossiers":          runner.Partial,
		"insertion_dispositif_region": runner.Full, // an aggregate of int_sortants
	} {
		assert.Equal(t, want, m[name], name)
	}
	december := marts(t, s.DB(), opts.Root.Marts())
	assert.NotEqual(t, november["resultats_dossiers.parquet"], december["resultats_dossiers.parquet"], "December changes exits' situations")
	assert.NotEqual(t, november["etat_donnees.parquet"], december["etat_donnees.parquet"], "the data date moves to December")

	// A full rebuild of the same lake gives the same marts.
	full, err := BuildWith(ctx, opts, BuildOptions{Full: true})
	require.NoError(t, err)
	assert.False(t, full.Incremental)
	assert.Equal(t, "construction complète demandée", full.Why)
	assertSameMarts(t, marts(t, s.DB(), opts.Root.Marts()), december, "an incremental build")

	// What the incremental build cannot absorb makes a full one, saying why.
	l, err := lake.Open(opts.Root.Lake())
	require.NoError(t, err)
	_, err = lake.Compact(ctx, l, lake.CompactOptions{DB: s.DB()})
	require.NoError(t, err)
	after, err := BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	assert.False(t, after.Incremental)
	assert.True(t, strings.HasPrefix(after.Why, "fichiers retirés du lac"), after.Why)

	_, err = BuildWith(ctx, opts, BuildOptions{Select: []string{"insertion_financeur"}})
	require.NoError(t, err)
	sel, err := BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	assert.False(t, sel.Incremental, "a --select build leaves a warehouse the cache does not match")
	assert.Equal(t, "le cache ne correspond pas à l'entrepôt en place", sel.Why)

	require.NoError(t, os.Remove(opts.Root.Cache()))
	gone, err := BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	assert.False(t, gone.Incremental)
	assert.Equal(t, "première construction (pas de cache)", gone.Why)
	assertSameMarts(t, december, marts(t, s.DB(), opts.Root.Marts()), "compaction and full builds")
}

// holdBackPartner moves the files of the last transmission of a partner
// (dossiers_FT_20260107.csv, evenements_FT_…, financements_FT_…) from
// deliveries to dst, and returns how many it moved.
func holdBackPartner(t testing.TB, deliveries, partner, dst string) int {
	t.Helper()
	n := 0
	for _, feed := range []string{"dossiers", "evenements", "financements"} {
		files, err := filepath.Glob(filepath.Join(deliveries, feed, feed+"_"+partner+"_*.csv"))
		require.NoError(t, err)
		require.NotEmpty(t, files, "%s of %s", feed, partner)
		// Names end with the transmission date: the last one.
		n += moveFiles(t, files[len(files)-1:], filepath.Join(dst, feed))
	}
	return n
}

// New deliveries of dossiers, events and funding landed after a build, alone
// and then with a new DSN month: each next build is incremental, recomputes
// the changed dossiers and their persons only, and gives the marts of a full
// rebuild.
func TestIncrementalDossiersEqualsFullBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("generates, lands and builds a sample five times")
	}
	ctx := context.Background()
	opts := testOptions(t, 3000)
	deliveries := generated(t, opts)
	ft := filepath.Join(t.TempDir(), "ft")
	require.Equal(t, 3, holdBackPartner(t, deliveries, "FT", ft))
	later := filepath.Join(t.TempDir(), "decembre")
	require.Equal(t, 3, holdBackPartner(t, deliveries, "CDC", later))
	require.Positive(t, holdBackMonth(t, deliveries, "202512", later))

	_, err := Land(ctx, opts, []string{deliveries})
	require.NoError(t, err)
	_, err = BuildWith(ctx, opts, BuildOptions{})
	require.NoError(t, err)
	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: "2GB", Threads: 2})
	require.NoError(t, err)
	defer s.Close()
	before := marts(t, s.DB(), opts.Root.Marts())

	for _, step := range []struct {
		name, dir string
		want      map[string]string
	}{
		{"the last transmission of France Travail", ft, map[string]string{
			"stg_dossiers":           runner.Partial,
			"stg_evenements":         runner.Partial,
			"stg_financements":       runner.Partial,
			"int_dossiers":           runner.Partial,
			"int_fenetres_dsn":       runner.Partial,
			"int_mois_cibles":        runner.Partial,
			"int_emploi_mois":        runner.Partial, // the persons of the changed dossiers
			"int_sortants":           runner.Partial,
			"resultats_dossiers":     runner.Partial,
			"stg_couverture":         runner.Unchanged, // no new DSN
			"stg_enveloppes":         runner.Unchanged,
			"financement_dispositif": runner.Full, // an aggregate of the funding
		}},
		{"the last transmission of the Caisse des dépôts, with December's DSN", later, map[string]string{
			"stg_dossiers":    runner.Partial,
			"int_emploi_mois": runner.Partial, // the changed months and persons
			"stg_couverture":  runner.Full,
			"int_sortants":    runner.Partial,
		}},
	} {
		_, err = Land(ctx, opts, []string{step.dir})
		require.NoError(t, err)
		inc, err := BuildWith(ctx, opts, BuildOptions{})
		require.NoError(t, err)
		require.True(t, inc.Incremental, "%s: %s", step.name, inc.Why)
		m := modes(inc.Report)
		for name, want := range step.want {
			assert.Equal(t, want, m[name], "%s: %s", step.name, name)
		}
		got := marts(t, s.DB(), opts.Root.Marts())
		assert.NotEqual(t, before["resultats_dossiers.parquet"], got["resultats_dossiers.parquet"], "%s changes exits", step.name)
		_, err = BuildWith(ctx, opts, BuildOptions{Full: true})
		require.NoError(t, err)
		assertSameMarts(t, marts(t, s.DB(), opts.Root.Marts()), got, "an incremental build after "+step.name)
		before = got
	}
}
