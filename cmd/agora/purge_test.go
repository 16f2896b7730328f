package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
)

// dsnRow is the one column a lake needs to hold DSN for PurgeDSN to look
// for dossiers.
type dsnRow struct {
	Pseudo string `parquet:"pseudo"`
}

// TestPurgeErrorKinds checks through the root command which errors of
// agora purge are the user's: a lake with DSN and no dossier and a corrupt
// manifest are, with the lake's French messages; an unreadable manifests
// folder is an internal error.
func TestPurgeErrorKinds(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "lake")
	lk, err := lake.Open(root)
	require.NoError(t, err)
	txn, err := lk.Begin("dsn_extrait", lake.Source{Name: "dsn.csv", SHA256: fmt.Sprintf("%064x", 1), Size: 1})
	require.NoError(t, err)
	w, err := lake.NewWriter[dsnRow](txn, "dsn_extrait", []lake.Partition{{Key: "mois", Value: "2024-01-01"}}, lake.WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write([]dsnRow{{Pseudo: "p1"}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	m, err := txn.Commit(lake.Summary{Rows: []lake.Rows{{Read: 1, Landed: 1}}})
	require.NoError(t, err)

	// DSN and no dossier: the user's, with --delai-sans-dossier in the message.
	out, msgs, err := runAgora("--data", dir, "purge", "--delai-sans-dossier", "3")
	var ue *userError
	require.ErrorAs(t, err, &ue, msgs)
	assert.Same(t, ue, asUserError(err))
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, "lake : le lac "+root+" contient de la DSN mais aucun dossier : la purge effacerait toute la DSN de plus de 3 mois ; chargez d'abord les dossiers et les événements", ue.msg)
	assert.Empty(t, out)

	// A corrupt manifest: the user's, who restores it from a backup.
	path := filepath.Join(root, "_manifests", m.ID+".json")
	require.NoError(t, os.WriteFile(path, []byte("{pas du JSON"), 0o644))
	out, msgs, err = runAgora("--data", dir, "purge")
	assert.ErrorIs(t, err, lake.ErrCorruptManifest)
	ue = asUserError(err)
	require.NotNil(t, ue, "%v %s", err, msgs)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, "lake : manifeste illisible "+path+" : invalid character 'p' looking for beginning of object key string ; restaurez-le depuis une sauvegarde", ue.msg)
	assert.Empty(t, out)

	// The manifests folder unreadable: an internal error.
	manifests := filepath.Join(root, "_manifests")
	require.NoError(t, os.RemoveAll(manifests))
	require.NoError(t, os.WriteFile(manifests, nil, 0o644))
	_, msgs, err = runAgora("--data", dir, "purge")
	require.Error(t, err, msgs)
	assert.Nil(t, asUserError(err), "%v", err)
	assert.ErrorContains(t, err, "lake : lecture des manifestes dans "+manifests)
}

// TestBuildCorruptManifest checks that agora build reports a corrupt
// manifest as the user's error, on stderr and in --json.
func TestBuildCorruptManifest(t *testing.T) {
	dir := t.TempDir()
	manifests := filepath.Join(dir, "lake", "_manifests")
	require.NoError(t, os.MkdirAll(manifests, 0o755))
	path := filepath.Join(manifests, "00000001-1a2b3c4d.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"id":"00000002-1a2b3c4d"}`), 0o644))
	want := "lake : le manifeste " + path + " déclare l'identifiant \"00000002-1a2b3c4d\" : fichier renommé ou corrompu, restaurez-le depuis une sauvegarde"

	_, msgs, err := runAgora("--data", dir, "build")
	var ue *userError
	require.ErrorAs(t, err, &ue, msgs)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, want, ue.msg)

	out, msgs, err := runAgora("--data", dir, "--json", "build")
	require.ErrorAs(t, err, &ue, msgs)
	assert.Equal(t, want, ue.msg)
	var got buildOutput
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.Equal(t, want, got.Error)
}
