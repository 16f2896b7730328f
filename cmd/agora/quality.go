package main

import "github.com/spf13/cobra"

func qualityCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "quality",
		Short: "Afficher la qualité des données de chaque partenaire",
		RunE:  notBuilt("quality"),
	}
}
