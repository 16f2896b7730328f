package main

import "github.com/spf13/cobra"

func serveCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Servir le site et l'API des indicateurs",
		RunE:  notBuilt("serve"),
	}
}
