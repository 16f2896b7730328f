package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/warehouse"
)

func buildCmd(a *app) *cobra.Command {
	var (
		selected []string
		list     bool
		memory   string
		threads  int
		asOf     string
		keep     bool
	)
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Construire l'entrepôt : modèles SQL et tests de données",
		Long: `Construit l'entrepôt DuckDB à partir du lac : les modèles SQL (staging, intermediate,
marts) dans l'ordre que leurs requêtes imposent, puis les tests de données ; un test en
échec arrête la construction et nomme le modèle, le test et des lignes en cause.
Les marts sont aussi écrits en Parquet dans <racine>/marts/.

L'entrepôt est construit dans un fichier à part puis mis en place d'un coup : un
« agora serve » en cours continue de lire l'ancien jusqu'au remplacement.

Avec --select, seuls les modèles demandés et ceux qu'ils lisent sont reconstruits, dans
une copie de l'entrepôt existant. Les modèles staging et intermediate sont temporaires :
seuls les marts restent dans l'entrepôt, sauf avec --intermediaires.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				return listModels(a)
			}
			ctx := cmd.Context()
			if _, err := os.Stat(a.root.Lake()); err != nil {
				return userErrorf("aucun lac dans %s : chargez d'abord des livraisons avec « agora land » (ou lancez « agora demo »), ou indiquez la racine des données avec --data", a.root.Dir)
			}
			final := a.root.Warehouse()
			work := final + ".build"
			for _, f := range []string{work, work + ".wal"} {
				if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
			if len(selected) > 0 {
				if err := copyFile(final, work); err != nil && !errors.Is(err, os.ErrNotExist) {
					return fmt.Errorf("copie de l'entrepôt %s : %w", final, err)
				}
			}
			s, err := warehouse.Open(ctx, warehouse.Options{Path: work, MemoryLimit: memory, Threads: threads, TempDir: a.root.Temp()})
			if err != nil {
				return err
			}
			defer func() {
				if s != nil {
					s.Close()
					os.Remove(work)
				}
			}()
			lakeAsOf, err := runner.Mount(ctx, s, a.root.Lake(), asOf)
			if err != nil {
				return userErrorf("%v", err)
			}
			var progress io.Writer = a.errOut
			rep, err := runner.Build(ctx, s.DB(), runner.Options{Select: selected, MartsDir: a.root.Marts(), Progress: progress, KeepIntermediate: keep})
			if err != nil {
				var tf *runner.TestFailure
				if errors.As(err, &tf) || errors.Is(err, runner.ErrUnknownModel) {
					if a.jsonOut {
						a.printJSON(buildOutput{Report: rep, Lake: lakeAsOf, Error: err.Error()})
					}
					return userErrorf("%v", err)
				}
				return err
			}
			if err := s.Close(); err != nil {
				return err
			}
			s = nil
			if err := os.Rename(work, final); err != nil {
				return fmt.Errorf("mise en place de l'entrepôt %s : %w", final, err)
			}
			if a.jsonOut {
				return a.printJSON(buildOutput{Report: rep, Lake: lakeAsOf, Warehouse: final})
			}
			marts := 0
			for _, m := range rep.Models {
				if m.Layer == "marts" {
					marts++
				}
			}
			lakeText := "lac vide"
			if lakeAsOf != "" {
				lakeText = "lac au chargement " + lakeAsOf
			}
			fmt.Fprintf(a.out, "Entrepôt construit en %.1f s (%s) : %d modèles dont %d marts, %d tests de données réussis.\n",
				rep.Seconds, lakeText, len(rep.Models), marts, len(rep.Tests)-rep.Warnings)
			fmt.Fprintf(a.out, "Entrepôt : %s\nMarts Parquet : %s\n", final, a.root.Marts())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&selected, "select", nil, "ne construire que ces modèles (et ceux qu'ils lisent), séparés par des virgules")
	f.BoolVar(&list, "list", false, "lister les modèles dans l'ordre de construction, sans rien construire")
	f.StringVar(&memory, "memoire", warehouse.DefaultMemoryLimit, "mémoire maximale de DuckDB (au-delà, il écrit dans <racine>/tmp)")
	f.IntVar(&threads, "threads", 0, "fils d'exécution de DuckDB (défaut : nombre de cœurs)")
	f.BoolVar(&keep, "intermediaires", false, "garder aussi les modèles staging et intermediate dans l'entrepôt (pour les examiner ; plus lent)")
	f.StringVar(&asOf, "au", "", "construire le lac tel qu'il était après ce chargement (identifiant de manifeste)")
	return cmd
}

// buildOutput is the --json output of agora build.
type buildOutput struct {
	runner.Report
	Lake      string `json:"lake_as_of"`
	Warehouse string `json:"warehouse,omitempty"`
	Error     string `json:"error,omitempty"`
}

// listModels prints the models in build order with what they read.
func listModels(a *app) error {
	proj, err := runner.Load(nil)
	if err != nil {
		return err
	}
	if a.jsonOut {
		var out []map[string]any
		for _, name := range proj.Order {
			m := proj.Models[name]
			out = append(out, map[string]any{"name": m.Name, "layer": m.Layer, "materialized": m.Materialized,
				"reads": append(append([]string{}, m.Deps...), m.Sources...), "tests": len(m.Tests), "doc": m.Doc})
		}
		return a.printJSON(out)
	}
	for _, name := range proj.Order {
		m := proj.Models[name]
		reads := append(append([]string{}, m.Deps...), m.Sources...)
		fmt.Fprintf(a.out, "%-13s %-28s lit : %s\n", m.Layer, m.Name, strings.Join(reads, ", "))
	}
	return nil
}

// copyFile copies src to dst (dst must not exist).
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
