package main

import (
	"fmt"
	"sort"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/dictionary"
)

func dictionaryCmd(a *app) *cobra.Command {
	out := "docs"
	cmd := &cobra.Command{
		Use:   "dictionnaire",
		Short: "Écrire le dictionnaire des données (Markdown et Table Schema)",
		Long: `Écrit le dictionnaire des données, tiré du code, dans DOSSIER/dictionnaire.md et un
Table Schema JSON par flux dans DOSSIER/schemas/ (par défaut DOSSIER = docs).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			paths, err := dictionary.WriteDocs(out)
			if err != nil {
				return userErrorf("impossible d'écrire le dictionnaire dans %s : %v", out, err)
			}
			sort.Strings(paths)
			if a.jsonOut {
				return a.printJSON(map[string]any{"version": dictionary.Version, "fichiers": paths})
			}
			for _, p := range paths {
				fmt.Fprintln(a.out, "écrit :", p)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", out, "dossier de sortie")
	return cmd
}
