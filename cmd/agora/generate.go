package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/pipelines/generate"
)

func generateCmd(a *app) *cobra.Command {
	def := generate.DefaultOptions()
	var (
		opt        = def
		dsnFormat  = string(def.DSNFormat)
		couverture = def.Coverage.String()
		progress   bool
	)
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Générer des livraisons synthétiques réalistes (dossiers, financements, DSN)",
		Long: `Génère des livraisons de partenaires synthétiques, exactement aux formats du
dictionnaire des données : dossiers, événements, financements et enveloppes par
partenaire émetteur et transmission, extraits DSN par mois et déclarations DSN au
format NEODeS par établissement et mois. Les mêmes options donnent des fichiers
identiques à l'octet près.

Le fichier truth.json, écrit à côté des livraisons, n'est pas une livraison : il
donne les paramètres plantés (effets des organismes, taux attendus) et la liste
de chaque défaut volontaire (fichier, ligne, règle) que le chargement doit mettre
en quarantaine.`,
		Example: `  agora generate --dossiers 20000 --seed 7
  agora generate --dossiers 1000000 --out /donnees/livraisons --dsn-format both --defauts 0.001`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opt.DSNFormat = generate.DSNFormat(dsnFormat)
			m, ok := generate.ParseMonth(couverture)
			if !ok {
				return userErrorf("mois de couverture « %s » invalide : écrivez-le AAAA-MM, par exemple 2025-12.", couverture)
			}
			opt.Coverage = m
			if opt.Out == "" {
				opt.Out = a.root.Deliveries()
			}
			if err := opt.Validate(); err != nil {
				return userErrorf("%s.", err)
			}
			var bar io.Writer
			if progress || term.IsTerminal(int(os.Stderr.Fd())) {
				bar = a.errOut
			}
			a.log.Debug("génération", "dossiers", opt.Dossiers, "graine", opt.Seed, "sortie", opt.Out)
			sum, err := generate.Run(cmd.Context(), opt, bar)
			if err != nil {
				if cmd.Context().Err() != nil {
					return userErrorf("génération interrompue : rien n'a été écrit dans %s.", opt.Out)
				}
				return userErrorf("génération impossible : %s.", err)
			}
			if a.jsonOut {
				return a.printJSON(sum)
			}
			printGenerateSummary(a.out, sum)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opt.Dossiers, "dossiers", def.Dossiers, "nombre de dossiers de formation à générer")
	f.Uint64Var(&opt.Seed, "seed", def.Seed, "graine du hasard (mêmes options et graine = mêmes fichiers)")
	f.StringVar(&opt.Out, "out", "", "dossier de sortie (défaut : <racine des données>/livraisons)")
	f.StringVar(&dsnFormat, "dsn-format", dsnFormat, "livraison de la DSN : neodes, extrait ou both")
	f.StringVar(&couverture, "couverture", couverture, "dernier mois couvert par la DSN et les événements (AAAA-MM)")
	f.Float64Var(&opt.DefectRate, "defauts", def.DefectRate, "part des lignes porteuses d'un défaut volontaire (0 à 0,2)")
	f.BoolVar(&opt.Overwrite, "force", false, "remplacer une génération précédente dans le dossier de sortie")
	f.BoolVar(&progress, "progression", false, "afficher la barre de progression même hors d'un terminal")
	f.IntVar(&opt.Workers, "workers", 0, "nombre de fils de génération (défaut : nombre de cœurs)")
	return cmd
}

func printGenerateSummary(w io.Writer, s generate.Summary) {
	fmt.Fprintf(w, "Livraisons synthétiques écrites dans %s\n", s.Out)
	fmt.Fprintf(w, "  graine %d, couverture %s, DSN %s, taux de défauts %s\n", s.Seed, s.Coverage, s.DSNFormat, french.Dec(s.DefectRate, -1))
	fmt.Fprintf(w, "  %s personnes, %s dossiers\n\n", french.Int(s.Persons), french.Int(s.Dossiers))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "flux\tfichiers\tlignes\t")
	for _, f := range s.Feeds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t\n", f.Feed, french.Int(int64(f.Files)), french.Int(f.Rows))
	}
	fmt.Fprintf(tw, "dsn (NEODeS)\t%s\t%s\t\n", french.Int(int64(s.NEODeS.Files)), french.Int(s.NEODeS.ContractMonths))
	tw.Flush()
	if s.NEODeS.Files > 0 {
		var types []string
		for _, t := range s.NEODeS.ByType {
			types = append(types, fmt.Sprintf("type %s : %s", t.Code, french.Int(t.Count)))
		}
		fmt.Fprintf(w, "\nNEODeS : %s établissements, déclarations mensuelles (%s), %s signalements (ignorés au chargement) ;\n",
			french.Int(int64(s.NEODeS.Establishments)), strings.Join(types, ", "), french.Int(int64(s.NEODeS.EventReports)))
		fmt.Fprintf(w, "         %s lignes contrat-mois attendues après annulations et remplacements.\n", french.Int(s.NEODeS.ContractMonths))
	}
	var rules []string
	for _, r := range s.DefectsByRule {
		rules = append(rules, fmt.Sprintf("%s %s", r.Code, french.Int(r.Count)))
	}
	fmt.Fprintf(w, "\nDéfauts volontaires : %s", french.Int(s.Defects))
	if len(rules) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(rules, ", "))
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Vérité terrain : %s (ce n'est pas une livraison : ne pas la charger)\n", s.Truth)
	rate := 0.0
	if s.Seconds > 0 {
		rate = float64(s.Dossiers) / s.Seconds
	}
	fmt.Fprintf(w, "%s Mio écrits en %s s (%s dossiers/s)\n", french.Int(s.Bytes>>20), french.Dec(s.Seconds, 1), french.Dec(rate, 0))
}
