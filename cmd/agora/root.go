package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/agora-formation/agora/dataroot"
)

// app holds what every command shares: the data root, the output mode and the logger.
type app struct {
	dataFlag string
	jsonOut  bool
	verbose  bool
	root     dataroot.Root
	log      *slog.Logger
	out      io.Writer
	errOut   io.Writer
}

func newRoot() *cobra.Command { return newRootTo(os.Stdout, os.Stderr) }

// newRootTo returns the agora command writing its output to out and its
// messages (help, progress, logs) to errOut.
func newRootTo(out, errOut io.Writer) *cobra.Command {
	a := &app{out: out, errOut: errOut}
	cmd := &cobra.Command{
		Use:   "agora",
		Short: "Entrepôt et indicateurs des résultats de la formation professionnelle",
		Long: `agora charge les livraisons des partenaires (dossiers de formation, financements,
DSN) dans un lac de données Parquet, calcule les indicateurs d'insertion dans l'emploi
et de financement avec DuckDB, et publie des tableaux de bord et des données ouvertes.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			a.root = dataroot.Resolve(a.dataFlag)
			level := slog.LevelWarn
			if a.verbose {
				level = slog.LevelDebug
			}
			a.log = slog.New(slog.NewTextHandler(a.errOut, &slog.HandlerOptions{Level: level}))
			return nil
		},
	}
	cmd.SetOut(a.out)
	cmd.SetErr(a.errOut)
	pf := cmd.PersistentFlags()
	pf.StringVar(&a.dataFlag, "data", "", "racine des données (variable AGORA_DATA ; défaut : ./"+dataroot.Default+")")
	pf.BoolVar(&a.jsonOut, "json", false, "sortie lisible par une machine (JSON)")
	pf.BoolVarP(&a.verbose, "verbose", "v", false, "journal détaillé sur la sortie d'erreur")
	for _, add := range []func(*app) *cobra.Command{
		generateCmd, landCmd, buildCmd, reportCmd, exportCmd, serveCmd, tokenCmd,
		qualityCmd, demoCmd, purgeCmd, compactCmd, dictionaryCmd, docCLICmd,
	} {
		cmd.AddCommand(add(a))
	}
	frenchHelp(cmd)
	return cmd
}

// printJSON writes v as indented JSON on the command's output.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// bars returns where progress bars go: standard error when it is a terminal,
// else nowhere (a log file is no place for a redrawn bar).
func (a *app) bars() io.Writer {
	if f, ok := a.errOut.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}
