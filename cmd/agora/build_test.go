package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/chain"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/sql/runner"
)

// runAgora runs agora with args as main does and returns its standard
// output, its messages (standard error) and the error main reports.
func runAgora(args ...string) (stdout, stderr string, err error) {
	var out, msgs bytes.Buffer
	root := newRootTo(&out, &msgs)
	root.SetArgs(args)
	err = execute(context.Background(), root)
	return out.String(), msgs.String(), err
}

// TestBuildUnknownAsOf checks that a typo in --au is a user error saying
// what a valid id is and where the ids are, with and without --json.
func TestBuildUnknownAsOf(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	lk, err := lake.Open(root)
	require.NoError(t, err)

	// Empty lake: says to land first.
	out, msgs, err := runAgora("--data", dir, "build", "--au", "nope")
	var ue *userError
	require.ErrorAs(t, err, &ue, msgs)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, "--au : chargement « nope » inconnu dans le lac "+root+" : un identifiant de chargement s'écrit "+
		"8 chiffres, un tiret et 8 chiffres hexadécimaux (ex. 00000042-1a2b3c4d) ; ce lac ne contient encore aucun "+
		"chargement validé : chargez d'abord des livraisons avec « agora land » (ou lancez « agora demo »)", ue.msg)
	assert.Empty(t, out)
	assert.Empty(t, msgs)

	// One landing: it is named as a valid id.
	txn, err := lk.Begin("enveloppes", lake.Source{Name: "env.csv", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Size: 1})
	require.NoError(t, err)
	m, err := txn.Commit(lake.Summary{Rows: []lake.Rows{{}}, SchemaVersion: "1"})
	require.NoError(t, err)
	manifests := filepath.Join(root, "_manifests")

	out, msgs, err = runAgora("--data", dir, "build", "--au", "nope")
	require.ErrorAs(t, err, &ue, msgs)
	assert.Contains(t, ue.msg, "--au : chargement « nope » inconnu dans le lac "+root+" : un identifiant de chargement s'écrit 8 chiffres")
	assert.Contains(t, ue.msg, " ; les identifiants valides sont les noms des fichiers de "+manifests+", sans « .json » (ls "+manifests+")")
	assert.Contains(t, ue.msg, " ; les plus récents : "+m.ID+" (chargement du flux enveloppes, ")
	assert.NotContains(t, ue.msg, "agora land")
	assert.Empty(t, out)
	assert.Empty(t, msgs)

	// --json: the same user error, and the same message in the "error" field
	// of the JSON output, alone on standard output.
	out, msgs, err = runAgora("--data", dir, "--json", "build", "--au", "00000099-deadbeef")
	require.ErrorAs(t, err, &ue, msgs)
	assert.Empty(t, msgs)
	var got buildOutput
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.Equal(t, ue.msg, got.Error)
	assert.Contains(t, got.Error, "--au : chargement « 00000099-deadbeef » inconnu dans le lac "+root+" : aucun manifeste ne porte cet identifiant ; ")
	assert.Contains(t, got.Error, m.ID)
	assert.Empty(t, got.Warehouse)
	assert.Empty(t, got.Models)
}

// TestBuildUserErrorsByType checks which build errors are the user's.
func TestBuildUserErrorsByType(t *testing.T) {
	assert.NotNil(t, buildUserError(&lake.UnknownManifestError{ID: "x", Root: "/lac"}))
	assert.NotNil(t, buildUserError(fmt.Errorf("chargement : %w", &lake.UnknownManifestError{ID: "x", Root: "/lac"})))
	assert.NotNil(t, buildUserError(&runner.TestFailure{}))
	assert.NotNil(t, buildUserError(fmt.Errorf("%w : « x »", runner.ErrUnknownModel)))
	assert.NotNil(t, buildUserError(fmt.Errorf("instantané : %w", &lake.CorruptManifestError{Path: "/lac/m.json", ID: "x"})))
	assert.Nil(t, buildUserError(&lake.AlreadyLandedError{}))
	assert.Nil(t, buildUserError(assert.AnError))
}

// TestBuildHow checks how the summary of a build names its kind: never
// « construction complète : construction partielle ».
func TestBuildHow(t *testing.T) {
	const next = "le cache n'est ni lu ni mis à jour : la prochaine construction sera complète"
	partial := chain.BuildResult{Why: "construction partielle (--select, --au ou --intermediaires)"}
	incremental := chain.BuildResult{Report: runner.Report{Incremental: true, Models: []runner.ModelResult{
		{Name: "a", Materialized: runner.Table, Mode: runner.Unchanged},
		{Name: "b", Materialized: runner.Table},
		{Name: "c", Materialized: runner.View},
	}}}
	for _, c := range []struct {
		res      chain.BuildResult
		selected []string
		asOf     bool
		keep     bool
		want     string
	}{
		{partial, []string{"etat_donnees"}, false, false, "construction partielle : etat_donnees et les modèles qu'il lit, les autres marts repris de l'entrepôt en place ; avec --select, " + next},
		{partial, []string{"a", "b"}, true, false, "construction partielle : a, b et les modèles qu'ils lisent, les autres marts repris de l'entrepôt en place ; avec --select, --au, " + next},
		{partial, nil, true, false, "construction complète ; avec --au, " + next},
		{partial, nil, false, true, "construction complète, modèles staging et intermediate gardés dans l'entrepôt ; avec --intermediaires, " + next},
		{chain.BuildResult{Why: "construction complète demandée"}, nil, false, false, "construction complète : construction complète demandée"},
		{chain.BuildResult{Why: "le cache ne correspond pas à l'entrepôt en place"}, nil, false, false, "construction complète : le cache ne correspond pas à l'entrepôt en place"},
		{incremental, nil, false, false, "construction incrémentale : 1 modèle(s) recalculé(s), les autres repris de la précédente"},
	} {
		assert.Equal(t, c.want, buildHow(c.res, c.selected, c.asOf, c.keep))
	}
}

// TestBuildList checks the list of models: a reference table, whose values
// are in its SQL, reads « rien » rather than an empty « lit : ».
func TestBuildList(t *testing.T) {
	out, msgs, err := runAgora("--data", t.TempDir(), "build", "--list")
	require.NoError(t, err, msgs)
	assert.Contains(t, out, "staging       ref_domaines_nsf             lit : (rien : table de référence)\n")
	assert.Contains(t, out, "staging       ref_correspondance_nsf_naf   lit : ref_domaines_nsf, ref_sections_naf\n")
	assert.NotContains(t, out, "lit : \n")
}

// TestBuildHelpRows checks that the help says what rows means in --json,
// with the runner's values.
func TestBuildHelpRows(t *testing.T) {
	out, _, err := runAgora("build", "--help")
	require.NoError(t, err)
	assert.Contains(t, out, "Deux valeurs de rows ne sont pas des nombres de lignes : -1 pour une vue (calculée par\n"+
		"les modèles qui la lisent) et -2 pour un modèle repris tel quel de la construction\nprécédente (mode inchangé)")
}
