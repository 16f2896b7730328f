package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/french"
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
	// prog is agora as the user can run it again, for the commands the
	// output suggests: "agora", or the path it was run by (./bin/agora).
	prog string
}

func newRoot() *cobra.Command { return newRootAs(progName(os.Args[0]), os.Stdout, os.Stderr) }

// newRootTo returns the agora command writing its output to out and its
// messages (help, progress, logs) to errOut.
func newRootTo(out, errOut io.Writer) *cobra.Command { return newRootAs("agora", out, errOut) }

// newRootAs is newRootTo for a program run as prog.
func newRootAs(prog string, out, errOut io.Writer) *cobra.Command {
	a := &app{out: out, errOut: errOut, prog: prog}
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
		qualityCmd, quarantineCmd, demoCmd, purgeCmd, compactCmd, dictionaryCmd, docCLICmd,
	} {
		cmd.AddCommand(add(a))
	}
	frenchHelp(cmd)
	return cmd
}

// printJSON writes v as indented JSON on the command's output, with <, >
// and & as they are (the output is no HTML page: « <jeton> », not
// « \u003cjeton\u003e »).
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
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

// progName returns how to run agora again, from the path it was run by
// (os.Args[0]): that path when it names a folder (./bin/agora, which works
// where agora is not on the PATH), else "agora". A binary of « go run »,
// under the Go build cache's temporary folders, is gone once it exits:
// "agora" then too. The path is quoted for a POSIX shell when it needs to be.
func progName(arg0 string) string {
	if !strings.ContainsRune(arg0, filepath.Separator) || strings.Contains(arg0, string(filepath.Separator)+"go-build") {
		return "agora"
	}
	return shellQuote(arg0)
}

// shellQuote returns s as a POSIX shell reads it back: as it is when it is
// made of safe characters, else between single quotes.
func shellQuote(s string) string {
	safe := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r == '/' || r == '.' || r == '-' || r == '_' || r == '+' || r == ',' || r == ':' || r == '@' || r == '=' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9'))
	}) < 0
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// plural writes n as French typography wants it (french.Int) and the
// singular or plural noun, the singular for 0 and 1 as French does:
// « 1 ligne rejetée », « 12 lignes rejetées », « 1 234 lignes rejetées ».
func plural(n int64, one, many string) string {
	if n > 1 {
		return french.Int(n) + " " + many
	}
	return french.Int(n) + " " + one
}

// commandHere is command for a command about the same data root: with
// --data when the user gave it (without, AGORA_DATA or ./data names it).
func (a *app) commandHere(args ...string) string {
	if a.dataFlag != "" {
		args = append([]string{args[0], "--data", a.root.Dir}, args[1:]...)
	}
	return a.command(args...)
}

// command writes the agora command line of args for the user to run: its
// arguments quoted for a shell when they need to be.
func (a *app) command(args ...string) string {
	prog := a.prog
	if prog == "" {
		prog = "agora"
	}
	parts := []string{prog}
	for _, arg := range args {
		parts = append(parts, shellQuote(arg))
	}
	return strings.Join(parts, " ")
}
