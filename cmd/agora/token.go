package main

import "github.com/spf13/cobra"

func tokenCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Gérer les jetons d'accès des partenaires à l'API",
		RunE:  notBuilt("token"),
	}
}
