package main

import "github.com/spf13/cobra"

func buildCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "build",
		Short: "Construire l'entrepôt : modèles SQL et tests de données",
		RunE:  notBuilt("build"),
	}
}
