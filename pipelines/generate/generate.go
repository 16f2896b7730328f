package generate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
)

// DSNFormat says how employment declarations are delivered.
type DSNFormat string

const (
	DSNBoth    DSNFormat = "both"    // some establishment-months as NEODeS files, the rest as dsn_extrait rows
	DSNNEODeS  DSNFormat = "neodes"  // NEODeS files only (fewer, bigger establishments)
	DSNExtrait DSNFormat = "extrait" // dsn_extrait rows only
)

// Options of a generation.
type Options struct {
	Dossiers   int       // number of training dossiers
	Seed       uint64    // random seed
	Out        string    // output folder
	DSNFormat  DSNFormat // neodes, extrait or both
	Coverage   Month     // last month of DSN and of events (the world's "now" is its last day)
	DefectRate float64   // share of rows given a deliberate defect
	Overwrite  bool      // replace a previous generation in Out
	Workers    int       // goroutines generating persons (0: GOMAXPROCS)
	BufferMiB  int       // memory for output buffers (0: 1024)
}

// DefaultOptions returns the defaults of `agora generate`.
func DefaultOptions() Options {
	return Options{Dossiers: 10000, Seed: 1, DSNFormat: DSNBoth, Coverage: MonthOf(2025, 12), DefectRate: .001}
}

// Validate checks the options; its errors are meant for users (in French).
func (o Options) Validate() error {
	switch {
	case o.Dossiers < 1 || o.Dossiers > 100_000_000:
		return fmt.Errorf("nombre de dossiers invalide (%d) : donnez un entier entre 1 et 100 000 000", o.Dossiers)
	case o.Out == "":
		return errors.New("dossier de sortie absent : indiquez-le avec --out")
	case o.DSNFormat != DSNBoth && o.DSNFormat != DSNNEODeS && o.DSNFormat != DSNExtrait:
		return fmt.Errorf("format DSN « %s » inconnu : choisissez neodes, extrait ou both", o.DSNFormat)
	case o.Coverage < MonthOf(2020, 1) || o.Coverage > MonthOf(2100, 12):
		return fmt.Errorf("mois de couverture %s hors bornes : choisissez un mois AAAA-MM entre 2020-01 et 2100-12", o.Coverage)
	case o.DefectRate < 0 || o.DefectRate > .2:
		return fmt.Errorf("taux de défauts %g invalide : donnez un nombre entre 0 et 0,2", o.DefectRate)
	}
	return nil
}

// Summary describes a generation.
type Summary struct {
	Out           string        `json:"dossier_sortie"`
	Truth         string        `json:"verite"`
	Seed          uint64        `json:"graine"`
	Coverage      string        `json:"couverture"`
	DSNFormat     string        `json:"format_dsn"`
	DefectRate    float64       `json:"taux_defauts"`
	Persons       int64         `json:"personnes"`
	Dossiers      int64         `json:"dossiers"`
	Feeds         []FeedSummary `json:"flux"`
	NEODeS        NEODeSSummary `json:"neodes"`
	Defects       int64         `json:"defauts"`
	DefectsByRule []RuleCount   `json:"defauts_par_regle"`
	Bytes         int64         `json:"octets"`
	Seconds       float64       `json:"duree_s"`
}

// FeedSummary counts the files and rows of a CSV feed.
type FeedSummary struct {
	Feed  string `json:"flux"`
	Files int    `json:"fichiers"`
	Rows  int64  `json:"lignes"`
}

// NEODeSSummary counts NEODeS declarations.
type NEODeSSummary struct {
	Establishments int         `json:"etablissements"`
	Files          int         `json:"fichiers"`
	ByType         []RuleCount `json:"declarations_par_type"`
	EventReports   int         `json:"signalements"`
	ContractMonths int64       `json:"lignes_dsn_attendues"`
}

// RuleCount is a count by code.
type RuleCount struct {
	Code  string `json:"code"`
	Count int64  `json:"nombre"`
}

// Folders of the output.
var outFolders = []string{"dossiers", "evenements", "financements", "enveloppes", "dsn_extrait", "dsn"}

// TruthFile is the name of the truth file written beside the deliveries.
const TruthFile = "truth.json"

// Run generates the deliveries into opt.Out. When progress is not nil a
// progress bar is drawn on it. The output appears only when complete: it is
// written into a sibling folder renamed at the end.
func Run(ctx context.Context, opt Options, progress io.Writer) (Summary, error) {
	t0 := time.Now()
	if err := opt.Validate(); err != nil {
		return Summary{}, err
	}
	out, err := filepath.Abs(opt.Out)
	if err != nil {
		return Summary{}, err
	}
	if err := checkOut(out, opt.Overwrite); err != nil {
		return Summary{}, err
	}
	tmp := out + ".partiel"
	if err := os.RemoveAll(tmp); err != nil {
		return Summary{}, err
	}
	for _, f := range outFolders {
		if err := os.MkdirAll(filepath.Join(tmp, f), 0o755); err != nil {
			return Summary{}, fmt.Errorf("impossible de créer %s : %w", filepath.Join(tmp, f), err)
		}
	}
	g := newGenerator(opt, tmp)
	sum, err := g.run(ctx, progress)
	if err != nil {
		os.RemoveAll(tmp)
		return Summary{}, err
	}
	if _, err := os.Stat(out); err == nil {
		if err := os.RemoveAll(out); err != nil {
			return Summary{}, err
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		return Summary{}, err
	}
	sum.Out = out
	sum.Truth = filepath.Join(out, TruthFile)
	sum.Seconds = time.Since(t0).Seconds()
	return sum, nil
}

// checkOut accepts a missing or empty folder, or a previous generation when
// overwrite is set.
func checkOut(out string, overwrite bool) error {
	st, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s existe et n'est pas un dossier : choisissez un autre --out", out)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(out, TruthFile)); err == nil {
		if overwrite {
			return nil
		}
		return fmt.Errorf("%s contient déjà une génération : ajoutez --force pour la remplacer, ou choisissez un autre --out", out)
	}
	return fmt.Errorf("%s n'est pas vide et ne contient pas de génération précédente (pas de %s) : choisissez un dossier vide ou absent", out, TruthFile)
}

// generator holds a run's world, output files and accumulators.
type generator struct {
	opt     Options
	w       *world
	cells   *nirCells
	fs      *fileSet
	dir     string
	acc     accumulators
	touched []*outFile
}

func newGenerator(opt Options, dir string) *generator {
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.BufferMiB <= 0 {
		opt.BufferMiB = 1024
	}
	g := &generator{opt: opt, dir: dir, w: newWorld(opt), cells: newNIRCells()}
	g.fs = newFileSet(dir, opt.BufferMiB<<20)
	g.fs.create = g.createFile
	g.acc.init(g)
	return g
}

const batchSize = 1024

type batch struct {
	ids      []identity
	outs     []personOut
	dossiers int64
}

func (g *generator) run(ctx context.Context, progress io.Writer) (Summary, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer g.fs.abort()
	if err := g.acc.open(); err != nil {
		return Summary{}, err
	}
	defer g.acc.close()
	var bar *progressbar.ProgressBar
	if progress != nil {
		bar = progressbar.NewOptions64(int64(g.opt.Dossiers), progressbar.OptionSetWriter(progress),
			progressbar.OptionSetDescription("génération des dossiers"), progressbar.OptionShowCount(),
			progressbar.OptionShowIts(), progressbar.OptionSetItsString("dossiers"),
			progressbar.OptionThrottle(250*time.Millisecond), progressbar.OptionSetPredictTime(true),
			progressbar.OptionFullWidth(), progressbar.OptionOnCompletion(func() { fmt.Fprintln(progress) }))
	}
	free := make(chan *batch, 3)
	for range 3 {
		free <- &batch{}
	}
	full := make(chan *batch, 1)
	errc := make(chan error, 1)
	go func() { errc <- g.produce(ctx, free, full) }()
	for b := range full {
		g.apply(b)
		if g.fs.err != nil {
			cancel()
			for range full {
			}
			<-errc
			return Summary{}, fmt.Errorf("écriture des livraisons : %w", g.fs.err)
		}
		if bar != nil {
			bar.Add64(b.dossiers)
		}
		free <- b
	}
	if err := <-errc; err != nil {
		return Summary{}, err
	}
	if err := ctx.Err(); err != nil {
		return Summary{}, err
	}
	if bar != nil {
		bar.Finish()
	}
	g.finish()
	g.fs.close()
	if g.fs.err != nil {
		return Summary{}, fmt.Errorf("écriture des livraisons : %w", g.fs.err)
	}
	sum := g.summary()
	if err := g.writeTruth(&sum); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

// produce draws identities in person order, generates each batch in parallel
// and hands the batches over in order.
func (g *generator) produce(ctx context.Context, free <-chan *batch, full chan<- *batch) error {
	defer close(full)
	r := newRnd()
	workers := make([]*worker, g.opt.Workers)
	for i := range workers {
		workers[i] = newWorker(g)
	}
	total := int64(g.opt.Dossiers)
	var person, dossiers int64
	for dossiers < total {
		var b *batch
		select {
		case <-ctx.Done():
			return ctx.Err()
		case b = <-free:
		}
		b.ids, b.dossiers = b.ids[:0], 0
		for len(b.ids) < batchSize && dossiers < total {
			b.ids = append(b.ids, identity{})
			id := &b.ids[len(b.ids)-1]
			g.drawIdentity(r, person, total-dossiers, id)
			id.firstDossier = dossiers
			if err := g.assignNIR(r, id); err != nil {
				return err
			}
			dossiers += int64(id.nd)
			b.dossiers += int64(id.nd)
			person++
		}
		for len(b.outs) < len(b.ids) {
			b.outs = append(b.outs, personOut{})
		}
		b.outs = b.outs[:len(b.ids)]
		var wg sync.WaitGroup
		chunk := (len(b.ids) + len(workers) - 1) / len(workers)
		for wi, w := range workers {
			lo, hi := wi*chunk, min((wi+1)*chunk, len(b.ids))
			if lo >= hi {
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := lo; j < hi; j++ {
					w.person(&b.ids[j], &b.outs[j])
				}
			}()
		}
		wg.Wait()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case full <- b:
		}
	}
	return nil
}

// apply appends a batch's output to the files. Items are grouped by file (in
// person order within each file), so that each file's buffer is filled in one
// sequential run rather than one cold cache line per item: the bytes are the
// same as appending person by person.
func (g *generator) apply(b *batch) {
	touched := g.touched[:0]
	for i := range b.outs {
		o := &b.outs[i]
		for j := range o.items {
			f := g.fs.get(o.items[j].key)
			if len(f.pending) == 0 {
				touched = append(touched, f)
			}
			f.pending = append(f.pending, [2]int32{int32(i), int32(j)})
		}
	}
	for _, f := range touched {
		for _, p := range f.pending {
			o := &b.outs[p[0]]
			it := &o.items[p[1]]
			first := g.fs.append(f, o.data[it.off:it.end], int(it.lines))
			if it.key.kind == kindNEODeS {
				g.acc.neodesRows += int64(it.rows)
			}
			if it.defect > 0 {
				d := &o.defects[it.defect-1]
				g.acc.defect(f.rel, first+int64(d.lineOff), d.rule, d.column)
			}
		}
		f.pending = f.pending[:0]
	}
	g.touched = touched[:0]
	for i := range b.outs {
		g.acc.person(&b.ids[i], &b.outs[i])
	}
}
