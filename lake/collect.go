package lake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Collect deletes the files no committed manifest lists (crash leftovers,
// aborted transactions, temporary and spill files) once they are older than
// olderThan and their transaction is no longer running, and the files a
// committed purge destroyed that are still on disk (a purge that died
// between its commit and its deletions), whatever their age. It returns their
// paths relative to the root. Files of running transactions are never
// touched, whatever their age; commits wait while Collect runs.
func (l *Lake) Collect(olderThan time.Duration) ([]string, error) {
	mdir := filepath.Join(l.root, manifestsDir)
	lock, err := lockFile(filepath.Join(mdir, lockName), true)
	if err != nil {
		return nil, fmt.Errorf("lake : verrou de validation dans %s : %w", mdir, err)
	}
	defer unlock(lock)

	l.mu.Lock()
	err = l.refresh()
	listed, destroyed := listedFiles(l.manifests)
	l.mu.Unlock()
	if err != nil {
		return nil, err
	}

	live := make(map[string]bool)
	alive := func(token string) bool {
		v, ok := live[token]
		if !ok {
			v = txnAlive(filepath.Join(l.root, tmpDir, token+".lock"))
			live[token] = v
		}
		return v
	}
	cutoff := time.Now().Add(-olderThan)
	var removed []string
	var errs []error
	err = filepath.WalkDir(l.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		rel, _ := filepath.Rel(l.root, p)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if d.IsDir() {
			return nil
		}
		var token string
		switch dir := filepath.ToSlash(filepath.Dir(rel)); {
		case dir == manifestsDir:
			// Only unrenamed manifests: .tmp-<token>.json
			t, ok := strings.CutPrefix(name, ".tmp-")
			if !ok {
				return nil
			}
			token = strings.TrimSuffix(t, ".json")
		case dir == tmpDir:
			if t, ok := strings.CutSuffix(name, ".lock"); ok {
				if !alive(t) {
					os.Remove(p)
				}
				return nil
			}
			token, _, _ = strings.Cut(name, "-") // sort spills: <token>-sort-*
		case strings.HasPrefix(dir, "_"):
			return nil
		default:
			if destroyed[rel] {
				// Purged: its rows must not stay on disk, whatever its age.
				if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
					return nil
				}
				removed = append(removed, rel)
				return nil
			}
			if listed[rel] {
				return nil
			}
			token, _, _ = strings.Cut(strings.TrimPrefix(name, "."), "-")
		}
		if !tokenRe.MatchString(token) || alive(token) {
			return nil // not a file of the lake's own naming, or still being written
		}
		info, err := d.Info()
		if err != nil || info.ModTime().After(cutoff) {
			return nil
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			return nil
		}
		removed = append(removed, rel)
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	return removed, errors.Join(errs...)
}

// txnAlive reports whether the transaction whose live lock is at path is
// still running. A stale lock file is removed.
func txnAlive(path string) bool {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return false // no lock file: the transaction ended
	}
	defer f.Close()
	if err := flock(f, false); err != nil {
		return errors.Is(err, errLocked)
	}
	os.Remove(path) // we hold the lock of a dead transaction
	return false
}
