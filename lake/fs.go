package lake

import (
	"fmt"
	"os"
	"path/filepath"
)

// failpoint, when set by a test, is called at named points of the write and
// commit paths; the test makes it panic (or kill the process) to stop the
// operation there without any cleanup, as a crash would.
var failpoint func(point string)

// Failpoint names, in the order a landing meets them.
const (
	fpWriterSynced   = "writer:synced"  // data file fsynced under its temporary name
	fpWriterRenamed  = "writer:renamed" // data file renamed to its final name
	fpCommitStart    = "commit:start"   // all data files written and their directories synced
	fpCommitLocked   = "commit:locked"  // commit lock held, manifest not yet written
	fpManifestSynced = "commit:synced"  // manifest fsynced under its temporary name
	fpManifestRename = "commit:renamed" // manifest renamed: committed, directory not yet synced
)

func hit(point string) {
	if failpoint != nil {
		failpoint(point)
	}
}

// syncDir fsyncs a directory so that renames and creations inside it survive
// a power loss.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("lake : synchronisation du dossier %s : %w", dir, err)
	}
	return nil
}

// mkdirSynced creates dir and its missing parents up to (not including) stop,
// fsyncing each parent whose entries changed.
func mkdirSynced(dir, stop string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != stop && parent != dir {
		if err := mkdirSynced(parent, stop); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !os.IsExist(err) {
		return fmt.Errorf("lake : création du dossier %s : %w", dir, err)
	}
	return syncDir(parent)
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory: create exclusively, write, fsync, rename, fsync the directory.
// Failpoints synced and renamed are hit before and after the rename.
func writeFileAtomic(path, tmp string, data []byte, synced, renamed string) error {
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("lake : écriture de %s : %w", path, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		hit(synced)
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("lake : écriture de %s : %w", path, err)
	}
	hit(renamed)
	return syncDir(filepath.Dir(path))
}
