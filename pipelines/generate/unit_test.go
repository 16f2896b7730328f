package generate

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"

	"github.com/agora-formation/agora/dictionary"
)

func TestCalendarMatchesTime(t *testing.T) {
	// every day from 1900 to 2100 round-trips and agrees with package time
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 73049; d += 7 {
		tt := start.AddDate(0, 0, d)
		day := DayOf(tt.Year(), int(tt.Month()), tt.Day())
		require.Equal(t, Day(tt.Unix()/86400), day, tt)
		y, m, dd := day.Civil()
		require.Equal(t, []int{tt.Year(), int(tt.Month()), tt.Day()}, []int{y, m, dd})
	}
	tests := []struct {
		m          Month
		first, end string
		days       int
	}{
		{MonthOf(2024, 2), "2024-02-01", "2024-02-29", 29}, // leap year
		{MonthOf(2023, 2), "2023-02-01", "2023-02-28", 28},
		{MonthOf(2025, 12), "2025-12-01", "2025-12-31", 31},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.first, tt.m.First().String())
		assert.Equal(t, tt.end, tt.m.Last().String())
		assert.Equal(t, tt.days, tt.m.Days())
	}
	assert.Equal(t, "2024-02-29", addMonths(DayOf(2023, 11, 30), 3).String(), "day clamped to the month's end")
	assert.Equal(t, "31/01/2025", string(appendFR(nil, DayOf(2025, 1, 31))))
	assert.Equal(t, "2025-01-31T08:05:09", string(appendTimestamp(nil, DayOf(2025, 1, 31), 8*3600+5*60+9)))
	m, ok := ParseMonth("2025-12")
	assert.True(t, ok)
	assert.Equal(t, MonthOf(2025, 12), m)
	for _, bad := range []string{"2025-13", "2025-00", "25-12", "2025/12", ""} {
		_, ok := ParseMonth(bad)
		assert.False(t, ok, bad)
	}
}

// Phantom NIRs (birth month 99, no trainee's) are valid: their key is
// dictionary.NIRKey's, as every generated NIR's.
func TestPhantomNIR(t *testing.T) {
	for _, h := range []uint64{0, 1, 12345, 1 << 40, 1<<64 - 1} {
		nir := phantomNIR(h)
		assert.True(t, dictionary.ValidNIR(nir), nir)
		assert.Equal(t, "99", nir[3:5], nir)
	}
}

func TestNIRUniqueAndWellFormed(t *testing.T) {
	opt := smallOptions(50000, 3)
	opt.Out = "unused"
	g := &generator{opt: opt, w: newWorld(opt), cells: newNIRCells()}
	r := newRnd()
	seen := map[[15]byte]bool{}
	var id identity
	for i := int64(0); i < 30000; i++ {
		g.drawIdentity(r, i, 3, &id)
		require.NoError(t, g.assignNIR(r, &id))
		nir := string(id.nir[:])
		require.True(t, dictionary.ValidNIR(nir), nir)
		require.False(t, seen[id.nir], "NIR handed out twice: %s", nir)
		seen[id.nir] = true
		y, m, _ := id.birth.Civil()
		sex := int(nir[0] - '0')
		if sex > 2 {
			sex -= 6
		}
		assert.Equal(t, id.sex, sex)
		assert.Equal(t, string(append2(nil, y%100)), nir[1:3])
		assert.Equal(t, string(append2(nil, m)), nir[3:5])
	}
}

func TestFullCellsStillGiveUniqueNIRs(t *testing.T) {
	// A cell of persons born abroad holds 999 numbers: the next ones move to the
	// fictitious months 20-31 and stay valid and unique.
	opt := smallOptions(10, 1)
	g := &generator{opt: opt, w: newWorld(opt), cells: newNIRCells()}
	seen := map[string]bool{}
	var nir [15]byte
	for i := 0; i < 1500; i++ {
		require.NoError(t, g.number(2, 1990, 5, placeByCode["99352"], &nir))
		n := string(nir[:])
		require.True(t, dictionary.ValidNIR(n), n)
		require.False(t, seen[n], n)
		seen[n] = true
		if i < 999 {
			assert.Equal(t, "2900599352", n[:10])
		} else {
			assert.Equal(t, "2902499352", n[:10], "month 24 = 20 + (5 - 1) once May is full")
		}
	}
}

func TestCSVQuotingRoundTrip(t *testing.T) {
	styles := []style{{}, {quoteAll: true}, {cp1252: true, crlf: true, frDates: true, comma: true}}
	values := []string{"simple", "avec;point-virgule", `guillemet "double"`, "accentué É", "", "fin\"", `;"`}
	for _, st := range styles {
		st := st
		var r row
		r.reset(feedEnveloppes, &st)
		for i, v := range values[:5] {
			r.str(i, v)
		}
		line := r.line(nil)
		enc := st.encode(nil, line)
		text := string(enc)
		if st.cp1252 {
			b, err := charmap.Windows1252.NewDecoder().Bytes(enc)
			require.NoError(t, err)
			text = string(b)
			assert.True(t, strings.HasSuffix(text, "\r\n"))
		}
		rd := csv.NewReader(strings.NewReader(text))
		rd.Comma = ';'
		rec, err := rd.Read()
		require.NoError(t, err, text)
		assert.Equal(t, values[:5], rec, "style %+v: %q", st, text)
	}
}

func FuzzCSVField(f *testing.F) {
	for _, s := range []string{"a", "a;b", `"`, `x"y`, "é", "\r\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8Valid(s) || strings.ContainsAny(s, "\r\n") {
			return // fields never hold line breaks
		}
		st := style{quoteAll: len(s)%2 == 0}
		var r row
		r.reset(feedEnveloppes, &st)
		r.str(0, s)
		r.str(1, "x")
		rd := csv.NewReader(bytes.NewReader(r.line(nil)))
		rd.Comma = ';'
		rd.FieldsPerRecord = -1
		rec, err := rd.Read()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if len(rec) < 2 || rec[0] != s {
			t.Fatalf("%q read back as %q", s, rec)
		}
	})
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestTruncatedLineHasFewerFields(t *testing.T) {
	st := style{quoteAll: true}
	var r row
	r.reset(feedEnveloppes, &st)
	for i, v := range []string{"REG-11", "PRF", "2024", "12000.00", "2024-01-15T10:00:00"} {
		r.str(i, v)
	}
	line := r.line(nil)
	for j := 1; j <= 3; j++ {
		cut := r.truncate(append([]byte(nil), line...), j)
		rd := csv.NewReader(bytes.NewReader(cut))
		rd.Comma, rd.LazyQuotes, rd.FieldsPerRecord = ';', true, -1
		rec, err := rd.Read()
		require.NoError(t, err, string(cut))
		assert.Less(t, len(rec), 5, string(cut))
		assert.True(t, bytes.HasSuffix(cut, []byte("\n")))
	}
}

func TestFileSetKeepsAppendOrderUnderTinyBudget(t *testing.T) {
	dir := t.TempDir()
	s := newFileSet(dir, 10<<10) // 10 KiB: evicts all the time
	s.create = func(key fileKey, f *outFile) { f.rel = "f" + itoa(int64(key.b)) }
	want := map[string]*bytes.Buffer{}
	r := newRnd()
	r.reseed(1, 2, 3)
	for i := 0; i < 20000; i++ {
		k := r.IntN(300) // more files than open descriptors
		line := bytes.Repeat([]byte{byte('a' + k%26)}, 1+r.IntN(200))
		if i%997 == 0 {
			line = bytes.Repeat([]byte{'Z'}, 70<<10) // bigger than a middle buffer
		}
		line = append(line, '\n')
		s.add(fileKey{kind: kindCSV, b: int32(k)}, line, 1)
		name := "f" + itoa(int64(k))
		if want[name] == nil {
			want[name] = &bytes.Buffer{}
		}
		want[name].Write(line)
	}
	s.close()
	require.NoError(t, s.err)
	for name, b := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		require.Equal(t, b.Len(), len(got), name)
		require.True(t, bytes.Equal(b.Bytes(), got), name)
	}
	assert.LessOrEqual(t, s.held, 10<<10)
}

func TestOptionsValidate(t *testing.T) {
	ok := DefaultOptions()
	ok.Out = "x"
	require.NoError(t, ok.Validate())
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"no dossiers", func(o *Options) { o.Dossiers = 0 }, "nombre de dossiers"},
		{"no output", func(o *Options) { o.Out = "" }, "--out"},
		{"bad format", func(o *Options) { o.DSNFormat = "xml" }, "format DSN"},
		{"coverage too early", func(o *Options) { o.Coverage = MonthOf(2019, 6) }, "couverture"},
		{"rate too high", func(o *Options) { o.DefectRate = .5 }, "défauts"},
	}
	for _, tt := range tests {
		o := ok
		tt.edit(&o)
		err := o.Validate()
		require.Error(t, err, tt.name)
		assert.Contains(t, err.Error(), tt.want, tt.name)
	}
}

func TestRunRefusesAForeignFolder(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("à garder"), 0o644))
	opt := smallOptions(10, 1)
	opt.Out = dir
	opt.Overwrite = true
	_, err := Run(t.Context(), opt, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "n'est pas vide")
	b, _ := os.ReadFile(filepath.Join(dir, "notes.txt"))
	assert.Equal(t, "à garder", string(b))

	opt.Out = filepath.Join(t.TempDir(), "gen")
	_, err = Run(t.Context(), opt, nil)
	require.NoError(t, err)
	opt.Overwrite = false
	_, err = Run(t.Context(), opt, nil)
	require.ErrorContains(t, err, "--force")
	opt.Overwrite = true
	_, err = Run(t.Context(), opt, nil)
	require.NoError(t, err)
	_, err = os.Stat(opt.Out + ".partiel")
	assert.True(t, os.IsNotExist(err), "no partial folder left")
}

func TestCancelledRunLeavesNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	opt := smallOptions(5000, 1)
	opt.Out = filepath.Join(t.TempDir(), "gen")
	_, err := Run(ctx, opt, nil)
	require.Error(t, err)
	_, err = os.Stat(opt.Out)
	assert.True(t, os.IsNotExist(err))
	_, err = os.Stat(opt.Out + ".partiel")
	assert.True(t, os.IsNotExist(err))
}
