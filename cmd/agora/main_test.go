package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/pseudo"
	"github.com/agora-formation/agora/warehouse"
)

// TestAsUserError checks how main sorts errors: by type, wrapped or not.
func TestAsUserError(t *testing.T) {
	ue := asUserError(fmt.Errorf("ouverture : %w", &warehouse.MemoryLimitError{Value: "2Gio"}))
	require.NotNil(t, ue)
	assert.Equal(t, "valeur de --memoire invalide : « 2Gio » ; écrivez par exemple 8GB, 8Go ou 512Mo", ue.msg)
	assert.Equal(t, 1, ue.code)
	assert.Equal(t, &userError{msg: "m", code: 2}, asUserError(fmt.Errorf("x : %w", &userError{msg: "m", code: 2})))
	corrupt := &lake.CorruptManifestError{Path: "/lac/_manifests/00000001-1a2b3c4d.json", ID: "00000002-1a2b3c4d"}
	assert.Equal(t, &userError{msg: corrupt.Error(), code: 1}, asUserError(fmt.Errorf("instantané : %w", corrupt)))
	assert.Nil(t, asUserError(fmt.Errorf("purge : %w", lake.ErrNoDossiers)), "cmd/agora/purge.go sorts it")
	assert.Nil(t, asUserError(assert.AnError))
	assert.Nil(t, asUserError(nil))
}

// TestMemoryCheckedFirst checks that every command with --memoire refuses
// an invalid value before doing anything: with the French message of
// warehouse.ParseMemoryLimit, before saying the data root has no lake, and
// without creating anything in the data root.
func TestMemoryCheckedFirst(t *testing.T) {
	t.Setenv("HOME", t.TempDir())
	t.Setenv(pseudo.EnvKeyFile, "")
	t.Setenv(pseudo.EnvKey, "0123456789abcdef0123456789abcdef")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"build", "--memoire", "2Gio"}, "valeur de --memoire invalide : « 2Gio » ; écrivez par exemple 8GB, 8Go ou 512Mo"},
		{[]string{"compact", "--memoire", "8"}, "valeur de --memoire invalide : « 8 » ; écrivez par exemple 8GB, 8Go ou 512Mo"},
		{[]string{"purge", "--memoire", "50Mo"}, "valeur de --memoire trop petite : « 50Mo » ; DuckDB a besoin d'au moins 100Mo, écrivez par exemple 8GB, 8Go ou 512Mo"},
		{[]string{"demo", "--memoire", "huit gigas"}, "valeur de --memoire invalide : « huit gigas » ; écrivez par exemple 8GB, 8Go ou 512Mo"},
		{[]string{"serve", "--memoire", "2Gio"}, "valeur de --memoire invalide : « 2Gio » ; écrivez par exemple 8GB, 8Go ou 512Mo"},
	} {
		dir := filepath.Join(t.TempDir(), "racine")
		out, msgs, err := runAgora(append([]string{"--data", dir}, c.args...)...)
		if ue := asUserError(err); assert.NotNil(t, ue, "%v: %v", c.args, err) {
			assert.Equal(t, c.want, ue.msg, c.args)
			assert.Equal(t, 1, ue.code, c.args)
		}
		assert.Empty(t, out, c.args)
		assert.Empty(t, msgs, c.args)
		_, err = os.Stat(dir)
		assert.ErrorIs(t, err, os.ErrNotExist, "%v: nothing written", c.args)
	}
}

// TestPrintJSONNoHTMLEscapes checks that --json writes <, > and & as they are.
func TestPrintJSONNoHTMLEscapes(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, (&app{out: &out}).printJSON(map[string]string{"usage": "Bearer <jeton> & co"}))
	assert.Equal(t, "{\n  \"usage\": \"Bearer <jeton> & co\"\n}\n", out.String())
}
