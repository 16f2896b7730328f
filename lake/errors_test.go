package lake

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSnapshotUnknownManifest(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	dir := filepath.Join(l.Root(), manifestsDir)

	// An empty lake: nothing to list.
	_, err = l.Snapshot("00000001-deadbeef")
	var unknown *UnknownManifestError
	require.ErrorAs(t, err, &unknown)
	assert.ErrorIs(t, err, ErrUnknownManifest)
	assert.Empty(t, unknown.Recent)
	assert.Equal(t, "chargement « 00000001-deadbeef » inconnu dans le lac "+l.Root()+
		" : aucun manifeste ne porte cet identifiant ; ce lac ne contient encore aucun chargement validé", err.Error())

	// Four manifests: the three latest are named, newest first.
	var ms []Manifest
	for _, label := range []string{"a", "b", "c", "d"} {
		ms = append(ms, land(t, l, "dossiers", src(label), "dossiers", [][]Partition{{{"code_financeur", "FT"}}}, 1))
	}
	_, err = l.Snapshot("nope")
	require.ErrorAs(t, err, &unknown)
	assert.True(t, errors.Is(err, ErrUnknownManifest))
	assert.Equal(t, "nope", unknown.ID)
	assert.Equal(t, l.Root(), unknown.Root)
	require.Len(t, unknown.Recent, 3)
	assert.Equal(t, []string{ms[3].ID, ms[2].ID, ms[1].ID}, []string{unknown.Recent[0].ID, unknown.Recent[1].ID, unknown.Recent[2].ID})
	msg := err.Error()
	assert.Contains(t, msg, "chargement « nope » inconnu dans le lac "+l.Root())
	assert.Contains(t, msg, "un identifiant de chargement s'écrit 8 chiffres, un tiret et 8 chiffres hexadécimaux (ex. 00000042-1a2b3c4d)")
	assert.Contains(t, msg, "les identifiants valides sont les noms des fichiers de "+dir+", sans « .json » (ls "+dir+")")
	assert.Contains(t, msg, "les plus récents : "+ms[3].ID+" (chargement du flux dossiers, ")
	assert.NotContains(t, msg, ms[0].ID)

	// A well-formed id that no manifest has.
	_, err = l.Snapshot("00000009-deadbeef")
	require.ErrorAs(t, err, &unknown)
	assert.Contains(t, err.Error(), "« 00000009-deadbeef » inconnu dans le lac "+l.Root()+" : aucun manifeste ne porte cet identifiant ; ")

	// Long or invalid input is shortened and made valid UTF-8 in the message.
	_, err = l.Snapshot(string([]byte{0xff}) + "0123456789012345678901234567890123456789012345678901234567890123456789")
	require.ErrorIs(t, err, ErrUnknownManifest)
	assert.Contains(t, err.Error(), "« ?01234567890123456789012345678901234567890123456789012345678… »")

	// Other errors are not unknown manifests.
	assert.NotErrorIs(t, &AlreadyLandedError{}, ErrUnknownManifest)
}
