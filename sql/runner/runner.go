// Package runner builds agora's SQL models in DuckDB: it finds the models of
// package sql, orders them from the relations their SQL reads (no hand-kept
// list), materialises each as a table (or view), runs the data tests declared
// in the models' headers and the custom tests of sql/tests, and writes the
// marts as Parquet. A failing test stops the build with a French report naming
// the model, the test and sample failing rows.
//
// Before the models, the runner creates the shared macros (sql.Macros, and
// the bounds of the DSN windows from package lake's retention rule) and
// the ref_* reference tables from package dictionary. The lake must already
// be mounted as lake_<dataset> views (package warehouse does it).
package runner

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agora-formation/agora/warehouse"
)

// DB is what the runner needs of a DuckDB connection: *sql.DB and *sql.Conn
// satisfy it. All statements of a build run in order on one connection (taken
// from the pool when db is a *sql.DB), as temporary models live in their
// connection.
type DB interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Options tune a build.
type Options struct {
	// Select builds only these models and what they read; empty = every model.
	Select []string
	// MartsDir receives <mart>.parquet for every mart built; "" writes none.
	MartsDir string
	// Progress receives one line per model and test summary; nil = silent.
	Progress io.Writer
	// FS holds the models; nil = the embedded models of package sql.
	FS fs.FS
	// KeepIntermediate writes the staging and intermediate models into the
	// database too. By default they are temporary (in memory, spilled to the
	// temporary directory beyond the memory limit) and vanish with the build:
	// only the marts are written, which makes the build much faster.
	KeepIntermediate bool
	// Cache is the catalog of an attached DuckDB database that keeps the
	// staging and intermediate tables from one build to the next, so that a
	// later build can be incremental; "" keeps them temporary.
	Cache string
	// Changes makes the build incremental (see Changes); nil builds every
	// selected model. The tables it reuses must be in Cache and the marts in
	// the database (a copy of the previous warehouse).
	Changes *Changes
}

// Report is what a build did, for --json and for the callers' tests.
type Report struct {
	Started  time.Time     `json:"started"`
	Seconds  float64       `json:"seconds"`
	Models   []ModelResult `json:"models"`
	Tests    []TestResult  `json:"tests"`
	Parquet  []string      `json:"parquet,omitempty"`
	Warnings int           `json:"warnings"`
	// Incremental is set when the build reused the previous one (Changes).
	Incremental bool `json:"incremental"`
	// Failed is the test that stopped the build, if one did.
	Failed *TestResult `json:"failed,omitempty"`
}

// ModelResult is the outcome of one model (an element of "models" in the
// --json output of agora build).
type ModelResult struct {
	Name         string `json:"name"`
	Layer        string `json:"layer"`
	Materialized string `json:"materialized"` // Table or View
	// Rows is the row count of the model's table after the build, or one of
	// two values that are not counts: RowsView (-1) for a view, RowsUnchanged
	// (-2) for a table reused as it was (Mode Unchanged). Never sum Rows
	// without leaving those out.
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
	Mode    string  `json:"mode"` // Full ("complet"), Partial ("partiel") or Unchanged ("inchangé")
}

// Values of ModelResult.Rows that are not row counts.
const (
	// RowsView: the model is a view, computed by its readers; counting its
	// rows would compute it.
	RowsView = -1
	// RowsUnchanged: an incremental build reused the model's table from the
	// previous build without reading it.
	RowsUnchanged = -2
)

// Build runs the selected models (all by default) in dependency order on db.
// It returns the report so far with the error; a failing data test returns a
// *TestFailure.
func Build(ctx context.Context, db DB, opts Options) (rep Report, err error) {
	rep.Started = time.Now()
	defer func() { rep.Seconds = time.Since(rep.Started).Seconds() }()
	proj, err := Load(opts.FS)
	if err != nil {
		return rep, err
	}
	if pool, ok := db.(interface {
		Conn(context.Context) (*sql.Conn, error)
	}); ok {
		conn, err := pool.Conn(ctx)
		if err != nil {
			return rep, err
		}
		defer conn.Close()
		db = conn
	}
	plan, err := proj.Plan(opts.Select)
	if err != nil {
		return rep, err
	}
	progress := opts.Progress
	if progress == nil {
		progress = io.Discard
	}
	if _, err := db.ExecContext(ctx, macros()); err != nil {
		return rep, fmt.Errorf("création des macros SQL : %w", err)
	}
	var months []time.Time
	if opts.Changes != nil {
		months = opts.Changes.Months
	}
	if opts.Changes != nil { // Macros defined it as true, for a full build
		if _, err := db.ExecContext(ctx, changedMonthSQL(months, true)); err != nil {
			return rep, err
		}
		defer db.ExecContext(context.WithoutCancel(ctx), changedMonthSQL(nil, false))
	}
	if err := seedReferences(ctx, db); err != nil {
		return rep, err
	}

	// Where each model lives: marts in the database itself, staging and
	// intermediate tables in the cache catalog (found through the search
	// path), or temporary.
	var home string
	if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&home); err != nil {
		return rep, err
	}
	if opts.Cache != "" {
		var path string
		if err := db.QueryRowContext(ctx, "SELECT current_setting('search_path')").Scan(&path); err != nil {
			return rep, err
		}
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET search_path = %s", warehouse.Literal(warehouse.Ident(home)+".main,"+warehouse.Ident(opts.Cache)+".main"))); err != nil {
			return rep, fmt.Errorf("cache %s : %w", opts.Cache, err)
		}
		defer db.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("SET search_path = %s", warehouse.Literal(path)))
	}
	catalogOf := func(m *Model) string {
		switch {
		case m.IsMart() || opts.KeepIntermediate:
			return home
		case opts.Cache != "":
			return opts.Cache
		}
		return "temp"
	}
	var dirty map[string]bool
	if opts.Changes != nil {
		rep.Incremental = true
		dirty = dirtyModels(plan, opts.Changes)
		for _, m := range plan {
			// Reused and partially updated tables must be there.
			if m.Materialized == Table && (!dirty[m.Name] || m.Incremental != "") {
				ok, err := tableExists(ctx, db, catalogOf(m), m.Name)
				if err != nil {
					return rep, err
				}
				if !ok {
					return rep, fmt.Errorf("%w : %s", ErrStaleCache, m.Name)
				}
			}
		}
		// Before stg_dossiers is updated: it gives the changed persons.
		if err := defineChangedDossiers(ctx, db, opts.Changes.Files, false); err != nil {
			return rep, err
		}
		defer defineChangedDossiers(context.WithoutCancel(ctx), db, nil, true)
	}

	built := map[string]bool{}
	rebuilt := map[string]bool{}
	inPlan := map[string]bool{}
	for _, m := range plan {
		inPlan[m.Name] = true
	}
	customDone := make([]bool, len(proj.Tests))
	record := func(res TestResult) error {
		rep.Tests = append(rep.Tests, res)
		if res.Passed() {
			return nil
		}
		if res.Warn {
			rep.Warnings++
			fmt.Fprintf(progress, "  avertissement : test %s du modèle %s : %d ligne(s) en échec\n", res.Test, res.Model, res.Failures)
			return nil
		}
		rep.Failed = &res
		return &TestFailure{Result: res}
	}
	// Tests that read only the lake run first.
	for j, t := range proj.Tests {
		if len(t.Deps) > 0 {
			continue
		}
		customDone[j] = true
		res, err := t.run(ctx, db)
		if err != nil {
			return rep, err
		}
		if err := record(res); err != nil {
			return rep, err
		}
	}
	// Row order matters only in the marts (written sorted); elsewhere DuckDB
	// may reorder rows, which makes large materialisations much faster.
	var keepOrder bool
	if err := db.QueryRowContext(ctx, "SELECT current_setting('preserve_insertion_order')").Scan(&keepOrder); err != nil {
		return rep, err
	}
	defer db.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf("SET preserve_insertion_order = %t", keepOrder))
	width := 0
	for _, m := range plan {
		width = max(width, len(m.Name))
	}
	for i, m := range plan {
		start := time.Now()
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET preserve_insertion_order = %t", m.IsMart())); err != nil {
			return rep, err
		}
		mode := Full
		switch {
		case opts.Changes == nil || m.Materialized == View:
		case !dirty[m.Name]:
			mode = Unchanged
		case m.Incremental != "":
			mode = Partial
		}
		var rows int64
		switch mode {
		case Full:
			rows, err = materialise(ctx, db, m, catalogOf(m))
		case Partial:
			rows, err = updatePartial(ctx, db, m, warehouse.Ident(catalogOf(m))+".main."+warehouse.Ident(m.Name))
		case Unchanged:
			rows = RowsUnchanged
		}
		if err != nil {
			return rep, err
		}
		built[m.Name] = true
		if mode != Unchanged {
			rebuilt[m.Name] = true
		}
		res := ModelResult{Name: m.Name, Layer: m.Layer, Materialized: m.Materialized, Rows: rows, Seconds: time.Since(start).Seconds(), Mode: mode}
		rep.Models = append(rep.Models, res)
		count := thousands(rows) + " lignes"
		switch {
		case mode == Unchanged:
			count = "inchangé"
		case rows == RowsView:
			count = "(vue)"
		}
		kind := m.Materialized
		if mode == Partial {
			kind = Partial // the rows of the changed months only
		}
		fmt.Fprintf(progress, "[%*d/%d] %-*s  %-7s %19s  %7.2f s\n",
			len(fmt.Sprint(len(plan))), i+1, len(plan), width, m.Name, kind, count, res.Seconds)
		if mode == Unchanged {
			continue
		}
		var tests []Test
		for _, t := range m.Tests {
			if t.Kind == "relationships" && !inPlan[t.RefModel] && proj.Models[t.RefModel] != nil {
				continue // target not rebuilt in this run
			}
			tests = append(tests, t)
		}
		if mode == Partial {
			tests = restrictTests(tests, m.Incremental)
		}
		results, err := runTests(ctx, db, m.Name, tests)
		if err != nil {
			return rep, err
		}
		for _, res := range results {
			if err := record(res); err != nil {
				return rep, err
			}
		}
		for j, t := range proj.Tests {
			if customDone[j] || !allBuilt(t.Deps, built) || !anyBuilt(t.Deps, rebuilt) {
				continue
			}
			customDone[j] = true
			res, err := t.run(ctx, db)
			if err != nil {
				return rep, err
			}
			if err := record(res); err != nil {
				return rep, err
			}
		}
	}
	passed := 0
	for _, t := range rep.Tests {
		if t.Passed() {
			passed++
		}
	}
	fmt.Fprintf(progress, "%d modèle(s) construits, %d test(s) de données réussis sur %d", len(rep.Models), passed, len(rep.Tests))
	if rep.Warnings > 0 {
		fmt.Fprintf(progress, ", %d avertissement(s)", rep.Warnings)
	}
	fmt.Fprintln(progress)

	if opts.MartsDir != "" {
		if err := os.MkdirAll(opts.MartsDir, 0o755); err != nil {
			return rep, fmt.Errorf("dossier des marts %s : %w", opts.MartsDir, err)
		}
		for _, m := range plan {
			if !m.IsMart() || !rebuilt[m.Name] {
				continue
			}
			// A partially updated mart has its recomputed rows at the end:
			// written as they are (sorting them back would cost more than
			// the update), same rows as a full build.
			path, err := writeParquet(ctx, db, m.Name, opts.MartsDir)
			if err != nil {
				return rep, err
			}
			rep.Parquet = append(rep.Parquet, path)
		}
		if len(rep.Parquet) > 0 {
			fmt.Fprintf(progress, "%d mart(s) écrits en Parquet dans %s\n", len(rep.Parquet), opts.MartsDir)
		}
	}
	return rep, nil
}

func anyBuilt(deps []string, built map[string]bool) bool {
	for _, d := range deps {
		if built[d] {
			return true
		}
	}
	return false
}

func allBuilt(deps []string, built map[string]bool) bool {
	for _, d := range deps {
		if !built[d] {
			return false
		}
	}
	return true
}

// materialise (re)creates the model's relation in catalog ("temp" for a
// temporary one) and returns its row count.
func materialise(ctx context.Context, db DB, m *Model, catalog string) (int64, error) {
	name := warehouse.Ident(m.Name)
	// Whatever bears the name (a table that became a view, a persistent table
	// of an earlier build now temporary) is dropped first.
	rows, err := db.QueryContext(ctx,
		`SELECT table_catalog, table_type FROM information_schema.tables WHERE table_name = ? AND table_schema = 'main'`, m.Name)
	if err != nil {
		return 0, fmt.Errorf("modèle %s : %w", m.Name, err)
	}
	var drops []string
	for rows.Next() {
		var catalog, typ string
		if err := rows.Scan(&catalog, &typ); err != nil {
			rows.Close()
			return 0, err
		}
		kind := "TABLE"
		if typ == "VIEW" {
			kind = "VIEW"
		}
		drops = append(drops, fmt.Sprintf("DROP %s %s.main.%s", kind, warehouse.Ident(catalog), name))
	}
	rows.Close()
	for _, d := range drops {
		if _, err := db.ExecContext(ctx, d); err != nil {
			return 0, fmt.Errorf("modèle %s : %w", m.Name, err)
		}
	}
	body := strings.TrimRight(strings.TrimSpace(m.SQL), ";")
	kind := "TABLE"
	if m.Materialized == View {
		kind = "VIEW"
	}
	target := warehouse.Ident(catalog) + ".main." + name
	if catalog == "temp" || m.Materialized == View {
		// Views are inlined by their readers and cost nothing to create:
		// they are temporary, so that they bind to the lake of this build.
		kind, target = "TEMP "+kind, name
	}
	if _, err := db.ExecContext(ctx, fmt.Sprintf("CREATE %s %s AS\n%s", kind, target, body)); err != nil {
		hint := ""
		if strings.Contains(err.Error(), "lake_") {
			hint = " (le lac est-il monté ? les vues lake_* viennent de `agora land` puis du montage de l'entrepôt)"
		}
		return 0, fmt.Errorf("modèle %s (%s) : la requête échoue%s : %w", m.Name, m.Path, hint, err)
	}
	if m.Materialized == View {
		return RowsView, nil // counting would compute the view: its readers will
	}
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM "+name).Scan(&n); err != nil {
		return 0, fmt.Errorf("modèle %s : comptage : %w", m.Name, err)
	}
	return n, nil
}

// writeParquet writes a mart to dir/<name>.parquet through a temporary file,
// so a reader never sees a half-written mart.
func writeParquet(ctx context.Context, db DB, name, dir string) (string, error) {
	final := filepath.Join(dir, name+".parquet")
	tmp := filepath.Join(dir, "."+name+".parquet.tmp")
	os.Remove(tmp)
	q := fmt.Sprintf("COPY (SELECT * FROM %s) TO %s (FORMAT parquet, COMPRESSION zstd)", warehouse.Ident(name), warehouse.Literal(tmp))
	if _, err := db.ExecContext(ctx, q); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("écriture du mart %s en Parquet : %w", name, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("écriture du mart %s en Parquet : %w", name, err)
	}
	return final, nil
}

// thousands writes n with a thin space between groups of three digits.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
