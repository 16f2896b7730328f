package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

func landCmd(a *app) *cobra.Command {
	var (
		opts     land.Options
		keyFile  string
		progress bool
	)
	cmd := &cobra.Command{
		Use:   "land CHEMIN...",
		Short: "Charger des livraisons dans le lac (validation, pseudonymisation, quarantaine)",
		Long: `Charge les livraisons des partenaires dans le lac de données : fichiers CSV des flux
dossiers, evenements, financements, enveloppes et dsn_extrait, et déclarations DSN au
format NEODeS (extension .dsn, ou reconnues à leur contenu). Un dossier est parcouru
récursivement (fichiers *.csv et *.dsn).

Pour chaque fichier : détection de l'encodage (UTF-8 avec ou sans BOM, Windows-1252)
et du flux (d'après l'en-tête, ou --feed), validation de chaque ligne selon le
dictionnaire des données, pseudonymisation du NIR (HMAC-SHA256 à clé), écriture en
Parquet typé, puis validation du chargement par son manifeste. Une ligne invalide va
en quarantaine avec sa règle ; le reste du fichier est chargé, et le bilan se termine
par la commande « agora quarantaine » qui liste les lignes rejetées (ligne, colonne,
valeur, correction). Un fichier illisible en entier (colonne obligatoire absente,
encodage illisible) n'est pas chargé : le message dit pourquoi et comment le corriger.

Le même fichier chargé deux fois ne change rien (« déjà chargé ») ; un chargement
interrompu ne laisse rien de visible : relancez la même commande.

Ordre des fichiers : ils sont chargés dans l'ordre lexical de leurs chemins, et chaque
ligne du lac garde son chargement (_landing), le rang de son fichier dans ce chargement
(_source) et sa ligne (_ligne). Quand deux versions d'une même ligne ont la même date de
transmission (ou n'en ont pas, comme dsn_extrait), la plus récente est celle du chargement
le plus récent, puis du fichier qui vient après dans cet ordre, puis de la dernière ligne.
Nommez donc une rectification pour qu'elle se trie après l'original :
dsn_extrait_2025-11_rectif.csv vient après dsn_extrait_2025-11.csv (« _ » après « . »),
mais dsn_extrait_2025-11-rectif.csv viendrait avant (« - » avant « . »).

La clé de pseudonymisation vient de --cle, sinon de la variable AGORA_PSEUDO_KEY,
sinon du fichier nommé par AGORA_PSEUDO_KEY_FILE, sinon de
~/.config/agora/cle-pseudonymisation. Elle doit rester hors de la racine des données.`,
		Example: `  agora land livraisons/
  agora land --feed dossiers export_region.csv
  agora land --json livraisons/2025-01/ > bilan.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			key, err := pseudo.Load(keyFile, a.root.Dir)
			if err != nil {
				return userErrorf("%s", err)
			}
			if err := makeRoot(a.root.Dir, " ; les fichiers à charger se donnent après la commande, par exemple « agora land --data ./data livraisons/ »"); err != nil {
				return err
			}
			lk, err := lake.Open(a.root.Lake())
			if err != nil {
				return err
			}
			opts.Log = a.log
			if opts.Log == nil {
				opts.Log = slog.New(slog.DiscardHandler)
			}
			if progress || term.IsTerminal(int(os.Stderr.Fd())) {
				opts.Progress = a.errOut
			}
			opts.Log.Debug("chargement", "chemins", strings.Join(paths, ", "), "cle", key.Origin, "empreinte", key.Fingerprint())
			sum, err := land.Run(cmd.Context(), lk, key, paths, opts)
			if err != nil && len(sum.Files) == 0 {
				return landError(err)
			}
			if a.jsonOut {
				if jerr := a.printJSON(sum); jerr != nil {
					return jerr
				}
			} else {
				if werr := sum.WriteTable(a.out); werr != nil {
					return werr
				}
				if hint := quarantineHint(a, sum); hint != "" {
					fmt.Fprintln(a.out, hint)
				}
			}
			if err != nil {
				return landError(err)
			}
			return landStatus(sum, a.jsonOut)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Feed, "feed", "", "forcer le flux de chaque fichier : "+strings.Join(land.FeedNames(), ", "))
	f.StringVar(&keyFile, "cle", "", "fichier de la clé de pseudonymisation (hors de la racine des données)")
	f.IntVar(&opts.Workers, "paralleles", 0, "fichiers chargés en même temps (défaut : 2)")
	f.BoolVar(&progress, "progression", false, "afficher la barre de progression même hors d'un terminal")
	return cmd
}

// landError sorts an error of land.Run by its type: a *land.InputError
// (unknown --feed, missing delivery, other key, interrupted landing) is the
// user's to fix and is reported as it is; a corrupt manifest too, by
// asUserError; any other (the lake unreadable) is an internal error.
func landError(err error) error {
	var input *land.InputError
	if errors.As(err, &input) {
		return userErrorf("%s", err)
	}
	return err
}

// landStatus makes the command fail (status 1) when a file was refused or
// could not be landed, after the summary has said which and why.
func landStatus(sum land.Summary, quiet bool) error {
	refused, failed := sum.Count(land.StatusRefused), sum.Count(land.StatusFailed)
	if refused+failed == 0 {
		return nil
	}
	var parts []string
	if refused > 0 {
		parts = append(parts, french.Int(int64(refused))+" fichier(s) refusé(s)")
	}
	if failed > 0 {
		parts = append(parts, french.Int(int64(failed))+" fichier(s) en erreur")
	}
	if quiet {
		return &userError{msg: strings.Join(parts, ", ") + " : voir le champ « erreur » du bilan JSON.", code: 1}
	}
	msg := strings.Join(parts, ", ") + " : voir les messages ci-dessus ; "
	switch others := len(sum.Files) - refused - failed; others {
	case 0:
		msg += "aucun fichier n'a été chargé."
	case 1:
		msg += "l'autre fichier est chargé."
	default:
		msg += "les " + french.Int(int64(others)) + " autres fichiers sont chargés."
	}
	return &userError{msg: msg, code: 1}
}

// makeRoot creates the data root dir if needed, or says in French why it
// cannot: a file where the folder should be (for land, often a delivery
// given to --data instead of after the command: fileHint says so), a folder
// that cannot be written.
func makeRoot(dir, fileHint string) error {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return userErrorf("la racine des données %s est un fichier, pas un dossier : --data attend le dossier des données (par exemple ./data)%s", dir, fileHint)
	}
	err := os.MkdirAll(dir, 0o755)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, syscall.ENOTDIR):
		return userErrorf("impossible de créer la racine des données %s : un élément de ce chemin est un fichier, pas un dossier ; indiquez un autre dossier avec --data", dir)
	case errors.Is(err, os.ErrPermission):
		return userErrorf("impossible de créer la racine des données %s : droits insuffisants sur le dossier parent ; indiquez un dossier où vous pouvez écrire avec --data", dir)
	}
	return userErrorf("impossible de créer la racine des données %s : %v", dir, err)
}

// quarantineHint returns the line that ends the summary of a landing that
// put rows of landed files in quarantine: the command that lists them, with
// their columns, values and corrections (agora quarantaine) for these files
// by name, or, past three files, by landing. A refused file is left out: its
// message above says why.
func quarantineHint(a *app, sum land.Summary) string {
	var names, landings []string
	for _, f := range sum.Files {
		if f.Status != land.StatusLanded || f.Quarantined == 0 {
			continue
		}
		if !slices.Contains(names, f.Name) {
			names = append(names, f.Name)
		}
		if f.Manifest != "" && !slices.Contains(landings, f.Manifest) {
			landings = append(landings, f.Manifest)
		}
	}
	if len(names) == 0 {
		return ""
	}
	args := []string{"quarantaine", "--fichier", strings.Join(names, ",")}
	if len(names) > 3 && len(landings) > 0 {
		args = []string{"quarantaine", "--chargement", strings.Join(landings, ",")}
	}
	return "\nLignes rejetées, avec leur colonne, leur valeur et la correction : " + a.commandHere(args...)
}
