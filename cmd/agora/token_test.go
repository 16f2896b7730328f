package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/serve/token"
)

// runToken runs `agora token ARGS...` on a data root and returns its output.
func runToken(t *testing.T, dir string, jsonOut bool, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	a := &app{out: &out, errOut: &out, root: dataroot.Root{Dir: dir}, jsonOut: jsonOut}
	cmd := tokenCmd(a)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	err := cmd.Execute()
	return out.String(), err
}

func TestTokenCommands(t *testing.T) {
	dir := t.TempDir()
	out, err := runToken(t, dir, false, "create", "--financeur", "REG-84", "--nom", "Infocentre")
	require.NoError(t, err)
	clear := regexp.MustCompile(`agora_[A-Za-z0-9_-]{43}`).FindString(out)
	require.NotEmpty(t, clear, out)
	id := regexp.MustCompile(`jt_[0-9a-f]{12}`).FindString(out)
	require.NotEmpty(t, id)
	assert.Contains(t, out, "Région Auvergne-Rhône-Alpes")

	// The clear token is in no file of the data root.
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		require.NoError(t, err)
		if !info.IsDir() {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.NotContains(t, string(b), strings.TrimPrefix(clear, token.Prefix), p)
		}
		return nil
	})
	info, err := os.Stat(filepath.Join(dir, "prive", "jetons.json"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	out, err = runToken(t, dir, true, "create", "--financeur", "FT")
	require.NoError(t, err)
	var created struct {
		ID     string `json:"id"`
		Funder string `json:"financeur"`
		Clear  string `json:"jeton"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &created))
	assert.Equal(t, "FT", created.Funder)
	assert.True(t, strings.HasPrefix(created.Clear, token.Prefix))

	out, err = runToken(t, dir, false, "list")
	require.NoError(t, err)
	assert.Contains(t, out, id)
	assert.Contains(t, out, created.ID)
	assert.Contains(t, out, "Infocentre")
	assert.NotContains(t, out, clear)
	assert.NotContains(t, out, token.Hash(clear), "list shows no hash either")

	_, err = runToken(t, dir, false, "revoke", id)
	require.NoError(t, err)
	out, err = runToken(t, dir, true, "list")
	require.NoError(t, err)
	var list []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &list))
	require.Len(t, list, 2)
	assert.Equal(t, id, list[0]["id"])
	assert.NotNil(t, list[0]["revoque_le"])
	assert.Nil(t, list[1]["revoque_le"])
	for _, tok := range list {
		assert.NotContains(t, tok, "sha256")
		assert.NotContains(t, tok, "jeton")
	}

	keys := token.NewKeyring(filepath.Join(dir, "prive", "jetons.json"))
	_, ok, err := keys.Verify(clear)
	require.NoError(t, err)
	assert.False(t, ok, "revoked")
	tok, ok, err := keys.Verify(created.Clear)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, "FT", tok.Funder)
}

func TestTokenUserErrors(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"create", "--financeur", "XX"},
		{"create", "--financeur", "IND"}, // a funder, but not a partner
		{"create", "--financeur", "FT", "--nom", "a\nb"},
		{"revoke", "jt_000000000000"},
	} {
		_, err := runToken(t, dir, false, args...)
		var ue *userError
		require.True(t, errors.As(err, &ue), "%v: %v", args, err)
		assert.NotEmpty(t, ue.msg)
	}
	_, err := runToken(t, dir, false, "create")
	assert.Error(t, err, "--financeur is required")
}
