// Package runner builds agora's SQL models in DuckDB: it finds the models of
// package sql, orders them from the relations their SQL reads (no hand-kept
// list), materialises each as a table (or view), runs the data tests declared
// in the models' headers and the custom tests of sql/tests, and writes the
// marts as Parquet. A failing test stops the build with a French report naming
// the model, the test and sample failing rows.
//
// Before the models, the runner creates the shared macros (sql.Macros, the
// bounds of the DSN windows from package lake's retention rule, and the delay
// of a late transmission from sql.LateDays) and
// the ref_* reference tables from package dictionary. The lake must already
// be mounted as lake_<dataset> views (package warehouse does it).
package runner

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agora-formation/agora/french"
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
// *TestFailure. What the build changed in the session (macros, search path,
// settings) is restored before it returns, and an error restoring it is
// joined to the build's.
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
	s, err := prepareSession(ctx, db, opts.Changes, opts.Cache)
	defer func() {
		if rerr := s.restore(); rerr != nil {
			err = errors.Join(err, rerr)
		}
	}()
	if err != nil {
		return rep, err
	}
	b := newBuilder(db, opts, proj, plan, s.home, &rep)
	if opts.Changes != nil {
		if err := b.checkReusable(ctx); err != nil {
			return rep, err
		}
		// Before stg_dossiers is updated: it gives the changed persons.
		err := s.change(ctx, func(ctx context.Context) error {
			return defineChangedDossiers(ctx, db, opts.Changes.Files, false)
		}, func(ctx context.Context) error {
			return defineChangedDossiers(ctx, db, nil, true)
		})
		if err != nil {
			return rep, err
		}
	}
	if err := b.runLakeTests(ctx); err != nil {
		return rep, err
	}
	for i, m := range plan {
		if err := b.buildModel(ctx, i, m); err != nil {
			return rep, err
		}
	}
	b.printSummary()
	return rep, b.writeMarts(ctx)
}

// builder is the state of one build, shared by its steps.
type builder struct {
	db       DB
	opts     Options
	proj     *Project
	plan     []*Model
	home     string // the database of the marts
	progress io.Writer
	rep      *Report
	width    int             // of the longest model name, for the progress lines
	dirty    map[string]bool // the models an incremental build recomputes
	inPlan   map[string]bool
	built    map[string]bool // built or reused so far
	rebuilt  map[string]bool // built so far (not reused)
	// customDone marks the custom tests of proj.Tests already run.
	customDone []bool
}

func newBuilder(db DB, opts Options, proj *Project, plan []*Model, home string, rep *Report) *builder {
	b := &builder{
		db: db, opts: opts, proj: proj, plan: plan, home: home, rep: rep, progress: opts.Progress,
		inPlan: map[string]bool{}, built: map[string]bool{}, rebuilt: map[string]bool{},
		customDone: make([]bool, len(proj.Tests)),
	}
	if b.progress == nil {
		b.progress = io.Discard
	}
	for _, m := range plan {
		b.inPlan[m.Name] = true
		b.width = max(b.width, len(m.Name))
	}
	return b
}

// catalogOf says where a model lives: marts in the database itself, staging
// and intermediate tables in the cache catalog (found through the search
// path), or temporary.
func (b *builder) catalogOf(m *Model) string {
	switch {
	case m.IsMart() || b.opts.KeepIntermediate:
		return b.home
	case b.opts.Cache != "":
		return b.opts.Cache
	}
	return "temp"
}

// checkReusable marks the models an incremental build recomputes, and checks
// that the tables it reuses or partially updates are there (ErrStaleCache).
func (b *builder) checkReusable(ctx context.Context) error {
	b.rep.Incremental = true
	b.dirty = dirtyModels(b.plan, b.opts.Changes)
	for _, m := range b.plan {
		// Reused and partially updated tables must be there.
		if m.Materialized == Table && (!b.dirty[m.Name] || m.Incremental != "") {
			ok, err := tableExists(ctx, b.db, b.catalogOf(m), m.Name)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("%w : %s", ErrStaleCache, m.Name)
			}
		}
	}
	return nil
}

// record adds a test result to the report; a failing test stops the build
// (a *TestFailure) unless its severity is warn.
func (b *builder) record(res TestResult) error {
	b.rep.Tests = append(b.rep.Tests, res)
	if res.Passed() {
		return nil
	}
	if res.Warn {
		b.rep.Warnings++
		fmt.Fprintf(b.progress, "  avertissement : test %s du modèle %s : %s ligne(s) en échec\n", res.Test, res.Model, french.Int(res.Failures))
		return nil
	}
	b.rep.Failed = &res
	return &TestFailure{Result: res}
}

// runLakeTests runs the custom tests that read only the lake, first.
func (b *builder) runLakeTests(ctx context.Context) error {
	for j, t := range b.proj.Tests {
		if len(t.Deps) > 0 {
			continue
		}
		b.customDone[j] = true
		res, err := t.run(ctx, b.db)
		if err != nil {
			return err
		}
		if err := b.record(res); err != nil {
			return err
		}
	}
	return nil
}

// buildModel builds (or reuses) the i-th model of the plan, reports it, and
// runs its tests and the custom tests it completes.
func (b *builder) buildModel(ctx context.Context, i int, m *Model) error {
	start := time.Now()
	// Row order matters only in the marts (written sorted); elsewhere DuckDB
	// may reorder rows, which makes large materialisations much faster.
	if _, err := b.db.ExecContext(ctx, fmt.Sprintf("SET preserve_insertion_order = %t", m.IsMart())); err != nil {
		return err
	}
	mode := Full
	switch {
	case b.opts.Changes == nil || m.Materialized == View:
	case !b.dirty[m.Name]:
		mode = Unchanged
	case m.Incremental != "":
		mode = Partial
	}
	var rows int64
	var err error
	switch mode {
	case Full:
		rows, err = materialise(ctx, b.db, m, b.catalogOf(m))
	case Partial:
		rows, err = updatePartial(ctx, b.db, m, warehouse.Ident(b.catalogOf(m))+".main."+warehouse.Ident(m.Name))
	case Unchanged:
		rows = RowsUnchanged
	}
	if err != nil {
		return err
	}
	b.built[m.Name] = true
	if mode != Unchanged {
		b.rebuilt[m.Name] = true
	}
	res := ModelResult{Name: m.Name, Layer: m.Layer, Materialized: m.Materialized, Rows: rows, Seconds: time.Since(start).Seconds(), Mode: mode}
	b.rep.Models = append(b.rep.Models, res)
	count := french.Int(rows) + " ligne"
	if rows > 1 {
		count += "s"
	}
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
	fmt.Fprintf(b.progress, "[%*d/%d] %-*s  %-7s %19s  %7s s\n",
		len(fmt.Sprint(len(b.plan))), i+1, len(b.plan), b.width, m.Name, kind, count, french.Dec(res.Seconds, 1))
	if mode == Unchanged {
		return nil
	}
	if err := b.runModelTests(ctx, m, mode); err != nil {
		return err
	}
	return b.runReadyCustomTests(ctx)
}

// runModelTests runs the tests of a model's header; after a partial update,
// on the rows it recomputed where that is enough (restrictTests).
func (b *builder) runModelTests(ctx context.Context, m *Model, mode string) error {
	var tests []Test
	for _, t := range m.Tests {
		if t.Kind == "relationships" && !b.inPlan[t.RefModel] && b.proj.Models[t.RefModel] != nil {
			continue // target not rebuilt in this run
		}
		tests = append(tests, t)
	}
	if mode == Partial {
		tests = restrictTests(tests, m.Incremental)
	}
	results, err := runTests(ctx, b.db, m.Name, tests)
	if err != nil {
		return err
	}
	for _, res := range results {
		if err := b.record(res); err != nil {
			return err
		}
	}
	return nil
}

// runReadyCustomTests runs the custom tests not run yet whose models are all
// built, at least one of them rebuilt in this run.
func (b *builder) runReadyCustomTests(ctx context.Context) error {
	for j, t := range b.proj.Tests {
		if b.customDone[j] || !allBuilt(t.Deps, b.built) || !anyBuilt(t.Deps, b.rebuilt) {
			continue
		}
		b.customDone[j] = true
		res, err := t.run(ctx, b.db)
		if err != nil {
			return err
		}
		if err := b.record(res); err != nil {
			return err
		}
	}
	return nil
}

// printSummary writes the summary line of the build.
func (b *builder) printSummary() {
	passed := 0
	for _, t := range b.rep.Tests {
		if t.Passed() {
			passed++
		}
	}
	fmt.Fprintf(b.progress, "%s modèle(s) construits, %s test(s) de données réussis sur %s",
		french.Int(int64(len(b.rep.Models))), french.Int(int64(passed)), french.Int(int64(len(b.rep.Tests))))
	if b.rep.Warnings > 0 {
		fmt.Fprintf(b.progress, ", %s avertissement(s)", french.Int(int64(b.rep.Warnings)))
	}
	fmt.Fprintln(b.progress)
}

// writeMarts writes every mart rebuilt in this run as Parquet into
// opts.MartsDir (none when it is "").
func (b *builder) writeMarts(ctx context.Context) error {
	if b.opts.MartsDir == "" {
		return nil
	}
	if err := os.MkdirAll(b.opts.MartsDir, 0o755); err != nil {
		return fmt.Errorf("dossier des marts %s : %w", b.opts.MartsDir, err)
	}
	for _, m := range b.plan {
		if !m.IsMart() || !b.rebuilt[m.Name] {
			continue
		}
		// A partially updated mart has its recomputed rows at the end:
		// written as they are (sorting them back would cost more than
		// the update), same rows as a full build.
		path, err := writeParquet(ctx, b.db, m.Name, b.opts.MartsDir)
		if err != nil {
			return err
		}
		b.rep.Parquet = append(b.rep.Parquet, path)
	}
	if len(b.rep.Parquet) > 0 {
		fmt.Fprintf(b.progress, "%s mart(s) écrits en Parquet dans %s\n", french.Int(int64(len(b.rep.Parquet))), b.opts.MartsDir)
	}
	return nil
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
