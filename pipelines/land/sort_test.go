package land

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/usage"
)

// sortSample returns n evenement rows in random order, with identifiers
// written like the generator's (FT-2024-00001234, RÉG11-2024-…, 1 and ten
// digits): many share their first 8 bytes. Each dossier has three events.
func sortSample(n int) []evenementRow {
	r := rand.New(rand.NewPCG(1, 2))
	funders := []string{"FT", "REG-11", "CDC", "OPCO-02"}
	rows := make([]evenementRow, 0, n)
	for i := 0; len(rows) < n; i++ {
		code := funders[i%len(funders)]
		var id string
		switch code {
		case "FT":
			id = fmt.Sprintf("FT-%d-%08d", 2023+i%3, i)
		case "REG-11":
			id = fmt.Sprintf("RÉG11-%d-%08d", 2023+i%3, i)
		case "CDC":
			id = fmt.Sprintf("1%010d", (uint64(i)*2654435761+12345)%10000000000)
		default:
			id = fmt.Sprintf("OPCO02/%d/%08d", 2023+i%3, i)
		}
		start := lake.Date(19000 + r.IntN(1000))
		for k := 0; k < 3 && len(rows) < n; k++ {
			rows = append(rows, evenementRow{CodeFinanceur: code, IDDossier: id, DateEvenement: start + lake.Date(30*k),
				Source: int64(1 + r.IntN(3)), Ligne: int64(2 + r.IntN(100000))})
		}
	}
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows
}

// BenchmarkSortEvenements sorts a part of 2^20 evenement rows as the sink does
// before writing it.
func BenchmarkSortEvenements(b *testing.B) {
	rows := sortSample(DefaultPartRows)
	at := func(i int32) *evenementRow { return &rows[i] }
	var keys []keyed
	var perm []int32
	b.ResetTimer()
	cpu := usage.CPUTime()
	for range b.N {
		keys, perm = byEvenement.sort(len(rows), at, keys, perm)
	}
	b.ReportMetric(float64(b.N*len(rows))/b.Elapsed().Seconds(), "lignes/s")
	b.ReportMetric(float64(b.N*len(rows))/(usage.CPUTime()-cpu).Seconds(), "lignes/s_cpu")
}

// TestOrdersAreSortKeys checks that each dataset's order is lake.SortKeys of
// that dataset without _landing (the same for every row of a landed file):
// the same columns in the same order, ascending, NULL first. On random rows
// whose values collide at every level (shared prefixes, bytes 0 and 1, long
// identifiers, extreme numbers…), the encodings of two rows compare as a
// comparator that reads the columns named in SortKeys through the rows'
// Parquet tags, and sort orders the rows as it does.
func TestOrdersAreSortKeys(t *testing.T) {
	checkOrder(t, "dossiers", byDossier)
	checkOrder(t, "evenements", byEvenement)
	checkOrder(t, "financements", byFinancement)
	checkOrder(t, "enveloppes", byEnveloppe)
	checkOrder(t, "dsn_extrait", byDSN)
	checkOrder(t, "dsn_declarations", byDeclaration)
	checkOrder(t, "quarantaine", byQuarantine)
	assert.Len(t, lake.SortKeys, 7, "a dataset of lake.SortKeys is not checked here")
}

func checkOrder[T any](t *testing.T, dataset string, o order[T]) {
	t.Run(dataset, func(t *testing.T) {
		var columns []string
		for _, c := range lake.SortKeys[dataset] {
			if c != "_landing" {
				columns = append(columns, c)
			}
		}
		require.NotEmpty(t, columns)
		want := columnOrder[T](t, columns)
		r := rand.New(rand.NewPCG(7, uint64(len(dataset))))
		rows := make([]T, 300)
		for i := range rows {
			randomRow(r, reflect.ValueOf(&rows[i]).Elem())
		}
		for i := range rows {
			for j := range rows {
				x, y := &rows[i], &rows[j]
				if got, w := bytes.Compare(encoding(o, x), encoding(o, y)), want(x, y); got != w {
					t.Fatalf("encodings of %+v and %+v compare %d, SortKeys %v give %d", *x, *y, got, columns, w)
				}
			}
		}
		at := func(i int32) *T { return &rows[i] }
		_, perm := o.sort(len(rows), at, nil, nil)
		for i := 1; i < len(perm); i++ {
			require.LessOrEqual(t, want(at(perm[i-1]), at(perm[i])), 0, "sorted rows %d and %d", i-1, i)
		}
	})
}

// encoding returns a row's whole encoding.
func encoding[T any](o order[T], r *T) []byte {
	var w keyWriter
	o(&w, r)
	return w.b
}

// columnOrder returns the comparator of rows of type T on the named Parquet
// columns, ascending, NULL first.
func columnOrder[T any](t *testing.T, columns []string) func(a, b *T) int {
	typ := reflect.TypeFor[T]()
	var fields []int
	for _, c := range columns {
		found := false
		for i := range typ.NumField() {
			if name, _, _ := strings.Cut(typ.Field(i).Tag.Get("parquet"), ","); name == c {
				fields, found = append(fields, i), true
			}
		}
		require.True(t, found, "sort column %s of lake.SortKeys is not a column of %s", c, typ)
	}
	return func(a, b *T) int {
		va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
		for _, f := range fields {
			if c := compareValues(va.Field(f), vb.Field(f)); c != 0 {
				return c
			}
		}
		return 0
	}
}

func compareValues(a, b reflect.Value) int {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return cmp.Compare(boolInt(!a.IsNil()), boolInt(!b.IsNil()))
		}
		return compareValues(a.Elem(), b.Elem())
	case reflect.String:
		return cmp.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Array: // pseudonym: its bytes, as DuckDB orders a UUID
		for i := range a.Len() {
			if c := cmp.Compare(a.Index(i).Uint(), b.Index(i).Uint()); c != 0 {
				return c
			}
		}
		return 0
	}
	panic("no comparison for " + a.Type().String())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Values that collide at every level of an order: shared 8-byte prefixes,
// strings ending at the 24th byte of a key, NUL bytes, negative numbers.
var (
	sampleStrings = []string{"", "A", "AB", "AB\x00", "AB\x00C", "AB\x01", "AB\x01\x00", "AB\x02", "ABC", "FT", "FT-2024-", "FT-2024-00000001", "FT-2024-00000002",
		"FT-2024-000000010", "DOSSIER-0001", "DOSSIER-0002", "RÉG11-2024-00000001", "123456789012345678901234", "1234567890123456789012345"}
	sampleInts = []int64{math.MinInt64, -1 << 40, -1, 0, 1, 2, 3, 1 << 40, math.MaxInt64}
)

// randomRow fills every field of v with values drawn from the samples.
func randomRow(r *rand.Rand, v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		if v.Type().Field(i).Name == "Landing" {
			f.SetString("20250101T000000.000000Z-x") // one landing per file
			continue
		}
		randomValue(r, f)
	}
}

func randomValue(r *rand.Rand, f reflect.Value) {
	switch f.Kind() {
	case reflect.Pointer:
		if r.IntN(4) == 0 {
			f.SetZero()
			return
		}
		f.Set(reflect.New(f.Type().Elem()))
		randomValue(r, f.Elem())
	case reflect.String:
		f.SetString(sampleStrings[r.IntN(len(sampleStrings))])
	case reflect.Int, reflect.Int32, reflect.Int64:
		n := sampleInts[r.IntN(len(sampleInts))]
		if f.Kind() == reflect.Int32 {
			n = int64(int32(n))
		}
		f.SetInt(n)
	case reflect.Float64:
		f.SetFloat(float64(r.IntN(3)))
	case reflect.Array: // pseudonym: one of two first halves, one of two second halves
		h := [2]int{r.IntN(2), r.IntN(2)}
		for i := range f.Len() {
			f.Index(i).SetUint(uint64(h[i/8] * (i + 1)))
		}
	case reflect.Struct: // time.Time
		f.Set(reflect.ValueOf(time.Unix(int64(r.IntN(3)), 0)))
	}
}

// Landed files are in the documented order even when identifiers share
// their first 8 bytes (the key once packed 8 bytes of id_dossier and then the
// date, so that DOSSIER-0002 of January came before DOSSIER-0001 of June),
// and ties are in file order: _source, then _ligne. The same for quarantine,
// whose file names share their first 8 bytes. Read back in file order.
func TestLandedOrder(t *testing.T) {
	e := newEnv(t)
	ev := func(id, typ, date string) []string {
		set := map[string]string{"id_dossier": id, "type_evenement": typ, "date_evenement": date}
		if typ == "SORTIE" {
			set["motif_sortie"] = "FIN"
		}
		return row("evenements", set)
	}
	bad := row("evenements", map[string]string{"date_evenement": "2024-13-01"})
	a := e.write("livraison-2024-a.csv", csvFile(header("evenements"),
		ev("DOSSIER-0002", "ENTREE", "2024-01-01"), // line 2
		bad, // 3
		ev("DOSSIER-0001", "SORTIE", "2024-06-01"), // 4
		ev("DOSSIER-0001", "ENTREE", "2024-02-01"), // 5
		ev("DOSSIER-0003", "ENTREE", "2024-03-01"), // 6
		bad, // 7
	))
	b := e.write("livraison-2024-b.csv", csvFile(header("evenements"),
		ev("DOSSIER-0003", "SORTIE", "2024-03-01"),  // line 2
		ev("DOSSIER-00010", "ENTREE", "2023-01-01"), // 3
		bad, // 4
	))
	s := e.land(Options{}, b, a)
	require.Equal(t, 2, s.Count(StatusLanded), "%+v", s)
	fileOrder := func(dataset, columns string) [][]string {
		var files []string
		for _, f := range parquetFiles(e) {
			if strings.HasPrefix(f, dataset+"/") {
				files = append(files, filepath.Join(e.lake.Root(), f))
			}
		}
		require.Len(t, files, 1, dataset)
		return rows(t, e.db(), "SELECT "+columns+" FROM read_parquet(?, file_row_number=true) ORDER BY file_row_number", files[0])
	}
	assert.Equal(t, [][]string{
		{"DOSSIER-0001", "2024-02-01", "1", "5"},
		{"DOSSIER-0001", "2024-06-01", "1", "4"},
		{"DOSSIER-00010", "2023-01-01", "2", "3"},
		{"DOSSIER-0002", "2024-01-01", "1", "2"},
		{"DOSSIER-0003", "2024-03-01", "1", "6"}, // same date: _source, then _ligne
		{"DOSSIER-0003", "2024-03-01", "2", "2"},
	}, fileOrder("evenements", "id_dossier, date_evenement::VARCHAR, _source::VARCHAR, _ligne::VARCHAR"))
	assert.Equal(t, [][]string{
		{"1", "livraison-2024-a.csv", "3"},
		{"1", "livraison-2024-a.csv", "7"},
		{"2", "livraison-2024-b.csv", "4"},
	}, fileOrder("quarantaine", "_source::VARCHAR, fichier, ligne::VARCHAR"))
}
