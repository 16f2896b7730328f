package token

import (
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"sync"
)

// Keyring authenticates clear tokens against the token file. Each call checks
// the file's identity (inode, size, modification time) with one stat, a few
// microseconds, and reloads the file when it changed, so that a token created
// or revoked by `agora token` takes effect at the next request, without
// restarting the server.
type Keyring struct {
	path string

	mu     sync.Mutex
	info   fs.FileInfo // nil when the file did not exist at the last load
	tokens []Token
	hashes [][]byte
	err    error // last load error; authentication fails closed while set
}

// NewKeyring returns a keyring on the token file at path. It does not read the
// file yet; the first Verify does.
func NewKeyring(path string) *Keyring {
	return &Keyring{path: path}
}

// Verify returns the active token whose secret is clear. ok is false for an
// unknown, malformed or revoked token, and when the file cannot be read (the
// error is then returned, for the log: the server fails closed).
func (k *Keyring) Verify(clear string) (t Token, ok bool, err error) {
	// The stat runs outside the lock: concurrent requests do not queue
	// behind one another's system call.
	info, statErr := os.Stat(k.path)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refresh(info, statErr)
	if k.err != nil {
		return Token{}, false, k.err
	}
	t, ok = match(k.tokens, k.hashes, clear)
	return t, ok, nil
}

// refresh reloads the file when its identity (info, err: its stat) changed
// since the last load.
func (k *Keyring) refresh(info fs.FileInfo, err error) {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		k.info, k.tokens, k.hashes, k.err = nil, nil, nil, nil
		return
	case err != nil:
		k.err = err
		return
	}
	if k.info != nil && k.err == nil && sameVersion(k.info, info) {
		return
	}
	b, err := os.ReadFile(k.path)
	if err != nil {
		k.err = err
		return
	}
	f, err := decode(k.path, b)
	if err != nil {
		k.err = err
		return
	}
	hashes := make([][]byte, len(f.Tokens))
	for i, t := range f.Tokens {
		hashes[i], _ = hex.DecodeString(t.Hash) // checked by decode
	}
	k.info, k.tokens, k.hashes, k.err = info, f.Tokens, hashes, nil
}

// sameVersion reports whether two stats describe the same version of the file:
// Store replaces it by rename, which changes its inode.
func sameVersion(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
