package lake

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestChunks(t *testing.T) {
	var b chunks[int]
	// 3 appends crossing chunk boundaries: 5,000 + 10,000 + 4,000 = 19,000 rows,
	// so 3 chunks of 8,192, the last holding 19,000 - 16,384 = 2,616.
	next := 0
	for _, n := range []int{5000, 10000, 4000} {
		rows := make([]int, n)
		for i := range rows {
			rows[i] = next
			next++
		}
		b.append(rows)
	}
	assert.Equal(t, 19000, b.len())
	assert.Len(t, b.c, 3)
	assert.Len(t, b.c[2], 2616)
	for i := range b.len() {
		if *b.at(i) != i {
			t.Fatalf("at(%d) = %d", i, *b.at(i))
		}
	}
	b.reset()
	assert.Equal(t, 0, b.len())
	b.append([]int{7})
	assert.Equal(t, 7, *b.at(0))
	assert.Len(t, b.c, 3, "chunks reused")
}

func TestComparator(t *testing.T) {
	type row struct {
		S  string   `parquet:"s"`
		P  *int64   `parquet:"p,optional"`
		D  Date     `parquet:"d,date"`
		U  [16]byte `parquet:"u,uuid"`
		B  bool     `parquet:"b"`
		F  float64  `parquet:"f"`
		NT string   // column named after the field
	}
	one, two := int64(1), int64(2)
	for _, c := range []struct {
		col  string
		a, b row
		want int
	}{
		{"s", row{S: "a"}, row{S: "b"}, -1},
		{"s", row{S: "é"}, row{S: "z"}, 1}, // byte-wise: 0xC3 > 'z'
		{"p", row{}, row{P: &one}, -1},     // nil first
		{"p", row{P: &two}, row{P: &one}, 1},
		{"p", row{}, row{}, 0},
		{"d", row{D: NewDate(2024, 1, 1)}, row{D: NewDate(1969, 1, 1)}, 1},
		{"u", row{U: [16]byte{1}}, row{U: [16]byte{0, 255}}, 1},
		{"b", row{B: false}, row{B: true}, -1},
		{"f", row{F: -1.5}, row{F: 0}, -1},
		{"NT", row{NT: "b"}, row{NT: "a"}, 1},
	} {
		o, err := orderOf[row]([]string{c.col})
		assert.NoError(t, err)
		assert.Equal(t, c.want, o.compare(&c.a, &c.b), "%s: %+v vs %+v", c.col, c.a, c.b)
		if o.prefix != nil {
			pa, pb := o.prefix(&c.a), o.prefix(&c.b)
			assert.True(t, c.want >= 0 || pa <= pb, "prefix of %s keeps the order", c.col)
			assert.True(t, c.want <= 0 || pa >= pb, "prefix of %s keeps the order", c.col)
		}
	}
	_, err := comparator[row]([]string{"absent"})
	assert.Error(t, err)
	type nested struct {
		In struct{ X int } `parquet:"in"`
	}
	_, err = comparator[nested]([]string{"in"})
	assert.ErrorContains(t, err, "non pris en charge")
}

// TestPrefixKeepsOrder checks on random values that a smaller row never gets
// a larger prefix key.
func TestPrefixKeepsOrder(t *testing.T) {
	type row struct {
		S string   `parquet:"s"`
		I *int64   `parquet:"i,optional"`
		J int16    `parquet:"j"`
		U [16]byte `parquet:"u"`
	}
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("\x00aAzé9-")
	random := func() row {
		var x row
		b := make([]byte, r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		x.S = string(b)
		if r.IntN(4) > 0 {
			v := r.Int64N(1<<40) - 1<<39
			x.I = &v
		}
		x.J = int16(r.IntN(1<<16) - 1<<15)
		x.U[r.IntN(16)] = byte(r.IntN(3))
		return x
	}
	for _, col := range []string{"s", "i", "j", "u"} {
		o, err := orderOf[row]([]string{col})
		if err != nil || o.prefix == nil {
			t.Fatalf("%s: no prefix (%v)", col, err)
		}
		for range 20_000 {
			a, b := random(), random()
			if o.compare(&a, &b) < 0 && o.prefix(&a) > o.prefix(&b) {
				t.Fatalf("%s: %+v < %+v but prefixes %x > %x", col, a, b, o.prefix(&a), o.prefix(&b))
			}
		}
	}
}
