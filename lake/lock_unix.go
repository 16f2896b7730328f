//go:build unix

package lake

import (
	"errors"
	"os"
	"syscall"
)

// lockFile opens (creating it if needed) and locks path exclusively; see flock.
func lockFile(path string, wait bool) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := flock(f, wait); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// flock locks f exclusively. With wait false it returns errLocked at once if
// another holder has it. The lock belongs to the open file: it is released by
// unlock or by the death of the process, so a crash never leaves a stale lock.
func flock(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errLocked
		default:
			return err
		}
	}
}

// unlock releases a lock taken by lockFile or flock.
func unlock(f *os.File) error { return f.Close() }
