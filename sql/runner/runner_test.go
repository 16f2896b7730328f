package runner

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	_ "github.com/duckdb/duckdb-go/v2"

	models "github.com/agora-formation/agora/sql"
	"github.com/agora-formation/agora/warehouse"
)

func TestRelations(t *testing.T) {
	cases := []struct {
		sql  string
		want []string
	}{
		{"SELECT * FROM a", []string{"a"}},
		{"SELECT * FROM a, b AS x, main.c", []string{"a", "b", "c"}},
		{"SELECT * FROM a JOIN b USING (k) LEFT JOIN c ON c.k = a.k ANTI JOIN d ON true", []string{"a", "b", "c", "d"}},
		{"SELECT * FROM read_parquet('x.parquet'), (SELECT 1 FROM inner_t)", []string{"inner_t"}},
		{"WITH w AS (SELECT * FROM src) SELECT * FROM w WHERE x IN (SELECT y FROM other)", []string{"src", "w", "other"}},
		{"SELECT 'FROM fake' AS s, \"from\" FROM real -- FROM comment\n/* JOIN hidden */", []string{"real"}},
		{"SELECT extract(year FROM d) FROM t, u WHERE a = 1", []string{"d", "t", "u"}},
		{"SELECT * FROM \"Quoted\" CROSS JOIN LATERAL (SELECT 1) AS l", []string{"quoted"}},
		{"SELECT a, b FROM t GROUP BY a, b", []string{"t"}},
		{"UNPIVOT w ON COLUMNS(*) INTO NAME c VALUE v UNION ALL SELECT 1 FROM z", []string{"z"}},
	}
	for _, c := range cases {
		if got := relations(c.sql); !slices.Equal(got, c.want) {
			t.Errorf("relations(%q) = %v, want %v", c.sql, got, c.want)
		}
	}
}

func TestParseTests(t *testing.T) {
	ts, err := parseTests("not_null(a, b), unique(a, b), accepted_values(s, 'O', 'N'), relationships(c, ref_x.code), check(x >= 0 AND f(y, z) < 3)")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range ts {
		names = append(names, x.Name)
	}
	want := []string{"not_null(a)", "not_null(b)", "unique(a, b)", "accepted_values(s, 'O', 'N')", "relationships(c, ref_x.code)", "check(x >= 0 AND f(y, z) < 3)"}
	if !slices.Equal(names, want) {
		t.Fatalf("names = %q, want %q", names, want)
	}
	if ts[4].RefModel != "ref_x" || ts[4].RefCol != "code" || ts[5].Expr != "x >= 0 AND f(y, z) < 3" {
		t.Fatalf("parsed = %+v", ts)
	}
	for _, bad := range []string{"unique()", "nope(a)", "accepted_values(a, B)", "relationships(a, b)", "not_null(a-b)", "garbage"} {
		if _, err := parseTests(bad); err == nil {
			t.Errorf("parseTests(%q): no error", bad)
		}
	}
}

func TestLoadEmbedded(t *testing.T) {
	p, err := Load(models.FS)
	if err != nil {
		t.Fatal(err)
	}
	pos := map[string]int{}
	for i, n := range p.Order {
		pos[n] = i
	}
	for name, m := range p.Models {
		for _, d := range m.Deps {
			if pos[d] >= pos[name] {
				t.Errorf("%s is built before its dependency %s", name, d)
			}
		}
		if m.Layer == "staging" {
			if len(m.Deps) > 0 && !strings.HasPrefix(name, "ref_") {
				// Staging reads the lake only (stg_dsn reads the surviving declarations too).
				for _, d := range m.Deps {
					if !strings.HasPrefix(d, "stg_") {
						t.Errorf("staging model %s reads %s", name, d)
					}
				}
			}
			for _, s := range m.Sources {
				if !strings.HasPrefix(s, "lake_") && !strings.HasPrefix(s, "ref_") {
					t.Errorf("staging model %s reads %s", name, s)
				}
			}
		}
		if m.Doc == "" {
			t.Errorf("model %s has no header comment", name)
		}
	}
	for _, r := range ReferenceTables() {
		if p.Models[r] != nil {
			t.Errorf("model %s shadows the reference table of the same name", r)
		}
	}
	for _, layer := range Layers {
		found := false
		for _, m := range p.Models {
			found = found || m.Layer == layer
		}
		if !found {
			t.Errorf("no model in layer %s", layer)
		}
	}
	// Every mart is documented in docs/marts.md, and nothing else is.
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "marts.md"))
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range p.Models {
		if m.IsMart() && !strings.Contains(string(doc), "### `"+name+"`") {
			t.Errorf("mart %s is not documented in docs/marts.md", name)
		}
	}
}

func TestCycleAndSelection(t *testing.T) {
	fsys := fstest.MapFS{
		"staging/a.sql":      {Data: []byte("-- a\nSELECT 1 AS x FROM c")},
		"intermediate/b.sql": {Data: []byte("-- b\nSELECT * FROM a")},
		"marts/c.sql":        {Data: []byte("-- c\nSELECT * FROM b")},
	}
	_, err := Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "cycle") || !strings.Contains(err.Error(), "a → c → b → a") {
		t.Fatalf("err = %v, want a cycle a → c → b → a", err)
	}
	fsys["staging/a.sql"] = &fstest.MapFile{Data: []byte("-- a\nSELECT 1 AS x")}
	fsys["marts/d.sql"] = &fstest.MapFile{Data: []byte("-- d\nSELECT * FROM a")}
	p, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := p.Plan([]string{"c"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range plan {
		names = append(names, m.Name)
	}
	if !slices.Equal(names, []string{"a", "b", "c"}) {
		t.Fatalf("plan(c) = %v", names)
	}
	if _, err := p.Plan([]string{"cc"}); err == nil || !strings.Contains(err.Error(), "vouliez-vous dire : c") {
		t.Fatalf("unknown model error = %v", err)
	}
}

func openDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return db
}

// An empty lake mounts as empty typed views: every model builds, every mart is written.
func TestBuildEmptyLake(t *testing.T) {
	ctx := context.Background()
	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: "1GB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if asOf, err := Mount(ctx, s, filepath.Join(t.TempDir(), "lake"), ""); err != nil || asOf != "" {
		t.Fatalf("Mount = %q, %v", asOf, err)
	}
	dir := t.TempDir()
	var progress strings.Builder
	rep, err := Build(ctx, s.DB(), Options{MartsDir: dir, Progress: &progress})
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	p, _ := Load(models.FS)
	if len(rep.Models) != len(p.Models) {
		t.Fatalf("built %d models, want %d", len(rep.Models), len(p.Models))
	}
	// A full build counts the rows of every table; a view (stg_dsn) is not counted.
	for _, m := range rep.Models {
		if want := m.Materialized == View; (m.Rows == RowsView) != want || (!want && m.Rows < 0) || m.Mode != Full {
			t.Errorf("model %s (%s): rows %d, mode %s", m.Name, m.Materialized, m.Rows, m.Mode)
		}
	}
	for _, m := range p.Models {
		if !m.IsMart() {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, m.Name+".parquet")); err != nil {
			t.Errorf("mart %s: %v", m.Name, err)
		}
	}
	if !strings.Contains(progress.String(), "stg_dossiers") {
		t.Errorf("progress lacks the models:\n%s", progress.String())
	}
}

func TestFailingTestStopsTheBuild(t *testing.T) {
	db := openDB(t)
	fsys := fstest.MapFS{
		"staging/s.sql": {Data: []byte("-- s\n-- test: unique(k), not_null(v)\nSELECT * FROM (VALUES (1, 'a'), (2, 'c'), (2, 'b')) AS t(k, v)")},
		"marts/m.sql":   {Data: []byte("-- m\nSELECT * FROM s")},
	}
	rep, err := Build(context.Background(), db, Options{FS: fsys})
	var tf *TestFailure
	if !errors.As(err, &tf) {
		t.Fatalf("err = %v, want a *TestFailure", err)
	}
	msg := err.Error()
	for _, want := range []string{"modèle s", "unique(k)", "1 ligne(s) en échec", "k=2, nb_lignes=2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if len(rep.Models) != 1 || rep.Failed == nil {
		t.Errorf("report = %+v, want the build stopped after s", rep)
	}
	// A warn-level custom test reports without stopping.
	fsys["staging/s.sql"] = &fstest.MapFile{Data: []byte("-- s\nSELECT 1 AS k")}
	fsys["tests/t.sql"] = &fstest.MapFile{Data: []byte("-- severity: warn\nSELECT * FROM m WHERE k = 1")}
	rep, err = Build(context.Background(), db, Options{FS: fsys})
	if err != nil || rep.Warnings != 1 || len(rep.Models) != 2 {
		t.Fatalf("warn test: err = %v, report = %+v", err, rep)
	}
}

// The rate macros, on values worked out by hand (Wilson bounds checked against
// published tables: 0/10 → [0 ; 27,8], 10/10 → [72,2 ; 100]).
func TestRateMacros(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(models.Macros); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		expr, want string
	}{
		{"taux(41, 80)", "51.3"}, // 51.25 exactly: half up (a double would give 51.2)
		{"taux(1, 3)", "33.3"},
		{"taux(2, 3)", "66.7"},
		{"taux(1, 8)", "12.5"},
		{"taux(0, 5)", "0.0"},
		{"taux(3, 0)", "NULL"},
		{"taux_montants(7500.00::DECIMAL(18,2), 8800.00::DECIMAL(18,2))", "85.2"},
		{"taux_montants(0.01::DECIMAL(18,2), 0.08::DECIMAL(18,2))", "12.5"},
		{"ic_bas(7, 8) || '/' || ic_haut(7, 8)", "52.9/97.8"},
		{"ic_bas(0, 10) || '/' || ic_haut(0, 10)", "0.0/27.8"},
		{"ic_bas(10, 10) || '/' || ic_haut(10, 10)", "72.2/100.0"},
		{"ic_bas(1, 0)", "NULL"},
		{"age_revolu(DATE '1998-03-11', DATE '2024-03-11')", "26"},
		{"age_revolu(DATE '1998-05-20', DATE '2024-05-13')", "25"},
		{"age_revolu(DATE '1988-02-29', DATE '2025-02-28')", "36"},
		{"tranche_age(25) || tranche_age(26) || tranche_age(44) || tranche_age(45)", "<2626-4426-4445+"},
		// Best-job order: CDI before CDD whatever the hours; more hours; unknown hours last; recent start first.
		{"rang_contrat('CDI', 10, DATE '2020-01-01', 'a', '1') < rang_contrat('CDD', 150, DATE '2024-01-01', 'a', '1')", "true"},
		{"rang_contrat('CDD', 150, DATE '2020-01-01', 'a', '1') < rang_contrat('CDD', 80, DATE '2024-01-01', 'a', '1')", "true"},
		{"rang_contrat('CDD', 0, DATE '2020-01-01', 'a', '1') < rang_contrat('CDD', NULL, DATE '2024-01-01', 'a', '1')", "true"},
		{"rang_contrat('CDI', 75.83, DATE '2024-05-06', 'a', '1') < rang_contrat('CDI', 75.83, DATE '2021-01-04', 'a', '1')", "true"},
		{"rang_contrat('CDD', 90, DATE '2024-09-01', 'a', '1') < rang_contrat('INTERIM', 200, DATE '2024-09-01', 'a', '1')", "true"},
		{"rang_contrat('CDI', 151.67, DATE '2024-09-01', 'a', '1') < rang_contrat('CDI', 151.66, DATE '2024-09-01', 'a', '1')", "true"},
		// Contracts equal on the rule share the rule's 64 high bits, whatever
		// their SIRET; the hash below them still tells two contracts apart.
		{"rang_contrat('CDI', 35, DATE '2024-09-01', 'zzz', '9') >> 64 = rang_contrat('CDI', 35, DATE '2024-09-01', 'a', '1') >> 64", "true"},
		{"rang_contrat('CDI', 35, DATE '2024-09-01', 'b', '1') <> rang_contrat('CDI', 35, DATE '2024-09-01', 'a', '1')", "true"},
		{"rang_contrat('CDI', 35, DATE '2024-09-01', 'b', '1') = rang_contrat('CDI', 35, DATE '2024-09-01', 'b', '1')", "true"},
	}
	for _, c := range cases {
		var got sql.NullString
		if err := db.QueryRow("SELECT (" + c.expr + ")::VARCHAR").Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		s := "NULL"
		if got.Valid {
			s = got.String
		}
		if s != c.want {
			t.Errorf("%s = %s, want %s", c.expr, s, c.want)
		}
	}
}
