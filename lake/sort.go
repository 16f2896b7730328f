package lake

import (
	"bytes"
	"cmp"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/parquet-go/parquet-go"
)

// sortedWriter sorts rows in Go before handing them to a parquet-go writer:
// parquet-go's own SortingWriter is an order of magnitude slower (it sorts
// generic rows). Rows are buffered by runs of runRows; a file of one run is
// sorted in memory, longer files spill sorted runs to temporary Parquet files
// and merge them on Close.
type sortedWriter[T any] struct {
	out     *parquet.GenericWriter[T]
	compare func(a, b *T) int
	prefix  func(*T) uint64 // weakly order-preserving key of the first column, or nil
	runRows int
	tempDir string
	pattern string
	buf     chunks[T]
	runs    []*os.File
}

// chunks holds buffered rows in fixed-size chunks, so that growing the
// buffer never copies the rows already in it.
type chunks[T any] struct {
	c [][]T
	n int
}

const chunkRows = 8192

func (b *chunks[T]) len() int { return b.n }

func (b *chunks[T]) at(i int) *T { return &b.c[i/chunkRows][i%chunkRows] }

func (b *chunks[T]) append(rows []T) {
	for len(rows) > 0 {
		i := b.n / chunkRows
		if i == len(b.c) {
			b.c = append(b.c, make([]T, 0, chunkRows))
		}
		last := &b.c[i]
		k := min(len(rows), chunkRows-len(*last))
		*last = append(*last, rows[:k]...)
		rows = rows[k:]
		b.n += k
	}
}

// reset empties the buffer, keeping its chunks for reuse.
func (b *chunks[T]) reset() {
	for i := range b.c {
		clear(b.c[i])
		b.c[i] = b.c[i][:0]
	}
	b.n = 0
}

func newSortedWriter[T any](out *parquet.GenericWriter[T], o order[T], runRows int64, tempDir, pattern string) *sortedWriter[T] {
	return &sortedWriter[T]{out: out, compare: o.compare, prefix: o.prefix, runRows: int(runRows), tempDir: tempDir, pattern: pattern}
}

func (w *sortedWriter[T]) Write(rows []T) (int, error) {
	n := 0
	for len(rows) > 0 {
		k := min(len(rows), w.runRows-w.buf.len())
		w.buf.append(rows[:k])
		rows = rows[k:]
		n += k
		if w.buf.len() == w.runRows {
			if err := w.spill(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// writeSorted writes the buffer to out in sorted order, equal rows in input
// order. It sorts a permutation rather than the rows, which are large, and
// compares a compact prefix of the first sort column before the rows
// themselves, to spare cache misses on rows scattered in memory.
func (w *sortedWriter[T]) writeSorted(out *parquet.GenericWriter[T]) error {
	type entry struct {
		key uint64
		i   int32
	}
	perm := make([]entry, w.buf.len())
	for i := range perm {
		perm[i].i = int32(i)
		if w.prefix != nil {
			perm[i].key = w.prefix(w.buf.at(i))
		}
	}
	slices.SortFunc(perm, func(a, b entry) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if c := w.compare(w.buf.at(int(a.i)), w.buf.at(int(b.i))); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	batch := make([]T, 0, min(len(perm), 8192))
	for _, e := range perm {
		batch = append(batch, *w.buf.at(int(e.i)))
		if len(batch) == cap(batch) {
			if _, err := out.Write(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	_, err := out.Write(batch)
	w.buf.reset()
	return err
}

// spill writes the buffer, sorted, to a new temporary run file.
func (w *sortedWriter[T]) spill() error {
	f, err := os.CreateTemp(w.tempDir, w.pattern)
	if err != nil {
		return err
	}
	w.runs = append(w.runs, f)
	run := parquet.NewGenericWriter[T](f, w.out.Schema(), parquet.Compression(zstdFastest),
		parquet.MaxRowsPerRowGroup(int64(w.runRows)), parquet.PageBufferSize(1<<20), parquet.WriteBufferSize(1<<20))
	if err := w.writeSorted(run); err != nil {
		return err
	}
	return run.Close()
}

func (w *sortedWriter[T]) Close() error {
	defer w.removeRuns()
	if len(w.runs) == 0 {
		if err := w.writeSorted(w.out); err != nil {
			return err
		}
		w.buf = chunks[T]{}
		return w.out.Close()
	}
	if w.buf.len() > 0 {
		if err := w.spill(); err != nil {
			return err
		}
	}
	w.buf = chunks[T]{}
	if err := w.merge(); err != nil {
		return err
	}
	return w.out.Close()
}

// discard drops the buffered rows and the spilled runs.
func (w *sortedWriter[T]) discard() {
	w.buf = chunks[T]{}
	w.removeRuns()
}

func (w *sortedWriter[T]) removeRuns() {
	for _, f := range w.runs {
		f.Close()
		os.Remove(f.Name())
	}
	w.runs = nil
}

// cursor reads one sorted run.
type cursor[T any] struct {
	r    *parquet.GenericReader[T]
	rows []T
	i, n int
	run  int // index of the run, to keep equal rows in input order
}

func (c *cursor[T]) next() error {
	c.i++
	if c.i < c.n {
		return nil
	}
	n, err := c.r.Read(c.rows)
	c.i, c.n = 0, n
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.EOF
	}
	return err
}

type cursorHeap[T any] struct {
	cs      []*cursor[T]
	compare func(a, b *T) int
}

func (h *cursorHeap[T]) Len() int { return len(h.cs) }
func (h *cursorHeap[T]) Less(i, j int) bool {
	a, b := h.cs[i], h.cs[j]
	if c := h.compare(&a.rows[a.i], &b.rows[b.i]); c != 0 {
		return c < 0
	}
	return a.run < b.run
}
func (h *cursorHeap[T]) Swap(i, j int) { h.cs[i], h.cs[j] = h.cs[j], h.cs[i] }
func (h *cursorHeap[T]) Push(x any)    { h.cs = append(h.cs, x.(*cursor[T])) }
func (h *cursorHeap[T]) Pop() any {
	c := h.cs[len(h.cs)-1]
	h.cs = h.cs[:len(h.cs)-1]
	return c
}

// merge writes the runs, merged in order, to the output.
func (w *sortedWriter[T]) merge() error {
	h := &cursorHeap[T]{compare: w.compare}
	batch := max(64, min(4096, w.runRows/len(w.runs)))
	for run, f := range w.runs {
		st, err := f.Stat()
		if err != nil {
			return err
		}
		pf, err := parquet.OpenFile(f, st.Size())
		if err != nil {
			return err
		}
		c := &cursor[T]{r: parquet.NewGenericReader[T](pf), rows: make([]T, batch), i: -1, run: run}
		defer c.r.Close()
		switch err := c.next(); {
		case err == nil:
			h.cs = append(h.cs, c)
		case !errors.Is(err, io.EOF):
			return err
		}
	}
	heap.Init(h)
	out := make([]T, 0, 8192)
	for h.Len() > 0 {
		c := h.cs[0]
		out = append(out, c.rows[c.i])
		if len(out) == cap(out) {
			if _, err := w.out.Write(out); err != nil {
				return err
			}
			clear(out)
			out = out[:0]
		}
		switch err := c.next(); {
		case err == nil:
			heap.Fix(h, 0)
		case errors.Is(err, io.EOF):
			heap.Pop(h)
		default:
			return err
		}
	}
	_, err := w.out.Write(out)
	return err
}

// order is how rows of T are sorted.
type order[T any] struct {
	compare func(a, b *T) int
	// prefix maps a row to a key such that compare(a, b) < 0 implies
	// prefix(a) <= prefix(b); nil when the first column has none.
	prefix func(*T) uint64
}

// orderOf builds the order of rows of T on the given top-level columns
// (parquet names), ascending, nulls first, byte-wise for strings and arrays,
// as parquet row-group statistics order them.
func orderOf[T any](columns []string) (order[T], error) {
	compare, err := comparator[T](columns)
	if err != nil {
		return order[T]{}, err
	}
	o := order[T]{compare: compare}
	f, _ := fieldByParquetName(reflect.TypeFor[T](), columns[0])
	if p := prefixFunc(f.Type); p != nil {
		off := f.Offset
		o.prefix = func(r *T) uint64 { return p(unsafe.Add(unsafe.Pointer(r), off)) }
	}
	return o, nil
}

// prefixFunc returns a weakly order-preserving uint64 key of values of type
// t given their address, or nil.
func prefixFunc(t reflect.Type) func(unsafe.Pointer) uint64 {
	const signBit = 1 << 63
	switch t.Kind() {
	case reflect.String:
		return func(p unsafe.Pointer) uint64 {
			return bytesPrefix(unsafe.Slice(unsafe.StringData(*(*string)(p)), len(*(*string)(p))))
		}
	case reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 {
			return nil
		}
		n := t.Len()
		return func(p unsafe.Pointer) uint64 { return bytesPrefix(unsafe.Slice((*byte)(p), n)) }
	case reflect.Int8:
		return func(p unsafe.Pointer) uint64 { return uint64(int64(*(*int8)(p))) ^ signBit }
	case reflect.Int16:
		return func(p unsafe.Pointer) uint64 { return uint64(int64(*(*int16)(p))) ^ signBit }
	case reflect.Int32:
		return func(p unsafe.Pointer) uint64 { return uint64(int64(*(*int32)(p))) ^ signBit }
	case reflect.Int64, reflect.Int:
		if t.Size() != 8 {
			return nil
		}
		return func(p unsafe.Pointer) uint64 { return uint64(*(*int64)(p)) ^ signBit }
	case reflect.Uint8:
		return func(p unsafe.Pointer) uint64 { return uint64(*(*uint8)(p)) }
	case reflect.Uint16:
		return func(p unsafe.Pointer) uint64 { return uint64(*(*uint16)(p)) }
	case reflect.Uint32:
		return func(p unsafe.Pointer) uint64 { return uint64(*(*uint32)(p)) }
	case reflect.Uint64, reflect.Uint:
		if t.Size() != 8 {
			return nil
		}
		return func(p unsafe.Pointer) uint64 { return *(*uint64)(p) }
	case reflect.Pointer:
		// nil sorts first and maps to 0, the smallest key: still weakly ordered.
		elem := prefixFunc(t.Elem())
		if elem == nil {
			return nil
		}
		return func(p unsafe.Pointer) uint64 {
			if x := *(*unsafe.Pointer)(p); x != nil {
				return elem(x)
			}
			return 0
		}
	}
	return nil
}

// bytesPrefix returns the first 8 bytes, big-endian, zero-padded.
func bytesPrefix(b []byte) uint64 {
	var k uint64
	for i := range 8 {
		k <<= 8
		if i < len(b) {
			k |= uint64(b[i])
		}
	}
	return k
}

// comparator builds the comparison of orderOf.
func comparator[T any](columns []string) (func(a, b *T) int, error) {
	t := reflect.TypeFor[T]()
	var fields []func(a, b unsafe.Pointer) int
	for _, name := range columns {
		f, ok := fieldByParquetName(t, name)
		if !ok {
			return nil, fmt.Errorf("lake : tri sur %q impossible : pas de colonne de ce nom au premier niveau de %v", name, t)
		}
		c, ok := compareFunc(f.Type)
		if !ok {
			return nil, fmt.Errorf("lake : tri sur %q impossible : type %v non pris en charge", name, f.Type)
		}
		off := f.Offset
		fields = append(fields, func(a, b unsafe.Pointer) int { return c(unsafe.Add(a, off), unsafe.Add(b, off)) })
	}
	return func(a, b *T) int {
		for _, f := range fields {
			if c := f(unsafe.Pointer(a), unsafe.Pointer(b)); c != 0 {
				return c
			}
		}
		return 0
	}, nil
}

// fieldByParquetName finds the exported field whose parquet column is name.
func fieldByParquetName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag, _, _ := strings.Cut(f.Tag.Get("parquet"), ",")
		if tag == "-" {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func ordered[V cmp.Ordered](a, b unsafe.Pointer) int { return cmp.Compare(*(*V)(a), *(*V)(b)) }

func boolean(a, b unsafe.Pointer) int {
	x, y := *(*bool)(a), *(*bool)(b)
	switch {
	case x == y:
		return 0
	case !x:
		return -1
	}
	return 1
}

// compareFunc returns a comparison of two values of type t given their addresses.
func compareFunc(t reflect.Type) (func(a, b unsafe.Pointer) int, bool) {
	if t == timeType {
		return func(a, b unsafe.Pointer) int { return (*time.Time)(a).Compare(*(*time.Time)(b)) }, true
	}
	switch t.Kind() {
	case reflect.String:
		return ordered[string], true
	case reflect.Bool:
		return boolean, true
	case reflect.Int:
		return ordered[int], true
	case reflect.Int8:
		return ordered[int8], true
	case reflect.Int16:
		return ordered[int16], true
	case reflect.Int32:
		return ordered[int32], true
	case reflect.Int64:
		return ordered[int64], true
	case reflect.Uint:
		return ordered[uint], true
	case reflect.Uint8:
		return ordered[uint8], true
	case reflect.Uint16:
		return ordered[uint16], true
	case reflect.Uint32:
		return ordered[uint32], true
	case reflect.Uint64:
		return ordered[uint64], true
	case reflect.Float32:
		return ordered[float32], true
	case reflect.Float64:
		return ordered[float64], true
	case reflect.Array:
		if t.Elem().Kind() != reflect.Uint8 {
			return nil, false
		}
		n := t.Len()
		return func(a, b unsafe.Pointer) int {
			return bytes.Compare(unsafe.Slice((*byte)(a), n), unsafe.Slice((*byte)(b), n))
		}, true
	case reflect.Pointer:
		elem, ok := compareFunc(t.Elem())
		if !ok {
			return nil, false
		}
		return func(a, b unsafe.Pointer) int {
			x, y := *(*unsafe.Pointer)(a), *(*unsafe.Pointer)(b)
			switch {
			case x == nil && y == nil:
				return 0
			case x == nil:
				return -1
			case y == nil:
				return 1
			}
			return elem(x, y)
		}, true
	}
	return nil, false
}
