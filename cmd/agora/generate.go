package main

import "github.com/spf13/cobra"

func generateCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "generate",
		Short: "Générer des livraisons synthétiques réalistes (dossiers, financements, DSN)",
		RunE:  notBuilt("generate"),
	}
}
