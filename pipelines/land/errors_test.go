package land

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/pipelines/pseudo"
)

// TestInputError checks that Run says which of its errors the user can fix
// by their type: an *InputError with the message of today for the user's
// mistakes, any other error for a lake that cannot be read.
func TestInputError(t *testing.T) {
	data := csvFile(header("enveloppes"), row("enveloppes", nil))
	tests := []struct {
		name  string
		run   func(t *testing.T, e *env) error
		input bool
		msg   string // part of the message
	}{
		{"unknown feed", func(t *testing.T, e *env) error {
			_, err := Run(context.Background(), e.lake, e.key, []string{e.write("env.csv", data)}, Options{Feed: "xyz"})
			return err
		}, true, "flux « xyz » inconnu : choisissez parmi dossiers"},
		{"missing path", func(t *testing.T, e *env) error {
			_, err := Run(context.Background(), e.lake, e.key, []string{filepath.Join(e.in, "absent")}, Options{})
			return err
		}, true, "livraison introuvable : "},
		{"not a regular file", func(t *testing.T, e *env) error {
			_, err := Run(context.Background(), e.lake, e.key, []string{os.DevNull}, Options{})
			return err
		}, true, "n'est pas un fichier ordinaire"},
		{"no delivery", func(t *testing.T, e *env) error {
			e.write("vide/lisez-moi.txt", nil)
			_, err := Run(context.Background(), e.lake, e.key, []string{filepath.Join(e.in, "vide")}, Options{})
			return err
		}, true, "aucune livraison (*.csv, *.dsn) trouvée dans "},
		{"other key", func(t *testing.T, e *env) error {
			e.land(Options{}, e.write("env.csv", data))
			other, err := pseudo.NewKey([]byte(strings.Repeat("k", 40)))
			require.NoError(t, err)
			_, err = Run(context.Background(), e.lake, other, []string{e.write("env2.csv", data)}, Options{})
			return err
		}, true, "n'est pas celle des chargements précédents"},
		{"interrupted", func(t *testing.T, e *env) error {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			_, err := Run(ctx, e.lake, e.key, []string{e.write("env.csv", data)}, Options{})
			assert.ErrorIs(t, err, context.Canceled)
			return err
		}, true, "chargement interrompu : "},
		{"corrupt manifest", func(t *testing.T, e *env) error {
			require.NoError(t, os.WriteFile(filepath.Join(e.root, "lake", "_manifests", "00000001-1a2b3c4d.json"), []byte("{pas du JSON"), 0o644))
			_, err := Run(context.Background(), e.lake, e.key, []string{e.write("env.csv", data)}, Options{})
			return err
		}, false, "00000001-1a2b3c4d.json"},
		{"manifests folder is a file", func(t *testing.T, e *env) error {
			dir := filepath.Join(e.root, "lake", "_manifests")
			require.NoError(t, os.RemoveAll(dir))
			require.NoError(t, os.WriteFile(dir, nil, 0o644))
			_, err := Run(context.Background(), e.lake, e.key, []string{e.write("env.csv", data)}, Options{})
			return err
		}, false, "lake : lecture des manifestes dans "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run(t, newEnv(t))
			require.ErrorContains(t, err, tt.msg)
			var ie *InputError
			assert.Equal(t, tt.input, errors.As(err, &ie), "%v", err)
		})
	}
}
