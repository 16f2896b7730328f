package main

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/serve/token"
)

func tokenCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Gérer les jetons d'accès des partenaires à l'API",
		Long: `Un jeton donne à un financeur l'accès à ses propres chiffres et à ses résultats par
dossier sous /api/v1/partenaires/CODE/. Seule son empreinte SHA-256 est conservée, dans
prive/jetons.json sous la racine des données ; le jeton en clair n'est affiché qu'une fois,
à sa création. « agora serve » prend en compte les créations et révocations sans redémarrer.`,
		Args: cobra.NoArgs,
		// Runnable, so that an unknown subcommand is an error (cobra only
		// prints the help of a command that cannot run).
		RunE: func(c *cobra.Command, _ []string) error { return c.Help() },
	}
	cmd.AddCommand(tokenCreateCmd(a), tokenListCmd(a), tokenRevokeCmd(a))
	return cmd
}

// tokenView is a token as printed: never the secret, nor its hash.
type tokenView struct {
	ID        string     `json:"id"`
	Funder    string     `json:"financeur"`
	Label     string     `json:"nom,omitempty"`
	Created   time.Time  `json:"cree_le"`
	RevokedAt *time.Time `json:"revoque_le,omitempty"`
}

func viewOf(t token.Token) tokenView {
	return tokenView{ID: t.ID, Funder: t.Funder, Label: t.Label, Created: t.Created, RevokedAt: t.RevokedAt}
}

func tokenCreateCmd(a *app) *cobra.Command {
	var funder, label string
	cmd := &cobra.Command{
		Use:   "create --financeur CODE [--nom LIBELLE]",
		Short: "Créer un jeton pour un financeur (affiché une seule fois)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			c, ok := dictionary.Financeurs.Lookup(funder)
			if !ok || c.SIRET == "" {
				return userErrorf("code financeur %q inconnu ou non partenaire : donnez --financeur avec un code de la liste 2.2 du dictionnaire ayant un SIRET (par exemple FT, CDC, REG-84, OPCO-03)", funder)
			}
			if len(label) > 200 || strings.ContainsAny(label, "\r\n") {
				return userErrorf("--nom : 200 caractères au plus, sur une ligne")
			}
			store := token.NewStore(a.root.Tokens())
			clear, t, err := store.Create(funder, label, time.Now())
			if err != nil {
				return userErrorf("création du jeton impossible (%s) : %v", store.Path(), err)
			}
			if a.jsonOut {
				return a.printJSON(struct {
					tokenView
					Clear string `json:"jeton"`
				}{viewOf(t), clear})
			}
			fmt.Fprintf(a.out, "Jeton %s créé pour %s (%s).\n", t.ID, t.Funder, c.Label)
			fmt.Fprintf(a.out, "Voici le jeton ; il ne sera plus jamais affiché, transmettez-le au partenaire par un canal sûr :\n\n%s\n\n", clear)
			fmt.Fprintf(a.out, "Usage : curl -H \"Authorization: Bearer <jeton>\" http://127.0.0.1:8080/api/v1/partenaires/%s/dossiers\n", t.Funder)
			return nil
		},
	}
	cmd.Flags().StringVar(&funder, "financeur", "", "code du financeur (liste 2.2 du dictionnaire), obligatoire")
	cmd.Flags().StringVar(&label, "nom", "", "libellé libre (qui utilise le jeton, pour quoi)")
	cmd.MarkFlagRequired("financeur")
	return cmd
}

func tokenListCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "Lister les jetons (sans leur secret)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			store := token.NewStore(a.root.Tokens())
			ts, err := store.List()
			if err != nil {
				return userErrorf("%v", err)
			}
			views := make([]tokenView, len(ts))
			for i, t := range ts {
				views[i] = viewOf(t)
			}
			if a.jsonOut {
				return a.printJSON(views)
			}
			if len(views) == 0 {
				fmt.Fprintln(a.out, "Aucun jeton. Créez-en un avec « agora token create --financeur CODE ».")
				return nil
			}
			tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tFINANCEUR\tCRÉÉ LE\tÉTAT\tNOM")
			for _, v := range views {
				state := "actif"
				if v.RevokedAt != nil {
					state = "révoqué le " + v.RevokedAt.Local().Format("02/01/2006 15:04")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.ID, v.Funder, v.Created.Local().Format("02/01/2006 15:04"), state, v.Label)
			}
			return tw.Flush()
		},
	}
}

func tokenRevokeCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Révoquer un jeton (effet immédiat sur le serveur)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store := token.NewStore(a.root.Tokens())
			t, err := store.Revoke(args[0], time.Now())
			if errors.Is(err, token.ErrNotFound) {
				return userErrorf("jeton %q inconnu : « agora token list » donne les identifiants", args[0])
			}
			if err != nil {
				return userErrorf("révocation impossible (%s) : %v", store.Path(), err)
			}
			if a.jsonOut {
				return a.printJSON(viewOf(t))
			}
			fmt.Fprintf(a.out, "Jeton %s (%s) révoqué le %s.\n", t.ID, t.Funder, t.RevokedAt.Local().Format("02/01/2006 à 15:04"))
			return nil
		},
	}
}
