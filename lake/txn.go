package lake

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Partition is one level of Hive-style partitioning, key=value.
type Partition struct {
	Key, Value string
}

// Txn is a transaction on the lake: files written through it stay invisible
// until Commit writes its manifest. A Txn is safe for concurrent use by
// several writers. Always end it with Commit or Abort.
type Txn struct {
	lake    *Lake
	kind    Kind
	feed    string
	sources []Source
	token   string
	started time.Time
	live    *os.File // lock that tells Collect this transaction is running

	mu        sync.Mutex
	next      int // number of the next file
	open      int // writers not yet closed
	files     []File
	removes   []string
	hidden    []File // files of rewrites that are not visible (see Rewrite)
	rewrites  []Rewrite
	committed bool
	ended     bool
}

// Begin starts a landing of the given sources into feed. It returns an error
// matching ErrAlreadyLanded if one of them has already been committed for this
// feed (or appears twice); nothing is then changed.
func (l *Lake) Begin(feed string, sources ...Source) (*Txn, error) {
	return l.BeginKind(Landing, feed, sources...)
}

// BeginKind starts a transaction of any kind. Only landings are checked
// against already landed sources.
func (l *Lake) BeginKind(kind Kind, feed string, sources ...Source) (*Txn, error) {
	switch kind {
	case Landing, Compaction, Purge:
	default:
		return nil, fmt.Errorf("lake : type de chargement inconnu %q", kind)
	}
	if err := checkName("flux", feed); err != nil {
		return nil, err
	}
	for i, s := range sources {
		if len(s.SHA256) != 64 || strings.Trim(strings.ToLower(s.SHA256), "0123456789abcdef") != "" {
			return nil, fmt.Errorf("lake : source %q : empreinte SHA-256 invalide %q (64 chiffres hexadécimaux attendus ; utilisez lake.SourceOf)", s.Name, s.SHA256)
		}
		sources[i].SHA256 = strings.ToLower(s.SHA256)
		for _, prev := range sources[:i] {
			if prev.SHA256 == sources[i].SHA256 {
				return nil, &AlreadyLandedError{Feed: feed, Source: s}
			}
		}
	}
	t := &Txn{lake: l, kind: kind, feed: feed, sources: slices.Clone(sources), started: time.Now().UTC()}
	if kind == Landing {
		l.mu.Lock()
		err := l.refresh()
		if err == nil {
			err = l.checkNotLanded(feed, t.sources)
		}
		l.mu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	// Claim a token nobody uses: its lock file is created exclusively.
	for {
		t.token = newToken()
		p := filepath.Join(l.root, tmpDir, t.token+".lock")
		f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("lake : début de transaction dans %s : %w", l.root, err)
		}
		if err := flock(f, false); err != nil {
			f.Close()
			os.Remove(p)
			return nil, fmt.Errorf("lake : début de transaction dans %s : %w", l.root, err)
		}
		t.live = f
		return t, nil
	}
}

// checkNotLanded returns an AlreadyLandedError for the first source already
// committed for feed. l.mu must be held and the cache refreshed.
func (l *Lake) checkNotLanded(feed string, sources []Source) error {
	for _, s := range sources {
		if id, ok := l.landed[sourceKey(feed, s.SHA256)]; ok {
			return &AlreadyLandedError{Feed: feed, Source: s, Manifest: id}
		}
	}
	return nil
}

// Token returns the short random token of the transaction; it prefixes the
// names of its files and ends its manifest id.
func (t *Txn) Token() string { return t.token }

// reserve returns the relative path of a new file for dataset and partition
// and creates its directory.
func (t *Txn) reserve(dataset string, partition []Partition) (string, error) {
	if err := checkName("jeu de données", dataset); err != nil {
		return "", err
	}
	parts := []string{dataset}
	for _, p := range partition {
		if err := checkName("clé de partition", p.Key); err != nil {
			return "", err
		}
		if !valueRe.MatchString(p.Value) {
			return "", fmt.Errorf("lake : valeur de partition invalide %s=%q : lettres, chiffres, _ . - seulement (ex. 2024-03)", p.Key, p.Value)
		}
		parts = append(parts, p.Key+"="+p.Value)
	}
	t.mu.Lock()
	if t.ended {
		t.mu.Unlock()
		return "", errors.New("lake : transaction déjà terminée")
	}
	t.next++
	name := fmt.Sprintf("%s-%05d.parquet", t.token, t.next)
	t.open++
	t.mu.Unlock()
	dir := filepath.Join(t.lake.root, filepath.FromSlash(path.Join(parts...)))
	if err := mkdirSynced(dir, t.lake.root); err != nil {
		t.release()
		return "", err
	}
	return path.Join(append(parts, name)...), nil
}

// release marks one reserved file as finished without adding it.
func (t *Txn) release() {
	t.mu.Lock()
	t.open--
	t.mu.Unlock()
}

// add records a finished file.
func (t *Txn) add(f File) {
	t.mu.Lock()
	t.open--
	t.files = append(t.files, f)
	t.mu.Unlock()
}

// Remove makes the file at rel (a path relative to the root, as in a
// manifest) invisible from this transaction's commit on. Commit checks that
// the file is visible at that time.
func (t *Txn) Remove(rel string) {
	t.mu.Lock()
	t.removes = append(t.removes, rel)
	t.mu.Unlock()
}

// addHidden records a finished file that the commit does not make visible:
// the new side of a rewrite of a file that is no longer visible.
func (t *Txn) addHidden(f File) {
	t.mu.Lock()
	t.open--
	t.hidden = append(t.hidden, f)
	t.mu.Unlock()
}

// rewrite records that old is replaced by new (nil: by nothing) in every
// snapshot, and deleted from disk after the commit (see Rewrite).
func (t *Txn) rewrite(old string, new *File) {
	t.mu.Lock()
	t.rewrites = append(t.rewrites, Rewrite{Old: old, New: new})
	t.mu.Unlock()
}

// Summary is what the caller tells Commit about the transaction.
type Summary struct {
	// Rows has one entry per source given to Begin, in the same order.
	Rows          []Rows
	SchemaVersion string
	Meta          map[string]string
}

// Commit makes the transaction's files visible by writing its manifest, and
// returns it. If another process committed one of the same sources
// meanwhile, it returns an error matching ErrAlreadyLanded and nothing
// becomes visible. After an error, call Abort.
func (t *Txn) Commit(s Summary) (Manifest, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return Manifest{}, errors.New("lake : transaction déjà terminée")
	}
	if t.open > 0 {
		return Manifest{}, fmt.Errorf("lake : %d fichier(s) de la transaction %s pas encore fermé(s) : appelez Close sur chaque writer avant Commit", t.open, t.token)
	}
	m := Manifest{
		Kind: t.kind, Feed: t.feed, SchemaVersion: s.SchemaVersion,
		StartedAt: t.started, Files: slices.Clone(t.files), Removes: slices.Clone(t.removes), Meta: s.Meta,
		Sources: []LandedSource{}, Rewrites: slices.Clone(t.rewrites),
	}
	if m.Files == nil {
		m.Files = []File{} // "files": [] rather than null
	}
	if len(s.Rows) != len(t.sources) {
		return Manifest{}, fmt.Errorf("lake : %d comptes de lignes pour %d sources", len(s.Rows), len(t.sources))
	}
	for i, src := range t.sources {
		r := s.Rows[i]
		if r.Read < 0 || r.Landed < 0 || r.Quarantined < 0 || r.Read != r.Landed+r.Quarantined {
			return Manifest{}, fmt.Errorf("lake : source %s : lignes lues (%d) ≠ chargées (%d) + en quarantaine (%d)", src.Name, r.Read, r.Landed, r.Quarantined)
		}
		m.Sources = append(m.Sources, LandedSource{Source: src, Rows: r})
		m.Rows.add(r)
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })

	// Data files are fsynced by their writers; their directories must be too
	// before the manifest can point at them.
	dirs := map[string]bool{}
	for _, f := range append(slices.Clone(m.Files), t.hidden...) {
		for d := path.Dir(f.Path); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for d := range dirs {
		if err := syncDir(filepath.Join(t.lake.root, filepath.FromSlash(d))); err != nil {
			return Manifest{}, err
		}
	}
	if err := syncDir(t.lake.root); err != nil {
		return Manifest{}, err
	}
	hit(fpCommitStart)

	l := t.lake
	mdir := filepath.Join(l.root, manifestsDir)
	lock, err := lockFile(filepath.Join(mdir, lockName), true)
	if err != nil {
		return Manifest{}, fmt.Errorf("lake : verrou de validation dans %s : %w", mdir, err)
	}
	defer unlock(lock)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.refresh(); err != nil {
		return Manifest{}, err
	}
	if t.kind == Landing {
		if err := l.checkNotLanded(t.feed, t.sources); err != nil {
			return Manifest{}, err
		}
	}
	if len(m.Removes) > 0 {
		visible := visibleFiles(l.manifests)
		for _, p := range m.Removes {
			if _, ok := visible[p]; !ok {
				return Manifest{}, fmt.Errorf("lake : impossible de retirer %s : ce fichier n'est pas visible dans le lac", p)
			}
		}
	}
	if err := checkRewrites(l.manifests, m.Rewrites); err != nil {
		return Manifest{}, err
	}
	for _, f := range append(slices.Clone(m.Files), t.hidden...) {
		if _, err := os.Stat(filepath.Join(l.root, filepath.FromSlash(f.Path))); err != nil {
			return Manifest{}, fmt.Errorf("lake : fichier de la transaction disparu avant validation : %w", err)
		}
	}
	hit(fpCommitLocked)

	var seq int64 = 1
	if n := len(l.manifests); n > 0 {
		seq = l.manifests[n-1].Seq() + 1
	}
	m.ID = formatID(seq, t.token)
	m.FinishedAt = time.Now().UTC()
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	final := filepath.Join(mdir, m.ID+".json")
	if _, err := os.Lstat(final); err == nil {
		return Manifest{}, fmt.Errorf("lake : le manifeste %s existe déjà", final)
	}
	err = writeFileAtomic(final, filepath.Join(mdir, ".tmp-"+t.token+".json"), append(data, '\n'), fpManifestSynced, fpManifestRename)
	if _, statErr := os.Lstat(final); statErr == nil {
		// Renamed: committed, even if syncing the directory failed.
		t.committed = true
		t.end()
	}
	if err != nil {
		return Manifest{}, err
	}
	l.read[m.ID+".json"] = true
	l.manifests = append(l.manifests, m)
	for _, s := range m.Sources {
		l.landed[sourceKey(m.Feed, s.SHA256)] = m.ID
	}
	return m, nil
}

// checkRewrites refuses to rewrite a file that no manifest lists or that an
// earlier purge already destroyed (two purges raced).
func checkRewrites(ms []Manifest, rws []Rewrite) error {
	if len(rws) == 0 {
		return nil
	}
	listed, destroyed := listedFiles(ms)
	for _, rw := range rws {
		switch {
		case destroyed[rw.Old]:
			return fmt.Errorf("lake : le fichier %s a déjà été purgé par une autre purge ; relancez la purge", rw.Old)
		case !listed[rw.Old]:
			return fmt.Errorf("lake : impossible de réécrire %s : aucun manifeste ne le liste", rw.Old)
		}
	}
	return nil
}

// listedFiles returns the files some manifest lists (added, or standing in
// for a purged file) and the files purges destroyed.
func listedFiles(ms []Manifest) (listed, destroyed map[string]bool) {
	listed, destroyed = map[string]bool{}, map[string]bool{}
	for _, m := range ms {
		for _, f := range m.Files {
			listed[f.Path] = true
		}
		for _, rw := range m.Rewrites {
			destroyed[rw.Old] = true
			if rw.New != nil {
				listed[rw.New.Path] = true
			}
		}
	}
	return listed, destroyed
}

// Abort ends a transaction that was not committed and deletes its files. It
// is safe to call after Commit (it then does nothing) and more than once.
func (t *Txn) Abort() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.committed || t.ended {
		return nil
	}
	var errs []error
	for _, f := range append(t.files, t.hidden...) {
		if err := os.Remove(filepath.Join(t.lake.root, filepath.FromSlash(f.Path))); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	t.files, t.hidden = nil, nil
	t.end()
	return errors.Join(errs...)
}

// end releases the live lock. t.mu must be held.
func (t *Txn) end() {
	t.ended = true
	if t.live != nil {
		os.Remove(t.live.Name())
		unlock(t.live)
		t.live = nil
	}
}
