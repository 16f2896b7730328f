// Package pseudo pseudonymises NIRs at the door of the lake: a pseudonym is the
// first 128 bits of HMAC-SHA256(key, normalised NIR), stored as a UUID, so the
// same person gets the same pseudonym in every feed while the NIR itself is
// never stored. The key lives outside the data root; without it, nothing lands.
package pseudo

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"

	"github.com/agora-formation/agora/dictionary"
)

// Environment variables and default location of the key.
const (
	EnvKey     = "AGORA_PSEUDO_KEY"      // the key itself (at least MinKeyLen characters)
	EnvKeyFile = "AGORA_PSEUDO_KEY_FILE" // a file holding the key
	MinKeyLen  = 32
)

// DefaultKeyFile returns $HOME/.config/agora/cle-pseudonymisation.
func DefaultKeyFile() string {
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".config", "agora", "cle-pseudonymisation")
}

// Key is a pseudonymisation key.
type Key struct {
	secret []byte
	Origin string // where it came from, for messages: "AGORA_PSEUDO_KEY" or a file path
}

// NewKey makes a key from a secret of at least MinKeyLen bytes.
func NewKey(secret []byte) (*Key, error) {
	if len(secret) < MinKeyLen {
		return nil, fmt.Errorf("clé de pseudonymisation trop courte (%d caractères, au moins %d attendus)", len(secret), MinKeyLen)
	}
	return &Key{secret: append([]byte(nil), secret...)}, nil
}

// Fingerprint identifies a key without revealing it: the first 8 bytes (hex) of
// HMAC-SHA256(key, "agora/empreinte"). Landings record it so that two landings
// made with different keys, whose pseudonyms could never be joined, are detected.
func (k *Key) Fingerprint() string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("agora/empreinte"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// Pseudonym returns the pseudonym of a NIR (normalised first). It is safe for
// concurrent use; for many NIRs in a loop, use a Pseudonymizer.
func (k *Key) Pseudonym(nir string) [16]byte {
	return k.Pseudonymizer().Pseudonym(nir)
}

// Pseudonymizer computes pseudonyms without allocating. It is not safe for
// concurrent use: make one per goroutine.
type Pseudonymizer struct {
	mac     hash.Hash
	scratch [64]byte
	sum     [sha256.Size]byte
}

// Pseudonymizer returns a new Pseudonymizer for the key.
func (k *Key) Pseudonymizer() *Pseudonymizer {
	return &Pseudonymizer{mac: hmac.New(sha256.New, k.secret)}
}

// Pseudonym returns the first 16 bytes of HMAC-SHA256(key, NormalizeNIR(nir)).
func (p *Pseudonymizer) Pseudonym(nir string) [16]byte {
	nir = dictionary.NormalizeNIR(nir)
	p.mac.Reset()
	if len(nir) <= len(p.scratch) {
		n := copy(p.scratch[:], nir)
		p.mac.Write(p.scratch[:n])
	} else {
		p.mac.Write([]byte(nir))
	}
	s := p.mac.Sum(p.sum[:0])
	var u [16]byte
	copy(u[:], s)
	return u
}

// ErrNoKey is matched by Load's error when no key is configured.
var ErrNoKey = errors.New("pas de clé de pseudonymisation")

// Load finds the key: the file given (flag --cle), else the environment variable
// AGORA_PSEUDO_KEY, else the file named by AGORA_PSEUDO_KEY_FILE, else the
// default file if it exists. A key file must lie outside dataRoot. The errors
// are in French and say how to fix the problem.
func Load(file, dataRoot string) (*Key, error) {
	if file == "" {
		if v := os.Getenv(EnvKey); v != "" {
			k, err := NewKey([]byte(strings.TrimSpace(v)))
			if err != nil {
				return nil, fmt.Errorf("variable %s : %w ; %s", EnvKey, err, howToCreate())
			}
			k.Origin = EnvKey
			return k, nil
		}
		file = os.Getenv(EnvKeyFile)
	}
	if file == "" {
		file = DefaultKeyFile()
		if _, err := os.Stat(file); err != nil {
			return nil, fmt.Errorf("%w : ni variable %s, ni fichier de clé (--cle, %s, ou %s). %s",
				ErrNoKey, EnvKey, EnvKeyFile, file, howToCreate())
		}
	}
	return LoadFile(file, dataRoot)
}

// LoadFile reads a key file: its content, spaces trimmed, is the key (the same
// string given in AGORA_PSEUDO_KEY gives the same pseudonyms). The file must lie
// outside dataRoot, so that copying the data never copies the key with it.
func LoadFile(file, dataRoot string) (*Key, error) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil, err
	}
	if inside(abs, dataRoot) {
		return nil, fmt.Errorf("le fichier de clé %s est dans la racine des données %s : la clé doit être gardée hors des données (qui se copient et se partagent). Déplacez-le, par exemple vers %s, et indiquez-le avec --cle ou %s", abs, dataRoot, DefaultKeyFile(), EnvKeyFile)
	}
	data, err := os.ReadFile(abs)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("%w : le fichier de clé %s n'existe pas. %s", ErrNoKey, abs, howToCreate())
		}
		return nil, fmt.Errorf("lecture du fichier de clé %s : %w", abs, err)
	}
	k, err := NewKey([]byte(strings.TrimSpace(string(data))))
	if err != nil {
		return nil, fmt.Errorf("fichier de clé %s : %w ; %s", abs, err, howToCreate())
	}
	k.Origin = abs
	return k, nil
}

// inside reports whether path is dir or lies under it, following symbolic links.
func inside(path, dir string) bool {
	if dir == "" {
		return false
	}
	resolve := func(p string) string {
		p, _ = filepath.Abs(p)
		// Resolve the longest existing prefix, so that a file not yet created is placed too.
		rest := ""
		for {
			if r, err := filepath.EvalSymlinks(p); err == nil {
				return filepath.Join(r, rest)
			}
			parent := filepath.Dir(p)
			if parent == p {
				return filepath.Join(p, rest)
			}
			rest = filepath.Join(filepath.Base(p), rest)
			p = parent
		}
	}
	p, d := resolve(path), resolve(dir)
	rel, err := filepath.Rel(d, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func howToCreate() string {
	return fmt.Sprintf("Pour créer une clé : « agora demo » en crée une dans %s ; ou bien : mkdir -p ~/.config/agora && openssl rand -hex 32 > ~/.config/agora/cle-pseudonymisation && chmod 600 ~/.config/agora/cle-pseudonymisation ; ou exportez %s (au moins %d caractères). Gardez la clé hors de la racine des données, sauvegardez-la et ne la changez plus : une autre clé donnerait d'autres pseudonymes.", DefaultKeyFile(), EnvKey, MinKeyLen)
}

// CreateKeyFile writes a new random key (32 bytes, hex) to path with mode 0600,
// creating its folder (mode 0700). It refuses to overwrite an existing file.
func CreateKeyFile(path string) (*Key, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("création du dossier de la clé : %w", err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(b[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if os.IsExist(err) {
			return nil, fmt.Errorf("le fichier de clé %s existe déjà : il n'est pas remplacé (une autre clé donnerait d'autres pseudonymes)", path)
		}
		return nil, fmt.Errorf("création du fichier de clé %s : %w", path, err)
	}
	_, err = f.WriteString(secret + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("écriture du fichier de clé %s : %w", path, err)
	}
	k, _ := NewKey([]byte(secret))
	k.Origin = path
	return k, nil
}
