package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/chain"
	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/pipelines/pseudo"
	"github.com/agora-formation/agora/warehouse"
)

// demoMarker marks a data root made by `agora demo`, which may therefore wipe it.
const demoMarker = "demo.json"

// demoDossiers is the default size of the demo sample: large enough for
// national figures that survive disclosure control in most regions and
// schemes, small enough for `make demo` to finish in a few minutes on 2 cores.
const demoDossiers = 60000

func demoCmd(a *app) *cobra.Command {
	g := generate.DefaultOptions()
	g.Dossiers = demoDossiers
	var memory string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Tout faire sur un échantillon synthétique : générer, charger, construire, publier",
		Long: `Génère un échantillon national synthétique réaliste, le charge dans le lac, construit
l'entrepôt, publie le site et les données ouvertes, puis dit où les trouver.

La démonstration écrit dans la racine des données (--data, AGORA_DATA, ./data) et la
remplace à chaque lancement ; elle refuse une racine qui contient déjà des données non
issues d'une démonstration. Sans clé de pseudonymisation (AGORA_PSEUDO_KEY ou fichier),
elle en crée une hors de la racine des données et dit où.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			g.Out = a.root.Deliveries()
			g.Overwrite = true
			if err := g.Validate(); err != nil {
				return userErrorf("%s.", err)
			}
			if err := checkMemory(&memory); err != nil {
				return err
			}
			if err := prepareDemoRoot(a.root); err != nil {
				return err
			}
			key, created, err := demoKey(a.root)
			if err != nil {
				return err
			}
			if created != "" {
				fmt.Fprintf(a.errOut, "clé de pseudonymisation créée : %s (gardez-la hors des données ; elle sert à tous les chargements suivants)\n", created)
			}
			fmt.Fprintf(a.errOut, "démonstration : %s dossiers synthétiques dans %s\n", french.Int(int64(g.Dossiers)), a.root.Dir)
			res, err := chain.Run(ctx, chain.Options{Root: a.root, Key: key, Generate: g, Memory: memory, Progress: a.bars(), Steps: a.errOut, Log: a.log})
			if err != nil {
				// The options are checked above and the data are synthetic:
				// a failure now is an internal error, unless the user
				// interrupted the demo.
				if ctx.Err() != nil {
					return userErrorf("démonstration interrompue : relancez « %s » pour la reprendre depuis le début", a.command("demo"))
				}
				return err
			}
			if err := writeDemoMarker(a.root, g); err != nil {
				return err
			}
			if a.jsonOut {
				return a.printJSON(res)
			}
			printDemoResult(a, res)
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&g.Dossiers, "dossiers", g.Dossiers, "nombre de dossiers synthétiques")
	f.Uint64Var(&g.Seed, "seed", g.Seed, "graine du générateur (même graine, mêmes données)")
	f.StringVar(&memory, "memoire", "", "mémoire maximale de DuckDB (ex. 8GB, 8Go, 512Mo ; défaut : "+warehouse.DefaultMemoryLimit+")")
	return cmd
}

// prepareDemoRoot empties a data root made by an earlier demo and refuses one
// that holds other data.
func prepareDemoRoot(root dataroot.Root) error {
	if err := makeRoot(root.Dir, ""); err != nil {
		return err
	}
	entries, err := os.ReadDir(root.Dir)
	if err != nil || len(entries) == 0 {
		return err
	}
	if _, err := os.Stat(filepath.Join(root.Dir, demoMarker)); err != nil {
		return userErrorf("la racine des données %s contient déjà des données qui ne viennent pas d'une démonstration : "+
			"lancez la démonstration ailleurs, par exemple « agora demo --data ./demo »", root.Dir)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(root.Dir, e.Name())); err != nil {
			return err
		}
	}
	return nil
}

// demoKey loads the pseudonymisation key, creating one in the default key file
// (outside the data root) when none is configured. It returns the created path.
func demoKey(root dataroot.Root) (*pseudo.Key, string, error) {
	key, err := pseudo.Load("", root.Dir)
	if err == nil {
		return key, "", nil
	}
	if !errors.Is(err, pseudo.ErrNoKey) {
		return nil, "", userErrorf("%v", err)
	}
	path := pseudo.DefaultKeyFile()
	key, err = pseudo.CreateKeyFile(path)
	if err != nil {
		return nil, "", userErrorf("impossible de créer la clé de pseudonymisation %s : %v", path, err)
	}
	return key, path, nil
}

func writeDemoMarker(root dataroot.Root, g generate.Options) error {
	b, err := json.MarshalIndent(map[string]any{
		"demonstration": true, "dossiers": g.Dossiers, "graine": g.Seed, "date": time.Now().UTC().Format(time.RFC3339),
	}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root.Dir, demoMarker), append(b, '\n'), 0o644)
}

func printDemoResult(a *app, res chain.Result) {
	w := a.out
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Démonstration terminée.")
	for _, s := range res.Stages {
		fmt.Fprintf(w, "  %-9s %7s s\n", s.Name, french.Dec(s.Seconds, 1))
	}
	fmt.Fprintf(w, "\n%s dossiers générés, %s lignes chargées, %s en quarantaine.\n",
		french.Int(res.Generate.Dossiers), french.Int(res.Land.Landed), french.Int(res.Land.Quarantined))
	fmt.Fprintf(w, "\nSite (ouvrez-le dans un navigateur, sans réseau) :\n  %s\n", filepath.Join(a.root.Site(), "index.html"))
	fmt.Fprintf(w, "Données ouvertes :\n  %s\n", a.root.OpenData())
	// As the user can run it: ./bin/agora after « make demo », where agora
	// is not on the PATH.
	fmt.Fprintf(w, "Pour servir le site et l'API : %s\n", a.command("serve", "--data", a.root.Dir))
}
