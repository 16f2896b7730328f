package main

import "github.com/spf13/cobra"

func dictionaryCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "dictionnaire",
		Short: "Écrire le dictionnaire des données (Markdown et Table Schema)",
		RunE:  notBuilt("dictionnaire"),
	}
}
