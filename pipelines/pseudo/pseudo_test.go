package pseudo

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSecret = "0123456789abcdef0123456789abcdef"

func testKey(t testing.TB) *Key {
	k, err := NewKey([]byte(testSecret))
	require.NoError(t, err)
	return k
}

// Expected values computed independently with Python:
//
//	hmac.new(b"0123456789abcdef0123456789abcdef", nir, hashlib.sha256).hexdigest()[:32]
func TestPseudonymKnownValues(t *testing.T) {
	k := testKey(t)
	p := k.Pseudonymizer()
	for _, tc := range []struct{ nir, want string }{
		{"295109912611193", "5bffea81051fdb76a45ce819c347a54b"},
		{"2 95 10 99 126 111 93", "5bffea81051fdb76a45ce819c347a54b"}, // spaces removed
		{"253072A07300443", "52d172151f02868d2ded8b8ea297acc0"},
		{"2 53 07 2a 073 004 43", "52d172151f02868d2ded8b8ea297acc0"}, // Corsican letter upper-cased
	} {
		got := p.Pseudonym(tc.nir)
		assert.Equal(t, tc.want, hex.EncodeToString(got[:]), tc.nir)
		assert.Equal(t, got, k.Pseudonym(tc.nir))
	}
	assert.Equal(t, "5e6d299f700f2174", k.Fingerprint())

	other, err := NewKey([]byte(strings.Repeat("z", 32)))
	require.NoError(t, err)
	assert.NotEqual(t, k.Pseudonym("295109912611193"), other.Pseudonym("295109912611193"))
	assert.NotEqual(t, k.Fingerprint(), other.Fingerprint())
}

func TestPseudonymDoesNotAllocate(t *testing.T) {
	p := testKey(t).Pseudonymizer()
	allocs := testing.AllocsPerRun(100, func() { p.Pseudonym("295109912611193") })
	assert.Zero(t, allocs)
}

func TestNewKeyTooShort(t *testing.T) {
	_, err := NewKey([]byte("court"))
	require.ErrorContains(t, err, "trop courte (5 caractères, au moins 32 attendus)")
}

// withEnv isolates the key lookup from the machine: no env, HOME in a temp dir.
func withEnv(t *testing.T) (home string) {
	home = t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv(EnvKey, "")
	t.Setenv(EnvKeyFile, "")
	return home
}

func TestLoadPrecedence(t *testing.T) {
	home := withEnv(t)
	data := filepath.Join(t.TempDir(), "donnees")
	require.NoError(t, os.MkdirAll(data, 0o755))

	// Nothing configured: a French message that says how to create a key.
	_, err := Load("", data)
	require.ErrorIs(t, err, ErrNoKey)
	assert.Contains(t, err.Error(), "openssl rand -hex 32")
	assert.Contains(t, err.Error(), "agora demo")

	// The default file.
	def, err := CreateKeyFile(DefaultKeyFile())
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(home, ".config", "agora", "cle-pseudonymisation"), def.Origin)
	k, err := Load("", data)
	require.NoError(t, err)
	assert.Equal(t, def.Fingerprint(), k.Fingerprint())

	// AGORA_PSEUDO_KEY_FILE beats the default file.
	other := filepath.Join(t.TempDir(), "autre")
	require.NoError(t, os.WriteFile(other, []byte(testSecret+"\n"), 0o600))
	t.Setenv(EnvKeyFile, other)
	k, err = Load("", data)
	require.NoError(t, err)
	assert.Equal(t, testKey(t).Fingerprint(), k.Fingerprint(), "file content (trimmed) is the key")

	// AGORA_PSEUDO_KEY beats both files.
	t.Setenv(EnvKey, strings.Repeat("e", 40))
	k, err = Load("", data)
	require.NoError(t, err)
	assert.Equal(t, EnvKey, k.Origin)
	t.Setenv(EnvKey, "trop-courte")
	_, err = Load("", data)
	require.ErrorContains(t, err, "variable AGORA_PSEUDO_KEY : clé de pseudonymisation trop courte")

	// --cle beats everything.
	k, err = Load(DefaultKeyFile(), data)
	require.NoError(t, err)
	assert.Equal(t, def.Fingerprint(), k.Fingerprint())

	// A missing file named explicitly.
	_, err = Load(filepath.Join(home, "absent"), data)
	require.ErrorIs(t, err, ErrNoKey)
}

func TestKeyFileInsideDataRootRefused(t *testing.T) {
	withEnv(t)
	base := t.TempDir()
	data := filepath.Join(base, "donnees")
	require.NoError(t, os.MkdirAll(filepath.Join(data, "prive"), 0o755))
	inside := filepath.Join(data, "prive", "cle")
	require.NoError(t, os.WriteFile(inside, []byte(testSecret), 0o600))
	_, err := Load(inside, data)
	require.ErrorContains(t, err, "est dans la racine des données")

	// Reached through a symbolic link from outside: still refused.
	link := filepath.Join(base, "lien")
	require.NoError(t, os.Symlink(filepath.Join(data, "prive"), link))
	_, err = Load(filepath.Join(link, "cle"), data)
	require.ErrorContains(t, err, "est dans la racine des données")

	// The data root given through a link: still refused.
	dataLink := filepath.Join(base, "donnees-lien")
	require.NoError(t, os.Symlink(data, dataLink))
	_, err = Load(inside, dataLink)
	require.ErrorContains(t, err, "est dans la racine des données")

	// A sibling folder whose name starts like the data root is outside.
	sibling := filepath.Join(base, "donnees-cle")
	require.NoError(t, os.WriteFile(sibling, []byte(testSecret), 0o600))
	_, err = Load(sibling, data)
	require.NoError(t, err)
}

func TestCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conf", "cle")
	k, err := CreateKeyFile(path)
	require.NoError(t, err)
	st, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	secret := strings.TrimSpace(string(data))
	assert.Len(t, secret, 64)
	_, err = hex.DecodeString(secret)
	require.NoError(t, err)
	again, err := LoadFile(path, "")
	require.NoError(t, err)
	assert.Equal(t, k.Fingerprint(), again.Fingerprint())

	_, err = CreateKeyFile(path)
	require.ErrorContains(t, err, "existe déjà")
	var pe *os.PathError
	assert.False(t, errors.As(err, &pe), "the message is the user's, not a raw path error")

	k2, err := CreateKeyFile(filepath.Join(t.TempDir(), "cle2"))
	require.NoError(t, err)
	assert.NotEqual(t, k.Fingerprint(), k2.Fingerprint(), "keys are random")
}

func BenchmarkPseudonym(b *testing.B) {
	p := testKey(b).Pseudonymizer()
	b.ReportAllocs()
	for b.Loop() {
		p.Pseudonym("295109912611193")
	}
}
