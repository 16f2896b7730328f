package main

import "github.com/spf13/cobra"

func exportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "export",
		Short: "Exporter le fichier d'un partenaire (données personnelles)",
		RunE:  notBuilt("export"),
	}
}
