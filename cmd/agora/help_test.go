package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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

// englishHelp is the English that cobra's and pflag's templates write in a
// help: none may reach a French-speaking user.
var englishHelp = []string{
	"Usage:", "[flags]", "Flags:", "Global Flags:", "Available Commands:", "Additional Commands:",
	"Additional help topics", "Aliases:", "Examples:", "Use \"", "for more information about a command",
	"(default", "help for", "DEPRECATED", "Generate the autocompletion script",
	"disable completion descriptions", "See each sub-command's help",
}

// pflagTypeRe finds an option's value named by its Go type, as pflag names
// it (« --memoire string »).
var pflagTypeRe = regexp.MustCompile(`--[a-z-]+ (string|strings|int|ints|uint|float|duration|value|bools)\b`)

// TestEveryHelpIsFrench renders the help of agora and of every command under
// it, hidden ones and cobra's own (help, completion and its shells) included.
func TestEveryHelpIsFrench(t *testing.T) {
	var paths [][]string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		paths = append(paths, strings.Fields(c.CommandPath())[1:])
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot())
	require.Greater(t, len(paths), 20, "agora, its commands, help, completion and its shells")
	for _, path := range paths {
		out, err := runRoot(append(path, "--help")...)
		require.NoError(t, err, path)
		assert.Contains(t, out, "Utilisation :", path)
		for _, english := range englishHelp {
			assert.NotContains(t, out, english, path)
		}
		assert.Empty(t, pflagTypeRe.FindAllString(out, -1), path)
	}
}

func TestHelpOptionsFrench(t *testing.T) {
	out, err := runRoot("build", "--help")
	require.NoError(t, err)
	assert.Contains(t, out, "Utilisation :\n  agora build [options]\n")
	assert.Contains(t, out, "      --memoire texte    mémoire maximale de DuckDB (ex. 8GB, 8Go, 512Mo ; au-delà, il écrit dans <racine>/tmp) (défaut : 8GB)\n")
	assert.Contains(t, out, "      --threads nombre   fils d'exécution de DuckDB (défaut : nombre de cœurs)\n")
	assert.Contains(t, out, "Options communes à toutes les commandes :\n      --data texte   racine des données")

	out, err = runRoot("completion", "bash", "--help")
	require.NoError(t, err)
	assert.Contains(t, out, "      --no-descriptions   sans la description des commandes et options\n")
}

// TestFlagUsagesFR pins flagUsagesFR on options of every kind. The column of
// the usages is the longest left part (« --dossier chemin » after 6 spaces, 22 runes)
// plus 3 spaces, as pflag aligns them; a usage on two lines goes on in it.
// A deprecated option is hidden, as pflag hides it.
func TestFlagUsagesFR(t *testing.T) {
	fs := pflag.NewFlagSet("essai", pflag.ContinueOnError)
	fs.String("vide", "", "texte sans défaut")
	fs.String("taille", "8GB", "texte avec défaut")
	fs.IntP("nombre", "n", 3, "entier")
	fs.Int("zero", 0, "entier nul : pas de défaut écrit")
	fs.Float64("part", 0.25, "décimal")
	fs.Bool("oui", true, "booléen vrai")
	fs.Bool("non", false, "booléen faux : pas de défaut écrit")
	fs.StringSlice("liste", []string{"a", "b"}, "liste")
	fs.StringSlice("aucune", nil, "liste vide : pas de défaut écrit")
	fs.String("dossier", "", "`chemin` du dossier\nsur deux lignes")
	fs.String("ancienne", "", "ancienne option")
	require.NoError(t, fs.MarkDeprecated("ancienne", "voyez --taille"))
	fs.String("cachee", "", "option cachée")
	require.NoError(t, fs.MarkHidden("cachee"))
	fs.SortFlags = false
	assert.Equal(t, ""+
		"      --vide texte       texte sans défaut\n"+
		"      --taille texte     texte avec défaut (défaut : 8GB)\n"+
		"  -n, --nombre nombre    entier (défaut : 3)\n"+
		"      --zero nombre      entier nul : pas de défaut écrit\n"+
		"      --part nombre      décimal (défaut : 0,25)\n"+
		"      --oui              booléen vrai (défaut : oui)\n"+
		"      --non              booléen faux : pas de défaut écrit\n"+
		"      --liste textes     liste (défaut : a, b)\n"+
		"      --aucune textes    liste vide : pas de défaut écrit\n"+
		"      --dossier chemin   chemin du dossier\n"+
		"                         sur deux lignes\n",
		flagUsagesFR(fs))
}
