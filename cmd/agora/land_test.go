package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

const envelopes = "code_financeur;code_dispositif;annee;montant;date_transmission\n" +
	"FT;AIF;2024;1000000;2024-07-01T10:00:00\n" +
	"FT;AIF;2025;-5;2024-07-01T10:00:00\n"

func TestLandCommand(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv(pseudo.EnvKeyFile, "")
	t.Setenv(pseudo.EnvKey, "")
	dir := t.TempDir()
	in := filepath.Join(t.TempDir(), "livraisons")
	require.NoError(t, os.MkdirAll(in, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(in, "env.csv"), []byte(envelopes), 0o644))

	// Without a key: refused, and told how to make one.
	out, err := runCmd(dir, false, landCmd, in)
	var ue *userError
	require.ErrorAs(t, err, &ue, out)
	assert.Contains(t, ue.msg, "pas de clé de pseudonymisation")
	assert.Contains(t, ue.msg, "openssl rand -hex 32")

	// A key file inside the data root: refused.
	inside := filepath.Join(dir, "cle")
	require.NoError(t, os.WriteFile(inside, []byte("0123456789abcdef0123456789abcdef"), 0o600))
	_, err = runCmd(dir, false, landCmd, "--cle", inside, in)
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "est dans la racine des données")

	t.Setenv(pseudo.EnvKey, "0123456789abcdef0123456789abcdef")
	out, err = runCmd(dir, false, landCmd, in)
	require.NoError(t, err, out)
	assert.Contains(t, out, "env.csv")
	assert.Contains(t, out, "OUT_OF_RANGE 1")
	assert.Contains(t, out, "Fichiers : 1 chargé")

	out, err = runCmd(dir, true, landCmd, in)
	require.NoError(t, err, out)
	var sum land.Summary
	require.NoError(t, json.Unmarshal([]byte(out), &sum), out)
	require.Len(t, sum.Files, 1)
	assert.Equal(t, land.StatusAlready, sum.Files[0].Status)

	// A refused file makes the command fail after its summary.
	require.NoError(t, os.WriteFile(filepath.Join(in, "mauvais.csv"), []byte("a;b\n1;2\n"), 0o644))
	out, err = runCmd(dir, false, landCmd, in)
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, "1 fichier(s) refusé(s) : voir les messages ci-dessus ; l'autre fichier est chargé.", ue.msg)
	assert.Contains(t, out, "Refusé — mauvais.csv : en-tête non reconnu")

	// The only file given is refused: no other file to speak of.
	_, _, err = runAgora("--data", dir, "land", filepath.Join(in, "mauvais.csv"))
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "1 fichier(s) refusé(s) : voir les messages ci-dessus ; aucun fichier n'a été chargé.", ue.msg)

	// A delivery given to --data: the root is a file.
	delivery := filepath.Join(in, "env.csv")
	_, _, err = runAgora("--data", delivery, "land", in)
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "la racine des données "+delivery+" est un fichier, pas un dossier : --data attend le dossier des données (par exemple ./data) ; "+
		"les fichiers à charger se donnent après la commande, par exemple « agora land --data ./data livraisons/ »", ue.msg)
	// A root under a file: no Go error.
	_, _, err = runAgora("--data", filepath.Join(delivery, "racine"), "land", in)
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "impossible de créer la racine des données "+filepath.Join(delivery, "racine")+" : un élément de ce chemin est un fichier, pas un dossier ; indiquez un autre dossier avec --data", ue.msg)

	_, err = runCmd(dir, false, landCmd, "--feed", "xyz", in)
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "flux « xyz » inconnu")
}

// TestLandErrorKinds checks that agora land sorts the errors of land.Run by
// their type: a delivery that does not exist is the user's to fix (its
// message as it is, status 1), a corrupt manifest of the lake is an internal
// error (not a *userError: main prints it as « agora : erreur : … »).
func TestLandErrorKinds(t *testing.T) {
	t.Setenv(pseudo.EnvKeyFile, "")
	t.Setenv(pseudo.EnvKey, "0123456789abcdef0123456789abcdef")
	dir := t.TempDir()
	in := filepath.Join(t.TempDir(), "livraisons")
	require.NoError(t, os.MkdirAll(in, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(in, "env.csv"), []byte(envelopes), 0o644))

	absent := filepath.Join(in, "absent.csv")
	out, msgs, err := runAgora("--data", dir, "land", absent)
	var ue *userError
	require.ErrorAs(t, err, &ue, msgs)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, "livraison introuvable : "+absent+" (vérifiez le chemin)", ue.msg)
	assert.Same(t, ue, asUserError(err))
	assert.Empty(t, out)

	manifests := filepath.Join(dir, "lake", "_manifests")
	require.NoError(t, os.MkdirAll(manifests, 0o755))
	corrupt := filepath.Join(manifests, "00000001-1a2b3c4d.json")
	require.NoError(t, os.WriteFile(corrupt, []byte("{pas du JSON"), 0o644))
	out, msgs, err = runAgora("--data", dir, "land", in)
	require.ErrorIs(t, err, lake.ErrCorruptManifest, msgs)
	ue = asUserError(err)
	require.NotNil(t, ue, "%v", err)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, "lake : manifeste illisible "+corrupt+" : invalid character 'p' looking for beginning of object key string ; restaurez-le depuis une sauvegarde", ue.msg)
	assert.Empty(t, out)

	// The manifests folder unreadable: an internal error.
	require.NoError(t, os.RemoveAll(manifests))
	require.NoError(t, os.WriteFile(manifests, nil, 0o644))
	out, msgs, err = runAgora("--data", dir, "land", in)
	require.Error(t, err, msgs)
	assert.Nil(t, asUserError(err), "%v", err)
	assert.ErrorContains(t, err, "lake : lecture des manifestes dans "+manifests)
	assert.Empty(t, out)
}
