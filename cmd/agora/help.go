package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// usageFR is cobra's default usage template, in French.
const usageFR = `Utilisation :{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [commande]{{end}}{{if gt (len .Aliases) 0}}

Autres noms :
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Exemples :
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Commandes :{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Options :
{{.LocalFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Options communes à toutes les commandes :
{{.InheritedFlags.FlagUsages | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableSubCommands}}

« {{.CommandPath}} [commande] --help » donne l'aide d'une commande.{{end}}
`

// frenchHelp puts the help around the commands in French: the usage
// template, the -h flag, the help and completion commands. The errors about
// the command line itself are cliErrorFR's.
func frenchHelp(root *cobra.Command) {
	root.SetUsageTemplate(usageFR)
	// A persistent flag of the root is every command's -h: cobra only adds
	// its own (« help for … ») where none exists.
	root.PersistentFlags().BoolP("help", "h", false, "afficher l'aide de la commande")
	root.SetHelpCommand(&cobra.Command{
		Use:   "help [commande]",
		Short: "Afficher l'aide d'une commande",
		Long:  "Affiche l'aide d'une commande, par exemple : agora help land.",
		RunE: func(c *cobra.Command, args []string) error {
			target, _, err := c.Root().Find(args)
			if target == nil || err != nil {
				return &userError{msg: fmt.Sprintf("pas d'aide pour « %s » : « agora --help » liste les commandes.", strings.Join(args, " ")), code: 2}
			}
			return target.Help()
		},
	})
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Short = "Écrire le script d'autocomplétion de agora pour un shell (bash, zsh, fish, powershell)"
		}
	}
}

// The messages of pflag (github.com/spf13/pflag, errors.go and flag.go) and
// cobra (args.go, command.go) that cliErrorFR translates.
var (
	unknownCommandRe = regexp.MustCompile(`^unknown command "(.*)" for "(.*)"`)
	argCountRe       = regexp.MustCompile(`^(?:requires|accepts) (at least|at most|between|)\s*([0-9]+(?: and [0-9]+)?) arg\(s\), (?:only )?received ([0-9]+)$`)
	argCountFR       = map[string]string{"at least": "au moins", "at most": "au plus", "between": "entre", "": "exactement"}
	requiredFlagsRe  = regexp.MustCompile(`^required flag\(s\) (.+) not set$`)
	unknownFlagRe    = regexp.MustCompile(`^unknown flag: (\S+)$`)
	unknownShortRe   = regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)$`)
	needsArgRe       = regexp.MustCompile(`^flag needs an argument: (?:'.' in )?(\S+)$`)
	invalidArgRe     = regexp.MustCompile(`^invalid argument "(.*)" for "(.+)" flag: `)
	badSyntaxRe      = regexp.MustCompile(`^bad flag syntax: (\S+)$`)
)

// cliErrorFR turns the errors cobra and pflag write about the command line
// (an unknown command, arguments, options) into French user errors naming
// the command c that ran and pointing to its --help; other errors come back
// as they are.
func cliErrorFR(c *cobra.Command, err error) error {
	msg := err.Error()
	path := "agora"
	if c != nil {
		path = c.CommandPath()
	}
	fail := func(format string, args ...any) error {
		return &userError{msg: fmt.Sprintf(format, args...), code: 2}
	}
	option := func(what string) error {
		return fail("%s (« %s --help » liste les options).", what, path)
	}
	if m := unknownCommandRe.FindStringSubmatch(msg); m != nil {
		if c != nil && !c.HasAvailableSubCommands() {
			// cobra.NoArgs says « unknown command » for any argument.
			return fail("« %s » ne prend pas d'argument (reçu « %s ») : voyez « %s --help ».", path, m[1], path)
		}
		out := fmt.Sprintf("commande inconnue : « %s » (« %s --help » liste les commandes).", m[1], path)
		if c != nil {
			if guesses := c.SuggestionsFor(m[1]); len(guesses) > 0 {
				out += " Vouliez-vous dire : " + strings.Join(guesses, ", ") + " ?"
			}
		}
		return fail("%s", out)
	}
	if m := argCountRe.FindStringSubmatch(msg); m != nil {
		return fail("« %s » attend %s %s argument(s), en a reçu %s : voyez « %s --help ».", path, argCountFR[m[1]], m[2], m[3], path)
	}
	if m := requiredFlagsRe.FindStringSubmatch(msg); m != nil {
		var flags []string
		for _, f := range strings.Split(m[1], " ") {
			flags = append(flags, "--"+strings.Trim(f, `"`))
		}
		return fail("option(s) obligatoire(s) manquante(s) pour « %s » : %s.", path, strings.Join(flags, ", "))
	}
	if m := unknownFlagRe.FindStringSubmatch(msg); m != nil {
		return option("option inconnue : " + m[1])
	}
	if m := unknownShortRe.FindStringSubmatch(msg); m != nil {
		return option("option courte inconnue : -" + m[1])
	}
	if m := needsArgRe.FindStringSubmatch(msg); m != nil {
		return option("l'option " + m[1] + " attend une valeur")
	}
	if m := invalidArgRe.FindStringSubmatch(msg); m != nil {
		return option(fmt.Sprintf("valeur « %s » invalide pour l'option %s", m[1], m[2]))
	}
	if m := badSyntaxRe.FindStringSubmatch(msg); m != nil {
		return option("option mal écrite : " + m[1])
	}
	return err
}
