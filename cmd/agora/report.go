package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/chain"
)

func reportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "Publier le site (tableaux de bord) et les données ouvertes",
		Long: `Publie, à partir de l'entrepôt construit par « agora build » :

  - le site public : tableaux de bord en français (accueil, budget, organismes de
    formation, une page par région, qualité des données de chaque partenaire,
    méthodologie), dans <racine>/site ; il s'ouvre sans serveur (index.html) et
    ne charge rien hors de la machine ;
  - les données ouvertes (CSV, Parquet, schema.json, README) dans <racine>/opendata.

Chaque chiffre publié passe par le secret statistique du paquet indicators : un
chiffre masqué n'est jamais remplacé par zéro ; le site écrit « secret », les données
ouvertes laissent la case vide et donnent la raison dans la colonne secret. Le site et
les données ouvertes sont remplacés d'un coup, une fois complets.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := os.Stat(a.root.Warehouse()); err != nil {
				return userErrorf("entrepôt introuvable : %s ; construisez-le d'abord avec « agora build » (ou lancez « agora demo »), ou indiquez la racine des données avec --data", a.root.Warehouse())
			}
			sum, err := chain.Report(cmd.Context(), chain.Options{Root: a.root, Log: a.log})
			if err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(map[string]any{"site": sum, "donnees_ouvertes": a.root.OpenData()})
			}
			fmt.Fprintf(a.out, "Site publié : %s (%s, année de référence %d)\n", filepath.Join(sum.Dir, "index.html"), plural(int64(len(sum.Pages)), "page", "pages"), sum.Year)
			fmt.Fprintf(a.out, "Données ouvertes : %s\n", a.root.OpenData())
			fmt.Fprintf(a.out, "Ouvrez le site dans un navigateur, ou servez-le avec « %s ».\n", a.commandHere("serve"))
			return nil
		},
	}
}
