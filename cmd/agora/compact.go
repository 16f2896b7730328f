package main

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/warehouse"
)

func compactCmd(a *app) *cobra.Command {
	var (
		dryRun   bool
		datasets []string
		rows     int64
		memory   string
		threads  int
	)
	cmd := &cobra.Command{
		Use:   "compact",
		Short: "Compacter les petits fichiers du lac",
		Long: `Réécrit les petits fichiers Parquet de chaque jeu de données et partition du lac (par
exemple des milliers de déclarations NEODeS chargées une à une) en quelques gros fichiers
triés, d'environ un million de lignes ou 128 Mio : lire le lac devient bien plus rapide.

Les lignes sont recopiées telles quelles, lignage compris (_landing, _source, _ligne) : les
indicateurs ne changent pas. Le compactage est un manifeste comme un chargement : rien
n'est visible avant sa validation, et une interruption laisse le lac tel qu'il était.
Les anciens fichiers restent sur le disque pour relire le lac tel qu'il était avant
(agora build --au).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkMemory(&memory); err != nil {
				return err
			}
			if err := checkDatasets(datasets); err != nil {
				return err
			}
			ctx := cmd.Context()
			l, err := openLake(a)
			if err != nil {
				return err
			}
			if !dryRun {
				// Leftovers of a compaction or landing that died more than an hour ago.
				if removed, err := l.Collect(time.Hour); err != nil {
					a.log.Warn("nettoyage des restes de transactions interrompues", "erreur", err)
				} else if len(removed) > 0 {
					a.log.Info("restes de transactions interrompues supprimés", "fichiers", len(removed))
				}
			}
			s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: memory, Threads: threads, TempDir: a.root.Temp()})
			if err != nil {
				return err
			}
			defer s.Close()
			bar := newFilesBar(a.bars(), "compactage")
			t0 := time.Now()
			res, err := lake.Compact(ctx, l, lake.CompactOptions{DB: s.DB(), Datasets: datasets, TargetRows: rows, DryRun: dryRun, Progress: bar})
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			printCompaction(a.out, res, time.Since(t0))
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&dryRun, "dry-run", false, "dire ce qui serait compacté, sans rien écrire")
	f.StringSliceVar(&datasets, "jeux", nil, "ne compacter que ces jeux de données (ex. dsn_extrait), séparés par des virgules")
	f.Int64Var(&rows, "lignes-cible", lake.DefaultTargetRows, "lignes visées par fichier compacté")
	f.StringVar(&memory, "memoire", "4GB", memoryHelp)
	f.IntVar(&threads, "threads", 0, "fils d'exécution de DuckDB (défaut : nombre de cœurs)")
	return cmd
}

// checkDatasets refuses a name that is not a dataset of the lake, listing
// those that are.
func checkDatasets(names []string) error {
	schemas := dictionary.LakeSchemas()
	for _, n := range names {
		if _, ok := schemas[n]; !ok {
			valid := slices.Sorted(maps.Keys(schemas))
			return userErrorf("--jeux : jeu de données inconnu : « %s » ; les jeux du lac sont %s", n, strings.Join(valid, ", "))
		}
	}
	return nil
}

// openLake opens the lake of the data root, or says how to get one.
func openLake(a *app) (*lake.Lake, error) {
	if _, err := os.Stat(a.root.Lake()); err != nil {
		return nil, userErrorf("aucun lac dans %s : chargez d'abord des livraisons avec « agora land » (ou lancez « agora demo »), ou indiquez la racine des données avec --data", a.root.Dir)
	}
	return lake.Open(a.root.Lake())
}

// newFilesBar returns a progress callback drawing a bar of files on w, or nil.
func newFilesBar(w io.Writer, what string) func(done, total int) {
	if w == nil {
		return nil
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
		if bar == nil {
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what), progressbar.OptionShowCount(),
				progressbar.OptionSetItsString("fichiers"), progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetPredictTime(true),
				progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }))
		}
		bar.Set(done)
	}
}

// printCompaction writes the summary of a compaction, in French.
func printCompaction(w io.Writer, res lake.CompactResult, took time.Duration) {
	if len(res.Groups) == 0 {
		fmt.Fprintln(w, "Rien à compacter : aucun jeu de données n'a plusieurs petits fichiers dans une même partition.")
		return
	}
	const shown = 20
	for i, g := range res.Groups {
		if i == shown {
			fmt.Fprintf(w, "  … et %s autres partitions\n", french.Int(int64(len(res.Groups)-shown)))
			break
		}
		after := ""
		if !res.DryRun {
			after = " → " + french.Int(g.BytesAfter>>10) + " Kio"
		}
		fmt.Fprintf(w, "  %-40s %6s fichiers → %s  %12s lignes  %s Kio%s\n", g.Dir, french.Int(int64(g.FilesBefore)), french.Int(int64(g.FilesAfter)),
			french.Int(g.Rows), french.Int(g.BytesBefore>>10), after)
	}
	if res.DryRun {
		fmt.Fprintf(w, "Simulation : %s fichiers seraient réécrits en %s, dans %s ; rien n'a été modifié.\n",
			french.Int(int64(res.FilesBefore())), french.Int(int64(res.FilesAfter())), plural(int64(len(res.Groups)), "partition", "partitions"))
		return
	}
	fmt.Fprintf(w, "Lac compacté en %s s : %s fichiers réécrits en %s, dans %s (manifeste %s).\n",
		french.Dec(took.Seconds(), 1), french.Int(int64(res.FilesBefore())), french.Int(int64(res.FilesAfter())), plural(int64(len(res.Groups)), "partition", "partitions"), res.Manifest)
	fmt.Fprintln(w, "Les anciens fichiers restent sur le disque pour relire le lac tel qu'il était (agora build --au).")
}
