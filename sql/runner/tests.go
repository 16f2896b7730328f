package runner

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/warehouse"
)

// Test is a data test: a query returning the rows that break a rule. It
// passes when the query returns no row.
type Test struct {
	Name  string // e.g. "unique(code_financeur, id_dossier)" or the custom test's file name
	Kind  string // not_null, unique, accepted_values, relationships, check, custom
	Model string // model tested (custom: the models the test reads)
	Doc   string // custom tests: the header comment
	Path  string // custom tests: file path
	Warn  bool   // a failing warn-level test is reported without stopping the build

	Columns  []string // not_null, unique, accepted_values, relationships: the tested column(s)
	Values   []string // accepted_values: SQL literals
	RefModel string   // relationships: target relation
	RefCol   string   // relationships: target column
	Expr     string   // check: the condition every row must meet
	SQL      string   // custom: the query
	Deps     []string // custom: models read
	// Where restricts the rows tested (the rows an incremental build
	// recomputed: the others were tested by an earlier build); "" = all.
	Where string
}

// MaxSample is the number of failing rows a report shows.
const MaxSample = 5

var (
	testCall = regexp.MustCompile(`(?s)^([a-z_]+)\s*\((.*)\)$`)
	ident    = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)
)

// parseTests reads the value of a "-- test:" header line: calls separated by
// commas, e.g. "not_null(a), unique(a, b), check(a >= 0)".
func parseTests(s string) ([]Test, error) {
	var out []Test
	for _, call := range splitTop(s) {
		call = strings.TrimSpace(call)
		if call == "" {
			continue
		}
		m := testCall.FindStringSubmatch(call)
		if m == nil {
			return nil, fmt.Errorf("test « %s » illisible : attendu nom(arguments)", call)
		}
		t := Test{Kind: m[1], Name: m[1] + "(" + strings.TrimSpace(m[2]) + ")"}
		args := splitTop(m[2])
		for i := range args {
			args[i] = strings.TrimSpace(args[i])
		}
		bad := func(want string) error {
			return fmt.Errorf("test « %s » : arguments attendus %s", call, want)
		}
		switch t.Kind {
		case "not_null", "unique":
			if len(args) == 0 || args[0] == "" {
				return nil, bad("une ou plusieurs colonnes")
			}
			for _, a := range args {
				if !ident.MatchString(a) {
					return nil, bad("des noms de colonnes")
				}
			}
			t.Columns = args
			if t.Kind == "not_null" && len(args) > 1 { // one test per column
				for _, a := range args {
					out = append(out, Test{Kind: t.Kind, Name: "not_null(" + a + ")", Columns: []string{a}})
				}
				continue
			}
		case "accepted_values":
			if len(args) < 2 || !ident.MatchString(args[0]) {
				return nil, bad("(colonne, 'valeur', …)")
			}
			for _, v := range args[1:] {
				if !(strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'") && len(v) >= 2) && !regexp.MustCompile(`^-?[0-9.]+$`).MatchString(v) {
					return nil, bad("(colonne, 'valeur', …) avec des valeurs entre apostrophes ou des nombres")
				}
			}
			t.Columns, t.Values = args[:1], args[1:]
		case "relationships":
			if len(args) != 2 || !ident.MatchString(args[0]) {
				return nil, bad("(colonne, modele.colonne)")
			}
			ref, col, ok := strings.Cut(args[1], ".")
			if !ok || !ident.MatchString(ref) || !ident.MatchString(col) {
				return nil, bad("(colonne, modele.colonne)")
			}
			t.Columns, t.RefModel, t.RefCol = args[:1], ref, col
		case "check":
			if strings.TrimSpace(m[2]) == "" {
				return nil, bad("(condition)")
			}
			t.Expr = strings.TrimSpace(m[2])
		default:
			return nil, fmt.Errorf("test « %s » inconnu (not_null, unique, accepted_values, relationships, check)", t.Kind)
		}
		out = append(out, t)
	}
	return out, nil
}

// splitTop splits s at commas outside parentheses and quotes.
func splitTop(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// Query returns the SQL that selects the failing rows of the test.
func (t Test) Query() string {
	rel := warehouse.Ident(t.Model)
	if t.Where != "" && t.Kind != "relationships" && t.Kind != "custom" {
		rel = fmt.Sprintf("(SELECT * FROM %s WHERE %s)", rel, t.Where)
	}
	switch t.Kind {
	case "not_null":
		return fmt.Sprintf("SELECT * FROM %s WHERE %s IS NULL", rel, warehouse.Ident(t.Columns[0]))
	case "unique":
		cols := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = warehouse.Ident(c)
		}
		list := strings.Join(cols, ", ")
		return fmt.Sprintf("SELECT %s, count(*) AS nb_lignes FROM %s GROUP BY %s HAVING count(*) > 1 ORDER BY nb_lignes DESC, %s",
			list, rel, list, list)
	case "accepted_values":
		c := warehouse.Ident(t.Columns[0])
		return fmt.Sprintf("SELECT %s, count(*) AS nb_lignes FROM %s WHERE %s IS NOT NULL AND %s NOT IN (%s) GROUP BY %s ORDER BY %s",
			c, rel, c, c, strings.Join(t.Values, ", "), c, c)
	case "relationships":
		c := warehouse.Ident(t.Columns[0])
		return fmt.Sprintf("SELECT m.* FROM %s AS m ANTI JOIN %s AS r ON m.%s = r.%s WHERE m.%s IS NOT NULL",
			rel, warehouse.Ident(t.RefModel), c, warehouse.Ident(t.RefCol), c)
	case "check":
		return fmt.Sprintf("SELECT * FROM %s WHERE NOT coalesce((%s), false)", rel, t.Expr)
	}
	return t.SQL
}

// TestResult is the outcome of one test.
type TestResult struct {
	Model    string     `json:"model"`
	Test     string     `json:"test"`
	Kind     string     `json:"kind"`
	Warn     bool       `json:"warn,omitempty"`
	Failures int64      `json:"failures"`
	Columns  []string   `json:"columns,omitempty"`
	Sample   [][]string `json:"sample,omitempty"` // up to MaxSample failing rows, as text
	Seconds  float64    `json:"seconds"`
}

// Passed reports whether the test found no failing row.
func (r TestResult) Passed() bool { return r.Failures == 0 }

// rowCondition returns, for a test checked row by row, the condition a
// failing row meets; false for tests that need a query of their own.
func (t Test) rowCondition() (string, bool) {
	switch t.Kind {
	case "not_null":
		return warehouse.Ident(t.Columns[0]) + " IS NULL", true
	case "accepted_values":
		c := warehouse.Ident(t.Columns[0])
		return fmt.Sprintf("%s IS NOT NULL AND %s NOT IN (%s)", c, c, strings.Join(t.Values, ", ")), true
	case "check":
		return "NOT coalesce((" + t.Expr + "), false)", true
	}
	return "", false
}

// run executes the test and samples its failing rows.
func (t Test) run(ctx context.Context, db DB) (TestResult, error) {
	start := time.Now()
	res := TestResult{Model: t.Model, Test: t.Name, Kind: t.Kind, Warn: t.Warn}
	q := strings.TrimRight(strings.TrimSpace(t.Query()), ";")
	var n int64
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM ("+q+"\n)").Scan(&n); err != nil {
		return res, fmt.Errorf("test %s du modèle %s : la requête échoue : %w", t.Name, t.Model, err)
	}
	res.Failures = n
	if err := t.sample(ctx, db, &res); err != nil {
		return res, err
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// sample fills the sample rows of a failed result.
func (t Test) sample(ctx context.Context, db DB, res *TestResult) error {
	if res.Failures == 0 {
		return nil
	}
	cols, rows, err := sample(ctx, db, strings.TrimRight(strings.TrimSpace(t.Query()), ";"), MaxSample)
	if err != nil {
		return fmt.Errorf("test %s du modèle %s : %w", t.Name, t.Model, err)
	}
	res.Columns, res.Sample = cols, rows
	return nil
}

// runTests runs the generic tests of one model: those checked row by row in
// a single scan of the model, the others (unique, relationships) one query each.
func runTests(ctx context.Context, db DB, model string, tests []Test) ([]TestResult, error) {
	start := time.Now()
	var rowTests []Test
	var exprs []string
	var out []TestResult
	where := ""
	for _, t := range tests {
		if cond, ok := t.rowCondition(); ok {
			rowTests = append(rowTests, t)
			exprs = append(exprs, "count(*) FILTER (WHERE "+cond+")")
			where = t.Where // the same for every test of a model
		}
	}
	if where != "" {
		where = " WHERE " + where
	}
	if len(rowTests) > 0 {
		counts := make([]int64, len(rowTests))
		ptrs := make([]any, len(counts))
		for i := range counts {
			ptrs[i] = &counts[i]
		}
		if err := db.QueryRowContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+warehouse.Ident(model)+where).Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("tests du modèle %s : la requête échoue : %w", model, err)
		}
		secs := time.Since(start).Seconds() / float64(len(rowTests))
		for i, t := range rowTests {
			res := TestResult{Model: t.Model, Test: t.Name, Kind: t.Kind, Warn: t.Warn, Failures: counts[i], Seconds: secs}
			if err := t.sample(ctx, db, &res); err != nil {
				return nil, err
			}
			out = append(out, res)
		}
	}
	for _, t := range tests {
		if _, ok := t.rowCondition(); ok {
			continue
		}
		res, err := t.run(ctx, db)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// sample returns the columns and up to limit rows of a query, as text.
func sample(ctx context.Context, db DB, q string, limit int) ([]string, [][]string, error) {
	rows, err := db.QueryContext(ctx, fmt.Sprintf("SELECT * FROM (%s\n) LIMIT %d", q, limit))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = formatValue(v)
		}
		out = append(out, row)
	}
	return cols, out, rows.Err()
}

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		if len(x) == 16 {
			return fmt.Sprintf("%x-%x-%x-%x-%x", x[0:4], x[4:6], x[6:8], x[8:10], x[10:16])
		}
		return fmt.Sprintf("%x", x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02T15:04:05")
	case sql.NullString:
		if !x.Valid {
			return "NULL"
		}
		return x.String
	}
	return fmt.Sprint(v)
}

// TestFailure is the error of a build stopped by a failing data test.
type TestFailure struct{ Result TestResult }

// Error is the readable French report: model, test, count and sample rows.
func (e *TestFailure) Error() string {
	r := e.Result
	var b strings.Builder
	fmt.Fprintf(&b, "test de données en échec : modèle %s, test %s : %s ligne(s) en échec", r.Model, r.Test, french.Int(r.Failures))
	if len(r.Sample) > 0 {
		fmt.Fprintf(&b, " ; exemples (%d au plus) :", MaxSample)
		for _, row := range r.Sample {
			b.WriteString("\n  ")
			for i, v := range row {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "%s=%s", r.Columns[i], v)
			}
		}
	}
	b.WriteString("\nLa construction est arrêtée : corrigez les données en cause (ou la règle) puis relancez `agora build`.")
	return b.String()
}
