package runner

import (
	"context"
	"database/sql"
	"encoding/csv"
	"flag"
	"fmt"
	"maps"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/pipelines/pseudo"
	models "github.com/agora-formation/agora/sql"
	"github.com/agora-formation/agora/warehouse"
)

// update rewrites the snapshots of testdata/handmade/snapshots (outputs nobody
// checked by hand, kept to show changes in review). It never touches
// testdata/handmade/expected, whose figures are worked out by hand.
var update = flag.Bool("update", false, "réécrire testdata/handmade/snapshots (jamais expected/)")

const handmade = "../../testdata/handmade"

// testLake returns a fresh data root, its lake and a test key.
func testLake(t *testing.T) (dataroot.Root, *lake.Lake, *pseudo.Key) {
	t.Helper()
	root := dataroot.Root{Dir: t.TempDir()}
	lk, err := lake.Open(root.Lake())
	if err != nil {
		t.Fatal(err)
	}
	key, err := pseudo.NewKey([]byte("clé de test des modèles, jamais utilisée ailleurs"))
	if err != nil {
		t.Fatal(err)
	}
	return root, lk, key
}

// buildRoot mounts the lake of root and builds every model, intermediate
// tables kept, marts written as Parquet into root.Marts().
func buildRoot(t *testing.T, root dataroot.Root) (*warehouse.Session, Report) {
	t.Helper()
	ctx := context.Background()
	s, err := warehouse.Open(ctx, warehouse.Options{Path: root.Warehouse(), MemoryLimit: "1GB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := Mount(ctx, s, root.Lake(), ""); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	rep, err := Build(ctx, s.DB(), Options{MartsDir: root.Marts(), Progress: &progress, KeepIntermediate: true})
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	return s, rep
}

// buildHandmade lands the hand-made deliveries with the landing pipeline into
// a fresh data root, mounts the lake and builds every model.
func buildHandmade(t *testing.T) (*sql.DB, Report, string) {
	t.Helper()
	root, _ := landHandmade(t)
	s, rep := buildRoot(t, root)
	return s.DB(), rep, root.Marts()
}

// landHandmade lands the hand-made deliveries with the landing pipeline into
// a fresh data root, and returns it with its lake.
func landHandmade(t *testing.T) (dataroot.Root, *lake.Lake) {
	t.Helper()
	root, lk, key := testLake(t)
	// One delivery at a time, in name order, as they would arrive: the
	// corrections land after what they correct. (Files landed together share
	// one landing and are ordered by _source, their rank in lexical path
	// order: see source_order_test.go.)
	files, err := land.Collect([]string{filepath.Join(handmade, "livraisons")})
	if err != nil {
		t.Fatal(err)
	}
	quarantined := map[string]string{}
	for _, f := range files {
		sum, err := land.Run(context.Background(), lk, key, []string{f}, land.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Count(land.StatusLanded) != 1 {
			t.Fatalf("landing of %s: %+v", f, sum.Files)
		}
		if r := sum.Files[0]; r.Quarantined > 0 || len(r.ByRule) > 0 {
			quarantined[r.Name] = quarantineText(r.Feed, r.Quarantined, r.ByRule)
		}
	}
	want := map[string]string{}
	for _, q := range handmadeQuarantine {
		want[q.file] = quarantineText(q.feed, q.rows, q.byRule)
	}
	if len(files) != 23 || !maps.Equal(quarantined, want) {
		t.Fatalf("landing: %d files landed (want 23), quarantine\n%v\nwant\n%v", len(files), quarantined, want)
	}
	return root, lk
}

// handmadeQuarantine is what `agora land` puts in quarantine from the
// hand-made deliveries (README.md, « lignes en quarantaine » and « lignes à
// plusieurs fautes »): for each file, its feed, the rows rejected and, for
// each rule, the rows that break it, a row counting once under each of its
// rules however many of its columns break it. The quality marts count the
// same way (checkQualityAsLanded).
var handmadeQuarantine = []struct {
	file, feed string
	rows       int64
	byRule     map[string]int64
}{
	{"03_dossiers_ft.csv", "dossiers", 1, map[string]int64{"BAD_NIR": 1}}, // AIF-D31, line 7
	// line 26: type, motif, certification in lower case, and 2024-07-32
	{"05_evenements_reg84.csv", "evenements", 1, map[string]int64{"UNKNOWN_CODE": 1, "BAD_DATE": 1}},
	{"07_evenements_cdc.csv", "evenements", 1, map[string]int64{"UNKNOWN_CODE": 1}}, // CPF-D29 « FINI », line 16
	// line 341: NIR key 00, month 2024-13, contract nature 99
	{"16_dsn_extrait.csv", "dsn_extrait", 1, map[string]int64{"BAD_NIR": 1, "BAD_DATE": 1, "UNKNOWN_CODE": 1}},
}

// quarantineText writes the quarantine of a file as `agora land` sums it up:
// « evenements : 1 ligne(s), BAD_DATE 1, UNKNOWN_CODE 1 ».
func quarantineText(feed string, rows int64, byRule map[string]int64) string {
	s := fmt.Sprintf("%s : %d ligne(s)", feed, rows)
	for _, r := range slices.Sorted(maps.Keys(byRule)) {
		s += fmt.Sprintf(", %s %d", r, byRule[r])
	}
	return s
}

// TestHandmade compares every mart built from the hand-made deliveries with the
// figures of testdata/handmade/expected, worked out by hand (README.md there).
func TestHandmade(t *testing.T) {
	db, rep, marts := buildHandmade(t)
	if rep.Warnings != 0 || rep.Failed != nil {
		t.Errorf("report: %d warnings, failed %v", rep.Warnings, rep.Failed)
	}
	proj, err := Load(models.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range proj.Order {
		if !proj.Models[name].IsMart() {
			continue
		}
		t.Run(name, func(t *testing.T) {
			want := readCSV(t, filepath.Join(handmade, "expected", name+".csv"))
			got := queryStrings(t, db, "SELECT * FROM "+name)
			compareTables(t, want, got)
			// Every column is documented in docs/marts.md, the contract of the marts.
			section := martSection(t, name)
			for _, c := range got[0] {
				if !strings.Contains(section, c) && !(strings.Contains(section, "*bloc insertion*") && strings.Contains(insertionBloc(t), c)) {
					t.Errorf("column %s of %s is not documented in docs/marts.md", c, name)
				}
			}
			// The Parquet copy holds the same rows in the same order.
			fromParquet := queryStrings(t, db, fmt.Sprintf("SELECT * FROM read_parquet('%s')", filepath.Join(marts, name+".parquet")))
			compareTables(t, got, fromParquet)
		})
	}
	t.Run("quality as landed", func(t *testing.T) { checkQualityAsLanded(t, db) })
}

// checkQualityAsLanded checks that the quality marts count rejected lines as
// `agora land` does (handmadeQuarantine): the nb_lignes_rejetees of the
// partners add up to the rows land quarantined, and the nb_lignes of
// qualite_rejets for a feed and a rule (orphans aside: they land) to the rows
// land counts under that rule. A line with four faults of two rules is one
// rejected line, and one under each of its two rules.
func checkQualityAsLanded(t *testing.T, db *sql.DB) {
	var rows int64
	byRule := map[string]int64{}
	for _, q := range handmadeQuarantine {
		rows += q.rows
		for r, n := range q.byRule {
			byRule[q.feed+" "+r] += n
		}
	}
	want := map[string]string{}
	for k, n := range byRule {
		want[k] = strconv.FormatInt(n, 10)
	}
	var rejected, dsn int64
	if err := db.QueryRow("SELECT sum(nb_lignes_rejetees), sum(nb_lignes_rejetees_dsn) FROM qualite_partenaire").Scan(&rejected, &dsn); err != nil {
		t.Fatal(err)
	}
	if rejected != rows || dsn != 1 {
		t.Errorf("qualite_partenaire: %d rejected lines, %d of DSN; land quarantined %d rows, 1 of DSN", rejected, dsn, rows)
	}
	got := map[string]string{}
	for _, r := range queryStrings(t, db, `SELECT flux || ' ' || regle, sum(nb_lignes) FROM qualite_rejets
		WHERE regle NOT IN ('ORPHAN_EVENT', 'ORPHAN_FUNDING') GROUP BY ALL`)[1:] {
		got[r[0]] = r[1]
	}
	if !maps.Equal(got, want) {
		t.Errorf("qualite_rejets, lines by feed and rule:\n%v\nland counts\n%v", got, want)
	}
}

// martSection returns the section of docs/marts.md that documents a mart.
func martSection(t *testing.T, name string) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "marts.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "### `"+name+"`")
	if !ok {
		t.Fatalf("mart %s missing from docs/marts.md", name)
	}
	if i := strings.Index(rest, "\n#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// insertionBloc returns the section of docs/marts.md describing the insertion block.
func insertionBloc(t *testing.T) string {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "marts.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(doc), "## Bloc « insertion »")
	rest, _, _ = strings.Cut(rest, "\n## ")
	return rest
}

// TestHandmadeWindow checks what the marts cannot show: the DSN lines kept,
// the windows of DSN use, and the contract-months actually read.
func TestHandmadeWindow(t *testing.T) {
	db, _, _ := buildHandmade(t)
	var lines, used int
	if err := db.QueryRow("SELECT (SELECT count(*) FROM stg_dsn), (SELECT count(*) FROM int_contrats_mois)").Scan(&lines, &used); err != nil {
		t.Fatal(err)
	}
	// stg_dsn: 339 + 2 tabular rows (two sent again, corrected) + 2 rows of the
	// replacing 2024-09 declaration + 2 of 2024-10 = 345 (the cancelled 2024-11 and the
	// replaced 2024-09 declarations give none).
	// int_contrats_mois: the contracts of the months the indicators read, once
	// each (README.md, « fenêtre ») : 72.
	if lines != 345 || used != 72 {
		t.Errorf("stg_dsn = %d lines (want 345), int_contrats_mois = %d (want 72)", lines, used)
	}
	// Windows: P01's two dossiers (entries 2023-09 and 2024-09, exits 2024-01 and
	// 2024-09) merge into [2022-09, 2026-09]; P19, still in training since 2024-11,
	// gets [2023-11, open) (no end until the exit); P05's only dossier is
	// cancelled: no window.
	got := queryStrings(t, db, `
		SELECT d.id_dossier, w.debut_fenetre, w.fin_fenetre
		FROM int_dossiers AS d LEFT JOIN int_fenetres_dsn AS w USING (pseudo)
		WHERE d.id_dossier IN ('PRF-D01', 'CPF-D19', 'PRF-D20', 'PRF-D05')
		ORDER BY d.id_dossier`)
	want := [][]string{
		{"id_dossier", "debut_fenetre", "fin_fenetre"},
		{"CPF-D19", "2022-09-01", "2026-09-01"},
		{"PRF-D01", "2022-09-01", "2026-09-01"},
		{"PRF-D05", "", ""},
		{"PRF-D20", "2023-11-01", ""},
	}
	compareTables(t, want, got)
	var windows int
	if err := db.QueryRow("SELECT count(*) FROM int_fenetres_dsn").Scan(&windows); err != nil || windows != 27 {
		t.Errorf("int_fenetres_dsn = %d rows (want 27: one per person with a dossier entered and not cancelled), %v", windows, err)
	}
	snapshot(t, db, "int_sortants", "SELECT * EXCLUDE (pseudo) FROM int_sortants ORDER BY code_financeur, id_dossier")
	snapshot(t, db, "int_dossiers", "SELECT * EXCLUDE (pseudo) FROM int_dossiers ORDER BY code_financeur, id_dossier")
}

// snapshot compares a query with testdata/handmade/snapshots/<name>.csv, or
// rewrites that file under -update.
func snapshot(t *testing.T, db *sql.DB, name, q string) {
	t.Helper()
	got := queryStrings(t, db, q)
	path := filepath.Join(handmade, "snapshots", name+".csv")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.WriteAll(got)
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return
	}
	compareTables(t, readCSV(t, path), got)
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (écrivez les valeurs attendues à la main, voir testdata/handmade/README.md)", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

// queryStrings runs q and returns its header and rows as text, formatted as
// the expected files write them: NULL empty, doubles shortest, decimals with
// their scale, dates AAAA-MM-JJ, timestamps AAAA-MM-JJTHH:MM:SS.
func queryStrings(t *testing.T, db *sql.DB, q string) [][]string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := [][]string{cols}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = cell(v)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case duckdb.Decimal:
		r := new(big.Rat).SetFrac(x.Value, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(x.Scale)), nil))
		return r.FloatString(int(x.Scale))
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format("2006-01-02T15:04:05")
	}
	return formatValue(v)
}

// compareTables reports every differing cell (at most 20), naming the row by
// its first cells and the column by its header.
func compareTables(t *testing.T, want, got [][]string) {
	t.Helper()
	if len(want) == 0 || len(got) == 0 {
		t.Fatalf("empty table: want %d rows, got %d", len(want), len(got))
	}
	if strings.Join(want[0], ",") != strings.Join(got[0], ",") {
		t.Fatalf("columns differ:\nwant %v\ngot  %v", want[0], got[0])
	}
	if len(want) != len(got) {
		t.Errorf("want %d rows, got %d", len(want)-1, len(got)-1)
	}
	diffs := 0
	for i := 1; i < min(len(want), len(got)); i++ {
		for j := range want[0] {
			if want[i][j] != got[i][j] {
				diffs++
				if diffs <= 20 {
					t.Errorf("row %d (%s), column %s: want %q, got %q", i, strings.Join(want[i][:min(4, len(want[i]))], ","), want[0][j], want[i][j], got[i][j])
				}
			}
		}
	}
	if diffs > 20 {
		t.Errorf("… %d differing cells in all", diffs)
	}
	if len(want) != len(got) {
		for i := min(len(want), len(got)); i < max(len(want), len(got)); i++ {
			if i < len(want) {
				t.Errorf("missing row %v", want[i])
			} else {
				t.Errorf("unexpected row %v", got[i])
			}
		}
	}
}
