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
// template, the -h flag, the help and completion commands, and the errors
// cobra and pflag write about the command line itself.
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
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return &userError{msg: fmt.Sprintf("%s (« %s --help » liste les options).", flagErrorFR(err), c.CommandPath()), code: 2}
	})
}

// The messages of pflag (github.com/spf13/pflag, errors.go and flag.go) and
// cobra (args.go, command.go) that flagErrorFR and cliErrorFR translate.
var (
	unknownFlagRe     = regexp.MustCompile(`^unknown flag: (\S+)$`)
	unknownShortRe    = regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)$`)
	needsArgRe        = regexp.MustCompile(`^flag needs an argument: (?:'(.)' in )?(\S+)$`)
	invalidArgRe      = regexp.MustCompile(`^invalid argument "(.*)" for "(.+)" flag: `)
	unknownCommandRe  = regexp.MustCompile(`^unknown command "(.*)" for "(.*)"`)
	suggestionLinesRe = regexp.MustCompile(`(?m)^\t(\S+)$`)
	argCountRe        = regexp.MustCompile(`^(?:requires|accepts) (at least|at most|between|)\s*([0-9]+(?: and [0-9]+)?) arg\(s\), (?:only )?received ([0-9]+)$`)
	requiredFlagsRe   = regexp.MustCompile(`^required flag\(s\) (.+) not set$`)
	argCountFR        = map[string]string{"at least": "au moins", "at most": "au plus", "between": "entre", "": "exactement"}
)

// flagErrorFR says in French what is wrong with an option of the command line.
func flagErrorFR(err error) string {
	msg := err.Error()
	switch {
	case unknownFlagRe.MatchString(msg):
		return "option inconnue : " + unknownFlagRe.FindStringSubmatch(msg)[1]
	case unknownShortRe.MatchString(msg):
		return "option courte inconnue : -" + unknownShortRe.FindStringSubmatch(msg)[1]
	case needsArgRe.MatchString(msg):
		m := needsArgRe.FindStringSubmatch(msg)
		if m[1] != "" {
			return "l'option -" + m[1] + " attend une valeur"
		}
		return "l'option " + m[2] + " attend une valeur"
	case invalidArgRe.MatchString(msg):
		m := invalidArgRe.FindStringSubmatch(msg)
		return fmt.Sprintf("valeur « %s » invalide pour l'option %s", m[1], m[2])
	}
	return "option incorrecte : " + msg
}

// cliErrorFR turns the errors cobra writes about the command line (an
// unknown command, arguments, required options) into French user errors,
// naming the command c that ran; other errors come back as they are.
func cliErrorFR(c *cobra.Command, err error) error {
	msg := err.Error()
	path := "agora"
	if c != nil {
		path = c.CommandPath()
	}
	if m := unknownCommandRe.FindStringSubmatch(msg); m != nil {
		if c != nil && c.HasParent() && c.HasAvailableSubCommands() {
			out := fmt.Sprintf("commande inconnue : « %s » pour « %s » (« %s --help » liste ses commandes).", m[1], m[2], m[2])
			if guesses := c.SuggestionsFor(m[1]); len(guesses) > 0 {
				out += " Vouliez-vous dire : " + strings.Join(guesses, ", ") + " ?"
			}
			return &userError{msg: out, code: 2}
		}
		if c != nil && c.HasParent() {
			// cobra.NoArgs says « unknown command » for any argument.
			return &userError{msg: fmt.Sprintf("« %s » ne prend pas d'argument (reçu « %s ») : voyez « %s --help ».", m[2], m[1], m[2]), code: 2}
		}
		out := fmt.Sprintf("commande inconnue : « %s » (« %s --help » liste les commandes).", m[1], m[2])
		var guesses []string
		for _, s := range suggestionLinesRe.FindAllStringSubmatch(msg, -1) {
			guesses = append(guesses, s[1])
		}
		if len(guesses) > 0 {
			out += " Vouliez-vous dire : " + strings.Join(guesses, ", ") + " ?"
		}
		return &userError{msg: out, code: 2}
	}
	if m := argCountRe.FindStringSubmatch(msg); m != nil {
		return &userError{msg: fmt.Sprintf("« %s » attend %s %s argument(s), en a reçu %s : voyez « %s --help ».", path, argCountFR[m[1]], m[2], m[3], path), code: 2}
	}
	if m := requiredFlagsRe.FindStringSubmatch(msg); m != nil {
		var flags []string
		for _, f := range strings.Split(m[1], " ") {
			flags = append(flags, "--"+strings.Trim(f, `"`))
		}
		return &userError{msg: fmt.Sprintf("option(s) obligatoire(s) manquante(s) pour « %s » : %s.", path, strings.Join(flags, ", ")), code: 2}
	}
	return err
}
