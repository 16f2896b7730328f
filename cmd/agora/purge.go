package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/warehouse"
)

func purgeCmd(a *app) *cobra.Command {
	var (
		dryRun  bool
		grace   int
		memory  string
		threads int
	)
	cmd := &cobra.Command{
		Use:   "purge",
		Short: "Purger du lac la DSN hors des fenêtres d'observation (minimisation)",
		Long: fmt.Sprintf(`Applique la durée de conservation de la DSN : une personne n'est suivie que de %d mois
avant l'entrée à %d mois après la sortie de chacun de ses dossiers. Sont effacées du lac :
  - les lignes DSN d'une personne qui a des dossiers, hors de toutes leurs fenêtres ;
  - les lignes DSN d'une personne sans aucun dossier, antérieures de plus de --delai-sans-dossier
    mois au dernier mois de DSN chargé (son dossier peut arriver après sa DSN).

Entrée d'un dossier : premier événement ENTREE, ou date de début prévue tant qu'aucune
entrée n'est reçue. Sortie : dernière SORTIE non suivie d'une REPRISE ; un dossier non
sorti garde sa fenêtre ouverte. Ce sont les fenêtres du modèle int_fenetres_dsn, élargies :
la purge ne retire jamais une ligne qu'un indicateur lit.

Les fichiers concernés sont réécrits sans ces lignes puis supprimés du disque, y compris
ceux que gardait un compactage : aucune relecture du passé (agora build --au) ne montre
plus une ligne purgée. La purge est un manifeste : les comptes y sont enregistrés.
Lancez d'abord avec --dry-run pour voir ce qui partirait.`, lake.WindowMonthsBefore, lake.WindowMonthsAfter),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if grace < 1 {
				return userErrorf("--delai-sans-dossier %d invalide : donnez un nombre de mois d'au moins 1 (défaut %d)", grace, lake.DefaultGraceMonths)
			}
			if err := checkMemory(&memory); err != nil {
				return err
			}
			l, err := openLake(a)
			if err != nil {
				return err
			}
			s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: memory, Threads: threads, TempDir: a.root.Temp()})
			if err != nil {
				return err
			}
			defer s.Close()
			t0 := time.Now()
			res, err := lake.PurgeDSN(ctx, l, lake.PurgeOptions{DB: s.DB(), GraceMonths: grace, DryRun: dryRun, Progress: newFilesBar(a.bars(), "purge")})
			if err != nil {
				return purgeError(err)
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			printPurge(a.out, res, time.Since(t0))
			return nil
		},
	}
	f := cmd.Flags()
	f.BoolVar(&dryRun, "dry-run", false, "dire ce qui serait purgé, mois par mois, sans rien modifier")
	f.IntVar(&grace, "delai-sans-dossier", lake.DefaultGraceMonths, "mois de conservation de la DSN des personnes sans dossier, avant le dernier mois chargé")
	f.StringVar(&memory, "memoire", "4GB", memoryHelp)
	f.IntVar(&threads, "threads", 0, "fils d'exécution de DuckDB (défaut : nombre de cœurs)")
	return cmd
}

// purgeError sorts an error of lake.PurgeDSN by its type: a lake with DSN
// and no dossier (*lake.NoDossiersError) is the user's to fix and is
// reported as it is; the others are internal errors, except a corrupt
// manifest, which asUserError reports as the user's.
func purgeError(err error) error {
	var none *lake.NoDossiersError
	if errors.As(err, &none) {
		return userErrorf("%s", none)
	}
	return err
}

// printPurge writes the summary of a purge, in French.
func printPurge(w io.Writer, res lake.PurgeResult, took time.Duration) {
	if res.Rows == 0 {
		fmt.Fprintln(w, "Aucune DSN dans le lac : rien à purger.")
		return
	}
	fmt.Fprintf(w, "DSN du lac : %s lignes, dernier mois chargé %s ; sans dossier, conservation à partir de %s.\n",
		french.Int(res.Rows), res.LatestMonth[:7], res.GraceLimit[:7])
	if res.Purged() == 0 && res.HistoryRows == 0 {
		fmt.Fprintln(w, "Rien à purger : toutes les lignes sont dans une fenêtre de conservation.")
		return
	}
	if len(res.Months) > 0 {
		fmt.Fprintf(w, "  %-8s %14s %14s\n", "mois", "hors fenêtre", "sans dossier")
		for _, m := range res.Months {
			fmt.Fprintf(w, "  %-8s %14s %14s\n", m.Month[:7], french.Int(m.OutsideWindow), french.Int(m.NoDossier))
		}
	}
	verb := "purgées"
	if res.DryRun {
		verb = "seraient purgées"
	}
	fmt.Fprintf(w, "%s lignes %s : %s hors des fenêtres de leurs dossiers, %s de personnes sans dossier",
		french.Int(res.Purged()), verb, french.Int(res.OutsideWindow), french.Int(res.NoDossier))
	if res.HistoryRows > 0 {
		fmt.Fprintf(w, " ; et %s lignes des fichiers gardés pour relire le passé", french.Int(res.HistoryRows))
	}
	fmt.Fprintln(w, ".")
	if res.DryRun {
		fmt.Fprintln(w, "Simulation : rien n'a été modifié. Relancez sans --dry-run pour purger.")
		return
	}
	fmt.Fprintf(w, "Purge faite en %s s : %s fichiers réécrits, %s supprimés (manifeste %s).\n",
		french.Dec(took.Seconds(), 1), french.Int(int64(res.FilesRewritten)), french.Int(int64(res.FilesDeleted)), res.Manifest)
}
