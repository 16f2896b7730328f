package dsn

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
)

type row struct {
	Decl   int
	Line   int64
	Fields []string
}

type bad struct {
	Line   int64
	Reason string
}

// recorder keeps copies of everything the parser reports; with a parser, it
// also keeps each row as written (Parser.Written).
type recorder struct {
	rows    []row
	bads    []bad
	decls   []Declaration
	p       *Parser
	written [][]string
}

func clone(fields []string) []string {
	cp := make([]string, len(fields))
	for i, f := range fields {
		cp[i] = strings.Clone(f)
	}
	return cp
}

func (r *recorder) Row(d *Declaration, line int64, fields []string) {
	r.rows = append(r.rows, row{d.Index, line, clone(fields)})
	if r.p != nil {
		r.written = append(r.written, clone(r.p.Written()))
	}
}
func (r *recorder) BadLine(line int64, reason string) { r.bads = append(r.bads, bad{line, reason}) }
func (r *recorder) Declaration(d *Declaration)        { r.decls = append(r.decls, *d) }

func parse(t testing.TB, data []byte) (*recorder, Stats) {
	t.Helper()
	info, err := delivery.Inspect(bytes.NewReader(data), "x.dsn")
	require.NoError(t, err)
	rec := &recorder{}
	st, err := Parse(delivery.NewDecoder(bytes.NewReader(data), info.Encoding), rec)
	require.NoError(t, err)
	return rec, st
}

// Columns of dsn_extrait: nir, mois, siret_employeur, code_naf, nature_contrat,
// date_debut_contrat, date_fin_prevue, date_fin_reelle, heures_mois, id_contrat.
func TestParseMonthly(t *testing.T) {
	data, err := os.ReadFile("testdata/mensuelle.dsn")
	require.NoError(t, err)
	for name, variant := range map[string][]byte{
		"utf8 lf":        data,
		"cp1252 crlf":    toCP1252CRLF(t, data),
		"utf8 bom crlf":  append([]byte("\xef\xbb\xbf"), bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n"))...),
		"no final break": bytes.TrimSuffix(data, []byte("\n")),
	} {
		t.Run(name, func(t *testing.T) {
			rec, st := parse(t, variant)
			assert.Equal(t, Stats{Lines: 49, Declarations: 1, Rows: 3, BadLines: 2}, st)
			require.Len(t, rec.decls, 1)
			assert.Equal(t, Declaration{
				Index: 0, Line: 3, Nature: "01", Type: "01", Order: "3", Month: "01032024", FileDate: "05042024",
				SIREN: "123456782", APEN: "4711D", NIC: "00010", APET: "4711F", Rows: 3,
			}, rec.decls[0])
			d := rec.decls[0]
			assert.Equal(t, "12345678200010", d.SIRET())
			assert.Equal(t, "4711F", d.NAF(), "APET preferred over APEN")
			assert.Equal(t, "2024-03", d.MonthISO())
			assert.Equal(t, []row{
				// C001: ended 20/03 by the S21.G00.62 that follows its block;
				// hours 151.67 + 10.5 = 162.17 (two S21.G00.51 for C001).
				{0, 15, []string{"295109912611193", "2024-03", "12345678200010", "4711F", "02", "2024-01-01", "2024-06-30", "2024-03-20", "162.17", "C001"}},
				// C002: hours 35 + 0.25 = 35.25; the second S21.G00.51 has no .001
				// but starts again at .010 after .012. The hours of C999 (no such
				// contract) are attributed to nothing.
				{0, 22, []string{"295109912611193", "2024-03", "12345678200010", "4711F", "01", "2024-02-15", "", "", "35.25", "C002"}},
				// Second employee: no remuneration block, hours unknown.
				{0, 42, []string{"253072B07300470", "2024-03", "12345678200010", "4711F", "03", "2024-03-01", "2024-03-31", "", "", "C001"}},
				// Third employee (line 47): no contract, no row.
			}, rec.rows)
			require.Len(t, rec.bads, 2)
			assert.Equal(t, int64(40), rec.bads[0].Line)
			assert.Contains(t, rec.bads[0].Reason, "rubrique S21.G00.40.009 mal formée")
			assert.Equal(t, int64(46), rec.bads[1].Line)
			assert.Contains(t, rec.bads[1].Reason, "ligne trop courte")
		})
	}
	// The column order the test assumes.
	var names []string
	for _, c := range dictionary.DSNExtrait.Columns {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"nir", "mois", "siret_employeur", "code_naf", "nature_contrat", "date_debut_contrat", "date_fin_prevue", "date_fin_reelle", "heures_mois", "id_contrat"}, names)
}

// Written gives the row as the file writes it: dates JJMMAAAA and month
// 01MMAAAA where the fields have them converted, whether they convert to a
// real date (01072024 → 2024-07-01) or not (32072024 → 2024-07-32, which
// validation rejects and quarantine must show as 32072024); the other fields
// are those of Row.
func TestWritten(t *testing.T) {
	data := strings.Join([]string{
		"S20.G00.05.001,'01'",
		"S20.G00.05.002,'01'",
		"S20.G00.05.004,'1'",
		"S20.G00.05.005,'01072024'",
		"S20.G00.05.007,'05082024'",
		"S21.G00.06.001,'123456782'",
		"S21.G00.11.001,'00010'",
		"S21.G00.11.002,'4711F'",
		"S21.G00.30.001,'295109912611193'",
		"S21.G00.40.001,'01072024'", // 10: valid
		"S21.G00.40.007,'01'",
		"S21.G00.40.009,'C1'",
		"S21.G00.40.010,'31122024'",
		"S21.G00.62.001,'15072024'",
		"S21.G00.40.001,'32072024'", // 15: day 32; hours 10.5 + 2 = 12.50 (hundredths)
		"S21.G00.40.007,'02'",
		"S21.G00.40.009,'C2'",
		"S21.G00.40.010,'1/12/2024'",
		"S21.G00.51.010,'C2'",
		"S21.G00.51.012,'10.5'",
		"S21.G00.51.010,'C2'",
		"S21.G00.51.012,'2'",
	}, "\n")
	rec := &recorder{}
	rec.p = NewParser(strings.NewReader(data), rec)
	_, err := rec.p.Parse()
	require.NoError(t, err)
	assert.Equal(t, []row{
		{0, 10, []string{"295109912611193", "2024-07", "12345678200010", "4711F", "01", "2024-07-01", "2024-12-31", "2024-07-15", "", "C1"}},
		{0, 15, []string{"295109912611193", "2024-07", "12345678200010", "4711F", "02", "2024-07-32", "1/12/2024", "", "12.50", "C2"}},
	}, rec.rows)
	assert.Equal(t, [][]string{
		{"295109912611193", "01072024", "12345678200010", "4711F", "01", "01072024", "31122024", "15072024", "", "C1"},
		{"295109912611193", "01072024", "12345678200010", "4711F", "02", "32072024", "1/12/2024", "", "12.50", "C2"},
	}, rec.written)
}

func toCP1252CRLF(t *testing.T, utf8 []byte) []byte {
	s := strings.ReplaceAll(string(utf8), "\n", "\r\n")
	var out []byte
	for _, r := range s {
		switch r {
		case 'É':
			out = append(out, 0xC9)
		case 'é':
			out = append(out, 0xE9)
		case 'è':
			out = append(out, 0xE8)
		default:
			require.Less(t, r, rune(0x80), "add %q to the table", r)
			out = append(out, byte(r))
		}
	}
	return out
}

func TestParseEdgeCases(t *testing.T) {
	data := strings.Join([]string{
		"S21.G00.30.001,'295109912611193'", // 1: employee before any declaration
		"S20.G00.05.001,'02'",              // 2: an event report: skipped
		"S20.G00.05.002,'01'",
		"S21.G00.06.001,'123456782'",
		"S21.G00.11.001,'00010'",
		"S21.G00.30.001,'295109912611193'", // 6: not read
		"S21.G00.40.001,'01012024'",        // 7: not read, not reported
		"",                                 // 8: blank
		"S20.G00.05.001,'01'",              // 9: second declaration, monthly
		"S20.G00.05.002,'04'",
		"S20.G00.05.004,'1'",
		"S20.G00.05.005,'01132024'", // 12: impossible month, passed as written
		"S20.G00.05.007,'01042024'",
		"S21.G00.06.001,'987654324'",
		"S21.G00.06.003,'6201Z'", // no APET: APEN is used
		"S21.G00.11.001,'00027'",
		"S21.G00.40.001,'01012024'",        // 17: contract outside an employee
		"S21.G00.62.001,'01012024'",        // 18: end without a contract
		"S21.G00.30.001,'185077512345608'", // 19
		"S21.G00.40.001,'1/01/2024'",       // 20: bad date passed as written
		"S21.G00.40.009,'K1'",
		"S21.G00.51.010,'K1'",
		"S21.G00.51.012,'1.125'", // three decimals: summed as a float
		"S21.G00.51.001,'01012024'",
		"S21.G00.51.010,'K1'",
		"S21.G00.51.012,'1'",
		"S21.G00.40.001,'02012024'", // 27
		"S21.G00.40.009,'K2'",
		"S21.G00.51.001,'01012024'",
		"S21.G00.51.010,'K2'",
		"S21.G00.51.012,'abc'", // unreadable hours passed as written
		"S21.G00.51.001,'01012024'",
		"S21.G00.51.010,'K2'",
		"S21.G00.51.012,'-3'",
	}, "\n")
	rec, st := parse(t, []byte(data))
	assert.Equal(t, Stats{Lines: 34, Blank: 1, Declarations: 2, Skipped: 1, Rows: 2, BadLines: 3}, st)
	require.Len(t, rec.decls, 2)
	assert.Equal(t, "02", rec.decls[0].Nature)
	assert.False(t, rec.decls[0].Monthly())
	assert.Equal(t, int64(0), rec.decls[0].Rows)
	assert.Equal(t, 1, rec.decls[1].Index)
	assert.Equal(t, "04", rec.decls[1].Type)
	assert.Equal(t, "6201Z", rec.decls[1].NAF())
	assert.Equal(t, "01132024", rec.decls[1].Month)
	assert.Equal(t, []row{
		{1, 20, []string{"185077512345608", "2024-13", "98765432400027", "6201Z", "", "1/01/2024", "", "", "2.125", "K1"}},
		{1, 27, []string{"185077512345608", "2024-13", "98765432400027", "6201Z", "", "2024-01-02", "", "", "abc", "K2"}},
	}, rec.rows)
	assert.Equal(t, []int64{1, 17, 18}, []int64{rec.bads[0].Line, rec.bads[1].Line, rec.bads[2].Line})
	assert.Contains(t, rec.bads[0].Reason, "avant l'en-tête")
	assert.Contains(t, rec.bads[1].Reason, "hors d'un bloc salarié")
	assert.Contains(t, rec.bads[2].Reason, "sans contrat")
}

// A malformed line's reason never quotes its content, which may be a NIR.
func TestBadLineHidesContent(t *testing.T) {
	rec, _ := parse(t, []byte("295109912611193\nS21.G00.30.001,'295109912611193\nS21.G0X.30.001,'295109912611193'\n"))
	require.Len(t, rec.bads, 3)
	for _, b := range rec.bads {
		assert.NotContains(t, b.Reason, "2951099126")
	}
}

// FuzzParse: any input is parsed without panic; rows, bad lines and blank
// lines are consistent with the line count; each row as written converts to
// the row's fields.
func FuzzParse(f *testing.F) {
	seed, err := os.ReadFile("testdata/mensuelle.dsn")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("S20.G00.05.001,'01'\r\nS21.G00.30.001,''\r\nS21.G00.40.001,''\r\nS21.G00.51.012,'x'\r\n"))
	f.Add([]byte("S21.G00.62.001,'01012024'\n\n\nS21.G00.40.001,'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rec := &recorder{}
		rec.p = NewParser(bytes.NewReader(data), rec)
		st, err := rec.p.Parse()
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(rec.rows)) != st.Rows || int64(len(rec.bads)) != st.BadLines || int64(len(rec.decls)) != st.Declarations {
			t.Fatalf("stats %+v disagree with %d rows, %d bad lines, %d declarations", st, len(rec.rows), len(rec.bads), len(rec.decls))
		}
		if st.BadLines+st.Blank > st.Lines {
			t.Fatalf("more bad and blank lines than lines: %+v", st)
		}
		var sum int64
		for _, d := range rec.decls {
			sum += d.Rows
		}
		if sum != st.Rows {
			t.Fatalf("declarations count %d rows, stats %d", sum, st.Rows)
		}
		for _, r := range rec.rows {
			if len(r.Fields) != len(dictionary.DSNExtrait.Columns) || r.Line < 1 || r.Line > st.Lines {
				t.Fatalf("bad row %+v", r)
			}
		}
		for k, r := range rec.rows {
			w := rec.written[k]
			for i, f := range r.Fields {
				conv := w[i]
				switch i {
				case extrait.mois:
					conv = (&Declaration{Month: w[i]}).MonthISO()
				case extrait.start, extrait.plannedEnd, extrait.actualEnd:
					conv = string(appendDate(nil, []byte(w[i])))
				}
				if conv != f {
					t.Fatalf("row %d column %d written %q converts to %q, field is %q", k, i, w[i], conv, f)
				}
			}
		}
	})
}

// The rows follow the feed's columns, whatever their number and order: a
// column added to dsn_extrait (here date_naissance, first, which moves every
// other column one place and makes 11) is left empty, and a column removed
// (code_naf) is not filled. With the fixed array of 10 columns the parser had,
// the 11th column panicked.
func TestLayoutFollowsColumns(t *testing.T) {
	data, err := os.ReadFile("testdata/mensuelle.dsn")
	require.NoError(t, err)
	var columns []dictionary.Column
	columns = append(columns, dictionary.Column{Name: "date_naissance", Kind: dictionary.Date})
	for _, c := range dictionary.DSNExtrait.Columns {
		if c.Name != "code_naf" {
			columns = append(columns, c)
		}
	}
	columns = append(columns, dictionary.Column{Name: "commentaire", Kind: dictionary.Text})
	rec := &recorder{}
	st, err := newParser(bytes.NewReader(data), rec, layoutOf(columns)).Parse()
	require.NoError(t, err)
	assert.Equal(t, int64(3), st.Rows)
	// date_naissance, nir, mois, siret_employeur, nature_contrat, date_debut_contrat, date_fin_prevue,
	// date_fin_reelle, heures_mois, id_contrat, commentaire (as in TestParseMonthly, without code_naf).
	assert.Equal(t, []string{"", "295109912611193", "2024-03", "12345678200010", "02", "2024-01-01", "2024-06-30", "2024-03-20", "162.17", "C001", ""}, rec.rows[0].Fields)
	assert.Equal(t, []string{"", "253072B07300470", "2024-03", "12345678200010", "03", "2024-03-01", "2024-03-31", "", "", "C001", ""}, rec.rows[2].Fields)
	// The feed's own layout: every column known.
	assert.Equal(t, layout{width: 10, nir: 0, mois: 1, siret: 2, naf: 3, nature: 4, start: 5, plannedEnd: 6, actualEnd: 7, hours: 8, contract: 9}, extrait)
}
