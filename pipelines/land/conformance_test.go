package land

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
)

// The conformance suite: every case runs against every CSV feed of the
// dictionary (headers, encodings, every rule, idempotence, crash-safety).

// ruleCase is one bad row: the values changed from the valid row and the
// violations expected (rule, column), all on the row's line.
type ruleCase struct {
	name string
	set  map[string]string
	want [][2]string // {rule, column}
}

// ruleCases derives, from the dictionary, a bad value for every rule each
// column can break, and adds the cross-column constraints of each feed.
func ruleCases(feed *dictionary.Feed) []ruleCase {
	var cs []ruleCase
	add := func(col, value, rule string) {
		cs = append(cs, ruleCase{name: col + "=" + value, set: map[string]string{col: value}, want: [][2]string{{rule, col}}})
	}
	for _, c := range feed.Columns {
		if c.Required {
			add(c.Name, "", dictionary.RuleMissingValue)
		}
		switch c.Kind {
		case dictionary.Date:
			add(c.Name, "2024-02-30", dictionary.RuleBadDate)
			add(c.Name, "30/02/2024", dictionary.RuleBadDate)
		case dictionary.Timestamp:
			add(c.Name, "2024-07-01 25:00:00", dictionary.RuleBadDate)
		case dictionary.Month:
			add(c.Name, "2024-13", dictionary.RuleBadDate)
		case dictionary.Integer:
			add(c.Name, "12a", dictionary.RuleBadNumber)
			if c.Max > 0 {
				add(c.Name, strconv.Itoa(int(c.Max)+1), dictionary.RuleOutOfRange)
			}
		case dictionary.Amount:
			add(c.Name, "1 000,00", dictionary.RuleBadNumber)
			add(c.Name, "12,345", dictionary.RuleBadNumber)
			add(c.Name, "-1", dictionary.RuleOutOfRange)
		case dictionary.Decimal:
			add(c.Name, "1.2.3", dictionary.RuleBadNumber)
			add(c.Name, "-1", dictionary.RuleOutOfRange)
		case dictionary.NIR:
			add(c.Name, "295109912611194", dictionary.RuleBadNIR) // wrong key
			add(c.Name, "395109912611193", dictionary.RuleBadNIR) // wrong first digit
		case dictionary.SIRET:
			add(c.Name, "12345678200011", dictionary.RuleBadSIRET)
		case dictionary.CodeKind:
			add(c.Name, "ZZZ", dictionary.RuleUnknownCode)
		case dictionary.Flag:
			add(c.Name, "X", dictionary.RuleUnknownCode)
		case dictionary.Pattern:
			add(c.Name, "abc", dictionary.RuleBadFormat)
		case dictionary.Text:
			add(c.Name, strings.Repeat("x", c.MaxLen+1), dictionary.RuleOutOfRange)
			add(c.Name, "N-"+nir4, dictionary.RuleBadFormat) // a NIR where it does not belong
		}
	}
	two := func(name string, set map[string]string, rule, col string) {
		cs = append(cs, ruleCase{name: name, set: set, want: [][2]string{{rule, col}}})
	}
	switch feed {
	case dictionary.Dossiers:
		two("fin avant début", map[string]string{"date_fin_prevue": "2024-01-07"}, dictionary.RuleOutOfRange, "date_fin_prevue")
		two("14 ans", map[string]string{"date_naissance": "2009-01-09"}, dictionary.RuleOutOfRange, "date_naissance")
		two("81 ans", map[string]string{"date_naissance": "1942-01-07"}, dictionary.RuleOutOfRange, "date_naissance")
	case dictionary.Evenements:
		two("après transmission", map[string]string{"date_evenement": "2024-07-02"}, dictionary.RuleOutOfRange, "date_evenement")
		two("sortie sans motif", map[string]string{"type_evenement": "SORTIE"}, dictionary.RuleMissingValue, "motif_sortie")
		two("motif hors sortie", map[string]string{"motif_sortie": "FIN"}, dictionary.RuleOutOfRange, "motif_sortie")
		two("certification hors sortie", map[string]string{"certification_obtenue": "O"}, dictionary.RuleOutOfRange, "certification_obtenue")
	case dictionary.Financements:
		two("réalisé sans date", map[string]string{"date_realisation": ""}, dictionary.RuleMissingValue, "date_realisation")
	}
	return cs
}

// keyFor gives the i-th row of a test file a key of its own, so that only
// the planted duplicates are duplicates.
func keyFor(feed string, i int) map[string]string {
	switch feed {
	case "enveloppes":
		if i >= 100 { // the extra rows of some tests: another funder
			return map[string]string{"code_financeur": map[int]string{500: "CDC", 600: "ETAT", 601: "AGEFIPH", 999: "IND"}[i]}
		}
		return map[string]string{"annee": strconv.Itoa(2000 + i)}
	case "dsn_extrait":
		return map[string]string{"id_contrat": "K" + strconv.Itoa(i)}
	}
	return map[string]string{"id_dossier": "C" + strconv.Itoa(i)}
}

type want struct {
	line   int64
	rule   string
	column string
}

// ruleFile builds a delivery of feed: a valid row, every rule case, a bad
// line and a duplicate, and returns the quarantine it must produce.
func ruleFile(feed string) (data []byte, landed int64, read int64, quarantine []want) {
	h := header(feed)
	rows := [][]string{row(feed, keyFor(feed, 0))}
	line := int64(2)
	for i, c := range ruleCases(feedOf(feed)) {
		set := keyFor(feed, i+1)
		for k, v := range c.set {
			set[k] = v
		}
		rows = append(rows, row(feed, set))
		line++
		for _, w := range c.want {
			quarantine = append(quarantine, want{line, w[0], w[1]})
		}
	}
	// A line with one field too few, then the first row again.
	rows = append(rows, row(feed, keyFor(feed, 999))[1:])
	line++
	quarantine = append(quarantine, want{line, dictionary.RuleBadLine, ""})
	rows = append(rows, row(feed, keyFor(feed, 0)))
	line++
	quarantine = append(quarantine, want{line, dictionary.RuleDuplicateInFile, strings.Join(feedOf(feed).Key, ",")})
	var b strings.Builder
	b.WriteString(strings.Join(h, ";") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(r, ";") + "\n")
	}
	return []byte(b.String()), 1, line - 1, quarantine
}

func (e *env) quarantine(file string) []want {
	var out []want
	for _, r := range rows(e.t, e.db(), "SELECT ligne, regle, coalesce(colonne, '') FROM quarantaine WHERE fichier = ? ORDER BY ALL", file) {
		n, _ := strconv.ParseInt(r[0], 10, 64)
		out = append(out, want{n, r[1], r[2]})
	}
	return out
}

func sortWants(ws []want) []want {
	slices.SortFunc(ws, func(a, b want) int {
		return strings.Compare(fmt.Sprintf("%09d %s %s", a.line, a.rule, a.column), fmt.Sprintf("%09d %s %s", b.line, b.rule, b.column))
	})
	return ws
}

func TestConformanceRules(t *testing.T) {
	for _, feed := range dictionary.Feeds() {
		t.Run(feed.Name, func(t *testing.T) {
			e := newEnv(t)
			data, landed, read, wantQ := ruleFile(feed.Name)
			s := e.land(Options{}, e.write(feed.Name+".csv", data))
			f := s.Files[0]
			require.Equal(t, StatusLanded, f.Status, f.Error)
			assert.Equal(t, feed.Name, f.Feed)
			assert.Equal(t, read, f.Read)
			assert.Equal(t, landed, f.Landed)
			assert.Equal(t, read-landed, f.Quarantined)
			assert.Equal(t, sortWants(wantQ), e.quarantine(feed.Name+".csv"))
			n := rows(t, e.db(), "SELECT count(*) FROM "+feed.Name)
			assert.Equal(t, strconv.FormatInt(landed, 10), n[0][0])

			// The manifest says the same.
			ms, err := e.lake.Manifests()
			require.NoError(t, err)
			require.Len(t, ms, 1)
			assert.Equal(t, read, ms[0].Rows.Read)
			assert.Equal(t, landed, ms[0].Rows.Landed)
			assert.Equal(t, f.ByRule, ms[0].Rows.QuarantinedByRule)
			byRule := map[string]int64{}
			for _, w := range wantQ {
				byRule[w.rule]++ // one violation per bad row in this file
			}
			assert.Equal(t, byRule, f.ByRule)
		})
	}
}

func TestConformanceHeaderAndEncodings(t *testing.T) {
	const accented = "Dossier-été-Île-à-Œuvre"
	for _, feed := range dictionary.Feeds() {
		for _, enc := range []string{"utf8", "utf8-bom", "cp1252-crlf", "shuffled-extra"} {
			t.Run(feed.Name+"/"+enc, func(t *testing.T) {
				e := newEnv(t)
				set := map[string]string{}
				if c := textColumn[feed.Name]; c != "" {
					set[c] = accented
				}
				h, r := header(feed.Name), row(feed.Name, set)
				r2 := row(feed.Name, keyFor(feed.Name, 7))
				var data []byte
				switch enc {
				case "utf8":
					data = csvFile(h, r, r2)
				case "utf8-bom":
					data = append([]byte("\xef\xbb\xbf"), csvFile(h, r, r2)...)
				case "cp1252-crlf":
					data = cp1252([]byte(strings.ReplaceAll(string(csvFile(h, r, r2)), "\n", "\r\n")))
				case "shuffled-extra":
					h, r, r2 = slices.Clone(h), slices.Clone(r), slices.Clone(r2)
					slices.Reverse(h)
					slices.Reverse(r)
					slices.Reverse(r2)
					h = append(h, "Commentaire")
					r = append(r, "libre")
					r2 = append(r2, "")
					data = csvFile(h, r, r2)
				}
				s := e.land(Options{}, e.write("f.csv", data))
				f := s.Files[0]
				require.Equal(t, StatusLanded, f.Status, f.Error)
				assert.Equal(t, feed.Name, f.Feed, "feed detected from the header")
				assert.Equal(t, int64(2), f.Landed, "%+v", f)
				if enc == "shuffled-extra" {
					assert.Equal(t, []string{"commentaire"}, f.Extra)
				} else {
					assert.Empty(t, f.Extra)
				}
				wantEnc := map[string]string{"utf8": "UTF-8", "utf8-bom": "UTF-8 (BOM)", "cp1252-crlf": "Windows-1252", "shuffled-extra": "UTF-8"}[enc]
				if textColumn[feed.Name] == "" && enc == "cp1252-crlf" {
					wantEnc = "UTF-8" // nothing but ASCII: indistinguishable, and equivalent
				}
				assert.Equal(t, wantEnc, f.Encoding)
				if c := textColumn[feed.Name]; c != "" {
					got := rows(t, e.db(), "SELECT "+c+" FROM "+feed.Name+" WHERE _ligne = 2")
					assert.Equal(t, [][]string{{accented}}, got, "accents preserved")
				}
			})
		}
	}
}

// cp1252 encodes UTF-8 text in Windows-1252 (the characters the tests use).
func cp1252(b []byte) []byte {
	table := map[rune]byte{'é': 0xE9, 'Î': 0xCE, 'à': 0xE0, 'Œ': 0x8C, 'É': 0xC9, 'è': 0xE8}
	var out []byte
	for _, r := range string(b) {
		if r < 0x80 {
			out = append(out, byte(r))
		} else if c, ok := table[r]; ok {
			out = append(out, c)
		} else {
			panic(fmt.Sprintf("no Windows-1252 byte for %q in the test table", r))
		}
	}
	return out
}

func TestConformanceIdempotence(t *testing.T) {
	for _, feed := range dictionary.Feeds() {
		t.Run(feed.Name, func(t *testing.T) {
			e := newEnv(t)
			data, _, _, _ := ruleFile(feed.Name)
			p := e.write(feed.Name+".csv", data)
			first := e.land(Options{}, p)
			require.Equal(t, StatusLanded, first.Files[0].Status)
			before := e.lakeFiles()
			again := e.land(Options{}, p)
			f := again.Files[0]
			assert.Equal(t, StatusAlready, f.Status)
			assert.Equal(t, first.Files[0].Manifest, f.Manifest)
			assert.Zero(t, f.Read+f.Landed+f.Quarantined)
			assert.Equal(t, before, e.lakeFiles(), "nothing changed in the lake")

			// The same bytes under another name are the same delivery.
			assert.Equal(t, StatusAlready, e.land(Options{}, e.write("copie/"+feed.Name+".csv", data)).Files[0].Status)
			// A later transmission (other bytes) lands beside the first: history stays.
			later := append(slices.Clone(data), []byte(strings.Join(row(feed.Name, keyFor(feed.Name, 500)), ";")+"\n")...)
			s := e.land(Options{}, e.write("suite/"+feed.Name+".csv", later))
			require.Equal(t, StatusLanded, s.Files[0].Status)
			assert.Equal(t, first.Files[0].Landed+1, s.Files[0].Landed)
			n := rows(t, e.db(), "SELECT count(*), count(DISTINCT _landing) FROM "+feed.Name)
			assert.Equal(t, [][]string{{strconv.FormatInt(2*first.Files[0].Landed+1, 10), "2"}}, n)
			// _landing sorts the landings in the order they were made.
			l := rows(t, e.db(), "SELECT DISTINCT _landing FROM "+feed.Name+" ORDER BY 1")
			assert.True(t, strings.HasSuffix(l[0][0], tokenOf(first.Files[0].Manifest)), l)
			assert.True(t, strings.HasSuffix(l[1][0], tokenOf(s.Files[0].Manifest)), l)
		})
	}
}

// Crash-safety with failpoints: a landing stopped at any point leaves nothing
// visible, and landing again completes with the right counts.
func TestConformanceFailpoints(t *testing.T) {
	points := []string{"parquet:quarantaine", "parquet:1", "parquet:2", "commit"}
	for _, feed := range dictionary.Feeds() {
		for _, point := range points {
			t.Run(feed.Name+"/"+point, func(t *testing.T) {
				e := newEnv(t)
				data, landed, read, _ := ruleFile(feed.Name)
				// Two valid rows per Parquet file: several files per dataset.
				more := strings.Join(row(feed.Name, keyFor(feed.Name, 600)), ";") + "\n" + strings.Join(row(feed.Name, keyFor(feed.Name, 601)), ";") + "\n"
				data = append(data, more...)
				landed, read = landed+2, read+2
				p := e.write(feed.Name+".csv", data)
				setFailpoint(t, point, feed.Name)
				s, err := Run(t.Context(), e.lake, e.key, []string{p}, Options{PartRows: 2})
				require.NoError(t, err)
				f := s.Files[0]
				require.Equal(t, StatusFailed, f.Status)
				assert.Contains(t, f.Error, "panne simulée")
				assert.Contains(t, f.Error, "relancez")
				ms, err := e.lake.Manifests()
				require.NoError(t, err)
				assert.Empty(t, ms, "no manifest")
				assert.Empty(t, parquetFiles(e), "aborted files removed")

				failpoint = nil
				s = e.land(Options{PartRows: 2}, p)
				f = s.Files[0]
				require.Equal(t, StatusLanded, f.Status, f.Error)
				assert.Equal(t, read, f.Read)
				assert.Equal(t, landed, f.Landed)
				n := rows(t, e.db(), "SELECT count(*) FROM "+feed.Name)
				assert.Equal(t, strconv.FormatInt(landed, 10), n[0][0])
			})
		}
	}
}

var errCrash = errors.New("panne simulée")

// setFailpoint makes the landing fail at a point: "parquet:N" fails the N-th
// Parquet file of the feed's dataset, others fail at the first hit.
func setFailpoint(t *testing.T, point, dataset string) {
	n := 0
	failpoint = func(p string) error {
		switch {
		case strings.HasPrefix(point, "parquet:") && point != "parquet:quarantaine":
			if p == "parquet:"+dataset {
				n++
				if strconv.Itoa(n) == strings.TrimPrefix(point, "parquet:") {
					return errCrash
				}
			}
		case p == point:
			return errCrash
		}
		return nil
	}
	t.Cleanup(func() { failpoint = nil })
}

func parquetFiles(e *env) []string {
	var out []string
	for _, f := range e.lakeFiles() {
		if strings.HasSuffix(f, ".parquet") {
			out = append(out, f)
		}
	}
	return out
}

// Two files of one feed landed in one run: one transaction, whose sources are
// in the lexical order of the paths whatever the order of the arguments, and
// whose rows (quarantine included) carry that ordinal in _source.
func TestConformanceSourceOrder(t *testing.T) {
	for _, feed := range dictionary.Feeds() {
		t.Run(feed.Name, func(t *testing.T) {
			e := newEnv(t)
			// a.csv: two valid rows and a bad one (line 4); b.csv: one valid row.
			bad := row(feed.Name, keyFor(feed.Name, 2))[1:] // one field too few
			a := e.write("a.csv", append(csvFile(header(feed.Name), row(feed.Name, keyFor(feed.Name, 0)), row(feed.Name, keyFor(feed.Name, 1))),
				[]byte(strings.Join(bad, ";")+"\n")...))
			b := e.write("b.csv", csvFile(header(feed.Name), row(feed.Name, keyFor(feed.Name, 0))))
			s := e.land(Options{}, b, a) // arguments in reverse order
			require.Len(t, s.Files, 2)
			assert.Equal(t, []string{"a.csv", "b.csv"}, []string{s.Files[0].Name, s.Files[1].Name}, "files in path order")
			require.Equal(t, s.Files[0].Manifest, s.Files[1].Manifest, "one transaction")

			ms, err := e.lake.Manifests()
			require.NoError(t, err)
			require.Len(t, ms, 1)
			require.Len(t, ms[0].Sources, 2)
			assert.Equal(t, "a.csv", ms[0].Sources[0].Name)
			assert.Equal(t, int64(2), ms[0].Sources[0].Rows.Landed)
			assert.Equal(t, "b.csv", ms[0].Sources[1].Name)
			assert.Equal(t, int64(1), ms[0].Sources[1].Rows.Landed)

			db := e.db()
			assert.Equal(t, [][]string{{"1", "2", "1"}, {"1", "3", "1"}, {"2", "2", "1"}},
				rows(t, db, "SELECT _source, _ligne, count(DISTINCT _landing) FROM "+feed.Name+" GROUP BY ALL ORDER BY ALL"))
			assert.Equal(t, [][]string{{"a.csv", "1", "4"}},
				rows(t, db, "SELECT fichier, _source, ligne FROM quarantaine ORDER BY ALL"))
		})
	}
}

// NEODeS files are numbered too, in dsn_extrait and dsn_declarations; and the
// transactions of one run get _landing values in the order of their first
// file, whichever worker starts first.
func TestSourceOrderNEODeSAndTransactions(t *testing.T) {
	e := newEnv(t)
	data, err := os.ReadFile("../dsn/testdata/mensuelle.dsn")
	require.NoError(t, err)
	paths := []string{
		e.write("1-dossiers.csv", csvFile(header("dossiers"), row("dossiers", nil))),
		e.write("2-evenements.csv", csvFile(header("evenements"), row("evenements", nil))),
		e.write("3-dossiers.csv", csvFile(header("dossiers"), row("dossiers", keyFor("dossiers", 1)))),
		e.write("4-enveloppes.csv", csvFile(header("enveloppes"), row("enveloppes", nil))),
		e.write("5-mensuelle.dsn", data),
	}
	for range 3 { // the order must not depend on the workers' timing
		e := newEnv(t)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			e.write(filepath.Base(p), b)
		}
		s := e.land(Options{Workers: 2}, e.in)
		require.Equal(t, 5, s.Count(StatusLanded), "%+v", s)
		db := e.db()
		got := rows(t, db, `SELECT ds, _source FROM (
			SELECT 'dossiers' AS ds, _landing, _source FROM dossiers
			UNION ALL SELECT 'evenements', _landing, _source FROM evenements
			UNION ALL SELECT 'enveloppes', _landing, _source FROM enveloppes
			UNION ALL SELECT 'dsn_extrait', _landing, _source FROM dsn_extrait
			UNION ALL SELECT 'dsn_declarations', _landing, _source FROM dsn_declarations)
			GROUP BY ALL ORDER BY min(_landing), _source, ds`)
		// Batches: dossiers {1, 3} (first file 0), evenements {2} (1),
		// enveloppes {4} (3), NEODeS {5} (4).
		assert.Equal(t, [][]string{{"dossiers", "1"}, {"dossiers", "2"}, {"evenements", "1"}, {"enveloppes", "1"},
			{"dsn_declarations", "1"}, {"dsn_extrait", "1"}}, got)
	}
}
