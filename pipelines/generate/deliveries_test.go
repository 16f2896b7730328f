package generate

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/agora-formation/agora/dictionary"
)

// This file reads generated deliveries the way a landing would, with a minimal
// CSV reader (the real one lives in pipelines/delivery): encoding detection,
// ';' separator, header mapping, dictionary validation and the in-file rules.

// generated runs a generation once per option set for the whole test binary.
var (
	genMu    sync.Mutex
	genCache = map[Options]string{}
)

func generated(t testing.TB, opt Options) string {
	t.Helper()
	genMu.Lock()
	defer genMu.Unlock()
	key := opt
	key.Out = ""
	if dir, ok := genCache[key]; ok {
		return dir
	}
	base, err := os.MkdirTemp("", "agora-generate-test-")
	require.NoError(t, err)
	opt.Out = filepath.Join(base, "livraisons")
	_, err = Run(context.Background(), opt, nil)
	require.NoError(t, err)
	genCache[key] = opt.Out
	return opt.Out
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, dir := range genCache {
		os.RemoveAll(filepath.Dir(dir))
	}
	os.Exit(code)
}

func smallOptions(n int, seed uint64) Options {
	o := DefaultOptions()
	o.Dossiers, o.Seed = n, seed
	return o
}

// decode returns a delivery's text as UTF-8, with its encoding.
func decode(b []byte) (string, string) {
	if bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}) {
		return string(b[3:]), "utf-8-bom"
	}
	if utf8.Valid(b) {
		return string(b), "utf-8"
	}
	s, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(s), "windows-1252"
}

// csvRow is a data row of a delivery with its line number (1 = header).
type csvRow struct {
	line   int
	fields []string
}

// readCSV reads a delivery: its feed, header and rows.
func readCSV(t testing.TB, path string) (*dictionary.Feed, []string, []csvRow, string) {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	text, enc := decode(b)
	r := csv.NewReader(strings.NewReader(text))
	r.Comma, r.LazyQuotes, r.FieldsPerRecord = ';', true, -1
	header, err := r.Read()
	require.NoError(t, err, path)
	feed, err := dictionary.DetectFeed(header)
	require.NoError(t, err, path)
	var rows []csvRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		require.NoError(t, err, path)
		line, _ := r.FieldPos(0)
		rows = append(rows, csvRow{line: line, fields: rec})
	}
	return feed, header, rows, enc
}

// aligned returns a row's fields in the feed's column order.
func aligned(feed *dictionary.Feed, header []string, rec []string) []string {
	out := make([]string, len(feed.Columns))
	for j, h := range header {
		if i := feed.Index(strings.TrimSpace(h)); i >= 0 {
			out[i] = rec[j]
		}
	}
	return out
}

// finding is a rejected row as a landing would report it.
type finding struct {
	File   string `json:"fichier"`
	Line   int64  `json:"ligne"`
	Rule   string `json:"regle"`
	Column string `json:"colonne"`
}

// validRow is a row that passes every rule, with its parsed record.
type validRow struct {
	line   int
	fields []string
	rec    dictionary.Record
}

// validate applies the dictionary to a delivery and returns the rejected rows
// and the valid ones. A rejected row must break exactly one rule.
func validate(t testing.TB, root, rel string) (*dictionary.Feed, []finding, []validRow) {
	t.Helper()
	feed, header, rows, _ := readCSV(t, filepath.Join(root, rel))
	var bad []finding
	var good []validRow
	seen := map[string]bool{}
	type sortie struct {
		line int
		day  string
	}
	entries := map[string]string{} // dossier → earliest entry date (ISO)
	var exits []struct {
		key string
		sortie
	}
	for _, row := range rows {
		if len(row.fields) != len(header) {
			bad = append(bad, finding{rel, int64(row.line), dictionary.RuleBadLine, ""})
			continue
		}
		fields := aligned(feed, header, row.fields)
		rec, vs := feed.Parse(fields, nil)
		if len(vs) > 0 {
			assert.Len(t, vs, 1, "%s:%d breaks more than one rule: %v", rel, row.line, vs)
			bad = append(bad, finding{rel, int64(row.line), vs[0].Rule, vs[0].Column})
			continue
		}
		var kb strings.Builder
		for _, k := range feed.Key {
			kb.WriteString(strings.TrimSpace(fields[feed.Index(k)]))
			kb.WriteByte(0)
		}
		if seen[kb.String()] {
			bad = append(bad, finding{rel, int64(row.line), dictionary.RuleDuplicateInFile, ""})
			continue
		}
		seen[kb.String()] = true
		if feed == dictionary.Evenements {
			dossier := fields[0] + "\x00" + fields[1]
			day := feed.Get(rec, "date_evenement").Time.Format("2006-01-02")
			switch fields[feed.Index("type_evenement")] {
			case "ENTREE":
				if e, ok := entries[dossier]; !ok || day < e {
					entries[dossier] = day
				}
			case "SORTIE":
				exits = append(exits, struct {
					key string
					sortie
				}{dossier, sortie{row.line, day}})
			}
		}
		good = append(good, validRow{line: row.line, fields: fields, rec: append(dictionary.Record(nil), rec...)})
	}
	if len(exits) > 0 {
		badLines := map[int]bool{}
		for _, x := range exits {
			if e, ok := entries[x.key]; ok && x.day < e {
				bad = append(bad, finding{rel, int64(x.line), dictionary.RuleExitBeforeEntry, "date_evenement"})
				badLines[x.line] = true
			}
		}
		kept := good[:0]
		for _, g := range good {
			if !badLines[g.line] {
				kept = append(kept, g)
			}
		}
		good = kept
	}
	return feed, bad, good
}

// deliveries lists the delivery files of a generation (relative paths, sorted).
func deliveries(t testing.TB, root, ext string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ext) {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	}))
	sort.Strings(out)
	return out
}

func readTruth(t testing.TB, root string) Truth {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, TruthFile))
	require.NoError(t, err)
	var tr Truth
	require.NoError(t, json.Unmarshal(b, &tr))
	return tr
}

func hashTree(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	require.NoError(t, filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(root, p)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	}))
	return out
}

func TestDeterminism(t *testing.T) {
	opt := smallOptions(2000, 1)
	a := hashTree(t, generated(t, opt))
	dir := t.TempDir()
	opt.Out = filepath.Join(dir, "b")
	opt.Workers = 1 // another worker count must not change a byte
	opt.BufferMiB = 1
	_, err := Run(context.Background(), opt, nil)
	require.NoError(t, err)
	b := hashTree(t, opt.Out)
	require.Greater(t, len(a), 100)
	assert.Equal(t, a, b, "same seed and flags must give byte-identical files")

	c := hashTree(t, generated(t, smallOptions(2000, 2)))
	same := 0
	for k, v := range c {
		if a[k] == v {
			same++
		}
	}
	assert.Less(t, same, len(c)/10, "another seed must give other files (%d identical of %d)", same, len(c))
	assert.NotEqual(t, a[TruthFile], c[TruthFile])
}

func TestEveryRowValidExceptPlantedDefects(t *testing.T) {
	opt := smallOptions(3000, 5)
	opt.DefectRate = .01
	root := generated(t, opt)
	tr := readTruth(t, root)
	want := map[finding]bool{}
	for _, d := range tr.Defects {
		if strings.HasSuffix(d.File, ".csv") {
			want[finding{d.File, d.Line, d.Rule, d.Column}] = true
		}
	}
	got := map[finding]bool{}
	rules := map[string]int{}
	encodings := map[string]int{}
	rows := 0
	for _, rel := range deliveries(t, root, ".csv") {
		_, bad, good := validate(t, root, rel)
		rows += len(good) + len(bad)
		for _, f := range bad {
			got[f] = true
			rules[f.Rule]++
		}
		b, _ := os.ReadFile(filepath.Join(root, rel))
		_, enc := decode(b)
		encodings[enc]++
	}
	for f := range want {
		assert.True(t, got[f], "planted defect not found: %+v", f)
	}
	for f := range got {
		assert.True(t, want[f], "row rejected but not planted: %+v", f)
	}
	t.Logf("%d rows, %d defects by rule %v, files by encoding %v", rows, len(got), rules, encodings)
	for _, r := range []string{dictionary.RuleBadNIR, dictionary.RuleBadSIRET, dictionary.RuleBadDate, dictionary.RuleUnknownCode,
		dictionary.RuleExitBeforeEntry, dictionary.RuleDuplicateInFile, dictionary.RuleBadLine, dictionary.RuleOutOfRange,
		dictionary.RuleMissingValue, dictionary.RuleBadNumber} {
		assert.Positive(t, rules[r], "no %s planted", r)
	}
	for _, e := range []string{"utf-8", "utf-8-bom", "windows-1252"} {
		assert.Positive(t, encodings[e], "no file in %s", e)
	}
	// rate: about 1% of rows get a defect
	assert.InDelta(t, .01, float64(len(got))/float64(rows), .003)
}

var rubric = regexp.MustCompile(`^S\d{2}\.G\d{2}\.\d{2}\.\d{3},'.*'$`)

func TestNEODeSWellFormed(t *testing.T) {
	opt := smallOptions(3000, 5)
	opt.DefectRate = .01
	root := generated(t, opt)
	tr := readTruth(t, root)
	planted := map[string]map[int64]bool{}
	for _, d := range tr.Defects {
		if strings.HasSuffix(d.File, ".dsn") {
			require.Equal(t, dictionary.RuleBadDSNLine, d.Rule)
			if planted[d.File] == nil {
				planted[d.File] = map[int64]bool{}
			}
			planted[d.File][d.Line] = true
		}
	}
	files := deliveries(t, root, ".dsn")
	require.Greater(t, len(files), 100)
	types := map[string]int{}
	malformed := 0
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(root, rel))
		require.NoError(t, err)
		text, _ := decode(b)
		crlf := strings.Contains(text, "\r\n")
		sc := bufio.NewScanner(strings.NewReader(text))
		n := int64(0)
		var total string
		for sc.Scan() {
			n++
			line := sc.Text()
			if crlf {
				line = strings.TrimSuffix(line, "\r")
			}
			if !rubric.MatchString(line) {
				assert.True(t, planted[rel][n], "%s:%d is not a rubric: %q", rel, n, line)
				malformed++
				continue
			}
			assert.False(t, planted[rel][n], "%s:%d is listed as malformed", rel, n)
			if strings.HasPrefix(line, "S20.G00.05.002,") {
				types[line[16:18]]++
			}
			if strings.HasPrefix(line, "S90.G00.90.001,") {
				total = strings.Trim(line[15:], "'")
			}
		}
		assert.Equal(t, total, itoa(n), "%s: S90.G00.90.001 must count every line", rel)
		// file name: <siret>_<AAAAMM>_<n>.dsn
		assert.Regexp(t, `^dsn/\d{14}_\d{6}_\d\.dsn$`, rel)
	}
	assert.Equal(t, len(flattenLines(planted)), malformed)
	for _, ty := range []string{"01", "02", "03", "04", "05"} {
		assert.Positive(t, types[ty], "no declaration of type %s", ty)
	}
	t.Logf("%d NEODeS files, types %v, %d malformed lines", len(files), types, malformed)
}

func flattenLines(m map[string]map[int64]bool) []string {
	var out []string
	for f, ls := range m {
		for l := range ls {
			out = append(out, f+":"+itoa(l))
		}
	}
	return out
}

func itoa(n int64) string { return string(appendInt(nil, n)) }

func appendInt(b []byte, n int64) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

func TestEdgeOptionsStayValid(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Options)
	}{
		{"earliest coverage", func(o *Options) { o.Coverage = MonthOf(2020, 1) }},
		{"far coverage", func(o *Options) { o.Coverage = MonthOf(2031, 6) }},
		{"NEODeS only", func(o *Options) { o.DSNFormat = DSNNEODeS }},
		{"no defects", func(o *Options) { o.DefectRate = 0 }},
		{"one dossier", func(o *Options) { o.Dossiers = 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := smallOptions(400, 21)
			tt.edit(&opt)
			opt.Out = filepath.Join(t.TempDir(), "gen")
			sum, err := Run(t.Context(), opt, nil)
			require.NoError(t, err)
			assert.Equal(t, int64(opt.Dossiers), sum.Dossiers)
			planted := map[finding]bool{}
			for _, d := range readTruth(t, opt.Out).Defects {
				planted[finding{d.File, d.Line, d.Rule, d.Column}] = true
			}
			for _, rel := range deliveries(t, opt.Out, ".csv") {
				_, bad, _ := validate(t, opt.Out, rel)
				for _, f := range bad {
					assert.True(t, planted[f], "unplanted rejection %+v", f)
				}
			}
			if opt.DefectRate == 0 {
				assert.Zero(t, sum.Defects)
			}
		})
	}
}
