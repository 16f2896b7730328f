package main

import "github.com/spf13/cobra"

func demoCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Tout faire sur un échantillon synthétique : générer, charger, construire, publier",
		RunE:  notBuilt("demo"),
	}
}
