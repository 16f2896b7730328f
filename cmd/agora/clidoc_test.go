package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMECLIReference fails when the README's command reference drifts from
// the cobra commands. Fix with: go run ./cmd/agora doc-cli
func TestREADMECLIReference(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	want, err := spliceCLIReference(readme, cliReference(newRoot()))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(readme), "README.md: run `go run ./cmd/agora doc-cli`")
}

func TestCommandsListed(t *testing.T) {
	root := newRoot()
	for _, name := range []string{"generate", "land", "build", "report", "export", "serve", "quality", "quarantaine", "demo", "dictionnaire", "token", "purge", "compact"} {
		c, _, err := root.Find([]string{name})
		require.NoError(t, err, name)
		assert.Equal(t, name, c.Name())
	}
}
