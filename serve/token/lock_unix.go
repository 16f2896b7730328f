//go:build unix

package token

import (
	"errors"
	"os"
	"syscall"
)

// lock takes an exclusive lock on path (created if needed) and returns its
// release. The lock belongs to the open file, so a crash never leaves it held.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}
