package runner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"

	models "github.com/agora-formation/agora/sql"
	"github.com/agora-formation/agora/warehouse"
)

// ChangedMonth is the SQL macro telling whether a month is one of the changed
// months: `mois_modifie(m)` is true in a full build, and m IN (the changed
// months) in an incremental one (sql/macros.sql).
const ChangedMonth = "mois_modifie"

// changeMacros names, for messages, the macros of the changes.
const changeMacros = "mois_modifie, dossier_modifie ou pseudo_modifie"

// Changes tells an incremental build what changed in the lake since the build
// whose tables it reuses (the cache), under one contract: only new files were
// added (any removal or rewrite needs a full build; package chain decides).
//
// A model that reads none of the datasets named, directly or through other
// models, is reused as it is. A model that does is rebuilt: entirely, or,
// when its header declares "-- incremental: <predicate>", only on the rows
// the predicate selects: those rows are deleted, then the model's query
// filtered by the same predicate is inserted. The predicate calls the macros
// of the changes — mois_modifie (ChangedMonth: the changed DSN months),
// dossier_modifie (the dossiers the new partner files name), pseudo_modifie
// (their persons) — directly or through another macro, and must select every
// row that the changes can change. So that the cost follows the new data
// rather than the history, the model's query itself restricts what it reads
// with the same macros (true in a full build): relying on DuckDB to push the
// outer filter down is fragile (a CTE read twice is materialised first).
type Changes struct {
	// Files are the files added to the lake, by dataset (without the lake_
	// prefix), as absolute paths. The models reading those datasets are
	// rebuilt. The new files of the partner feeds (dossierKeys) name the
	// changed dossiers (macro dossier_modifie); the persons of those
	// dossiers, before and after, are the changed persons (pseudo_modifie).
	Files map[string][]string
	// Months are the DSN months whose rows, or whose coverage, changed.
	Months []time.Time
}

// dossierKeys are the partner feeds and, for each, the lake columns naming
// the dossier a row belongs to.
var dossierKeys = []struct{ feed, financeur, dossier string }{
	{"dossiers", "code_financeur", "id_dossier"},
	{"evenements", "code_financeur", "id_dossier"},
	{"financements", "code_financeur_dossier", "id_dossier"},
}

// ErrStaleCache is returned by an incremental build when a model it should
// reuse is missing: the caller builds everything instead.
var ErrStaleCache = errors.New("tables de la construction précédente absentes")

// Modes of a model in a build.
const (
	Full      = "complet"  // recomputed entirely
	Partial   = "partiel"  // recomputed on the rows of the changed months
	Unchanged = "inchangé" // reused from the previous build
)

// dirtyModels returns the models of plan that changes can affect: those
// reading a changed lake dataset, and their readers.
func dirtyModels(plan []*Model, ch *Changes) map[string]bool {
	dirty := map[string]bool{}
	for _, m := range plan { // build order: dependencies first
		for _, src := range m.Sources {
			if name, ok := strings.CutPrefix(src, "lake_"); ok && len(ch.Files[name]) > 0 {
				dirty[m.Name] = true
			}
		}
		for _, d := range m.Deps {
			if dirty[d] {
				dirty[m.Name] = true
			}
		}
	}
	return dirty
}

// changedMonthSQL defines the ChangedMonth macro and its shifted form
// mois_modifie_apres(m, k) for months (incremental = false: a full build,
// where every month counts as changed).
func changedMonthSQL(months []time.Time, incremental bool) string {
	body, shifted := "true", "true"
	if incremental {
		lits := make([]string, len(months))
		for i, m := range months {
			lits[i] = "DATE '" + m.Format("2006-01-02") + "'"
		}
		body, shifted = "false", "false"
		if len(lits) > 0 {
			list := strings.Join(lits, ", ")
			body = "m IN (" + list + ")"
			// A list of constants: DuckDB computes it once, not per row.
			shifted = "list_contains(list_transform([" + list + "], x -> (x - to_months(k))::DATE), m)"
		}
	}
	return fmt.Sprintf("CREATE OR REPLACE MACRO %s(m) AS %s;\nCREATE OR REPLACE MACRO %s_apres(m, k) AS %s",
		ChangedMonth, body, ChangedMonth, shifted)
}

// Tables of the changed dossiers and persons of an incremental build.
const (
	changedDossiers = "_dossiers_modifies"
	changedPersons  = "_pseudos_modifies"
)

// defineChangedDossiers defines the macros dossier_modifie(f, i) and
// pseudo_modifie(p) of an incremental build: true for the dossiers that the
// new partner files name and for their persons, before (in the cached
// stg_dossiers, read before it is updated) and after (in the new files); false
// for all when no partner file is new. full restores the definitions of a
// full build (true).
func defineChangedDossiers(ctx context.Context, db DB, files map[string][]string, full bool) error {
	dossier, person := "true", "true"
	var reads []string
	for _, k := range dossierKeys {
		if len(files[k.feed]) == 0 || full {
			continue
		}
		reads = append(reads, fmt.Sprintf("SELECT %s AS code_financeur, %s AS id_dossier FROM %s",
			warehouse.Ident(k.financeur), warehouse.Ident(k.dossier), warehouse.ReadParquet(files[k.feed])))
	}
	stmts := []string{"DROP TABLE IF EXISTS temp.main." + changedDossiers, "DROP TABLE IF EXISTS temp.main." + changedPersons}
	switch {
	case full:
	case len(reads) == 0:
		dossier, person = "false", "false"
	default:
		persons := fmt.Sprintf("SELECT d.pseudo FROM stg_dossiers AS d SEMI JOIN %s AS k USING (code_financeur, id_dossier)", changedDossiers)
		if len(files["dossiers"]) > 0 {
			persons += " UNION SELECT pseudo FROM " + warehouse.ReadParquet(files["dossiers"])
		}
		stmts = append(stmts,
			fmt.Sprintf("CREATE TEMP TABLE %s AS SELECT DISTINCT {'f': code_financeur, 'i': id_dossier} AS cle, * FROM (%s)", changedDossiers, strings.Join(reads, " UNION ALL ")),
			fmt.Sprintf("CREATE TEMP TABLE %s AS SELECT pseudo FROM (%s) WHERE pseudo IS NOT NULL", changedPersons, persons))
		// Not a correlated subquery: the macro's arguments, column names,
		// would bind to the subquery's own columns.
		dossier = fmt.Sprintf("{'f': f, 'i': i} IN (SELECT cle FROM temp.main.%s)", changedDossiers)
		person = fmt.Sprintf("p IN (SELECT pseudo FROM temp.main.%s)", changedPersons)
	}
	stmts = append(stmts,
		"CREATE OR REPLACE MACRO dossier_modifie(f, i) AS "+dossier,
		"CREATE OR REPLACE MACRO pseudo_modifie(p) AS "+person)
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("dossiers modifiés depuis la construction précédente : %w", err)
		}
	}
	return nil
}

// updatePartial recomputes the rows of table that the model's predicate
// selects, and returns the table's row count.
func updatePartial(ctx context.Context, db DB, m *Model, table string) (int64, error) {
	body := strings.TrimRight(strings.TrimSpace(m.SQL), ";")
	for _, q := range []string{
		fmt.Sprintf("DELETE FROM %s WHERE %s", table, m.Incremental),
		fmt.Sprintf("INSERT INTO %s SELECT * FROM (\n%s\n) WHERE %s", table, body, m.Incremental),
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return 0, fmt.Errorf("modèle %s (%s) : mise à jour incrémentale : %w", m.Name, m.Path, err)
		}
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("modèle %s : comptage : %w", m.Name, err)
	}
	return n, nil
}

// tableExists reports whether catalog.main.name is a table.
func tableExists(ctx context.Context, db DB, catalog, name string) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main' AND table_name = ?`,
		catalog, name).Scan(&n)
	return n > 0, err
}

// Fingerprint identifies what a build computes: the models, tests and macros
// of fsys (nil: the embedded ones) and the reference tables. Tables kept by a
// build are reused only by a build with the same fingerprint.
func Fingerprint(fsys fs.FS) (string, error) {
	if fsys == nil {
		fsys = models.FS
	}
	h := sha256.New()
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		return "", err
	}
	io.WriteString(h, macros())
	for _, t := range referenceTables() {
		fmt.Fprintf(h, "%s\x00%q\x00%q\x00", t.name, t.columns, t.rows)
	}
	schemas := LakeSchemas()
	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "%s\x00%v\x00", name, schemas[name])
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// restrictTests limits the tests of a partially updated model to the rows it
// recomputed, where that is enough: a row-by-row test (not_null,
// accepted_values, check) always, the rows outside the predicate being those
// an earlier build tested and left alone; a unique test when the predicate
// reads only the key's columns, so that rows sharing a key are all
// recomputed or all left alone. Other tests read the whole model.
func restrictTests(tests []Test, pred string) []Test {
	out := make([]Test, len(tests))
	for i, t := range tests {
		if _, rowByRow := t.rowCondition(); rowByRow || (t.Kind == "unique" && readsOnly(pred, t.Columns)) {
			t.Where = pred
		}
		out[i] = t
	}
	return out
}

// readsOnly reports whether every column a SQL condition names (identifiers
// not called as functions) is among cols. Keywords other than AND, OR and NOT
// count as names: a condition using one is judged to read other columns
// (safe: the test then reads every row).
func readsOnly(cond string, cols []string) bool {
	toks := tokenize(cond)
	for i, t := range toks {
		if t.kind != 'i' && t.kind != 'q' {
			continue
		}
		if t.kind == 'i' && slices.Contains([]string{"and", "or", "not"}, strings.ToLower(t.text)) {
			continue
		}
		if i+1 < len(toks) && toks[i+1].kind == 'p' && toks[i+1].text == "(" {
			continue // a function or macro
		}
		if !slices.Contains(cols, t.text) {
			return false
		}
	}
	return true
}
