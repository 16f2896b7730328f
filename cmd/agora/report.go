package main

import "github.com/spf13/cobra"

func reportCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "Publier le site (tableaux de bord) et les données ouvertes",
		RunE:  notBuilt("report"),
	}
}
