// Package site writes agora's public static site: dashboards in French for
// elected officials, buyers, the budget directorate and the public.
//
// The site is a folder of HTML pages with their assets (Apache ECharts,
// shipped in the binary, a style sheet and a small script) and the CSV of
// every chart. It needs no server and makes no request off the machine: it
// works from file:// as well as from `agora serve`.
//
// Every figure comes from package indicators in Public mode, so that disclosure
// control is applied exactly as in the open data and the API; a hidden figure
// is written « secret », never as zero. The data-quality pages read the quality
// marts through Quality, shared with `agora quality`.
package site

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/third_party/echarts"
)

// Options tune Write.
type Options struct {
	// Catalogue computes the public figures; nil means indicators.New().
	Catalogue *indicators.Catalogue
	// Now is the publication date written in the pages; zero means time.Now().
	Now time.Time
	// Log receives progress messages; nil means no log.
	Log *slog.Logger
	// Summary, when set, receives what Write produced.
	Summary *Summary
}

// Summary tells what Write produced.
type Summary struct {
	Dir   string   `json:"dossier"`
	Pages []string `json:"pages"`
	Files int      `json:"fichiers"`
	Year  int      `json:"annee_reference"`
}

// Write builds the site from the warehouse db into dir. The new site replaces
// the old one only once complete: it is written beside dir, then renamed, so a
// server never shows half a site.
func Write(ctx context.Context, db *sql.DB, dir string, opts Options) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Catalogue == nil {
		opts.Catalogue = indicators.New()
	}
	b, err := newBuilder(ctx, db, opts)
	if err != nil {
		return err
	}
	pages, err := b.pages()
	if err != nil {
		return err
	}

	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".nouveau-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	sum := &Summary{Dir: dir, Year: b.year}
	files, err := writeFiles(tmp, pages, b.layout)
	if err != nil {
		return err
	}
	for _, p := range pages {
		sum.Pages = append(sum.Pages, p.File)
	}
	sum.Files = files
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := swapDir(tmp, dir); err != nil {
		return err
	}
	opts.Log.Info("site écrit", "dossier", dir, "pages", len(pages), "fichiers", files)
	if opts.Summary != nil {
		*opts.Summary = *sum
	}
	return nil
}

// writeFiles writes the pages, their CSV files and the assets into dir and
// returns the number of files written.
func writeFiles(dir string, pages []*page, l layout) (int, error) {
	n := 0
	write := func(name string, data []byte) error {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		n++
		return os.WriteFile(path, data, 0o644)
	}
	for _, name := range []string{"site.css", "site.js"} {
		data, err := assetsFS.ReadFile("assets/" + name)
		if err != nil {
			return n, err
		}
		if err := write("assets/"+name, data); err != nil {
			return n, err
		}
	}
	if err := write("assets/echarts.min.js", echarts.MinJS); err != nil {
		return n, err
	}
	if err := write("assets/echarts-LICENSE.txt", echarts.License); err != nil {
		return n, err
	}
	seen := map[string]string{}
	for _, p := range pages {
		html, err := render(p, l)
		if err != nil {
			return n, err
		}
		if err := write(p.File, html); err != nil {
			return n, err
		}
		for _, bl := range p.Blocks {
			var name string
			var t table
			switch {
			case bl.Chart != nil:
				name, t = bl.Chart.CSVFile(), bl.Chart.Table
			case bl.Table != nil && bl.Table.CSV:
				name, t = bl.Table.CSVFile(), bl.Table.Table
				if bl.Table.Export != nil {
					t = *bl.Table.Export
				}
			default:
				continue
			}
			if other, dup := seen[name]; dup {
				return n, fmt.Errorf("site : le fichier %s est produit par %s et par %s", name, other, p.File)
			}
			seen[name] = p.File
			data, err := t.csv()
			if err != nil {
				return n, err
			}
			if err := write(name, data); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// swapDir replaces dir by the complete folder tmp: the old site is moved
// aside, the new one renamed into place, then the old one removed.
func swapDir(tmp, dir string) error {
	old := dir + ".ancien"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	return os.RemoveAll(old)
}
