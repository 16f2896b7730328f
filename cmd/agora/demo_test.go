package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/chain"
	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

// TestDemoOptionErrors checks that bad options are the user's error, found
// before anything is written: no data root, no key.
func TestDemoOptionErrors(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv(pseudo.EnvKeyFile, "")
	t.Setenv(pseudo.EnvKey, "")
	dir := filepath.Join(t.TempDir(), "demo")

	out, msgs, err := runAgora("--data", dir, "demo", "--dossiers", "0")
	var ue *userError
	require.ErrorAs(t, err, &ue, msgs)
	assert.Equal(t, "nombre de dossiers invalide (0) : donnez un entier entre 1 et 100 000 000.", ue.msg)
	assert.Empty(t, out)
	assert.Empty(t, msgs)
	assert.NoDirExists(t, dir)
	assert.NoFileExists(t, pseudo.DefaultKeyFile())
}

// TestDemoInterrupted checks that an interrupted demo is the user's doing,
// said so, and not reported as an internal error.
func TestDemoInterrupted(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv(pseudo.EnvKeyFile, "")
	t.Setenv(pseudo.EnvKey, "0123456789abcdef0123456789abcdef")
	dir := filepath.Join(t.TempDir(), "demo")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	root := newRootTo(io.Discard, io.Discard)
	root.SetArgs([]string{"--data", dir, "demo", "--dossiers", "10"})
	err := execute(ctx, root)
	var ue *userError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "démonstration interrompue : relancez « agora demo » pour la reprendre depuis le début", ue.msg)
}

// TestDemoServeLine checks that the demo ends with the command to serve as
// the user can run it: the path agora was run by when it has a folder (as
// « make demo » runs ./bin/agora, not on the PATH), quoted for a shell.
func TestDemoServeLine(t *testing.T) {
	for _, c := range []struct{ arg0, dir, want string }{
		{"./bin/agora", "/donnees/demo", "./bin/agora serve --data /donnees/demo"},
		{"agora", "/donnees/demo", "agora serve --data /donnees/demo"},
		{"/opt/mon agora/agora", "/mes données/démo", "'/opt/mon agora/agora' serve --data '/mes données/démo'"},
		// go run: a binary in the build cache, gone once it exits.
		{"/tmp/go-build1234/b001/exe/agora", "/d", "agora serve --data /d"},
	} {
		var out bytes.Buffer
		a := &app{out: &out, prog: progName(c.arg0), root: dataroot.Root{Dir: c.dir}}
		printDemoResult(a, chain.Result{})
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		assert.Equal(t, "Pour servir le site et l'API : "+c.want, lines[len(lines)-1], c.arg0)
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"/donnees/demo":     "/donnees/demo",
		"a.csv,b.csv":       "a.csv,b.csv",
		"mon fichier.csv":   "'mon fichier.csv'",
		"l'été":             `'l'\''été'`,
		"":                  "''",
		"$HOME":             "'$HOME'",
		"00000001-abcdef12": "00000001-abcdef12",
	} {
		assert.Equal(t, want, shellQuote(in), in)
	}
}
