package lake

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// event is a small row type for lake tests.
type event struct {
	ID   string `parquet:"id"`
	Kind string `parquet:"kind,dict"`
	N    int32  `parquet:"n"`
}

// src builds a Source whose SHA-256 is derived from a short label.
func src(label string) Source {
	return Source{Name: label + ".csv", SHA256: fmt.Sprintf("%064x", label), Size: int64(len(label))}
}

// land writes one file of n rows per partition into dataset, from one source,
// and commits. It returns the manifest.
func land(t *testing.T, l *Lake, feed string, s Source, dataset string, parts [][]Partition, n int) Manifest {
	t.Helper()
	txn, err := l.Begin(feed, s)
	require.NoError(t, err)
	writeFiles(t, txn, dataset, parts, n)
	m, err := txn.Commit(Summary{Rows: []Rows{{Read: int64(n * len(parts)), Landed: int64(n * len(parts))}}, SchemaVersion: "1"})
	require.NoError(t, err)
	return m
}

func writeFiles(t *testing.T, txn *Txn, dataset string, parts [][]Partition, n int) []string {
	t.Helper()
	var rels []string
	for _, p := range parts {
		w, err := NewWriter[event](txn, dataset, p, WriteOptions{})
		require.NoError(t, err)
		rows := make([]event, n)
		for i := range rows {
			rows[i] = event{ID: fmt.Sprintf("e%d", i), Kind: "ENTREE", N: int32(i)}
		}
		_, err = w.Write(rows)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		rel, _ := filepath.Rel(txn.lake.root, w.Path())
		rels = append(rels, filepath.ToSlash(rel))
	}
	return rels
}

func paths(files []SnapshotFile) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

// parquetOnDisk lists every regular file under the dataset directories.
func parquetOnDisk(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() && strings.HasPrefix(rel, "_") {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	require.NoError(t, err)
	slices.Sort(out)
	return out
}

func TestManifestIsTheOnlyWayToVisibility(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)

	// A Parquet file dropped in a dataset folder without a manifest is ignored.
	stray, err := CreateParquet[event](filepath.Join(l.Root(), "dossiers", "stray.parquet"), WriteOptions{})
	require.Error(t, err, "dataset folder does not exist yet")
	require.NoError(t, os.MkdirAll(filepath.Join(l.Root(), "dossiers"), 0o755))
	stray, err = CreateParquet[event](filepath.Join(l.Root(), "dossiers", "stray.parquet"), WriteOptions{})
	require.NoError(t, err)
	_, err = stray.Write([]event{{ID: "x"}})
	require.NoError(t, err)
	require.NoError(t, stray.Close())

	txn, err := l.Begin("dossiers", src("a"))
	require.NoError(t, err)
	rels := writeFiles(t, txn, "dossiers", [][]Partition{{{"code_financeur", "FT"}}, {{"code_financeur", "RE"}}}, 3)
	for _, rel := range rels {
		assert.FileExists(t, filepath.Join(l.Root(), rel), "written under its final name before commit")
	}
	snap, err := l.Snapshot("")
	require.NoError(t, err)
	assert.Empty(t, snap.Files(""), "nothing visible before the manifest")
	assert.Equal(t, "", snap.AsOf)

	m, err := txn.Commit(Summary{Rows: []Rows{{Read: 7, Landed: 6, Quarantined: 1, QuarantinedByRule: map[string]int64{"NIR_KEY": 1}}}, SchemaVersion: "1", Meta: map[string]string{"encoding": "windows-1252"}})
	require.NoError(t, err)
	assert.Equal(t, "00000001-"+txn.Token(), m.ID)

	snap, err = l.Snapshot("")
	require.NoError(t, err)
	assert.Equal(t, m.ID, snap.AsOf)
	assert.Equal(t, rels, paths(snap.Files("dossiers")), "exactly the manifest's files, not stray.parquet")
	assert.Equal(t, []string{"dossiers"}, snap.Datasets())
	assert.Equal(t, map[string][]string{"dossiers": {
		filepath.Join(l.Root(), "dossiers", "code_financeur=FT", txn.Token()+"-00001.parquet"),
		filepath.Join(l.Root(), "dossiers", "code_financeur=RE", txn.Token()+"-00002.parquet"),
	}}, snap.Paths())
	f := snap.Files("dossiers")[0]
	assert.Equal(t, int64(3), f.Rows)
	assert.Equal(t, map[string]string{"code_financeur": "FT"}, f.Partition)
	assert.Equal(t, m.ID, f.Manifest)
	st, err := os.Stat(f.Abs)
	require.NoError(t, err)
	assert.Equal(t, st.Size(), f.Bytes)

	// The manifest on disk, with its snake_case fields.
	data, err := os.ReadFile(filepath.Join(l.Root(), "_manifests", m.ID+".json"))
	require.NoError(t, err)
	var raw map[string]any
	require.NoError(t, json.Unmarshal(data, &raw))
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	assert.Equal(t, []string{"feed", "files", "finished_at", "id", "kind", "meta", "rows", "schema_version", "sources", "started_at"}, keys)
	assert.Equal(t, map[string]any{"read": 7.0, "landed": 6.0, "quarantined": 1.0, "quarantined_by_rule": map[string]any{"NIR_KEY": 1.0}}, raw["rows"])
	assert.Equal(t, []any{map[string]any{"name": "a.csv", "sha256": src("a").SHA256, "size": 1.0,
		"rows": map[string]any{"read": 7.0, "landed": 6.0, "quarantined": 1.0, "quarantined_by_rule": map[string]any{"NIR_KEY": 1.0}}}}, raw["sources"])
	assert.Equal(t, map[string]any{"dataset": "dossiers", "path": rels[0], "rows": 3.0, "bytes": float64(f.Bytes),
		"partition": map[string]any{"code_financeur": "FT"}}, raw["files"].([]any)[0])

	// A second handle (another process) reads the same manifest back.
	l2, err := Open(l.Root())
	require.NoError(t, err)
	ms, err := l2.Manifests()
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, m.ID, ms[0].ID)
	assert.Equal(t, m.Files, ms[0].Files)
	assert.Equal(t, m.Rows, ms[0].Rows)
	assert.True(t, m.FinishedAt.Equal(ms[0].FinishedAt))
}

func TestSameSourceNeverCommittedTwice(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	first := land(t, l, "dossiers", src("a"), "dossiers", [][]Partition{nil}, 2)

	// Begin refuses at once, with the manifest that landed it.
	_, err = l.Begin("dossiers", src("b"), src("a"))
	require.ErrorIs(t, err, ErrAlreadyLanded)
	var already *AlreadyLandedError
	require.ErrorAs(t, err, &already)
	assert.Equal(t, first.ID, already.Manifest)
	assert.Contains(t, err.Error(), "déjà chargé")

	// The same content under another name is the same source.
	renamed := src("a")
	renamed.Name = "copie.csv"
	_, err = l.Begin("dossiers", renamed)
	require.ErrorIs(t, err, ErrAlreadyLanded)

	// Twice in one landing.
	_, err = l.Begin("evenements", src("c"), src("c"))
	require.ErrorIs(t, err, ErrAlreadyLanded)

	// The same bytes for another feed are another source.
	land(t, l, "evenements", src("a"), "evenements", [][]Partition{nil}, 1)

	m, ok, err := l.Landed("dossiers", src("a").SHA256)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, first.ID, m.ID)
	_, ok, err = l.Landed("dossiers", src("z").SHA256)
	require.NoError(t, err)
	assert.False(t, ok)

	// Two transactions began before either committed: the second loses at commit.
	t1, err := l.Begin("financements", src("d"))
	require.NoError(t, err)
	t2, err := l.Begin("financements", src("d"))
	require.NoError(t, err)
	writeFiles(t, t1, "financements", [][]Partition{nil}, 1)
	lost := writeFiles(t, t2, "financements", [][]Partition{nil}, 1)
	won, err := t1.Commit(Summary{Rows: []Rows{{Read: 1, Landed: 1}}})
	require.NoError(t, err)
	_, err = t2.Commit(Summary{Rows: []Rows{{Read: 1, Landed: 1}}})
	require.ErrorIs(t, err, ErrAlreadyLanded)
	require.ErrorAs(t, err, &already)
	assert.Equal(t, won.ID, already.Manifest)
	require.NoError(t, t2.Abort())
	assert.NoFileExists(t, filepath.Join(l.Root(), lost[0]), "Abort deletes the loser's files")

	ms, err := l.Manifests()
	require.NoError(t, err)
	assert.Len(t, ms, 3, "dossiers/a, evenements/a, financements/d")
}

func TestConcurrentCommitters(t *testing.T) {
	root := t.TempDir()
	const n = 8
	// n handles (as n processes would) land the same source: one wins.
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Open(root)
			if err != nil {
				errs[i] = err
				return
			}
			txn, err := l.Begin("dossiers", src("same"))
			if err != nil {
				errs[i] = err
				return
			}
			_, errs[i] = txn.Commit(Summary{Rows: []Rows{{}}})
			if errs[i] != nil {
				txn.Abort()
			}
		}()
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else {
			require.ErrorIs(t, err, ErrAlreadyLanded)
		}
	}
	assert.Equal(t, 1, won)

	// n handles land n different sources: all win, with dense, distinct sequences.
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := Open(root)
			if err == nil {
				var txn *Txn
				if txn, err = l.Begin("dossiers", src(fmt.Sprint("s", i))); err == nil {
					_, err = txn.Commit(Summary{Rows: []Rows{{}}})
				}
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	l, err := Open(root)
	require.NoError(t, err)
	ms, err := l.Manifests()
	require.NoError(t, err)
	require.Len(t, ms, n+1)
	for i, m := range ms {
		assert.Equal(t, int64(i+1), m.Seq())
	}
}

func TestAsOfSelection(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	fr := []Partition{{"code_financeur", "FT"}}
	re := []Partition{{"code_financeur", "RE"}}
	m1 := land(t, l, "dossiers", src("1"), "dossiers", [][]Partition{fr, re}, 2)
	m2 := land(t, l, "dsn_extrait", src("2"), "dsn_extrait", [][]Partition{{{"mois", "2024-03"}}}, 2)
	m3 := land(t, l, "dossiers", src("3"), "dossiers", [][]Partition{fr}, 2)

	// A compaction replaces the two FT files by one.
	c, err := l.BeginKind(Compaction, "dossiers")
	require.NoError(t, err)
	compacted := writeFiles(t, c, "dossiers", [][]Partition{fr}, 4)
	c.Remove(m1.Files[0].Path)
	c.Remove(m3.Files[0].Path)
	m4, err := c.Commit(Summary{})
	require.NoError(t, err)
	assert.Equal(t, Compaction, m4.Kind)

	// A purge of the RE file.
	p, err := l.BeginKind(Purge, "dossiers")
	require.NoError(t, err)
	p.Remove(m1.Files[1].Path)
	m5, err := p.Commit(Summary{Meta: map[string]string{"motif": "durée de conservation"}})
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(l.Root(), "_manifests", m5.ID+".json"))
	require.NoError(t, err)
	assert.Contains(t, string(data), `"files": [],`)
	assert.Contains(t, string(data), `"sources": [],`)
	assert.Contains(t, string(data), `"removes": [`+"\n    \""+m1.Files[1].Path+`"`)

	want := map[string][]string{
		m1.ID: {m1.Files[0].Path, m1.Files[1].Path},
		m2.ID: {m1.Files[0].Path, m1.Files[1].Path, m2.Files[0].Path},
		m3.ID: {m1.Files[0].Path, m1.Files[1].Path, m3.Files[0].Path, m2.Files[0].Path},
		m4.ID: {m1.Files[1].Path, compacted[0], m2.Files[0].Path},
		m5.ID: {compacted[0], m2.Files[0].Path},
		"":    {compacted[0], m2.Files[0].Path},
	}
	for asOf, files := range want {
		snap, err := l.Snapshot(asOf)
		require.NoError(t, err)
		assert.Equal(t, files, paths(snap.Files("")), "as of %q", asOf)
	}
	snap, err := l.Snapshot(m2.ID)
	require.NoError(t, err)
	assert.Equal(t, m2.ID, snap.AsOf)
	assert.Equal(t, []string{"dossiers", "dsn_extrait"}, snap.Datasets())
	assert.Equal(t, []string{m2.Files[0].Path}, paths(snap.Files("dsn_extrait")))
	assert.Empty(t, snap.Files("evenements"))

	_, err = l.Snapshot("00000009-deadbeef")
	assert.ErrorContains(t, err, "inconnu")
	_, err = l.Snapshot("2")
	assert.ErrorContains(t, err, "inconnu")

	// Removing a file that is not visible is refused.
	bad, err := l.BeginKind(Purge, "dossiers")
	require.NoError(t, err)
	bad.Remove(m1.Files[0].Path)
	_, err = bad.Commit(Summary{})
	assert.ErrorContains(t, err, "pas visible")
}

func TestCommitChecks(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	txn, err := l.Begin("dossiers", src("a"), src("b"))
	require.NoError(t, err)

	w, err := NewWriter[event](txn, "dossiers", nil, WriteOptions{})
	require.NoError(t, err)
	_, err = txn.Commit(Summary{Rows: []Rows{{}, {}}})
	assert.ErrorContains(t, err, "pas encore fermé")
	require.NoError(t, w.Close())

	_, err = txn.Commit(Summary{Rows: []Rows{{}}})
	assert.ErrorContains(t, err, "1 comptes de lignes pour 2 sources")
	_, err = txn.Commit(Summary{Rows: []Rows{{Read: 3, Landed: 1, Quarantined: 1}, {}}})
	assert.ErrorContains(t, err, "lues (3) ≠ chargées (1) + en quarantaine (1)")

	m, err := txn.Commit(Summary{Rows: []Rows{{Read: 3, Landed: 2, Quarantined: 1, QuarantinedByRule: map[string]int64{"BAD_DATE": 1}}, {Read: 4, Landed: 2, Quarantined: 2, QuarantinedByRule: map[string]int64{"BAD_DATE": 1, "NIR_KEY": 1}}}})
	require.NoError(t, err)
	assert.Equal(t, Rows{Read: 7, Landed: 4, Quarantined: 3, QuarantinedByRule: map[string]int64{"BAD_DATE": 2, "NIR_KEY": 1}}, m.Rows)
	for _, label := range []string{"a", "b"} {
		landedBy, ok, err := l.Landed("dossiers", src(label).SHA256)
		require.NoError(t, err)
		assert.True(t, ok, label)
		assert.Equal(t, m.ID, landedBy.ID, "both sources of the batch are landed by it")
	}
	_, err = l.Begin("dossiers", src("c"), src("b"))
	assert.ErrorIs(t, err, ErrAlreadyLanded)
	_, err = txn.Commit(Summary{Rows: []Rows{{}, {}}})
	assert.ErrorContains(t, err, "déjà terminée")
	assert.NoError(t, txn.Abort(), "Abort after Commit does nothing")
	snap, err := l.Snapshot("")
	require.NoError(t, err)
	assert.Len(t, snap.Files(""), 1, "the committed file survives Abort")
	assert.FileExists(t, snap.Files("")[0].Abs)
}

func TestNamesAreChecked(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	for _, feed := range []string{"", "Dossiers", "_manifests", "../x", "a-b", "1abc"} {
		_, err := l.Begin(feed)
		assert.Error(t, err, "feed %q", feed)
	}
	_, err = l.Begin("dossiers", Source{Name: "x.csv", SHA256: "abc"})
	assert.ErrorContains(t, err, "SHA-256 invalide")

	txn, err := l.Begin("dossiers")
	require.NoError(t, err)
	defer txn.Abort()
	for _, c := range []struct {
		dataset string
		part    []Partition
	}{
		{"../etc", nil},
		{"_tmp", nil},
		{"dossiers", []Partition{{"Mois", "2024-03"}}},
		{"dossiers", []Partition{{"mois", "../x"}}},
		{"dossiers", []Partition{{"mois", "a/b"}}},
		{"dossiers", []Partition{{"mois", "a=b"}}},
		{"dossiers", []Partition{{"mois", ""}}},
		{"dossiers", []Partition{{"mois", ".hidden"}}},
		{"dossiers", []Partition{{"mois", "l'an"}}},
	} {
		_, err := NewWriter[event](txn, c.dataset, c.part, WriteOptions{})
		assert.Error(t, err, "%q %v", c.dataset, c.part)
	}
	w, err := NewWriter[event](txn, "dsn_extrait", []Partition{{"mois", "2024-03"}, {"code_financeur", "__HIVE_DEFAULT_PARTITION__"}}, WriteOptions{})
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(l.Root(), "dsn_extrait", "mois=2024-03", "code_financeur=__HIVE_DEFAULT_PARTITION__", txn.Token()+"-00001.parquet"), w.Path())
	require.NoError(t, w.Abort())
}

func TestSourceOf(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dossiers_FT.csv")
	require.NoError(t, os.WriteFile(p, []byte("abc"), 0o644))
	s, err := SourceOf(p)
	require.NoError(t, err)
	// SHA-256("abc") from FIPS 180-2, appendix B.1.
	assert.Equal(t, Source{Name: "dossiers_FT.csv", SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Size: 3}, s)
	_, err = SourceOf(p + ".absent")
	assert.Error(t, err)
}

func TestCollectKeepsLiveAndCommittedFiles(t *testing.T) {
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	m := land(t, l, "dossiers", src("a"), "dossiers", [][]Partition{nil}, 1)

	live, err := l.Begin("dossiers", src("b"))
	require.NoError(t, err)
	liveFiles := writeFiles(t, live, "dossiers", [][]Partition{nil}, 1)

	aborted, err := l.Begin("dossiers", src("c"))
	require.NoError(t, err)
	w, err := NewWriter[event](aborted, "dossiers", nil, WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write([]event{{ID: "x"}})
	require.NoError(t, err)
	abandoned := w.tmp // never closed: the process "died"
	aborted.live.Close()
	aborted.live = nil

	removed, err := l.Collect(time.Hour)
	require.NoError(t, err)
	assert.Empty(t, removed, "nothing old enough")
	assert.FileExists(t, abandoned)

	removed, err = l.Collect(0)
	require.NoError(t, err)
	rel, _ := filepath.Rel(l.Root(), abandoned)
	assert.Equal(t, []string{filepath.ToSlash(rel)}, removed)
	assert.ElementsMatch(t, []string{m.Files[0].Path, liveFiles[0]}, parquetOnDisk(t, l.Root()), "committed and live files kept")
	assert.NoFileExists(t, filepath.Join(l.Root(), "_tmp", aborted.token+".lock"), "stale lock removed")

	_, err = live.Commit(Summary{Rows: []Rows{{}}})
	require.NoError(t, err)
	snap, err := l.Snapshot("")
	require.NoError(t, err)
	assert.Equal(t, []string{m.Files[0].Path, liveFiles[0]}, paths(snap.Files("dossiers")))
}

// crash is the panic value of a failpoint that simulates a crash.
type crash string

// die simulates the death of the process that ran txn: its lock goes, its
// files stay.
func die(txn *Txn) {
	if txn.live != nil {
		txn.live.Close()
		txn.live = nil
	}
}

func TestCrashAtEveryPointLeavesNothingVisible(t *testing.T) {
	points := []string{fpWriterSynced, fpWriterRenamed, fpCommitStart, fpCommitLocked, fpManifestSynced}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			root := t.TempDir()
			l, err := Open(root)
			require.NoError(t, err)
			before := land(t, l, "dossiers", src("before"), "dossiers", [][]Partition{nil}, 1)

			crashAt(t, point)
			assert.Equal(t, crash(point), crashLanding(t, l))

			// A new process finds the lake as it was before the landing.
			l, err = Open(root)
			require.NoError(t, err)
			ms, err := l.Manifests()
			require.NoError(t, err)
			require.Len(t, ms, 1)
			assert.Equal(t, before.ID, ms[0].ID)
			snap, err := l.Snapshot("")
			require.NoError(t, err)
			assert.Equal(t, []string{before.Files[0].Path}, paths(snap.Files("")))
			_, ok, err := l.Landed("dossiers", src("crash").SHA256)
			require.NoError(t, err)
			assert.False(t, ok)

			// Landing again completes, and Collect removes the leftovers only.
			m := land(t, l, "dossiers", src("crash"), "dossiers", [][]Partition{nil, {{"code_financeur", "FT"}}}, 2)
			_, err = l.Collect(0)
			require.NoError(t, err)
			want := []string{before.Files[0].Path, m.Files[0].Path, m.Files[1].Path}
			slices.Sort(want)
			assert.Equal(t, want, parquetOnDisk(t, root))
			entries, err := os.ReadDir(filepath.Join(root, "_manifests"))
			require.NoError(t, err)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{".lock", before.ID + ".json", m.ID + ".json"}, names)
		})
	}

	t.Run("after the manifest rename the landing is committed", func(t *testing.T) {
		l, err := Open(t.TempDir())
		require.NoError(t, err)
		crashAt(t, fpManifestRename)
		assert.Equal(t, crash(fpManifestRename), crashLanding(t, l))
		l, err = Open(l.Root())
		require.NoError(t, err)
		snap, err := l.Snapshot("")
		require.NoError(t, err)
		assert.Len(t, snap.Files(""), 2)
		_, err = l.Begin("dossiers", src("crash"))
		assert.ErrorIs(t, err, ErrAlreadyLanded)
	})
}

// crashAt makes the failpoint named point panic with crash(point), until
// crashLanding returns.
func crashAt(t *testing.T, point string) {
	failpoint = func(p string) {
		if p == point {
			panic(crash(p))
		}
	}
	t.Cleanup(func() { failpoint = nil })
}

// crashLanding runs a landing of source "crash" (two files) until a failpoint
// panics, then abandons it as a dying process would, and returns the panic
// value (nil if the landing completed).
func crashLanding(t *testing.T, l *Lake) (crashed any) {
	t.Helper()
	txn, err := l.Begin("dossiers", src("crash"))
	require.NoError(t, err)
	defer func() {
		crashed = recover()
		failpoint = nil
		die(txn)
	}()
	for _, p := range [][]Partition{nil, {{"code_financeur", "FT"}}} {
		w, err := NewWriter[event](txn, "dossiers", p, WriteOptions{})
		require.NoError(t, err)
		_, err = w.Write([]event{{ID: "a"}, {ID: "b"}})
		require.NoError(t, err)
		require.NoError(t, w.Close())
	}
	_, err = txn.Commit(Summary{Rows: []Rows{{Read: 4, Landed: 4}}})
	require.NoError(t, err)
	return nil
}
