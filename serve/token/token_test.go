package token

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func TestCreateStoresOnlyTheHash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "prive", "jetons.json")
	s := NewStore(path)
	clear, tok, err := s.Create("REG-84", "Infocentre Région", t0)
	require.NoError(t, err)

	// The clear token: prefix and 32 random bytes in base64url (43 characters).
	require.True(t, strings.HasPrefix(clear, Prefix), clear)
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(clear, Prefix))
	require.NoError(t, err)
	assert.Len(t, raw, 32)

	assert.Equal(t, "REG-84", tok.Funder)
	assert.Equal(t, "Infocentre Région", tok.Label)
	assert.Equal(t, Hash(clear), tok.Hash)
	assert.Equal(t, time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC), tok.Created)
	assert.Nil(t, tok.RevokedAt)
	assert.Regexp(t, `^jt_[0-9a-f]{12}$`, tok.ID)

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(b), strings.TrimPrefix(clear, Prefix), "the secret must never be stored")
	assert.Contains(t, string(b), tok.Hash)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	// No temporary file left beside it.
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".tmp"), e.Name())
	}
}

func TestHashIsSHA256Hex(t *testing.T) {
	// sha256("abc"), FIPS 180-2 appendix B.1.
	assert.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Hash("abc"))
}

func TestListAndRevoke(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "jetons.json"))
	ts, err := s.List()
	require.NoError(t, err)
	assert.Empty(t, ts, "a missing file is an empty store")

	_, a, err := s.Create("FT", "", t0)
	require.NoError(t, err)
	_, b, err := s.Create("CDC", "entrepôt CDC", t0.Add(time.Hour))
	require.NoError(t, err)
	assert.NotEqual(t, a.ID, b.ID)

	r, err := s.Revoke(a.ID, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.NotNil(t, r.RevokedAt)
	assert.Equal(t, t0.Add(2*time.Hour).Truncate(time.Second), *r.RevokedAt)

	// Revoking again keeps the first time.
	r, err = s.Revoke(a.ID, t0.Add(5*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(2*time.Hour).Truncate(time.Second), *r.RevokedAt)

	_, err = s.Revoke("jt_000000000000", t0)
	assert.ErrorIs(t, err, ErrNotFound)

	ts, err = s.List()
	require.NoError(t, err)
	require.Len(t, ts, 2)
	assert.Equal(t, a.ID, ts[0].ID)
	assert.False(t, ts[0].Active())
	assert.Equal(t, b.ID, ts[1].ID)
	assert.True(t, ts[1].Active())
}

func TestConcurrentCreatesLoseNothing(t *testing.T) {
	s := NewStore(filepath.Join(t.TempDir(), "jetons.json"))
	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, _, err := s.Create("FT", "", t0)
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	ts, err := s.List()
	require.NoError(t, err)
	assert.Len(t, ts, n)
}

func TestCorruptFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"not json":     "{",
		"bad version":  `{"version": 9, "jetons": []}`,
		"missing hash": `{"version": 1, "jetons": [{"id": "jt_1", "financeur": "FT"}]}`,
		"bad hash":     `{"version": 1, "jetons": [{"id": "jt_1", "financeur": "FT", "sha256": "` + strings.Repeat("z", 64) + `"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".json")
			require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
			_, err := NewStore(path).List()
			require.Error(t, err)
			assert.Contains(t, err.Error(), path, "the message says which file")
			_, _, err = NewStore(path).Create("FT", "", t0)
			assert.Error(t, err, "a corrupt file is never overwritten")
		})
	}
}

func TestKeyringVerifyAndReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jetons.json")
	s := NewStore(path)
	k := NewKeyring(path)

	_, ok, err := k.Verify(Prefix + "x")
	require.NoError(t, err, "a missing file means no token, not an error")
	assert.False(t, ok)

	clearFT, ft, err := s.Create("FT", "", t0)
	require.NoError(t, err)
	got, ok, err := k.Verify(clearFT)
	require.NoError(t, err)
	require.True(t, ok, "a token created after the keyring started is seen at once")
	assert.Equal(t, ft.ID, got.ID)
	assert.Equal(t, "FT", got.Funder)

	clearCDC, _, err := s.Create("CDC", "", t0)
	require.NoError(t, err)
	got, ok, _ = k.Verify(clearCDC)
	require.True(t, ok)
	assert.Equal(t, "CDC", got.Funder)

	for _, bad := range []string{
		"",
		"agora_",
		clearFT[:len(clearFT)-1],
		clearFT + "x",
		strings.TrimPrefix(clearFT, Prefix),
		ft.Hash, // the stored hash is not a token
		Prefix + strings.Repeat("A", 10000),
		strings.ToUpper(clearFT),
	} {
		_, ok, err := k.Verify(bad)
		assert.NoError(t, err)
		assert.False(t, ok, "%.40q must not authenticate", bad)
	}

	_, err = s.Revoke(ft.ID, t0)
	require.NoError(t, err)
	_, ok, err = k.Verify(clearFT)
	require.NoError(t, err)
	assert.False(t, ok, "a revoked token is refused at the next request")
	_, ok, _ = k.Verify(clearCDC)
	assert.True(t, ok, "other tokens still work")

	// A corrupt file fails closed, then recovers when fixed.
	good, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, []byte("{"), 0o600))
	_, ok, err = k.Verify(clearCDC)
	assert.Error(t, err)
	assert.False(t, ok)
	require.NoError(t, os.WriteFile(path, good, 0o600))
	_, ok, err = k.Verify(clearCDC)
	assert.NoError(t, err)
	assert.True(t, ok)

	// Deleting the file removes every token.
	require.NoError(t, os.Remove(path))
	_, ok, err = k.Verify(clearCDC)
	assert.NoError(t, err)
	assert.False(t, ok)
}

func TestFileFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jetons.json")
	_, tok, err := NewStore(path).Create("OPCO-03", "Uniformation", t0)
	require.NoError(t, err)
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.Equal(t, float64(1), doc["version"])
	list := doc["jetons"].([]any)
	require.Len(t, list, 1)
	assert.Equal(t, map[string]any{
		"id":        tok.ID,
		"financeur": "OPCO-03",
		"nom":       "Uniformation",
		"sha256":    tok.Hash,
		"cree_le":   "2025-03-14T09:26:53Z",
	}, list[0])
}

// FuzzVerify feeds arbitrary token files and presented tokens to the keyring:
// it never panics, and only the stored secret authenticates.
func FuzzVerify(f *testing.F) {
	f.Add(`{"version":1,"jetons":[]}`, "agora_x")
	f.Add(`{"version":1,"jetons":[{"id":"jt_1","financeur":"FT","sha256":"`+Hash("agora_s")+`"}]}`, "agora_s")
	f.Add(`{"version":1,"jetons":[{"id":"jt_1","financeur":"FT","sha256":"`+Hash("agora_s")+`","revoque_le":"2025-01-01T00:00:00Z"}]}`, "agora_s")
	f.Add(`[]`, "")
	f.Fuzz(func(t *testing.T, content, clear string) {
		path := filepath.Join(t.TempDir(), "jetons.json")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		tok, ok, err := NewKeyring(path).Verify(clear)
		if err != nil && ok {
			t.Fatal("authenticated despite an unreadable file")
		}
		if ok && (tok.Hash != Hash(clear) || !tok.Active() || !strings.HasPrefix(clear, Prefix)) {
			t.Fatalf("authenticated %q as %+v", clear, tok)
		}
	})
}
