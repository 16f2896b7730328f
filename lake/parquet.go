package lake

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// DefaultRowGroupRows is the default number of rows per row group: DuckDB
// reads row groups in parallel, and 100k–1M rows keeps every thread busy
// while the footer stays small and the writer's memory bounded.
const DefaultRowGroupRows = 512 * 1024

// WriteOptions tune a Parquet writer. The zero value is ready to use.
type WriteOptions struct {
	// RowGroupRows caps the rows per row group (default DefaultRowGroupRows).
	RowGroupRows int64
	// SortBy lists top-level column names: rows are written sorted on them,
	// ascending, nulls (nil pointers) first, strings and byte arrays
	// byte-wise, in this order of priority; rows with equal keys keep their
	// order. Sort on the keys the models join and filter on, so row-group
	// statistics prune well. While sorting, the writer keeps the rows given to
	// Write until Close or a spill: do not modify what their pointer fields
	// point to after Write.
	SortBy []string
	// SortRunRows is how many rows are sorted in memory at a time (default
	// RowGroupRows). A longer file spills sorted runs, compressed, to TempDir
	// and merges them on Close. Memory grows with it.
	SortRunRows int64
	// TempDir receives the sorted runs (default os.TempDir(); a transaction's
	// writers use <root>/_tmp).
	TempDir string
	// Fast trades some compression for speed (zstd fastest level instead of
	// the default level 3).
	Fast bool
	// Metadata is written as key/value pairs in the file footer.
	Metadata map[string]string
}

var (
	zstdDefault = &zstd.Codec{Level: zstd.SpeedDefault}
	zstdFastest = &zstd.Codec{Level: zstd.SpeedFastest}
)

// ParquetWriter writes rows of a Go struct type T to one Parquet file,
// atomically: the file appears under its name, complete and fsynced, only when
// Close succeeds. It is not safe for concurrent use.
type ParquetWriter[T any] struct {
	path, tmp string
	f         *os.File
	w         interface {
		Write([]T) (int, error)
		Close() error
	}
	rows   int64
	done   bool
	closed func(rows, bytes int64) // called after a successful Close
	failed func()                  // called after Abort or a failed Close
}

// CreateParquet starts writing rows of T to path, replacing any existing file
// there when Close succeeds. See the package documentation for struct tags.
func CreateParquet[T any](path string, opts WriteOptions) (*ParquetWriter[T], error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	return createParquet[T](path, filepath.Join(dir, "."+base+".tmp"), base+"-sort-*", opts)
}

// NewWriter starts writing rows of T into a new file of dataset, under the
// given partition (in this order of directories), within the transaction.
// The file is part of the transaction once Close succeeds.
func NewWriter[T any](t *Txn, dataset string, partition []Partition, opts WriteOptions) (*ParquetWriter[T], error) {
	rel, err := t.reserve(dataset, partition)
	if err != nil {
		return nil, err
	}
	if opts.TempDir == "" {
		opts.TempDir = filepath.Join(t.lake.root, tmpDir)
	}
	abs := filepath.Join(t.lake.root, filepath.FromSlash(rel))
	dir, base := filepath.Split(abs)
	w, err := createParquet[T](abs, filepath.Join(dir, "."+base+".tmp"), t.token+"-sort-*", opts)
	if err != nil {
		t.release()
		return nil, err
	}
	part := make(map[string]string, len(partition))
	for _, p := range partition {
		part[p.Key] = p.Value
	}
	if len(part) == 0 {
		part = nil
	}
	w.closed = func(rows, bytes int64) {
		t.add(File{Dataset: dataset, Path: rel, Rows: rows, Bytes: bytes, Partition: part})
	}
	w.failed = t.release
	return w, nil
}

func createParquet[T any](path, tmp, sortPattern string, opts WriteOptions) (w *ParquetWriter[T], err error) {
	schema, err := schemaOf[T]()
	if err != nil {
		return nil, err
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	if opts.SortRunRows <= 0 {
		opts.SortRunRows = opts.RowGroupRows
	}
	if opts.TempDir == "" {
		opts.TempDir = os.TempDir()
	}
	codec := zstdDefault
	if opts.Fast {
		codec = zstdFastest
	}
	options := []parquet.WriterOption{
		schema,
		parquet.Compression(codec),
		parquet.MaxRowsPerRowGroup(opts.RowGroupRows),
		parquet.PageBufferSize(1 << 20),
		parquet.WriteBufferSize(1 << 20),
		parquet.CreatedBy("agora", "", ""),
	}
	for k, v := range opts.Metadata {
		options = append(options, parquet.KeyValueMetadata(k, v))
	}
	var sorting order[T]
	if len(opts.SortBy) > 0 {
		if sorting, err = orderOf[T](opts.SortBy); err != nil {
			return nil, err
		}
		cols := make([]parquet.SortingColumn, len(opts.SortBy))
		for i, name := range opts.SortBy {
			cols[i] = parquet.NullsFirst(parquet.Ascending(name))
		}
		// Recorded in the row-group metadata; the sorting is done by sortedWriter.
		options = append(options, parquet.SortingWriterConfig(parquet.SortingColumns(cols...)))
	}

	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lake : création de %s : %w", path, err)
	}
	w = &ParquetWriter[T]{path: path, tmp: tmp, f: f}
	defer func() {
		if r := recover(); r != nil {
			f.Close()
			os.Remove(tmp)
			w, err = nil, fmt.Errorf("lake : écrivain Parquet pour %s : %v", path, r)
		}
	}()
	out := parquet.NewGenericWriter[T](f, options...)
	if sorting.compare != nil {
		w.w = newSortedWriter(out, sorting, opts.SortRunRows, opts.TempDir, sortPattern)
	} else {
		w.w = out
	}
	return w, nil
}

// schemaOf derives the Parquet schema of T, turning parquet-go's panics on
// invalid struct tags into an error.
func schemaOf[T any]() (s *parquet.Schema, err error) {
	t := reflect.TypeFor[T]()
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("lake : schéma Parquet de %v invalide : %v", t, r)
		}
	}()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("lake : les lignes Parquet doivent être des structures, pas %v", t)
	}
	if err := checkTimeTags(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	if err := checkOptionalTags(t, map[reflect.Type]bool{}); err != nil {
		return nil, err
	}
	return parquet.SchemaOf(reflect.New(t).Elem().Interface()), nil
}

// checkOptionalTags refuses "optional" on a field of a value type (a string,
// number, boolean, byte array or time.Time, anywhere in t): parquet-go then
// writes the zero value as NULL, but v0.32 writes some of those NULLs as zero
// values ("" for a string) when a run of present values starting at bit y of
// a 64-row word is y long (issue parquet-go#154). A nil pointer is always
// written as NULL: optional columns are pointers.
func checkOptionalTags(t reflect.Type, seen map[reflect.Type]bool) error {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || seen[t] {
		return nil
	}
	seen[t] = true
	for i := range t.NumField() {
		f := t.Field(i)
		opts := strings.Split(f.Tag.Get("parquet"), ",")
		value := f.Type == timeType
		switch f.Type.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface, reflect.Struct:
		default:
			value = true
		}
		if value && slices.Contains(opts[min(1, len(opts)):], "optional") {
			return fmt.Errorf("lake : champ %s.%s : l'option optional sur un type valeur (%v) fait écrire par parquet-go certains NULL comme la valeur zéro (\"\" pour un texte) ; utilisez un pointeur (*%v), nil pour NULL", t.Name(), f.Name, f.Type, f.Type)
		}
		if err := checkOptionalTags(f.Type, seen); err != nil {
			return err
		}
	}
	return nil
}

// Path returns the final path of the file.
func (w *ParquetWriter[T]) Path() string { return w.path }

// Rows returns the number of rows written so far.
func (w *ParquetWriter[T]) Rows() int64 { return w.rows }

// Write writes rows. After an error, call Abort.
func (w *ParquetWriter[T]) Write(rows []T) (int, error) {
	if w.done {
		return 0, errors.New("lake : écriture après fermeture de " + w.path)
	}
	n, err := w.w.Write(rows)
	w.rows += int64(n)
	if err != nil {
		return n, fmt.Errorf("lake : écriture de %s : %w", w.path, err)
	}
	return n, nil
}

// Close finishes the file: footer, fsync, rename to its final name, fsync of
// the directory. On error the file is removed and nothing appears.
func (w *ParquetWriter[T]) Close() error {
	if w.done {
		return errors.New("lake : fermeture répétée de " + w.path)
	}
	w.done = true
	err := w.w.Close()
	if err == nil {
		err = w.f.Sync()
	}
	var size int64
	if err == nil {
		var st os.FileInfo
		if st, err = w.f.Stat(); err == nil {
			size = st.Size()
		}
	}
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		hit(fpWriterSynced)
		err = os.Rename(w.tmp, w.path)
	}
	if err != nil {
		os.Remove(w.tmp)
		if w.failed != nil {
			w.failed()
		}
		return fmt.Errorf("lake : fermeture de %s : %w", w.path, err)
	}
	hit(fpWriterRenamed)
	if err := syncDir(filepath.Dir(w.path)); err != nil {
		os.Remove(w.path)
		if w.failed != nil {
			w.failed()
		}
		return err
	}
	if w.closed != nil {
		w.closed(w.rows, size)
	}
	return nil
}

// Abort abandons the file: nothing appears under its name. It does nothing
// after Close.
func (w *ParquetWriter[T]) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	if s, ok := w.w.(interface{ discard() }); ok {
		s.discard() // sorted runs; the rows themselves are never written
	}
	w.f.Close()
	err := os.Remove(w.tmp)
	if w.failed != nil {
		w.failed()
	}
	return err
}
