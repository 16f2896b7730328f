package lake

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/usage"
)

// allKinds has a column of every kind agora writes.
type allKinds struct {
	Text     string     `parquet:"text"`
	Code     string     `parquet:"code,dict"`
	OptText  *string    `parquet:"opt_text,optional"`
	OptCode  *string    `parquet:"opt_code,optional,dict"`
	Int      int32      `parquet:"int"`
	Small    int16      `parquet:"small,int(16)"`
	OptInt   *int64     `parquet:"opt_int,optional"`
	Float    *float64   `parquet:"float,optional"`
	Cents    int64      `parquet:"cents,decimal(2:18)"`
	OptCents *int64     `parquet:"opt_cents,optional,decimal(2:18)"`
	Bool     *bool      `parquet:"flag,optional"`
	Day      Date       `parquet:"day,date"`
	OptDay   *Date      `parquet:"opt_day,optional,date"`
	At       time.Time  `parquet:"at,timestamp(microsecond:local)"`
	AtUTC    *time.Time `parquet:"at_utc,optional,timestamp(microsecond)"`
	Pseudo   [16]byte   `parquet:"pseudo,uuid"`
}

func ptr[T any](v T) *T { return &v }

func openDuckDB(t testing.TB) *sql.DB {
	t.Helper()
	db, err := sql.Open("duckdb", "?autoinstall_known_extensions=false&autoload_known_extensions=false")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func TestParquetColumnsAsDuckDBReadsThem(t *testing.T) {
	day := NewDate(2024, 3, 15)
	at := time.Date(2024, 4, 2, 13, 45, 30, 123456000, time.UTC)
	pseudo := [16]byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}
	rows := []allKinds{
		{
			Text: "Évry-Courcouronnes", Code: "CPF", OptText: ptr("présent"), OptCode: ptr("x"),
			Int: 42, Small: -7, OptInt: ptr(int64(1) << 40), Float: ptr(151.5),
			Cents: 123456, OptCents: ptr(int64(-5)), Bool: ptr(true),
			Day: day, OptDay: ptr(day + 1), At: at, AtUTC: ptr(at), Pseudo: pseudo,
		},
		{Text: "", Code: "AIF", Day: 0, At: time.Unix(0, 0).UTC()},
	}
	path := filepath.Join(t.TempDir(), "l'eau", "kinds.parquet") // a quote in the path
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	w, err := CreateParquet[allKinds](path, WriteOptions{Metadata: map[string]string{"agora.feed": "test"}})
	require.NoError(t, err)
	n, err := w.Write(rows)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, int64(2), w.Rows())
	assert.NoFileExists(t, path, "invisible until Close")
	require.NoError(t, w.Close())
	entries, err := os.ReadDir(filepath.Dir(path))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")

	db := openDuckDB(t)
	src := "read_parquet(" + sqlString(path) + ")"

	// Types, in column order.
	var types []string
	trows, err := db.Query("SELECT column_type FROM (DESCRIBE SELECT * FROM " + src + ")")
	require.NoError(t, err)
	for trows.Next() {
		var ty string
		require.NoError(t, trows.Scan(&ty))
		types = append(types, ty)
	}
	require.NoError(t, trows.Err())
	assert.Equal(t, []string{
		"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR",
		"INTEGER", "SMALLINT", "BIGINT", "DOUBLE",
		"DECIMAL(18,2)", "DECIMAL(18,2)", "BOOLEAN",
		"DATE", "DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "UUID",
	}, types)

	var typeofPseudo string
	require.NoError(t, db.QueryRow("SELECT typeof(pseudo) FROM "+src+" LIMIT 1").Scan(&typeofPseudo))
	assert.Equal(t, "UUID", typeofPseudo)

	// Values of the full row, rendered by DuckDB as text.
	q := `SELECT text, code, opt_text, opt_code, int::VARCHAR, small::VARCHAR, opt_int::VARCHAR, float::VARCHAR,
		cents::VARCHAR, opt_cents::VARCHAR, flag::VARCHAR, day::VARCHAR, opt_day::VARCHAR,
		strftime("at", '%Y-%m-%d %H:%M:%S.%f'), strftime(at_utc AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f'), pseudo::VARCHAR
		FROM ` + src + ` ORDER BY int DESC`
	got := scanStrings(t, db, q)
	assert.Equal(t, [][]any{
		{"Évry-Courcouronnes", "CPF", "présent", "x", "42", "-7", "1099511627776", "151.5",
			"1234.56", "-0.05", "true", "2024-03-15", "2024-03-16",
			"2024-04-02 13:45:30.123456", "2024-04-02 13:45:30.123456", "12345678-9abc-def0-0123-456789abcdef"},
		// Nullable columns come back NULL; "optional" on a non-pointer writes the zero value as NULL.
		{"", "AIF", nil, nil, "0", "0", nil, nil,
			"0.00", nil, nil, "1970-01-01", nil,
			"1970-01-01 00:00:00.000000", nil, "00000000-0000-0000-0000-000000000000"},
	}, got)

	// zstd everywhere, footer metadata kept.
	var codecs string
	require.NoError(t, db.QueryRow("SELECT string_agg(DISTINCT compression, ',') FROM parquet_metadata("+sqlString(path)+")").Scan(&codecs))
	assert.Equal(t, "ZSTD", codecs)
	var feed string
	require.NoError(t, db.QueryRow("SELECT decode(value) FROM parquet_kv_metadata("+sqlString(path)+") WHERE decode(key) = 'agora.feed'").Scan(&feed))
	assert.Equal(t, "test", feed)
}

// scanStrings runs q and returns its rows, NULLs as nil and other values as strings.
func scanStrings(t *testing.T, db *sql.DB, q string) [][]any {
	t.Helper()
	rows, err := db.Query(q)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]any
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]any, len(cols))
		for i, v := range vals {
			if v.Valid {
				row[i] = v.String
			}
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

type keyed struct {
	Key   string `parquet:"key"`
	Month *int32 `parquet:"month,optional"`
	Seq   int64  `parquet:"seq"`
}

func TestSortedRowGroups(t *testing.T) {
	// 10,000 rows in reverse order of (key, month), written sorted on them,
	// 1,000 rows per row group, sorted 3,000 at a time: 4 runs merged, 10 groups.
	const n = 10_000
	rows := make([]keyed, n)
	for i := range rows {
		j := n - 1 - i
		rows[i] = keyed{Key: fmt.Sprintf("k%03d", j/20), Seq: int64(i)}
		if j%20 != 0 {
			rows[i].Month = ptr(int32(j % 20))
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "sorted.parquet")
	spill := filepath.Join(dir, "spill")
	require.NoError(t, os.Mkdir(spill, 0o755))
	w, err := CreateParquet[keyed](path, WriteOptions{RowGroupRows: 1000, SortRunRows: 3000, SortBy: []string{"key", "month"}, TempDir: spill})
	require.NoError(t, err)
	for i := 0; i < n; i += 700 { // several Write calls
		_, err = w.Write(rows[i:min(i+700, n)])
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	left, err := os.ReadDir(spill)
	require.NoError(t, err)
	assert.Empty(t, left, "sort spills removed")

	// Abort after spilling removes the runs too.
	aborted, err := CreateParquet[keyed](filepath.Join(dir, "aborted.parquet"), WriteOptions{SortBy: []string{"key"}, SortRunRows: 3000, TempDir: spill})
	require.NoError(t, err)
	_, err = aborted.Write(rows)
	require.NoError(t, err)
	left, err = os.ReadDir(spill)
	require.NoError(t, err)
	assert.Len(t, left, 3, "10,000 rows by runs of 3,000: 3 spilled, 1,000 in memory")
	require.NoError(t, aborted.Abort())
	left, err = os.ReadDir(spill)
	require.NoError(t, err)
	assert.Empty(t, left)
	assert.NoFileExists(t, filepath.Join(dir, "aborted.parquet"))

	db := openDuckDB(t)
	src := sqlString(path)
	var groups, maxRows int64
	require.NoError(t, db.QueryRow("SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata("+src+")").Scan(&groups, &maxRows))
	assert.Equal(t, int64(10), groups)
	assert.Equal(t, int64(1000), maxRows)

	// In file order, (key, month) never decreases; NULL months come first in each key.
	var unsorted, count, nullFirst int64
	require.NoError(t, db.QueryRow(`
		SELECT count(*) FILTER (WHERE prev_key IS NOT NULL AND (key, coalesce(month, -1)) < (prev_key, prev_month)), count(*),
		       count(*) FILTER (WHERE month IS NULL AND rn = 1)
		FROM (SELECT key, month,
		             lag(key) OVER (ORDER BY file_row_number) AS prev_key,
		             lag(coalesce(month, -1)) OVER (ORDER BY file_row_number) AS prev_month,
		             row_number() OVER (PARTITION BY key ORDER BY file_row_number) AS rn
		      FROM read_parquet(`+src+`, file_row_number = true))`).Scan(&unsorted, &count, &nullFirst))
	assert.Equal(t, int64(0), unsorted)
	assert.Equal(t, int64(n), count)
	assert.Equal(t, int64(n/20), nullFirst, "each of the 500 keys starts with its NULL month")
	var sumSeq int64
	require.NoError(t, db.QueryRow("SELECT sum(seq) FROM read_parquet("+src+")").Scan(&sumSeq))
	assert.Equal(t, int64(n*(n-1)/2), sumSeq, "every row once: 0+1+…+9999")
}

func TestSortIsStable(t *testing.T) {
	// n rows, keys k9…k0 repeating (key = 9 - i%10), sorted on key only:
	// within a key, seq must stay increasing, n/10 rows per key, key k starting
	// at row k·n/10. Runs of 333 rows make most keys span runs; runs of 18,000
	// rows span several 8,192-row chunks and refill them after each spill.
	for _, c := range []struct{ n, run int }{{1000, 333}, {40_000, 18_000}, {40_000, 1 << 20}} {
		rows := make([]keyed, c.n)
		for i := range rows {
			rows[i] = keyed{Key: fmt.Sprint("k", 9-i%10), Seq: int64(i)}
		}
		path := filepath.Join(t.TempDir(), "stable.parquet")
		w, err := CreateParquet[keyed](path, WriteOptions{SortBy: []string{"key"}, SortRunRows: int64(c.run), TempDir: t.TempDir()})
		require.NoError(t, err)
		_, err = w.Write(rows)
		require.NoError(t, err)
		require.NoError(t, w.Close())
		got := scanStrings(t, openDuckDB(t), `SELECT key, count(*)::VARCHAR, bool_and(seq > prev OR prev IS NULL)::VARCHAR, min(file_row_number)::VARCHAR
			FROM (SELECT key, seq, file_row_number, lag(seq) OVER (PARTITION BY key ORDER BY file_row_number) AS prev
			      FROM read_parquet(`+sqlString(path)+`, file_row_number = true))
			GROUP BY key ORDER BY key`)
		require.Len(t, got, 10)
		for k, row := range got {
			assert.Equal(t, []any{fmt.Sprint("k", k), fmt.Sprint(c.n / 10), "true", fmt.Sprint(k * c.n / 10)}, row, "n=%d run=%d", c.n, c.run)
		}
	}
}

func TestParquetWriterErrors(t *testing.T) {
	dir := t.TempDir()
	type badTag struct {
		D string `parquet:"d,date"`
	}
	_, err := CreateParquet[badTag](filepath.Join(dir, "bad.parquet"), WriteOptions{})
	assert.ErrorContains(t, err, "schéma Parquet")
	type timeDate struct {
		Inner struct {
			D *time.Time `parquet:"d,optional,date"`
		} `parquet:"inner"`
	}
	_, err = CreateParquet[timeDate](filepath.Join(dir, "bad.parquet"), WriteOptions{})
	assert.ErrorContains(t, err, "utilisez lake.Date")
	_, err = CreateParquet[int](filepath.Join(dir, "bad.parquet"), WriteOptions{})
	assert.ErrorContains(t, err, "structures")
	_, err = CreateParquet[keyed](filepath.Join(dir, "bad.parquet"), WriteOptions{SortBy: []string{"absent"}})
	assert.ErrorContains(t, err, `tri sur "absent"`)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)

	// Replacing a file is atomic: Abort leaves the old one untouched.
	path := filepath.Join(dir, "f.parquet")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	w, err := CreateParquet[keyed](path, WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write([]keyed{{Key: "a"}})
	require.NoError(t, err)
	require.NoError(t, w.Abort())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "old", string(data))
	_, err = w.Write([]keyed{{Key: "b"}})
	assert.Error(t, err)
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1)

	w, err = CreateParquet[keyed](path, WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write([]keyed{{Key: "new"}})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	assert.Error(t, w.Close())
	var key string
	require.NoError(t, openDuckDB(t).QueryRow("SELECT key FROM read_parquet("+sqlString(path)+")").Scan(&key))
	assert.Equal(t, "new", key)
}

// bench10 is a typical 10-column landing row.
type bench10 struct {
	Pseudo     [16]byte `parquet:"pseudo,uuid"`
	Dossier    string   `parquet:"id_dossier"`
	Financeur  string   `parquet:"code_financeur,dict"`
	Dispositif string   `parquet:"code_dispositif,dict"`
	Siret      string   `parquet:"siret_of"`
	Region     string   `parquet:"region_formation,dict"`
	Heures     int32    `parquet:"heures_prevues"`
	Debut      Date     `parquet:"date_debut_prevue,date"`
	Fin        *Date    `parquet:"date_fin_prevue,optional,date"`
	Montant    *int64   `parquet:"montant,optional,decimal(2:18)"`
}

// BenchmarkParquetWrite reports rows/s writing 1M 10-column rows to one file:
// unsorted at the default and the fast zstd level, and sorted, either in
// memory or in two spilled runs merged on Close (the default run size).
func BenchmarkParquetWrite(b *testing.B) {
	const batch = 10_000
	rows := make([]bench10, batch*10)
	codes := []string{"CPF", "AIF", "PRF", "PRO", "AFPR"}
	day := NewDate(2024, 1, 1)
	for i := range rows {
		var p [16]byte
		for k := range p {
			p[k] = byte((i * 2654435761) >> (k % 4 * 8))
		}
		fin := day + Date(i%400)
		rows[i] = bench10{
			Pseudo: p, Dossier: fmt.Sprintf("D%09d", (i*7919)%len(rows)), Financeur: codes[i%3], Dispositif: codes[i%5],
			Siret: fmt.Sprintf("%014d", 35600000000048+i%5000), Region: fmt.Sprintf("%02d", 11+i%18),
			Heures: int32(1 + i%4000), Debut: day + Date(i%365), Fin: &fin,
		}
		if i%3 != 0 {
			rows[i].Montant = ptr(int64(i % 1_000_000))
		}
	}
	for _, c := range []struct {
		name string
		opts WriteOptions
	}{
		{"unsorted", WriteOptions{}},
		{"unsorted-fast", WriteOptions{Fast: true}},
		{"sorted-in-memory", WriteOptions{SortBy: []string{"id_dossier"}, SortRunRows: 1 << 20}},
		{"sorted-2-runs", WriteOptions{SortBy: []string{"id_dossier"}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			dir := b.TempDir()
			c.opts.TempDir = dir
			var written int64
			cpu0 := usage.CPUTime()
			for b.Loop() {
				w, err := CreateParquet[bench10](filepath.Join(dir, "bench.parquet"), c.opts)
				if err != nil {
					b.Fatal(err)
				}
				// 1M rows per file: two row groups at the default size.
				for r := 0; r < 10; r++ {
					for i := 0; i < len(rows); i += batch {
						if _, err := w.Write(rows[i : i+batch]); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
				written += w.Rows()
			}
			b.ReportMetric(float64(written)/b.Elapsed().Seconds(), "rows/s")
			// CPU time of the whole process, GC included: less sensitive than
			// wall time to other work on a shared machine.
			b.ReportMetric(float64(written)/(usage.CPUTime()-cpu0).Seconds(), "rows/cpu-s")
			st, err := os.Stat(filepath.Join(dir, "bench.parquet"))
			if err == nil {
				b.ReportMetric(float64(st.Size())/1e6, "MB/file")
			}
		})
	}
}

// "optional" on a value type is refused: parquet-go would write some of its
// NULLs as zero values.
func TestOptionalValueTypeRefused(t *testing.T) {
	type text struct {
		A string `parquet:"a,optional"`
	}
	type nested struct {
		In struct {
			N int64 `parquet:"n,optional"`
		} `parquet:"in"`
	}
	type at struct {
		At time.Time `parquet:"at,optional"`
	}
	dir := t.TempDir()
	_, err := CreateParquet[text](filepath.Join(dir, "a.parquet"), WriteOptions{})
	assert.ErrorContains(t, err, "champ text.A : l'option optional sur un type valeur (string)")
	assert.ErrorContains(t, err, "utilisez un pointeur (*string)")
	_, err = CreateParquet[nested](filepath.Join(dir, "b.parquet"), WriteOptions{})
	assert.ErrorContains(t, err, "(int64)")
	_, err = CreateParquet[at](filepath.Join(dir, "c.parquet"), WriteOptions{})
	assert.ErrorContains(t, err, "(time.Time)")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing written")
}

// Optional pointer columns keep every NULL a NULL and every value a value,
// whatever the pattern, across 64-row words and Write calls: the patterns
// that make parquet-go v0.32 write NULLs of value-type fields as "" (a run of
// y values starting at bit y of a word, then NULLs) included.
func TestOptionalPointerNulls(t *testing.T) {
	type row struct {
		K int64   `parquet:"k"`
		A *string `parquet:"a,optional,dict"`
		B *string `parquet:"b,optional"`
	}
	var patterns [][]bool // present values
	for y := 1; y < 64; y++ {
		p := make([]bool, 64+y) // a run of y values at bit y, then NULLs
		for i := y; i < 2*y && i < 64; i++ {
			p[i] = true
		}
		patterns = append(patterns, p)
	}
	r := rand.New(rand.NewPCG(7, 11))
	for range 50 {
		p := make([]bool, 1+r.IntN(3000))
		density := r.Float64()
		for i := range p {
			p[i] = r.Float64() < density
		}
		patterns = append(patterns, p)
	}
	dir := t.TempDir()
	db := openDuckDB(t)
	for n, p := range patterns {
		rows := make([]row, len(p))
		want, sumK := 0, 0
		for i, present := range p {
			rows[i].K = int64(i)
			if present {
				rows[i].A, rows[i].B = ptr("FIN"), ptr("O")
				want++
				sumK += i
			}
		}
		path := filepath.Join(dir, fmt.Sprintf("%d.parquet", n))
		w, err := CreateParquet[row](path, WriteOptions{Fast: true})
		require.NoError(t, err)
		for i := 0; i < len(rows); i += 1000 { // several Write calls
			_, err := w.Write(rows[i:min(i+1000, len(rows))])
			require.NoError(t, err)
		}
		require.NoError(t, w.Close())
		// Counts, and the sum of the row numbers of the values: the right rows.
		var nA, nB, emptyA, emptyB, wrong, sum int
		require.NoError(t, db.QueryRow(`SELECT count(a), count(b), count(*) FILTER (a = ''), count(*) FILTER (b = ''),
			count(*) FILTER ((a IS NULL) <> (b IS NULL)), coalesce(sum(k) FILTER (a IS NOT NULL), 0)
			FROM read_parquet(`+sqlString(path)+`)`).Scan(&nA, &nB, &emptyA, &emptyB, &wrong, &sum))
		require.Equal(t, []int{want, want, 0, 0, 0, sumK}, []int{nA, nB, emptyA, emptyB, wrong, sum}, "pattern %d (%d rows)", n, len(p))
	}
}
