//go:build !unix

package lake

import (
	"errors"
	"os"
)

var errNoLock = errors.New("lake : verrouillage de fichiers non pris en charge sur ce système")

func lockFile(path string, wait bool) (*os.File, error) { return nil, errNoLock }

func flock(f *os.File, wait bool) error { return errNoLock }

func unlock(f *os.File) error { return f.Close() }
