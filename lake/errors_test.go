package lake

import (
	"context"
	"encoding/json"
	"errors"
	"os"
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

// TestErrorKinds checks that each error the user can act on matches its own
// sentinel and type, and no other, with its French message unchanged.
func TestErrorKinds(t *testing.T) {
	sentinels := []error{ErrAlreadyLanded, ErrUnknownManifest, ErrCorruptManifest, ErrNoDossiers}
	// manifestLake returns a lake with one landing whose manifest file is
	// then replaced by a file named name holding data, and the file's path.
	manifestLake := func(t *testing.T, name string, data func(orig []byte) []byte) (string, string) {
		root := t.TempDir()
		l, err := Open(root)
		require.NoError(t, err)
		m := land(t, l, "dossiers", src("a"), "dossiers", [][]Partition{{{"code_financeur", "FT"}}}, 1)
		dir := filepath.Join(root, manifestsDir)
		orig, err := os.ReadFile(filepath.Join(dir, m.ID+".json"))
		require.NoError(t, err)
		require.NoError(t, os.Remove(filepath.Join(dir, m.ID+".json")))
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data(orig), 0o644))
		return root, path
	}
	cases := []struct {
		name string
		run  func(t *testing.T) (err error, msg string)
		want error
	}{
		{"manifest not JSON", func(t *testing.T) (error, string) {
			root, path := manifestLake(t, "00000001-1a2b3c4d.json", func([]byte) []byte { return []byte("{pas du JSON") })
			l, err := Open(root)
			require.NoError(t, err)
			_, err = l.Manifests()
			var corrupt *CorruptManifestError
			require.ErrorAs(t, err, &corrupt)
			assert.Equal(t, path, corrupt.Path)
			var syntax *json.SyntaxError
			assert.ErrorAs(t, err, &syntax, "the decoding error is wrapped")
			return err, "lake : manifeste illisible " + path + " : invalid character 'p' looking for beginning of object key string ; restaurez-le depuis une sauvegarde"
		}, ErrCorruptManifest},
		{"manifest renamed", func(t *testing.T) (error, string) {
			var id string
			root, path := manifestLake(t, "00000007-1a2b3c4d.json", func(orig []byte) []byte {
				var m Manifest
				require.NoError(t, json.Unmarshal(orig, &m))
				id = m.ID
				return orig
			})
			l, err := Open(root)
			require.NoError(t, err)
			_, err = l.Manifests()
			var corrupt *CorruptManifestError
			require.ErrorAs(t, err, &corrupt)
			assert.Equal(t, id, corrupt.ID)
			assert.NoError(t, corrupt.Unwrap())
			return err, "lake : le manifeste " + path + " déclare l'identifiant \"" + id + "\" : fichier renommé ou corrompu, restaurez-le depuis une sauvegarde"
		}, ErrCorruptManifest},
		{"purge of DSN without dossiers", func(t *testing.T) (error, string) {
			l, err := Open(t.TempDir())
			require.NoError(t, err)
			landDSN(t, l, "L1", dsnRows("L1", 10, day(2024, 1, 1)))
			_, err = PurgeDSN(context.Background(), l, PurgeOptions{DB: openDuckDB(t), GraceMonths: 4})
			var none *NoDossiersError
			require.ErrorAs(t, err, &none)
			assert.Equal(t, NoDossiersError{Root: l.Root(), GraceMonths: 4}, *none)
			return err, "lake : le lac " + l.Root() + " contient de la DSN mais aucun dossier : la purge effacerait toute la DSN de plus de 4 mois ; chargez d'abord les dossiers et les événements"
		}, ErrNoDossiers},
		{"unknown manifest", func(t *testing.T) (error, string) {
			l, err := Open(t.TempDir())
			require.NoError(t, err)
			_, err = l.Snapshot("00000001-deadbeef")
			return err, "chargement « 00000001-deadbeef » inconnu dans le lac " + l.Root() + " : aucun manifeste ne porte cet identifiant ; ce lac ne contient encore aucun chargement validé"
		}, ErrUnknownManifest},
		{"already landed", func(t *testing.T) (error, string) {
			l, err := Open(t.TempDir())
			require.NoError(t, err)
			m := land(t, l, "dossiers", src("a"), "dossiers", [][]Partition{{{"code_financeur", "FT"}}}, 1)
			_, err = l.Begin("dossiers", src("a"))
			return err, "lake : fichier a.csv déjà chargé (flux dossiers, même contenu SHA-256 " + src("a").SHA256 + ") par le chargement " + m.ID + " ; rien n'a été modifié"
		}, ErrAlreadyLanded},
		{"manifests folder unreadable is none of them", func(t *testing.T) (error, string) {
			l, err := Open(t.TempDir())
			require.NoError(t, err)
			dir := filepath.Join(l.Root(), manifestsDir)
			require.NoError(t, os.Remove(dir))
			require.NoError(t, os.WriteFile(dir, nil, 0o644)) // a file where the folder should be
			_, err = l.Manifests()
			return err, "lake : lecture des manifestes dans " + dir + " : open " + dir + ": not a directory"
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err, msg := c.run(t)
			require.Error(t, err)
			assert.Equal(t, msg, err.Error())
			for _, s := range sentinels {
				if s == c.want {
					assert.ErrorIs(t, err, s)
				} else {
					assert.NotErrorIs(t, err, s)
				}
			}
		})
	}
}
