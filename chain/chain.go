// Package chain runs agora's whole chain in one call — generate, land, build,
// report — as `agora demo` does, and measures each stage for `make bench`.
package chain

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/pipelines/pseudo"
	"github.com/agora-formation/agora/reports/opendata"
	"github.com/agora-formation/agora/reports/site"
	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/warehouse"
)

// Options of a whole run.
type Options struct {
	Root     dataroot.Root
	Key      *pseudo.Key
	Generate generate.Options // Out defaults to Root.Deliveries()
	Memory   string           // DuckDB memory_limit ("" = warehouse default)
	Threads  int              // DuckDB threads (0 = warehouse default)
	Progress io.Writer        // progress bars (give a terminal only); nil = none
	Steps    io.Writer        // one line per SQL model built; nil = silent
	Log      *slog.Logger
}

// Stage is the measure of one stage.
type Stage struct {
	Name    string  `json:"etape"`
	Seconds float64 `json:"secondes"`
	Rows    int64   `json:"lignes"`
	Bytes   int64   `json:"octets_produits"`
}

// Result is what a run produced.
type Result struct {
	Generate generate.Summary `json:"generation"`
	Land     land.Summary     `json:"chargement"`
	Build    runner.Report    `json:"construction"`
	Site     site.Summary     `json:"site"`
	Stages   []Stage          `json:"etapes"`
}

// Run generates a synthetic sample, lands it, builds the warehouse and publishes
// the site and the open data under opts.Root.
func Run(ctx context.Context, opts Options) (Result, error) {
	var res Result
	g := opts.Generate
	if g.Out == "" {
		g.Out = opts.Root.Deliveries()
	}
	t := time.Now()
	sum, err := generate.Run(ctx, g, opts.Progress)
	if err != nil {
		return res, fmt.Errorf("génération : %w", err)
	}
	res.Generate = sum
	res.Stages = append(res.Stages, Stage{Name: "generate", Seconds: time.Since(t).Seconds(), Rows: sum.Dossiers, Bytes: sum.Bytes})

	t = time.Now()
	ls, err := Land(ctx, opts, []string{g.Out})
	if err != nil {
		return res, err
	}
	res.Land = ls
	res.Stages = append(res.Stages, Stage{Name: "land", Seconds: time.Since(t).Seconds(), Rows: ls.Read, Bytes: DirSize(opts.Root.Lake())})

	t = time.Now()
	rep, err := Build(ctx, opts)
	res.Build = rep
	if err != nil {
		return res, err
	}
	var rows int64
	for _, m := range rep.Models {
		if m.Rows > 0 { // not the markers of a view or an unchanged model
			rows += m.Rows
		}
	}
	res.Stages = append(res.Stages, Stage{Name: "build", Seconds: time.Since(t).Seconds(), Rows: rows, Bytes: fileSize(opts.Root.Warehouse()) + DirSize(opts.Root.Marts())})

	t = time.Now()
	ss, err := Report(ctx, opts)
	if err != nil {
		return res, err
	}
	res.Site = ss
	res.Stages = append(res.Stages, Stage{Name: "report", Seconds: time.Since(t).Seconds(), Rows: int64(ss.Files), Bytes: DirSize(opts.Root.Site()) + DirSize(opts.Root.OpenData())})
	return res, nil
}

// Land lands the deliveries under paths into the lake of opts.Root.
func Land(ctx context.Context, opts Options, paths []string) (land.Summary, error) {
	lk, err := lake.Open(opts.Root.Lake())
	if err != nil {
		return land.Summary{}, err
	}
	sum, err := land.Run(ctx, lk, opts.Key, paths, land.Options{Progress: opts.Progress, Log: opts.Log})
	if err != nil {
		return sum, fmt.Errorf("chargement : %w", err)
	}
	if n := sum.Count(land.StatusFailed); n > 0 {
		return sum, fmt.Errorf("chargement : %d fichier(s) en erreur", n)
	}
	return sum, nil
}

// Report publishes the site and the open data from the warehouse of opts.Root.
func Report(ctx context.Context, opts Options) (site.Summary, error) {
	var sum site.Summary
	s, err := warehouse.Open(ctx, warehouse.Options{Path: opts.Root.Warehouse(), ReadOnly: true, MemoryLimit: opts.Memory, Threads: opts.Threads, TempDir: opts.Root.Temp()})
	if err != nil {
		return sum, err
	}
	defer s.Close()
	// One catalogue for both outputs: the disclosure grid is computed once and
	// the site and the open data hide exactly the same cells.
	cat := indicators.New()
	// The site first: it refuses a warehouse it cannot publish (no exit yet)
	// before replacing anything, and the open data in place stay as they were.
	// Each output replaces its folder only once complete.
	if err := site.Write(ctx, s.DB(), opts.Root.Site(), site.Options{Catalogue: cat, Log: opts.Log, Summary: &sum}); err != nil {
		return sum, err
	}
	if err := opendata.Write(ctx, s.DB(), opts.Root.OpenData(), opendata.Meta{Catalogue: cat}); err != nil {
		return sum, fmt.Errorf("données ouvertes : %w", err)
	}
	return sum, nil
}

// DirSize is the total size of the files under dir (0 when absent).
func DirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func fileSize(path string) int64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return info.Size()
}
