package lake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

const (
	manifestsDir = "_manifests"
	tmpDir       = "_tmp"
	lockName     = ".lock"
)

// Lake is a lake rooted at a directory. It is safe for concurrent use, and
// several processes may use the same root at once.
type Lake struct {
	root string

	mu        sync.Mutex
	manifests []Manifest        // committed manifests read so far, in commit order
	read      map[string]bool   // manifest file names already read
	landed    map[string]string // feed + "\x00" + sha256 → manifest id
}

// Open opens the lake at root, creating its directories if needed.
func Open(root string) (*Lake, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("lake : chemin %s : %w", root, err)
	}
	for _, dir := range []string{abs, filepath.Join(abs, manifestsDir), filepath.Join(abs, tmpDir)} {
		if err := mkdirSynced(dir, ""); err != nil {
			return nil, err
		}
	}
	return &Lake{root: abs, read: make(map[string]bool), landed: make(map[string]string)}, nil
}

// Root returns the absolute path of the lake root.
func (l *Lake) Root() string { return l.root }

// Manifests returns every committed manifest in commit order.
func (l *Lake) Manifests() ([]Manifest, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(); err != nil {
		return nil, err
	}
	return slices.Clone(l.manifests), nil
}

// Landed reports whether a source with this feed and SHA-256 has been
// committed, and by which manifest.
func (l *Lake) Landed(feed, sha256 string) (Manifest, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(); err != nil {
		return Manifest{}, false, err
	}
	id, ok := l.landed[sourceKey(feed, sha256)]
	if !ok {
		return Manifest{}, false, nil
	}
	m, _ := l.find(id)
	return m, true, nil
}

func sourceKey(feed, sha string) string { return feed + "\x00" + strings.ToLower(sha) }

// refresh reads the manifests committed since the last call. l.mu must be held.
// Committed manifests are immutable, so only new file names are read.
func (l *Lake) refresh() error {
	dir := filepath.Join(l.root, manifestsDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("lake : lecture des manifestes dans %s : %w", dir, err)
	}
	added := false
	for _, e := range entries {
		name := e.Name()
		id, isJSON := strings.CutSuffix(name, ".json")
		if !isJSON || l.read[name] || !e.Type().IsRegular() {
			continue
		}
		if _, _, ok := parseID(id); !ok {
			continue // temporary or foreign file
		}
		m, err := readManifest(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		if m.ID != id {
			return &CorruptManifestError{Path: filepath.Join(dir, name), ID: m.ID}
		}
		l.read[name] = true
		l.manifests = append(l.manifests, m)
		if m.Kind == Landing {
			for _, s := range m.Sources {
				l.landed[sourceKey(m.Feed, s.SHA256)] = m.ID
			}
		}
		added = true
	}
	if added {
		slices.SortFunc(l.manifests, func(a, b Manifest) int { return cmpSeq(a.Seq(), b.Seq()) })
	}
	return nil
}

func cmpSeq(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func readManifest(path string) (Manifest, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Manifest{}, fmt.Errorf("lake : lecture du manifeste %s : %w", path, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, &CorruptManifestError{Path: path, Err: err}
	}
	return m, nil
}

// find returns the manifest with this id. l.mu must be held.
func (l *Lake) find(id string) (Manifest, int) {
	seq, _, ok := parseID(id)
	if !ok {
		return Manifest{}, -1
	}
	i, found := slices.BinarySearchFunc(l.manifests, seq, func(m Manifest, s int64) int { return cmpSeq(m.Seq(), s) })
	if !found || l.manifests[i].ID != id {
		return Manifest{}, -1
	}
	return l.manifests[i], i
}

// Snapshot returns the files visible as of the manifest asOf, that is after
// it committed: the files of every manifest up to and including it, minus
// those removed by these manifests. An empty asOf means the latest manifest.
// Files that a later purge destroyed are replaced by their rewrites without
// the purged rows (see Rewrite). An asOf that names no committed manifest is
// an *UnknownManifestError (errors.Is(err, ErrUnknownManifest)).
func (l *Lake) Snapshot(asOf string) (*Snapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(); err != nil {
		return nil, err
	}
	last := len(l.manifests) - 1
	if asOf != "" {
		_, last = l.find(asOf)
		if last < 0 {
			return nil, NewUnknownManifestError(asOf, l.root, l.manifests)
		}
	}
	s := &Snapshot{Root: l.root}
	if last < 0 {
		return s, nil
	}
	s.AsOf = l.manifests[last].ID
	visible := visibleFiles(l.manifests[:last+1])
	applyRewrites(visible, l.manifests[last+1:])
	for _, f := range visible {
		s.files = append(s.files, f)
	}
	for i := range s.files {
		s.files[i].Abs = filepath.Join(l.root, filepath.FromSlash(s.files[i].Path))
	}
	slices.SortFunc(s.files, func(a, b SnapshotFile) int {
		if c := strings.Compare(a.Dataset, b.Dataset); c != 0 {
			return c
		}
		if c := cmpSeq(a.seq, b.seq); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	return s, nil
}

// visibleFiles applies manifests in order: files added, then removed.
func visibleFiles(ms []Manifest) map[string]SnapshotFile {
	visible := make(map[string]SnapshotFile)
	for _, m := range ms {
		for _, f := range m.Files {
			visible[f.Path] = SnapshotFile{File: f, Manifest: m.ID, seq: m.Seq()}
		}
		for _, p := range m.Removes {
			delete(visible, p)
		}
	}
	return visible
}

// applyRewrites replaces, in a snapshot as of an earlier manifest, the files
// that later purges destroyed by their rewrites: purged rows are gone from
// every snapshot, past ones included.
func applyRewrites(visible map[string]SnapshotFile, later []Manifest) {
	for _, m := range later {
		for _, rw := range m.Rewrites {
			if _, ok := visible[rw.Old]; !ok {
				continue
			}
			delete(visible, rw.Old)
			if rw.New != nil {
				visible[rw.New.Path] = SnapshotFile{File: *rw.New, Manifest: m.ID, seq: m.Seq()}
			}
		}
	}
}

// Snapshot is the set of files visible as of one manifest.
type Snapshot struct {
	Root  string // absolute lake root
	AsOf  string // id of the last manifest included; "" for an empty lake
	files []SnapshotFile
}

// SnapshotFile is a visible file.
type SnapshotFile struct {
	File
	Abs      string // absolute path
	Manifest string // id of the manifest that added it
	seq      int64
}

// Files returns the visible files of a dataset, in commit order; all files
// when dataset is "".
func (s *Snapshot) Files(dataset string) []SnapshotFile {
	var out []SnapshotFile
	for _, f := range s.files {
		if dataset == "" || f.Dataset == dataset {
			out = append(out, f)
		}
	}
	return out
}

// Datasets returns the names of the datasets with at least one visible file, sorted.
func (s *Snapshot) Datasets() []string {
	var out []string
	for _, f := range s.files {
		if len(out) == 0 || out[len(out)-1] != f.Dataset {
			out = append(out, f.Dataset)
		}
	}
	return out
}

// Paths returns dataset → absolute paths of its visible files, the argument
// warehouse.MountLake expects. Datasets without files are absent.
func (s *Snapshot) Paths() map[string][]string {
	out := make(map[string][]string)
	for _, f := range s.files {
		out[f.Dataset] = append(out[f.Dataset], f.Abs)
	}
	return out
}

// SourceOf describes the file at path: its base name, SHA-256 and size.
func SourceOf(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return Source{}, fmt.Errorf("lake : lecture de %s : %w", path, err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return Source{}, fmt.Errorf("lake : lecture de %s : %w", path, err)
	}
	return Source{Name: filepath.Base(path), SHA256: hex.EncodeToString(h.Sum(nil)), Size: n}, nil
}
