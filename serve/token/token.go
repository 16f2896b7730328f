// Package token manages the bearer tokens that give a funder access to its own
// figures and dossiers through the API.
//
// A token is 32 random bytes written as "agora_" followed by their unpadded
// base64url form. Only its SHA-256 is stored, in a JSON file under the private
// folder of the data root (mode 0600, replaced atomically). The clear token is
// returned once, by Create, and never written anywhere.
//
// The file is read and rewritten by Store (the CLI) under an exclusive lock,
// and read by Keyring (the server), which reloads it when it changes.
package token

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Prefix starts every clear token, so that a leaked token is easy to recognise
// (by secret scanners too).
const Prefix = "agora_"

// secretBytes is the entropy of a token.
const secretBytes = 32

// maxClearLen bounds the length of a presented token: anything longer is not a
// token and is rejected before hashing.
const maxClearLen = 128

// Token is the stored record of a token: everything but the secret.
type Token struct {
	ID      string    `json:"id"`
	Funder  string    `json:"financeur"`
	Label   string    `json:"nom,omitempty"`
	Hash    string    `json:"sha256"` // hex SHA-256 of the clear token
	Created time.Time `json:"cree_le"`
	// RevokedAt is set once the token is revoked; a revoked token never
	// authenticates again.
	RevokedAt *time.Time `json:"revoque_le,omitempty"`
}

// Active reports whether t has not been revoked.
func (t Token) Active() bool { return t.RevokedAt == nil }

// file is the on-disk document.
type file struct {
	Version int     `json:"version"`
	Tokens  []Token `json:"jetons"`
}

const fileVersion = 1

// ErrNotFound is returned by Revoke for an unknown id.
var ErrNotFound = errors.New("jeton inconnu")

// Hash returns the hex SHA-256 of a clear token, as stored.
func Hash(clear string) string {
	sum := sha256.Sum256([]byte(clear))
	return hex.EncodeToString(sum[:])
}

// newSecret returns a fresh clear token.
func newSecret() (string, error) {
	b := make([]byte, secretBytes)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return Prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// newID returns a short random identifier, safe to print and log.
func newID() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "jt_" + hex.EncodeToString(b), nil
}

// Store reads and changes the token file at a path.
type Store struct{ path string }

// NewStore returns the store of the token file at path (it need not exist).
func NewStore(path string) *Store { return &Store{path: path} }

// Path is the token file.
func (s *Store) Path() string { return s.path }

// List returns every token, revoked ones included, in creation order.
func (s *Store) List() ([]Token, error) {
	f, err := read(s.path)
	if err != nil {
		return nil, err
	}
	return f.Tokens, nil
}

// Create makes a token for funder, stores its hash and returns the clear token
// (to be shown once) with its record. The caller checks that funder is a known
// funder code.
func (s *Store) Create(funder, label string, now time.Time) (string, Token, error) {
	if funder == "" {
		return "", Token{}, errors.New("code financeur vide")
	}
	clear, err := newSecret()
	if err != nil {
		return "", Token{}, err
	}
	var t Token
	err = s.update(func(f *file) error {
		for {
			id, err := newID()
			if err != nil {
				return err
			}
			if !hasID(f.Tokens, id) {
				t = Token{ID: id, Funder: funder, Label: label, Hash: Hash(clear), Created: now.UTC().Truncate(time.Second)}
				break
			}
		}
		f.Tokens = append(f.Tokens, t)
		return nil
	})
	if err != nil {
		return "", Token{}, err
	}
	return clear, t, nil
}

// Revoke marks the token id as revoked at now and returns it. Revoking a
// revoked token keeps its first revocation time.
func (s *Store) Revoke(id string, now time.Time) (Token, error) {
	var t Token
	err := s.update(func(f *file) error {
		for i := range f.Tokens {
			if f.Tokens[i].ID == id {
				if f.Tokens[i].RevokedAt == nil {
					at := now.UTC().Truncate(time.Second)
					f.Tokens[i].RevokedAt = &at
				}
				t = f.Tokens[i]
				return nil
			}
		}
		return fmt.Errorf("%w : %q", ErrNotFound, id)
	})
	return t, err
}

func hasID(ts []Token, id string) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

// update applies change to the file under an exclusive lock and writes it back
// atomically.
func (s *Store) update(change func(*file) error) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	unlock, err := lock(s.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	f, err := read(s.path)
	if err != nil {
		return err
	}
	if err := change(&f); err != nil {
		return err
	}
	return write(s.path, f)
}

// read loads the token file; a missing file is an empty one.
func read(path string) (file, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return file{Version: fileVersion}, nil
	}
	if err != nil {
		return file{}, err
	}
	return decode(path, b)
}

func decode(path string, b []byte) (file, error) {
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return file{}, fmt.Errorf("fichier de jetons %s illisible (%v) : corrigez-le ou supprimez-le puis recréez les jetons", path, err)
	}
	if f.Version != fileVersion {
		return file{}, fmt.Errorf("fichier de jetons %s : version %d inconnue (attendue : %d)", path, f.Version, fileVersion)
	}
	for i, t := range f.Tokens {
		if t.ID == "" || t.Funder == "" || len(t.Hash) != 2*sha256.Size {
			return file{}, fmt.Errorf("fichier de jetons %s : jeton n° %d incomplet (id, financeur et sha256 sont requis)", path, i+1)
		}
		if _, err := hex.DecodeString(t.Hash); err != nil {
			return file{}, fmt.Errorf("fichier de jetons %s : jeton %s : empreinte sha256 invalide", path, t.ID)
		}
	}
	return f, nil
}

// write replaces the file atomically: temporary file in the same folder with
// mode 0600, fsync, rename, fsync of the folder.
func write(path string, f file) error {
	f.Version = fileVersion
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".jetons-*.tmp")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// match returns the active token whose hash equals the hash of clear. It
// compares against every token with crypto/subtle and never stops early, so
// its time does not depend on which token (if any) matched.
func match(tokens []Token, hashes [][]byte, clear string) (Token, bool) {
	wellFormed := len(clear) <= maxClearLen && strings.HasPrefix(clear, Prefix)
	if !wellFormed {
		// Still hash and compare, so that a malformed token costs what a good one does.
		clear = ""
	}
	sum := sha256.Sum256([]byte(clear))
	found := -1
	for i := range tokens {
		if subtle.ConstantTimeCompare(sum[:], hashes[i]) == 1 {
			found = i
		}
	}
	if !wellFormed || found < 0 || !tokens[found].Active() {
		return Token{}, false
	}
	return tokens[found], true
}
