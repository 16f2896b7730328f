package main

import "github.com/spf13/cobra"

func purgeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "purge",
		Short: "Purger du lac la DSN hors des fenêtres d'observation (minimisation)",
		RunE:  notBuilt("purge"),
	}
}
