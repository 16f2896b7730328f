package main

import "github.com/spf13/cobra"

func compactCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Compacter les petits fichiers du lac",
		RunE:  notBuilt("compact"),
	}
}
