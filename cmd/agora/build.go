package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/chain"
	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/lake"
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
		full     bool
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
une copie de l'entrepôt existant. Les modèles staging et intermediate ne sont pas dans
l'entrepôt (sauf avec --intermediaires) : ils restent dans <racine>/cache.duckdb.

Construction incrémentale : quand des fichiers ont seulement été ajoutés au lac depuis la
construction précédente (nouveaux mois de DSN, nouvelles livraisons de dossiers, d'événements
ou de financements), « agora build » reprend ses tables (cache.duckdb) et ne recalcule que ce
qu'ils changent : pour un mois de DSN, les contrats et situations de ce mois et les sortants
dont un horizon (mois avant l'entrée, sortie, +3, +6, +12 mois) y tombe ; pour des livraisons
de partenaires, les dossiers qu'elles nomment et les personnes de ces dossiers ; puis les
marts qui en dépendent. Un compactage, une purge ou une nouvelle version des modèles donnent
une construction complète, et la commande dit pourquoi ; --complet la force.

Avec --json, chaque modèle construit est un élément de « models » : name, layer,
materialized, mode (complet, partiel ou inchangé), seconds et rows, son nombre de lignes.
Deux valeurs de rows ne sont pas des nombres de lignes : ` + strconv.Itoa(runner.RowsView) + ` pour une vue (calculée par
les modèles qui la lisent) et ` + strconv.Itoa(runner.RowsUnchanged) + ` pour un modèle repris tel quel de la construction
précédente (mode inchangé) ; ne les additionnez pas.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if list {
				return listModels(a)
			}
			if err := checkMemory(&memory); err != nil {
				return err
			}
			ctx := cmd.Context()
			if _, err := os.Stat(a.root.Lake()); err != nil {
				return userErrorf("aucun lac dans %s : chargez d'abord des livraisons avec « agora land » (ou lancez « agora demo »), ou indiquez la racine des données avec --data", a.root.Dir)
			}
			final := a.root.Warehouse()
			opts := chain.Options{Root: a.root, Memory: memory, Threads: threads, Steps: a.errOut}
			res, err := chain.BuildWith(ctx, opts, chain.BuildOptions{Select: selected, AsOf: asOf, KeepIntermediate: keep, Full: full})
			rep, lakeAsOf := res.Report, res.Lake
			if err != nil {
				ue := buildUserError(err)
				if ue == nil {
					return err
				}
				if a.jsonOut {
					a.printJSON(buildOutput{BuildResult: res, Error: ue.msg})
				}
				return ue
			}
			if a.jsonOut {
				return a.printJSON(buildOutput{BuildResult: res, Warehouse: final})
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
			how := buildHow(res, selected, asOf != "", keep)
			fmt.Fprintf(a.out, "Entrepôt construit en %s s (%s ; %s) : %s dont %s, %s.\n",
				french.Dec(rep.Seconds, 1), lakeText, how, plural(int64(len(rep.Models)), "modèle", "modèles"), plural(int64(marts), "mart", "marts"),
				plural(int64(len(rep.Tests)-rep.Warnings), "test de données réussi", "tests de données réussis"))
			fmt.Fprintf(a.out, "Entrepôt : %s\nMarts Parquet : %s\n", final, a.root.Marts())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&selected, "select", nil, "ne construire que ces modèles (et ceux qu'ils lisent), séparés par des virgules")
	f.BoolVar(&list, "list", false, "lister les modèles dans l'ordre de construction, sans rien construire")
	f.StringVar(&memory, "memoire", warehouse.DefaultMemoryLimit, memoryHelp)
	f.IntVar(&threads, "threads", 0, "fils d'exécution de DuckDB (défaut : nombre de cœurs)")
	f.BoolVar(&keep, "intermediaires", false, "garder aussi les modèles staging et intermediate dans l'entrepôt (pour les examiner ; plus lent)")
	f.BoolVar(&full, "complet", false, "tout reconstruire, sans reprendre les tables de la construction précédente (cache.duckdb)")
	f.StringVar(&asOf, "au", "", "construire le lac tel qu'il était après ce chargement (identifiant de manifeste)")
	return cmd
}

// buildHow says what kind of build res was: incremental, full and why, or
// partial (--select). A build with --select, --au or --intermediaires
// neither reads nor updates the cache of the previous build, and the next
// plain build is full: it says so.
func buildHow(res chain.BuildResult, selected []string, asOf, keep bool) string {
	if res.Incremental {
		rebuilt := 0
		for _, m := range res.Models {
			if m.Mode != runner.Unchanged && m.Materialized == runner.Table {
				rebuilt++
			}
		}
		return "construction incrémentale : " + french.Int(int64(rebuilt)) + " modèle(s) recalculé(s), les autres repris de la précédente"
	}
	var flags []string
	how := "construction complète"
	if len(selected) > 0 {
		flags = append(flags, "--select")
		reads := "les modèles qu'ils lisent"
		if len(selected) == 1 {
			reads = "les modèles qu'il lit"
		}
		how = "construction partielle : " + strings.Join(selected, ", ") + " et " + reads + ", les autres marts repris de l'entrepôt en place"
	}
	if asOf {
		flags = append(flags, "--au")
	}
	if keep {
		flags = append(flags, "--intermediaires")
		how += ", modèles staging et intermediate gardés dans l'entrepôt"
	}
	if len(flags) > 0 {
		return how + " ; avec " + strings.Join(flags, ", ") + ", le cache n'est ni lu ni mis à jour : la prochaine construction sera complète"
	}
	if res.Why != "" {
		how += " : " + res.Why
	}
	return how
}

// buildUserError returns the user's form of the build errors that the user
// can act on, sorted by their type: those of every command (asUserError: an
// invalid --memoire, a corrupt lake manifest), a failed data test, an
// unknown model in --select, an unknown manifest in --au. It returns nil for
// the others, reported as internal errors.
func buildUserError(err error) *userError {
	if ue := asUserError(err); ue != nil {
		return ue
	}
	var tf *runner.TestFailure
	var unknown *lake.UnknownManifestError
	switch {
	case errors.As(err, &unknown):
		msg := "--au : " + unknown.Error()
		if len(unknown.Recent) == 0 {
			msg += " : chargez d'abord des livraisons avec « agora land » (ou lancez « agora demo »)"
		}
		return &userError{msg: msg, code: 1}
	case errors.As(err, &tf), errors.Is(err, runner.ErrUnknownModel):
		return &userError{msg: err.Error(), code: 1}
	}
	return nil
}

// buildOutput is the --json output of agora build.
type buildOutput struct {
	chain.BuildResult
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
		reads := strings.Join(append(append([]string{}, m.Deps...), m.Sources...), ", ")
		if reads == "" {
			reads = "(rien : table de référence)" // its values are in its SQL
		}
		fmt.Fprintf(a.out, "%-13s %-28s lit : %s\n", m.Layer, m.Name, reads)
	}
	return nil
}
