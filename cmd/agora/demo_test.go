package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
