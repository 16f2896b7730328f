package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/warehouse"
)

func exportCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Exporter le fichier d'un partenaire (données personnelles)",
	}
	cmd.AddCommand(exportPartnerCmd(a))
	return cmd
}

func exportPartnerCmd(a *app) *cobra.Command {
	var funder, out string
	cmd := &cobra.Command{
		Use:   "partenaire --financeur CODE [--out DOSSIER]",
		Short: "Fichier hebdomadaire des résultats des dossiers d'un financeur",
		Long: `Écrit le fichier hebdomadaire d'un financeur : une ligne par sortie de ses propres
dossiers (identifiant du dossier, dispositif, organisme, région, dates d'entrée et de
sortie, motif, certification) avec, le mois de la sortie puis à 3, 6 et 12 mois :
observé (DSN couverte), en emploi, en emploi durable, famille de contrat, heures et
code NAF du meilleur emploi, pluri-emploi (O/N ; vide quand le mois n'est pas observé).

Format pour tableur français : séparateur « ; », virgule décimale, UTF-8 avec BOM,
nom resultats_dossiers_<CODE>.csv, remplacé à chaque export. Un financeur sans aucune
sortie reçoit un fichier réduit à l'en-tête, avec un avertissement (la commande réussit :
un export hebdomadaire programmé n'échoue pas pour un partenaire qui n'a encore rien à
transmettre).

Le fichier contient des identifiants de dossier : ce sont des données personnelles.
Il est écrit par défaut dans <racine>/prive/partenaires/<CODE>/ (droits 0600) ; tout
dossier de sortie situé sous le site public ou les données ouvertes est refusé.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if funder == "" {
				return userErrorf("précisez le financeur : --financeur CODE (par exemple --financeur REG-84 ; liste dans docs/dictionnaire.md)")
			}
			if !dictionary.Financeurs.Has(funder) {
				return userErrorf("financeur inconnu : %q ; les codes admis sont ceux de la liste des financeurs (docs/dictionnaire.md), par exemple FT, CDC, REG-84, OPCO-03", funder)
			}
			dir := out
			if dir == "" {
				dir = filepath.Join(a.root.Private(), "partenaires", funder)
			}
			path, n, err := exportPartner(cmd.Context(), a.root, funder, dir)
			if err != nil {
				return err
			}
			// An empty file is not an error: a weekly export run by a
			// scheduler must not fail for a partner with nothing to report
			// yet. The warning tells a person why it may be empty.
			warning := ""
			if n == 0 {
				warning = fmt.Sprintf("aucune sortie de dossier du financeur %s dans l'entrepôt : le fichier ne contient que l'en-tête. "+
					"Soit il n'a encore rien transmis, ou ses fichiers n'ont pas été chargés (« agora quality --financeur %s » le dit), soit aucun de ses dossiers n'est encore sorti.", funder, funder)
			}
			if a.jsonOut {
				out := map[string]any{"financeur": funder, "fichier": path, "lignes": n}
				if warning != "" {
					out["avertissement"] = warning
				}
				return a.printJSON(out)
			}
			fmt.Fprintf(a.out, "Fichier du financeur %s : %s (%s).\n", funder, path, plural(int64(n), "sortie", "sorties"))
			if warning != "" {
				fmt.Fprintf(a.out, "Attention : %s\n", warning)
				return nil
			}
			fmt.Fprintln(a.out, "Il contient des données personnelles : ne le publiez pas.")
			return nil
		},
	}
	cmd.Flags().StringVar(&funder, "financeur", "", "code du financeur (liste des financeurs du dictionnaire)")
	cmd.Flags().StringVar(&out, "out", "", "dossier de sortie (défaut : <racine>/prive/partenaires/<CODE>)")
	return cmd
}

// exportPartner writes the funder's file into dir and returns its path and row count.
func exportPartner(ctx context.Context, root dataroot.Root, funder, dir string) (string, int, error) {
	if err := checkPrivateDir(root, dir); err != nil {
		return "", 0, err
	}
	wh := root.Warehouse()
	if _, err := os.Stat(wh); err != nil {
		return "", 0, userErrorf("entrepôt introuvable : %s ; lancez d'abord « agora build »", wh)
	}
	s, err := warehouse.Open(ctx, warehouse.Options{Path: wh, ReadOnly: true, TempDir: root.Temp()})
	if err != nil {
		return "", 0, fmt.Errorf("ouverture de l'entrepôt %s : %w", wh, err)
	}
	defer s.Close()
	db := s.DB()
	t, err := indicators.PartnerDossiers(ctx, db, funder)
	if err != nil {
		var pe *indicators.ParamError
		if errors.As(err, &pe) {
			return "", 0, userErrorf("%s", pe.Message)
		}
		return "", 0, err
	}
	data, err := partnerCSV(t)
	if err != nil {
		return "", 0, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", 0, userErrorf("impossible de créer le dossier de sortie %s : %v", dir, err)
	}
	path := filepath.Join(dir, "resultats_dossiers_"+funder+".csv")
	if err := writePrivate(path, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
		return "", 0, userErrorf("impossible d'écrire %s : %v", path, err)
	}
	return path, len(t.Rows), nil
}

// checkPrivateDir refuses an output folder inside the public folders of the
// data root (the site and the open data), symbolic links resolved.
func checkPrivateDir(root dataroot.Root, dir string) error {
	target := resolve(dir)
	for _, public := range []string{root.Site(), root.OpenData()} {
		p := resolve(public)
		if target == p || strings.HasPrefix(target, p+string(filepath.Separator)) {
			return userErrorf("refus : le dossier de sortie %s est dans le dossier public %s ; "+
				"le fichier d'un partenaire contient des données personnelles et ne doit jamais y être écrit. "+
				"Choisissez un dossier privé (par défaut <racine>/prive/partenaires/<CODE>)", dir, public)
		}
	}
	return nil
}

// resolve returns an absolute path with the symbolic links of its longest
// existing prefix resolved, so that a link cannot smuggle a public folder in.
func resolve(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = filepath.Clean(p)
	}
	rest := ""
	cur := abs
	for {
		if real, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(real, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// partnerCSV writes the table for French office software: UTF-8 with BOM,
// ';' separator, ',' decimal mark, booleans O/N.
func partnerCSV(t *indicators.Table) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	if err := w.Write(t.Header()); err != nil {
		return nil, err
	}
	for i := range t.Rows {
		rec := t.Record(i)
		for j, c := range t.Columns {
			if c.Type == indicators.TypeNumber {
				rec[j] = strings.Replace(rec[j], ".", ",", 1)
			}
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// writePrivate writes a file readable by its owner only, atomically: write
// fills a temporary file that replaces path once complete and synced.
func writePrivate(path string, write func(w io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
