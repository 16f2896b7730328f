package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/warehouse"
)

// quarantineLimit is how many rejected lines agora quarantaine prints by default.
const quarantineLimit = 50

// quarantineMemory bounds the DuckDB session that reads the quarantine: it
// sorts the rows it lists and spills beyond this.
const quarantineMemory = "1GB"

func quarantineCmd(a *app) *cobra.Command {
	var (
		f       quarantineFilter
		limit   int
		all     bool
		csvPath string
	)
	cmd := &cobra.Command{
		Use:   "quarantaine [--fichier NOM] [--financeur CODE] [--regle CODE] [--chargement ID]",
		Short: "Lister les lignes rejetées au chargement : fichier, ligne, colonne, valeur et correction",
		Long: `Liste les lignes des livraisons que « agora land » a mises en quarantaine : pour chacune,
le fichier, la ligne (1 = l'en-tête d'un CSV), la colonne, la règle enfreinte, la valeur telle
que le lac la garde (tout NIR y est masqué) et la façon de la corriger. Une ligne qui enfreint
plusieurs règles apparaît une fois par règle ; un fichier refusé en entier apparaît à la
ligne « fichier », avec le message de son refus.

Les lignes sont groupées par fichier, dans l'ordre des chargements puis des lignes. Seules
les ` + strconv.Itoa(quarantineLimit) + ` premières lignes rejetées sont affichées : --toutes les affiche toutes,
--csv FICHIER les écrit toutes dans un fichier pour tableur (séparateur « ; », UTF-8 avec
BOM) à renvoyer au partenaire avec la demande de correction. Les valeurs rejetées peuvent
être des données personnelles (identifiant de dossier, date de naissance) : le fichier
est écrit avec des droits 0600, et refusé sous le site public ou les données ouvertes.

Les filtres se combinent : --fichier (nom du fichier livré, sans son dossier), --financeur
(partenaire émetteur ; INCONNU pour les lignes où il n'est pas lisible), --regle (code de
la règle, voir « agora dictionnaire » ou docs/dictionnaire.md) et --chargement (identifiant
du manifeste, comme « agora land --json » le donne).`,
		Example: `  agora quarantaine --fichier dossiers_FT_2025-01.csv
  agora quarantaine --financeur FT --regle BAD_DATE --toutes
  agora quarantaine --fichier dossiers_FT_2025-01.csv --csv rejets_FT_2025-01.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 1 {
				return userErrorf("--limite %d invalide : donnez un nombre de lignes d'au moins 1 (défaut %d), ou --toutes", limit, quarantineLimit)
			}
			if all || csvPath != "" {
				limit = 0
			}
			if csvPath != "" {
				if err := checkPrivateDir(a.root, filepath.Dir(csvPath)); err != nil {
					return err
				}
			}
			l, err := openLake(a)
			if err != nil {
				return err
			}
			snap, err := l.Snapshot("")
			if err != nil {
				return err
			}
			// After the snapshot: every landing it shows is among them.
			manifests, err := l.Manifests()
			if err != nil {
				return err
			}
			if err := f.check(l.Root(), manifests); err != nil {
				return err
			}
			ctx := cmd.Context()
			// An in-memory session of its own (spilling into its own
			// temporary folder), bounded: it only reads the Parquet files.
			s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: quarantineMemory, Threads: 2})
			if err != nil {
				return err
			}
			defer s.Close()
			cols := map[string][]warehouse.Column{"quarantaine": runner.LakeSchemas()["quarantaine"]}
			paths := map[string][]string{"quarantaine": snap.Paths()["quarantaine"]}
			if err := s.MountLake(ctx, paths, cols); err != nil {
				return err
			}
			q := &quarantineReader{db: s.DB(), filter: f, manifests: landingIDs(manifests)}
			rep, err := q.counts(ctx)
			if err != nil {
				return err
			}
			if csvPath != "" {
				return writeQuarantineCSV(ctx, a, q, rep, csvPath)
			}
			if a.jsonOut {
				rep.Detail = []quarantineEntry{}
				if err := q.each(ctx, limit, func(e quarantineEntry) error {
					rep.Detail = append(rep.Detail, e)
					return nil
				}); err != nil {
					return err
				}
				rep.finish()
				return a.printJSON(rep)
			}
			return printQuarantine(ctx, a.out, q, rep, limit)
		},
	}
	fl := cmd.Flags()
	fl.StringSliceVar(&f.Files, "fichier", nil, "ne lister que ces fichiers (noms des fichiers livrés, séparés par des virgules)")
	fl.StringVar(&f.Funder, "financeur", "", "ne lister que les lignes de ce partenaire émetteur (INCONNU : émetteur illisible)")
	fl.StringVar(&f.Rule, "regle", "", "ne lister que les lignes rejetées par cette règle (ex. BAD_DATE)")
	fl.StringSliceVar(&f.Landings, "chargement", nil, "ne lister que les lignes de ces chargements (identifiants de manifeste, séparés par des virgules)")
	fl.IntVar(&limit, "limite", quarantineLimit, "nombre de lignes rejetées affichées")
	fl.BoolVar(&all, "toutes", false, "afficher toutes les lignes rejetées")
	fl.StringVar(&csvPath, "csv", "", "écrire toutes les lignes rejetées dans ce fichier CSV (« ; », UTF-8), à renvoyer au partenaire")
	return cmd
}

// quarantineFilter selects rows of the quarantine; an empty field selects all.
type quarantineFilter struct {
	Files    []string // base names of delivered files
	Funder   string   // sender, INCONNU when unreadable
	Rule     string   // rule code
	Landings []string // manifest ids
	tokens   []string // the transaction tokens of Landings, as _landing ends with them
}

// check validates the filter against the dictionary and the manifests of
// the lake at root, normalising what a user may write loosely (a path for a
// file name, a code in lower case).
func (f *quarantineFilter) check(root string, manifests []lake.Manifest) error {
	if f.Rule != "" {
		f.Rule = strings.ToUpper(strings.TrimSpace(f.Rule))
		if _, ok := dictionary.RuleByCode(f.Rule); !ok {
			codes := make([]string, len(dictionary.Rules))
			for i, r := range dictionary.Rules {
				codes[i] = r.Code
			}
			return userErrorf("règle inconnue : %q ; les codes sont %s (docs/dictionnaire.md, « Règles de quarantaine »)", f.Rule, strings.Join(codes, ", "))
		}
	}
	if f.Funder != "" {
		f.Funder = strings.ToUpper(strings.TrimSpace(f.Funder))
		if f.Funder != "INCONNU" && !dictionary.Financeurs.Has(f.Funder) {
			return userErrorf("financeur inconnu : %q ; les codes admis sont ceux de la liste des financeurs (docs/dictionnaire.md), par exemple FT, CDC, REG-84, OPCO-03, ou INCONNU", f.Funder)
		}
	}
	landed := map[string]bool{}
	byID := map[string]lake.Manifest{}
	for _, m := range manifests {
		byID[m.ID] = m
		if m.Kind == lake.Landing {
			for _, s := range m.Sources {
				landed[s.Name] = true
			}
		}
	}
	for i, name := range f.Files {
		name = filepath.Base(strings.TrimSpace(name))
		f.Files[i] = name
		if !landed[name] {
			return userErrorf("aucun fichier nommé %q n'a été chargé dans le lac %s ; donnez le nom du fichier livré, sans son dossier, tel que « agora land » l'affiche", name, root)
		}
	}
	f.tokens = nil
	for _, id := range f.Landings {
		id = strings.TrimSpace(id)
		m, ok := byID[id]
		if !ok {
			return &userError{msg: "--chargement : " + lake.NewUnknownManifestError(id, root, manifests).Error(), code: 1}
		}
		if m.Kind != lake.Landing {
			what := "d'un compactage"
			if m.Kind == lake.Purge {
				what = "d'une purge"
			}
			return userErrorf("--chargement : le manifeste %s est celui %s, pas d'un chargement de livraisons ; donnez l'identifiant d'un chargement (champ « manifeste » de « agora land --json »)", id, what)
		}
		_, token, _ := strings.Cut(id, "-")
		f.tokens = append(f.tokens, token)
	}
	return nil
}

// where returns the SQL condition of the filter on lake_quarantaine, with
// its arguments.
func (f *quarantineFilter) where() (string, []any) {
	conds := []string{"true"}
	var args []any
	in := func(expr string, values []string) {
		marks := make([]string, len(values))
		for i, v := range values {
			marks[i] = "?"
			args = append(args, v)
		}
		conds = append(conds, expr+" IN ("+strings.Join(marks, ", ")+")")
	}
	if len(f.Files) > 0 {
		in("fichier", f.Files)
	}
	if f.Funder != "" {
		in(funderExpr, []string{f.Funder})
	}
	if f.Rule != "" {
		in("regle", []string{f.Rule})
	}
	if len(f.tokens) > 0 {
		in("split_part(_landing, '-', 2)", f.tokens)
	}
	return strings.Join(conds, " AND "), args
}

// funderExpr is the sender of a quarantined row, as stg_quarantaine names it.
const funderExpr = "coalesce(nullif(code_financeur, ''), 'INCONNU')"

// landingIDs maps the token of every landing to its manifest.
func landingIDs(ms []lake.Manifest) map[string]lake.Manifest {
	out := map[string]lake.Manifest{}
	for _, m := range ms {
		if _, token, ok := strings.Cut(m.ID, "-"); ok {
			out[token] = m
		}
	}
	return out
}

// quarantineEntry is one broken rule of a rejected line.
type quarantineEntry struct {
	Landing    string `json:"chargement"`
	File       string `json:"fichier"`
	Feed       string `json:"flux"`
	Funder     string `json:"code_financeur"`
	Line       int64  `json:"ligne"` // 0: the whole file
	Column     string `json:"colonne"`
	Rule       string `json:"regle"`
	Value      string `json:"valeur"` // as the lake keeps it: NIR masked
	Correction string `json:"correction"`
	// Message is, for a file refused as a whole (line 0), the message of
	// the refusal as agora land gave it.
	Message string `json:"message,omitempty"`

	source int64 // _source, with Landing and File the identity of a file's landing
}

// quarantineReport is what agora quarantaine found, and its --json output.
type quarantineReport struct {
	Lines   int64             `json:"lignes_rejetees"`   // rejected lines (a refused file counts as one)
	Entries int64             `json:"regles_enfreintes"` // broken rules: a line may break several
	Files   int64             `json:"fichiers"`
	ByRule  map[string]int64  `json:"par_regle"`        // broken rules by code
	Detail  []quarantineEntry `json:"detail,omitempty"` // in order; with --csv, in the file
	More    int64             `json:"autres_lignes"`    // rejected lines left out by the limit
	Rules   []dictionary.Rule `json:"regles"`           // the rules broken, with their correction
	CSV     string            `json:"fichier_csv,omitempty"`
}

// finish sets More once Detail holds what was listed.
func (r *quarantineReport) finish() {
	shown := int64(0)
	var last quarantineEntry
	for i, e := range r.Detail {
		if i == 0 || !sameLine(e, last) {
			shown++
		}
		last = e
	}
	r.More = r.Lines - shown
}

// quarantineReader reads the rows of the quarantine that a filter selects,
// from the lake_quarantaine view of db.
type quarantineReader struct {
	db        *sql.DB
	filter    quarantineFilter
	manifests map[string]lake.Manifest // by transaction token
}

// counts returns the report without its detail.
func (q *quarantineReader) counts(ctx context.Context) (quarantineReport, error) {
	where, args := q.filter.where()
	rep := quarantineReport{ByRule: map[string]int64{}}
	err := q.db.QueryRowContext(ctx, `SELECT count(*),
		count(DISTINCT (_landing, coalesce(_source, 0), fichier, ligne)),
		count(DISTINCT (_landing, coalesce(_source, 0), fichier))
		FROM lake_quarantaine WHERE `+where, args...).Scan(&rep.Entries, &rep.Lines, &rep.Files)
	if err != nil {
		return rep, fmt.Errorf("lecture de la quarantaine : %w", err)
	}
	rows, err := q.db.QueryContext(ctx, "SELECT regle, count(*) FROM lake_quarantaine WHERE "+where+" GROUP BY regle ORDER BY regle", args...)
	if err != nil {
		return rep, fmt.Errorf("lecture de la quarantaine : %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			return rep, err
		}
		rep.ByRule[code] = n
	}
	if err := rows.Err(); err != nil {
		return rep, err
	}
	// The rules in the dictionary's order, then any the dictionary no
	// longer has, as they are.
	for _, r := range dictionary.Rules {
		if rep.ByRule[r.Code] > 0 {
			rep.Rules = append(rep.Rules, r)
		}
	}
	for code := range rep.ByRule {
		if _, ok := dictionary.RuleByCode(code); !ok {
			rep.Rules = append(rep.Rules, dictionary.Rule{Code: code})
		}
	}
	return rep, nil
}

// each calls fn with the selected rows in order (landing, file, line, rule,
// column), stopping after limit rejected lines (0: no limit).
func (q *quarantineReader) each(ctx context.Context, limit int, fn func(quarantineEntry) error) error {
	where, args := q.filter.where()
	rows, err := q.db.QueryContext(ctx, `SELECT _landing, coalesce(_source, 0), fichier, coalesce(feed, ''), `+funderExpr+`,
		ligne, coalesce(colonne, ''), regle, coalesce(valeur, '')
		FROM lake_quarantaine WHERE `+where+`
		ORDER BY _landing, _source NULLS FIRST, fichier, ligne, regle, colonne NULLS FIRST, valeur NULLS FIRST`, args...)
	if err != nil {
		return fmt.Errorf("lecture de la quarantaine : %w", err)
	}
	defer rows.Close()
	lines := 0
	var last quarantineEntry
	for rows.Next() {
		var e quarantineEntry
		var landing string
		if err := rows.Scan(&landing, &e.source, &e.File, &e.Feed, &e.Funder, &e.Line, &e.Column, &e.Rule, &e.Value); err != nil {
			return err
		}
		e.Landing = landing
		if i := strings.LastIndexByte(landing, '-'); i >= 0 {
			if m, ok := q.manifests[landing[i+1:]]; ok {
				e.Landing = m.ID
				if e.Line == 0 {
					// A refused file lands alone: the message is its own.
					e.Message = m.Meta[land.MetaRefusedMsg]
				}
			}
		}
		if r, ok := dictionary.RuleByCode(e.Rule); ok {
			e.Correction = r.Fix
		}
		if lines == 0 || !sameLine(e, last) {
			if limit > 0 && lines == limit {
				break
			}
			lines++
		}
		last = e
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// sameFile reports whether two entries come from the same landing of a file.
func sameFile(a, b quarantineEntry) bool {
	return a.Landing == b.Landing && a.source == b.source && a.File == b.File
}

// sameLine reports whether two entries are the same rejected line.
func sameLine(a, b quarantineEntry) bool { return sameFile(a, b) && a.Line == b.Line }

// Widths of the columns of the text listing: the longest line number shown
// in full is 9 999 999, the longest rule code is EXIT_BEFORE_ENTRY.
const (
	lineWidth = 9
	ruleWidth = 17
)

// columnWidth is the width of the longest column name of the dictionary.
var columnWidth = func() int {
	w := len("colonne")
	for _, f := range dictionary.Feeds() {
		for _, c := range f.Columns {
			w = max(w, utf8.RuneCountInString(c.Name))
		}
	}
	return w
}()

// printQuarantine writes the listing: a heading per landed file, a line per
// broken rule, what was left out, then how to correct each rule.
func printQuarantine(ctx context.Context, w io.Writer, q *quarantineReader, rep quarantineReport, limit int) error {
	if rep.Entries == 0 {
		if q.filter.empty() {
			fmt.Fprintln(w, "Aucune ligne en quarantaine : toutes les lignes chargées ont passé les règles du dictionnaire.")
		} else {
			fmt.Fprintln(w, "Aucune ligne en quarantaine pour ces critères.")
		}
		return nil
	}
	fmt.Fprintf(w, "%s dans %s (règles enfreintes : %s).\n", plural(rep.Lines, "ligne rejetée", "lignes rejetées"), plural(rep.Files, "fichier", "fichiers"), byRuleText(rep))
	bw := bufio.NewWriter(w)
	shown := int64(0)
	var last quarantineEntry
	err := q.each(ctx, limit, func(e quarantineEntry) error {
		if shown == 0 || !sameFile(e, last) {
			fmt.Fprintf(bw, "\n%s — flux %s, chargement %s%s\n", e.File, e.Feed, e.Landing, landingDate(q.manifests, e.Landing))
			fmt.Fprintf(bw, "  %*s  %-*s  %-*s  %s\n", lineWidth, "ligne", columnWidth, "colonne", ruleWidth, "règle", "valeur")
		}
		if shown == 0 || !sameLine(e, last) {
			shown++
		}
		last = e
		line := french.Int(e.Line)
		if e.Line == 0 {
			line = "fichier"
		}
		row := fmt.Sprintf("  %*s  %-*s  %-*s  %s", lineWidth, line, columnWidth, e.Column, ruleWidth, e.Rule, displayValue(e))
		_, err := fmt.Fprintln(bw, strings.TrimRight(row, " "))
		return err
	})
	if err != nil {
		return err
	}
	if more := rep.Lines - shown; more > 0 {
		fmt.Fprintf(bw, "\n… et %s : --toutes pour les afficher, ou --csv FICHIER pour les écrire dans un fichier à renvoyer au partenaire.\n",
			plural(more, "autre ligne", "autres lignes"))
	}
	fmt.Fprintln(bw, "\nComment corriger :")
	for _, r := range rep.Rules {
		text := r.Label
		if r.Fix != "" {
			text += " : " + r.Fix
		}
		fmt.Fprintf(bw, "  %-*s  %s\n", ruleWidth, r.Code, text)
	}
	return bw.Flush()
}

// empty reports whether the filter selects every row.
func (f *quarantineFilter) empty() bool {
	return len(f.Files) == 0 && f.Funder == "" && f.Rule == "" && len(f.Landings) == 0
}

// landingDate returns « du 15/01/2025 10:32 » for a landing's manifest.
func landingDate(ms map[string]lake.Manifest, id string) string {
	_, token, _ := strings.Cut(id, "-")
	m, ok := ms[token]
	if !ok || m.FinishedAt.IsZero() {
		return ""
	}
	return " du " + m.FinishedAt.Local().Format("02/01/2006 15:04")
}

// maxValueRunes is the longest value the text listing shows; the CSV and
// JSON outputs give values in full.
const maxValueRunes = 60

// displayValue writes the value of an entry for a terminal: « (vide) » for
// an empty one, quoted when it holds control characters, cut after
// maxValueRunes characters.
func displayValue(e quarantineEntry) string {
	v := e.Value
	if e.Line == 0 && v == "" {
		return e.Message // in full
	}
	if v == "" {
		return "(vide)"
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		v = strconv.Quote(v)
	}
	if utf8.RuneCountInString(v) > maxValueRunes {
		v = string([]rune(v)[:maxValueRunes]) + "…"
	}
	return v
}

// byRuleText writes « BAD_DATE 9, MISSING_VALUE 1 » in the dictionary's order.
func byRuleText(rep quarantineReport) string {
	parts := make([]string, len(rep.Rules))
	for i, r := range rep.Rules {
		parts[i] = r.Code + " " + french.Int(rep.ByRule[r.Code])
	}
	return strings.Join(parts, ", ")
}

// quarantineCSVHeader names the columns of the CSV file: the partner's
// first, the officer's last.
var quarantineCSVHeader = []string{"fichier", "ligne", "colonne", "regle", "valeur", "libelle", "correction", "message", "flux", "code_financeur", "chargement"}

// writeQuarantineCSV writes every selected row to path for French office
// software (UTF-8 with BOM, « ; »), readable by its owner only, and says so.
func writeQuarantineCSV(ctx context.Context, a *app, q *quarantineReader, rep quarantineReport, path string) error {
	err := writePrivate(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return err
		}
		cw := csv.NewWriter(w)
		cw.Comma = ';'
		if err := cw.Write(quarantineCSVHeader); err != nil {
			return err
		}
		err := q.each(ctx, 0, func(e quarantineEntry) error {
			r, _ := dictionary.RuleByCode(e.Rule)
			return cw.Write([]string{e.File, strconv.FormatInt(e.Line, 10), e.Column, e.Rule, e.Value, r.Label, e.Correction, e.Message, e.Feed, e.Funder, e.Landing})
		})
		if err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	})
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		return userErrorf("impossible d'écrire %s : %v", path, err)
	}
	rep.CSV = path
	if a.jsonOut {
		return a.printJSON(rep)
	}
	if rep.Entries == 0 {
		fmt.Fprintf(a.out, "Aucune ligne en quarantaine pour ces critères : %s ne contient que l'en-tête.\n", path)
		return nil
	}
	written := "écrite"
	if rep.Lines > 1 {
		written = "écrites"
	}
	fmt.Fprintf(a.out, "%s dans %s (règles enfreintes : %s), %s dans %s.\nLes valeurs rejetées peuvent être des données personnelles : ne publiez pas ce fichier.\n",
		plural(rep.Lines, "ligne rejetée", "lignes rejetées"), plural(rep.Files, "fichier", "fichiers"), byRuleText(rep), written, path)
	return nil
}
