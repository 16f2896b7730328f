package main

import "github.com/spf13/cobra"

func landCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "land",
		Short: "Charger des livraisons dans le lac (validation, pseudonymisation, quarantaine)",
		RunE:  notBuilt("land"),
	}
}
