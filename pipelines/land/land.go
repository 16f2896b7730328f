// Package land turns partner deliveries into the lake: for each file it
// detects the encoding and the feed, validates every row against the
// dictionary, pseudonymises the NIR, writes typed and sorted Parquet through a
// lake transaction, puts rejected rows in quarantine, and commits the manifest.
// It loses nothing (rows read = landed + quarantined, for every file) and leaks
// nothing (no NIR in clear anywhere under the data root).
//
// # What lands where
//
// Under the lake root, each dataset of dictionary.LakeSchemas() is a folder:
//
//	dossiers/, evenements/, financements/, enveloppes/   <token>-NNNNN.parquet
//	dsn_extrait/mois=AAAA-MM-01/                         one folder per month declared
//	dsn_declarations/                                    one row per NEODeS declaration
//	quarantaine/                                         one row per broken rule of a rejected row
//	_manifests/<seq>-<token>.json                        one per transaction: its sources and their counts
//
// Each Parquet file holds at most DefaultPartRows rows, sorted on the keys the
// models join on (the pseudonym then dates, or the funder and dossier id then
// a date), then in file order (_source, _ligne): the orders of lake.SortKeys,
// whose _landing is the same for every row of a file. They are in zstd row
// groups of lake.DefaultRowGroupRows. The mois column of dsn_extrait is also
// in the files, with the partition's value, so the files read the same with
// or without Hive partitioning. Every row carries its lineage: _landing (the
// time its landing began and the token of its manifest, so that landings sort
// in the order they were made), _source (the ordinal, from 1, of its file
// among the sources of its manifest) and _ligne (its line in the source file).
//
// # Order of the files
//
// The files of a run are taken in the lexical order of their paths (as
// given, or as found under the folders given; see Collect), whatever the
// order of the arguments. It is the order of the sources in each manifest,
// of their _source numbers, and of the _landing values of the transactions
// of one run. The models keep the last version of a row by (date_transmission
// where the feed has one, _landing, _source, _ligne): of two versions of a row
// delivered in one run, the one in the file whose path sorts last wins.
// Partners control it by naming: dsn_extrait_2025-11_rectif.csv lands after
// dsn_extrait_2025-11.csv.
//
// # Transactions
//
// Small files of one feed land together in one transaction (one manifest
// listing each file with its own counts); a large file lands alone. A landing
// killed at any point leaves nothing of its transaction visible, and landing
// again completes it. The same bytes never land twice for a feed (the lake
// refuses the same SHA-256): they are reported "déjà chargé". A file refused
// as a whole (a missing column, an unreadable encoding) is recorded too: a
// manifest with no row and a quarantine row at line 0 with the rule.
package land

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

// NEODeS is the feed name of DSN declarations in the NEODeS format, as
// recorded in manifests and quarantine. Their rows land in dsn_extrait and
// dsn_declarations.
const NEODeS = "dsn_neodes"

// UnknownFeed is the feed recorded for a refused file whose feed could not be told.
const UnknownFeed = "inconnu"

// SchemaVersion is recorded in every manifest.
const SchemaVersion = "1"

// Meta keys of the manifests written by land.
const (
	MetaKey          = "cle_pseudonymisation" // fingerprint of the pseudonymisation key
	MetaEncoding     = "encodage"
	MetaExtra        = "colonnes_ignorees"
	MetaRefusedRule  = "refus_regle"
	MetaRefusedMsg   = "refus_message"
	MetaDeclarations = "declarations"
	MetaSkipped      = "declarations_ignorees"
)

// Options tune a landing. The zero value detects feeds and lands two files at once.
type Options struct {
	// Feed forces the feed of every file: a CSV feed of the dictionary or
	// NEODeS. Empty: detected from the header, or from the content (and the
	// .dsn extension) for NEODeS.
	Feed string
	// Workers is the number of files landed at once (default: 2, at most GOMAXPROCS).
	Workers int
	// PartRows caps the rows per Parquet file (default DefaultPartRows).
	PartRows int
	// Progress receives a progress bar (bytes, rows/s); nil draws none.
	Progress io.Writer
	// Log receives debug and warning messages; nil discards them. No NIR is ever logged.
	Log *slog.Logger
}

// Status is what happened to a file.
type Status string

const (
	StatusLanded  Status = "chargé"
	StatusAlready Status = "déjà chargé"
	StatusRefused Status = "refusé" // whole-file error: nothing landed; recorded in the lake
	StatusFailed  Status = "erreur" // I/O or lake error: nothing landed, nothing recorded
	statusPending Status = "en cours"
)

// FileResult is the outcome of one file.
type FileResult struct {
	Path         string           `json:"chemin"`
	Name         string           `json:"fichier"`
	Feed         string           `json:"flux"`
	Status       Status           `json:"statut"`
	Encoding     string           `json:"encodage,omitempty"`
	SHA256       string           `json:"sha256,omitempty"`
	Size         int64            `json:"octets"`
	Manifest     string           `json:"manifeste,omitempty"`
	Read         int64            `json:"lignes_lues"`
	Landed       int64            `json:"lignes_chargees"`
	Quarantined  int64            `json:"lignes_en_quarantaine"`
	ByRule       map[string]int64 `json:"quarantaine_par_regle,omitempty"`
	Extra        []string         `json:"colonnes_ignorees,omitempty"`
	Blank        int64            `json:"lignes_vides,omitempty"`
	Declarations int64            `json:"declarations,omitempty"`
	Skipped      int64            `json:"declarations_ignorees,omitempty"`
	Rule         string           `json:"regle_refus,omitempty"`
	Error        string           `json:"erreur,omitempty"`
	Seconds      float64          `json:"secondes"`
}

// Summary is the outcome of a landing run.
type Summary struct {
	Files       []FileResult `json:"fichiers"`
	Read        int64        `json:"lignes_lues"`
	Landed      int64        `json:"lignes_chargees"`
	Quarantined int64        `json:"lignes_en_quarantaine"`
	Bytes       int64        `json:"octets"`
	Seconds     float64      `json:"secondes"`
}

// Count returns the number of files with that status.
func (s Summary) Count(st Status) int {
	n := 0
	for _, f := range s.Files {
		if f.Status == st {
			n++
		}
	}
	return n
}

// failpoint, when set by a test, is called at named points of a landing; an
// error stops the landing there as a crash would (the transaction is then
// aborted, or, for a killed process, simply left behind).
var failpoint func(point string) error

func hit(point string) error {
	if failpoint == nil {
		return nil
	}
	return failpoint(point)
}

// Run lands the files found under paths (files, or folders searched
// recursively for *.csv and *.dsn) into the lake, with the pseudonymisation
// key. Per-file problems are in the summary (refused or failed files); the
// error is for problems that stop everything. Those the user can fix are
// *InputError: an unknown feed, no such path, no file, a key other than the
// one of earlier landings, a cancelled context (which it wraps). The others
// (the lake's manifests unreadable, a folder that cannot be read) are not.
func Run(ctx context.Context, lk *lake.Lake, key *pseudo.Key, paths []string, opts Options) (Summary, error) {
	start := time.Now()
	if key == nil {
		return Summary{}, errors.New("land : clé de pseudonymisation manquante")
	}
	if opts.Feed != "" && opts.Feed != NEODeS {
		if _, ok := dictionary.FeedByName(opts.Feed); !ok {
			return Summary{}, inputErrorf("flux « %s » inconnu : choisissez parmi %s", opts.Feed, strings.Join(FeedNames(), ", "))
		}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Workers <= 0 {
		opts.Workers = min(2, runtime.GOMAXPROCS(0))
	}
	if err := checkKey(lk, key); err != nil {
		return Summary{}, err
	}
	files, err := Collect(paths)
	if err != nil {
		return Summary{}, err
	}
	if len(files) == 0 {
		return Summary{}, inputErrorf("aucune livraison (*.csv, *.dsn) trouvée dans %s", strings.Join(paths, ", "))
	}
	var total int64
	for _, f := range files {
		if st, err := os.Stat(f); err == nil {
			total += st.Size()
		}
	}
	pr := newProgress(opts.Progress, total)
	defer pr.finish()

	l := &lander{lake: lk, key: key, opts: opts, progress: pr, start: start}
	// First pass over each file (hash, encoding, feed), then the landings, by
	// batches of small files of one feed; both on opts.Workers goroutines.
	items := make([]*item, len(files))
	parallel(ctx, opts.Workers, len(files), func(i int) {
		items[i] = l.prepare(ctx, i, files[i])
		if items[i].res.Status != statusPending {
			pr.add(items[i].res.Size)
		}
	})
	batches := plan(items)
	parallel(ctx, opts.Workers, len(batches), func(i int) { l.landBatch(ctx, batches[i]) })
	results := make([]FileResult, len(files))
	for i, it := range items {
		if it == nil {
			continue // not started: cancelled
		}
		if it.sameAs != nil {
			it.res.Manifest = it.sameAs.res.Manifest
			if it.sameAs.res.Status != StatusLanded && it.sameAs.res.Status != StatusAlready {
				it.res.Status, it.res.Rule, it.res.Error = it.sameAs.res.Status, it.sameAs.res.Rule, it.sameAs.res.Error
			}
		}
		if it.res.Status == statusPending {
			continue // not landed: cancelled
		}
		results[i] = it.res
	}

	sum := Summary{Seconds: time.Since(start).Seconds()}
	for _, r := range results {
		if r.Path == "" {
			continue // not started: cancelled
		}
		sum.Files = append(sum.Files, r)
		sum.Read += r.Read
		sum.Landed += r.Landed
		sum.Quarantined += r.Quarantined
		sum.Bytes += r.Size
	}
	if err := ctx.Err(); err != nil {
		return sum, inputErrorf("chargement interrompu : les fichiers en cours n'ont rien laissé de visible ; relancez la même commande pour terminer (%w)", err)
	}
	return sum, nil
}

// parallel runs f(0) … f(n-1) on at most workers goroutines, stopping early
// when ctx is cancelled.
func parallel(ctx context.Context, workers, n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// feedOrNil returns the forced CSV feed of the options, or nil.
func feedOrNil(name string) *dictionary.Feed {
	f, _ := dictionary.FeedByName(name)
	return f
}

// FeedNames lists the names accepted by Options.Feed.
func FeedNames() []string {
	var names []string
	for _, f := range dictionary.Feeds() {
		names = append(names, f.Name)
	}
	return append(names, NEODeS)
}

// checkKey refuses a key other than the one earlier landings used: their
// pseudonyms could never be joined with the new ones.
func checkKey(lk *lake.Lake, key *pseudo.Key) error {
	ms, err := lk.Manifests()
	if err != nil {
		return err
	}
	fp := key.Fingerprint()
	for _, m := range ms {
		if m.Kind != lake.Landing {
			continue
		}
		if got, ok := m.Meta[MetaKey]; ok && got != fp {
			return inputErrorf("la clé de pseudonymisation (empreinte %s, %s) n'est pas celle des chargements précédents (empreinte %s, chargement %s) : les pseudonymes ne se joindraient plus. Utilisez la clé d'origine (variable %s ou fichier --cle) ; rien n'a été chargé", fp, key.Origin, got, m.ID, pseudo.EnvKey)
		}
	}
	return nil
}

// Collect lists the delivery files under paths: a file is taken as it is; a
// folder is searched recursively for *.csv and *.dsn files (hidden ones
// skipped). The list is free of duplicates and sorted in the lexical order of
// the paths (as given, or as found under the folders given), whatever the
// order of the arguments: it is the order in which the files land and are
// numbered (_source) within a landing, so that of two files of one run the
// one named last wins, e.g. dsn_extrait_2025-11_rectif.csv over
// dsn_extrait_2025-11.csv. A path that does not exist or is no file nor
// folder is an *InputError; a folder that cannot be read is not.
func Collect(paths []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if abs, err := filepath.Abs(p); err == nil && !seen[abs] {
			seen[abs] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, inputErrorf("livraison introuvable : %s (vérifiez le chemin)", p)
		}
		if !st.IsDir() {
			if !st.Mode().IsRegular() {
				return nil, inputErrorf("%s n'est pas un fichier ordinaire (périphérique, tube ou socket) : donnez un fichier .csv ou .dsn, ou un dossier", p)
			}
			add(p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("lecture du dossier %s : %w", q, err)
			}
			name := d.Name()
			if q != p && strings.HasPrefix(name, ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				switch strings.ToLower(filepath.Ext(name)) {
				case ".csv", ".dsn":
					found = append(found, q)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, q := range found {
			add(q)
		}
	}
	slices.Sort(out)
	return out, nil
}

// lander holds what the files of a run share.
type lander struct {
	start    time.Time // when the run began: the time of its _landing values
	lake     *lake.Lake
	key      *pseudo.Key
	opts     Options
	progress *progress
	chunks   chunks
}
