package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageFR is cobra's default usage template, in French: the usage line
// (useLineFR), the options (flagUsagesFR) and every heading.
const usageFR = `Utilisation :{{if .Runnable}}
  {{useLineFR .}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [commande]{{end}}{{if gt (len .Aliases) 0}}

Autres noms :
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Exemples :
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

Commandes :{{range .Commands}}{{if (or .IsAvailableCommand (eq .Name "help"))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Options :
{{flagUsagesFR .LocalFlags | trimTrailingWhitespaces}}{{end}}{{if .HasAvailableInheritedFlags}}

Options communes à toutes les commandes :
{{flagUsagesFR .InheritedFlags | trimTrailingWhitespaces}}{{end}}{{if .HasHelpSubCommands}}

Autres sujets d'aide :{{range .Commands}}{{if .IsAdditionalHelpTopicCommand}}
  {{rpad .CommandPath .CommandPathPadding}} {{.Short}}{{end}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

« {{.CommandPath}} [commande] --help » donne l'aide d'une commande.{{end}}
`

// helpFR is cobra's default help template: the description, then the usage.
// It has no English of its own; it is set so that the help owes nothing to
// cobra's templates.
const helpFR = `{{with (or .Long .Short)}}{{. | trimTrailingWhitespaces}}

{{end}}{{if or .Runnable .HasSubCommands}}{{.UsageString}}{{end}}`

func init() {
	cobra.AddTemplateFunc("useLineFR", useLineFR)
	cobra.AddTemplateFunc("flagUsagesFR", flagUsagesFR)
}

// useLineFR is c's usage line (c.UseLine) with « [options] » where cobra
// writes « [flags] ».
func useLineFR(c *cobra.Command) string {
	line := c.UseLine()
	if base, ok := strings.CutSuffix(line, " [flags]"); ok {
		return base + " [options]"
	}
	return line
}

// typeFR names in French the kind of value an option takes, where pflag
// writes its Go type (pflag.UnquoteUsage) and the usage names none between
// back quotes.
var typeFR = map[string]string{
	"string": "texte", "strings": "textes", "stringArray": "texte",
	"int": "nombre", "ints": "nombres", "int32": "nombre", "uint": "nombre", "uints": "nombres",
	"float": "nombre", "float32": "nombre", "duration": "durée", "count": "nombre",
	"value": "valeur", "ip": "adresse", "bools": "booléens",
}

// flagUsagesFR is pflag's FlagSet.FlagUsages in French: the same columns,
// the value named in French (« --memoire texte ») and the default written
// « (défaut : 8GB) » where pflag writes « (default "8GB") ».
func flagUsagesFR(fs *pflag.FlagSet) string {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		left := "      --" + f.Name
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			left = "  -" + f.Shorthand + ", --" + f.Name
		}
		name, usage := pflag.UnquoteUsage(f)
		if usage == f.Usage { // no name between back quotes: a Go type
			if fr, ok := typeFR[name]; ok {
				name = fr
			}
		}
		if name != "" {
			left += " " + name
		}
		if f.NoOptDefVal != "" && !(f.Value.Type() == "bool" && f.NoOptDefVal == "true") {
			left += "[=" + valueFR(f.NoOptDefVal) + "]"
		}
		if def, ok := defaultOf(f); ok {
			usage += " (défaut : " + valueFR(def) + ")"
		}
		width = max(width, utf8.RuneCountInString(left))
		rows = append(rows, row{left, usage})
	})
	var b strings.Builder
	for _, r := range rows {
		pad := strings.Repeat(" ", width-utf8.RuneCountInString(r.left)+3)
		usage := strings.ReplaceAll(r.usage, "\n", "\n"+strings.Repeat(" ", width+3))
		b.WriteString(r.left + pad + usage + "\n")
	}
	return b.String()
}

// defaultOf returns f's default as the help shows it, and false when it is
// its type's zero value (pflag shows none then).
func defaultOf(f *pflag.Flag) (string, bool) {
	zero := map[string]bool{"": true, "false": true, "0": true, "<nil>": true}
	switch f.Value.Type() {
	case "string":
		zero = map[string]bool{"": true}
	case "duration":
		zero["0s"] = true
	case "stringSlice", "stringArray", "intSlice", "uintSlice", "boolSlice":
		zero["[]"] = true
	}
	return f.DefValue, !zero[f.DefValue]
}

// valueFR writes a default value in French: booleans as « oui » and « non »,
// lists without their brackets, decimals with a comma.
func valueFR(v string) string {
	switch v {
	case "true":
		return "oui"
	case "false":
		return "non"
	}
	if list, ok := strings.CutPrefix(v, "["); ok {
		if list, ok = strings.CutSuffix(list, "]"); ok {
			return strings.ReplaceAll(list, ",", ", ")
		}
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return strings.Replace(v, ".", ",", 1)
	}
	return v
}

// frenchHelp puts the help around the commands in French: the usage and
// help templates, the -h flag, the help and completion commands. The errors
// about the command line itself are cliErrorFR's.
func frenchHelp(root *cobra.Command) {
	root.SetUsageTemplate(usageFR)
	root.SetHelpTemplate(helpFR)
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
			c.Long = "Écrit le script qui complète les commandes et options de agora dans un shell ;\n" +
				"l'aide de chaque shell dit comment l'installer."
			for _, shell := range c.Commands() {
				shell.Short = "Écrire le script d'autocomplétion pour " + shell.Name()
				shell.Long = completionLongFR[shell.Name()]
				if f := shell.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = "sans la description des commandes et options"
				}
			}
		}
	}
}

// completionLongFR is the help of cobra's completion commands, in French.
var completionLongFR = map[string]string{
	"bash": `Écrit le script d'autocomplétion pour bash. Il demande le paquet « bash-completion ».

Pour l'utiliser dans le shell ouvert :

	source <(agora completion bash)

Pour l'utiliser dans chaque nouveau shell, une fois :

	agora completion bash > /etc/bash_completion.d/agora                    (Linux)
	agora completion bash > $(brew --prefix)/etc/bash_completion.d/agora    (macOS)

puis ouvrez un nouveau shell.`,
	"zsh": `Écrit le script d'autocomplétion pour zsh. Si l'autocomplétion n'est pas déjà
activée, activez-la une fois :

	echo "autoload -U compinit; compinit" >> ~/.zshrc

Pour l'utiliser dans le shell ouvert :

	source <(agora completion zsh)

Pour l'utiliser dans chaque nouveau shell, une fois :

	agora completion zsh > "${fpath[1]}/_agora"                               (Linux)
	agora completion zsh > $(brew --prefix)/share/zsh/site-functions/_agora  (macOS)

puis ouvrez un nouveau shell.`,
	"fish": `Écrit le script d'autocomplétion pour fish.

Pour l'utiliser dans le shell ouvert :

	agora completion fish | source

Pour l'utiliser dans chaque nouveau shell, une fois :

	agora completion fish > ~/.config/fish/completions/agora.fish

puis ouvrez un nouveau shell.`,
	"powershell": `Écrit le script d'autocomplétion pour PowerShell.

Pour l'utiliser dans le shell ouvert :

	agora completion powershell | Out-String | Invoke-Expression

Pour l'utiliser dans chaque nouveau shell, ajoutez la sortie de cette commande à
votre profil PowerShell.`,
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
