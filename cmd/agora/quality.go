package main

import (
	"fmt"
	"os"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/reports/site"
	"github.com/agora-formation/agora/warehouse"
)

func qualityCmd(a *app) *cobra.Command {
	var funder string
	cmd := &cobra.Command{
		Use:   "quality [--financeur CODE]",
		Short: "Afficher la qualité des données de chaque partenaire",
		Long: `Affiche, pour chaque partenaire (ou pour celui de --financeur), la qualité de ses
livraisons : lignes rejetées par règle, complétude des colonnes, délai entre un
événement et sa transmission, corrections tardives. Ce sont les chiffres des pages
« Qualité des données » du site, lus par le même code.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if funder != "" && funder != "INCONNU" && !dictionary.Financeurs.Has(funder) {
				return userErrorf("financeur inconnu : %q ; les codes admis sont ceux de la liste des financeurs (docs/dictionnaire.md), par exemple FT, CDC, REG-84, OPCO-03", funder)
			}
			wh := a.root.Warehouse()
			if _, err := os.Stat(wh); err != nil {
				return userErrorf("entrepôt introuvable : %s ; construisez-le d'abord avec « agora build » (ou lancez « agora demo »), ou indiquez la racine des données avec --data", wh)
			}
			s, err := warehouse.Open(cmd.Context(), warehouse.Options{Path: wh, ReadOnly: true, TempDir: a.root.Temp()})
			if err != nil {
				return fmt.Errorf("ouverture de l'entrepôt %s : %w", wh, err)
			}
			defer s.Close()
			db := s.DB()
			rep, err := site.Quality(cmd.Context(), db, funder)
			if err != nil {
				return err
			}
			if funder != "" && len(rep.Partners) == 0 {
				return userErrorf("aucune livraison du financeur %s dans l'entrepôt : il n'a encore rien transmis, ou ses fichiers n'ont pas été chargés (agora land)", funder)
			}
			if a.jsonOut {
				return a.printJSON(rep)
			}
			return rep.WriteText(a.out)
		},
	}
	cmd.Flags().StringVar(&funder, "financeur", "", "code du partenaire émetteur (liste des financeurs du dictionnaire) ; défaut : tous")
	return cmd
}
