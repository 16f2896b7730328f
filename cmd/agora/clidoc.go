package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

// The README carries the CLI reference between these markers; `agora doc-cli`
// rewrites it from the cobra commands and a test fails when it drifts.
const (
	cliStart = "<!-- cli:start (généré par `agora doc-cli`, ne pas modifier à la main) -->"
	cliEnd   = "<!-- cli:end -->"
)

func docCLICmd(a *app) *cobra.Command {
	readme := "README.md"
	cmd := &cobra.Command{
		Use:    "doc-cli",
		Short:  "Réécrire la référence des commandes dans le README",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			old, err := os.ReadFile(readme)
			if err != nil {
				return err
			}
			updated, err := spliceCLIReference(old, cliReference(cmd.Root()))
			if err != nil {
				return err
			}
			return os.WriteFile(readme, updated, 0o644)
		},
	}
	cmd.Flags().StringVar(&readme, "readme", readme, "fichier README à mettre à jour")
	return cmd
}

// cliReference renders every visible command with its flags as Markdown.
func cliReference(root *cobra.Command) []byte {
	var b bytes.Buffer
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		if c != root {
			fmt.Fprintf(&b, "### `%s`\n\n%s\n\n", c.CommandPath(), c.Short)
			if c.Long != "" {
				fmt.Fprintf(&b, "%s\n\n", strings.TrimSpace(c.Long))
			}
			fmt.Fprintf(&b, "```\n%s\n", useLineFR(c))
			if fl := flagUsagesFR(c.NonInheritedFlags()); strings.TrimSpace(fl) != "" {
				fmt.Fprintf(&b, "\n%s", fl)
			}
			b.WriteString("```\n\n")
		} else {
			fmt.Fprintf(&b, "Options communes à toutes les commandes :\n\n```\n%s```\n\n", flagUsagesFR(c.PersistentFlags()))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return b.Bytes()
}

func spliceCLIReference(readme, ref []byte) ([]byte, error) {
	i := bytes.Index(readme, []byte(cliStart))
	j := bytes.Index(readme, []byte(cliEnd))
	if i < 0 || j < i {
		return nil, fmt.Errorf("README : marqueurs %q et %q introuvables", cliStart, cliEnd)
	}
	var out bytes.Buffer
	out.Write(readme[:i+len(cliStart)])
	out.WriteString("\n\n")
	out.Write(ref)
	out.Write(readme[j:])
	return out.Bytes(), nil
}
