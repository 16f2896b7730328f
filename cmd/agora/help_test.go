package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runRoot runs agora with args as main does and returns what it printed and
// the error main reports.
func runRoot(args ...string) (string, error) {
	var out bytes.Buffer
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&out)
	err := execute(context.Background(), root)
	return out.String(), err
}

func TestHelpIsFrench(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"build", "--help"}, {"help", "land"}, {"token", "-h"}} {
		out, err := runRoot(args...)
		require.NoError(t, err, args)
		assert.Contains(t, out, "Utilisation :", args)
		assert.Contains(t, out, "afficher l'aide de la commande", args)
		for _, english := range []string{"Usage:", "Available Commands", "Flags:", "help for", "for more information"} {
			assert.NotContains(t, out, english, args)
		}
	}
}

func TestCommandLineErrorsAreFrench(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"buidl"}, "commande inconnue : « buidl » (« agora --help » liste les commandes). Vouliez-vous dire : build ?"},
		{[]string{"build", "en-trop"}, "« agora build » ne prend pas d'argument (reçu « en-trop ») : voyez « agora build --help »."},
		{[]string{"land"}, "« agora land » attend au moins 1 argument(s), en a reçu 0 : voyez « agora land --help »."},
		{[]string{"token", "revoke"}, "« agora token revoke » attend exactement 1 argument(s), en a reçu 0 : voyez « agora token revoke --help »."},
		{[]string{"token", "create"}, "option(s) obligatoire(s) manquante(s) pour « agora token create » : --financeur."},
		{[]string{"build", "--foo"}, "option inconnue : --foo (« agora build --help » liste les options)."},
		{[]string{"build", "-z"}, "option courte inconnue : -z (« agora build --help » liste les options)."},
		{[]string{"build", "--data"}, "l'option --data attend une valeur (« agora build --help » liste les options)."},
		{[]string{"generate", "--dossiers", "beaucoup"}, "valeur « beaucoup » invalide pour l'option --dossiers (« agora generate --help » liste les options)."},
		{[]string{"token", "revok"}, "commande inconnue : « revok » (« agora token --help » liste les commandes). Vouliez-vous dire : revoke ?"},
		{[]string{"build", "---data"}, "option mal écrite : ---data (« agora build --help » liste les options)."},
		{[]string{"help", "inconnue"}, "pas d'aide pour « inconnue » : « agora --help » liste les commandes."},
	} {
		_, err := runRoot(c.args...)
		var ue *userError
		if assert.ErrorAs(t, err, &ue, c.args) {
			assert.Equal(t, c.want, ue.msg, c.args)
			assert.Equal(t, 2, ue.code, c.args)
		}
	}
}
