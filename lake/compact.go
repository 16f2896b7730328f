package lake

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// SortKeys are the orders of each dataset's files, ascending, NULL first: the
// keys the models join and filter on, then the lineage _landing, _source,
// _ligne (quarantaine, read landing by landing, starts with it), so that a
// compacted file, which mixes several landings, keeps the rows of each landed
// file in their order. pipelines/land writes each landed file in exactly this
// order without _landing, the same for all its rows (its rows.go; its
// TestOrdersAreSortKeys checks every dataset, column by column). Compaction
// sorts on them so that row-group statistics keep pruning as well as on
// landed files. A sort column absent from every file of a compaction
// (_source, in files landed before it existed) is left out.
var SortKeys = map[string][]string{
	"dossiers":         {"pseudo", "date_debut_prevue", "_landing", "_source", "_ligne"},
	"evenements":       {"code_financeur", "id_dossier", "date_evenement", "_landing", "_source", "_ligne"},
	"financements":     {"code_financeur_dossier", "id_dossier", "date_engagement", "_landing", "_source", "_ligne"},
	"enveloppes":       {"code_financeur", "code_dispositif", "annee", "_landing", "_source", "_ligne"},
	"dsn_extrait":      {"pseudo", "mois", "date_debut_contrat", "_landing", "_source", "_ligne"},
	"dsn_declarations": {"siret", "declaration_id", "_landing", "_source"},
	"quarantaine":      {"_landing", "_source", "fichier", "ligne", "regle", "colonne"},
}

// Compaction defaults: a compacted file holds about a million rows or
// 128 MiB, whichever comes first — big enough that opening its footer costs
// nothing next to reading it, small enough to be rewritten in seconds.
const (
	DefaultTargetRows  = 1 << 20
	DefaultTargetBytes = 128 << 20
)

// CompactOptions tune Compact. DB is required.
type CompactOptions struct {
	// DB is a DuckDB database that reads, sorts and writes the Parquet files:
	// an in-memory warehouse session (warehouse.Open with no path) will do.
	// Its memory_limit and threads bound the work.
	DB *sql.DB
	// Datasets limits compaction to these datasets (default: all).
	Datasets []string
	// TargetRows and TargetBytes size the compacted files (defaults
	// DefaultTargetRows and DefaultTargetBytes). A file with at least half
	// of either is large and left alone.
	TargetRows, TargetBytes int64
	// RowGroupRows is the row-group size of the compacted files (default
	// DefaultRowGroupRows).
	RowGroupRows int64
	// SortBy gives the sort columns per dataset (default SortKeys). A dataset
	// without sort columns keeps its rows in file order.
	SortBy map[string][]string
	// DryRun plans without writing anything.
	DryRun bool
	// Progress, when set, is called after each compacted file with the
	// number of input files done and their total.
	Progress func(done, total int)
}

// CompactGroup is the compaction of the small files of one dataset and partition.
type CompactGroup struct {
	Dataset     string            `json:"jeu_de_donnees"`
	Dir         string            `json:"dossier"` // relative to the lake root, e.g. dsn_extrait/mois=2024-03-01
	Partition   map[string]string `json:"partition,omitempty"`
	FilesBefore int               `json:"fichiers_avant"`
	FilesAfter  int               `json:"fichiers_apres"`
	Rows        int64             `json:"lignes"`
	BytesBefore int64             `json:"octets_avant"`
	BytesAfter  int64             `json:"octets_apres"` // 0 in a dry run
}

// CompactResult says what Compact did (or would do, in a dry run).
type CompactResult struct {
	Manifest string         `json:"manifeste,omitempty"` // id of the compaction manifest; "" if nothing was committed
	DryRun   bool           `json:"simulation"`
	Groups   []CompactGroup `json:"groupes"`
}

// FilesBefore and FilesAfter total the groups.
func (r CompactResult) FilesBefore() (n int) {
	for _, g := range r.Groups {
		n += g.FilesBefore
	}
	return n
}

// FilesAfter is the number of files that replace the compacted ones.
func (r CompactResult) FilesAfter() (n int) {
	for _, g := range r.Groups {
		n += g.FilesAfter
	}
	return n
}

const fpCompactWritten = "compact:written" // one compacted file written, not yet committed

// Compact rewrites the small files of each dataset and partition of the
// latest snapshot into few large ones, in one transaction of kind Compaction
// that adds the new files and removes the old ones. Rows are copied as they
// are, lineage columns (_landing, _ligne) included, sorted on the dataset's
// SortBy columns; partitions stay the same Hive directories. The old files
// stay on disk, so that a snapshot as of an earlier manifest still reads
// them. Nothing is visible before the commit: a compaction that fails or
// crashes leaves the lake as it was (Collect deletes what it wrote).
func Compact(ctx context.Context, l *Lake, opts CompactOptions) (res CompactResult, err error) {
	res = CompactResult{DryRun: opts.DryRun, Groups: []CompactGroup{}}
	if opts.DB == nil {
		return res, errors.New("lake : compactage sans base DuckDB (CompactOptions.DB)")
	}
	opts = opts.withDefaults()
	snap, err := l.Snapshot("")
	if err != nil {
		return res, err
	}
	plan := planCompaction(snap, opts)
	if len(plan) == 0 {
		return res, nil
	}
	total := 0
	for _, b := range plan {
		total += len(b.files)
	}
	if opts.DryRun {
		for _, b := range plan {
			res.addBin(b)
		}
		return res, nil
	}

	conn, err := opts.DB.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	txn, err := l.BeginKind(Compaction, "compaction")
	if err != nil {
		return res, err
	}
	defer func() {
		if err != nil {
			txn.Abort() // not after a panic: a crash leaves its files to Collect
		}
	}()
	done := 0
	for _, b := range plan {
		if err := ctx.Err(); err != nil {
			return CompactResult{DryRun: opts.DryRun}, err
		}
		src := make([]string, len(b.files))
		for i, f := range b.files {
			src[i] = f.Abs
		}
		keys, err := present(ctx, conn, readParquet(src), opts.SortBy[b.dataset])
		if err != nil {
			return CompactResult{DryRun: opts.DryRun}, fmt.Errorf("lake : compactage de %s : %w", b.label(), err)
		}
		query := "SELECT * FROM " + readParquet(src) + orderBy(keys)
		f, err := txn.copyTo(ctx, conn, b.dataset, b.partition(), query, opts.RowGroupRows, false)
		if err != nil {
			return CompactResult{DryRun: opts.DryRun}, fmt.Errorf("lake : compactage de %s : %w", b.label(), err)
		}
		if f.Rows != b.rows {
			return CompactResult{DryRun: opts.DryRun}, fmt.Errorf("lake : compactage de %s : %d lignes écrites pour %d lues ; rien n'a été modifié", b.label(), f.Rows, b.rows)
		}
		hit(fpCompactWritten)
		for _, old := range b.files {
			txn.Remove(old.Path)
		}
		b.out = f
		res.addBin(b)
		done += len(b.files)
		if opts.Progress != nil {
			opts.Progress(done, total)
		}
	}
	m, err := txn.Commit(Summary{Meta: map[string]string{
		"fichiers_avant": strconv.Itoa(res.FilesBefore()),
		"fichiers_apres": strconv.Itoa(res.FilesAfter()),
	}})
	if err != nil {
		return CompactResult{DryRun: opts.DryRun}, err
	}
	res.Manifest = m.ID
	return res, nil
}

func (o CompactOptions) withDefaults() CompactOptions {
	if o.TargetRows <= 0 {
		o.TargetRows = DefaultTargetRows
	}
	if o.TargetBytes <= 0 {
		o.TargetBytes = DefaultTargetBytes
	}
	if o.RowGroupRows <= 0 {
		o.RowGroupRows = DefaultRowGroupRows
	}
	if o.SortBy == nil {
		o.SortBy = SortKeys
	}
	return o
}

// bin is a set of small files of one dataset and partition that become one file.
type bin struct {
	dataset string
	dir     string // relative directory of the files
	part    map[string]string
	files   []SnapshotFile
	rows    int64
	bytes   int64
	out     File // the compacted file, once written
}

func (b *bin) partition() []Partition { return partitionOf(b.files[0]) }

func (b *bin) label() string { return b.dir }

// partitionOf returns the partition of a file in the order of its
// directories (a manifest's map has no order).
func partitionOf(f SnapshotFile) []Partition {
	dirs := strings.Split(f.Path, "/")
	var out []Partition
	for _, d := range dirs[1 : len(dirs)-1] {
		k, v, ok := strings.Cut(d, "=")
		if ok {
			out = append(out, Partition{Key: k, Value: v})
		}
	}
	return out
}

// addBin adds a planned or written bin to its group.
func (r *CompactResult) addBin(b *bin) {
	i := slices.IndexFunc(r.Groups, func(g CompactGroup) bool { return g.Dir == b.dir })
	if i < 0 {
		r.Groups = append(r.Groups, CompactGroup{Dataset: b.dataset, Dir: b.dir, Partition: b.part})
		i = len(r.Groups) - 1
	}
	g := &r.Groups[i]
	g.FilesBefore += len(b.files)
	g.FilesAfter++
	g.Rows += b.rows
	g.BytesBefore += b.bytes
	g.BytesAfter += b.out.Bytes
}

// planCompaction groups the small files of the snapshot by dataset and
// directory, in commit order, and cuts each group into bins of up to the
// target size. Bins of a single file are dropped: rewriting one file alone
// gains nothing.
func planCompaction(snap *Snapshot, opts CompactOptions) []*bin {
	type key struct{ dataset, dir string }
	groups := map[key][]SnapshotFile{}
	var order []key
	for _, f := range snap.Files("") {
		if len(opts.Datasets) > 0 && !slices.Contains(opts.Datasets, f.Dataset) {
			continue
		}
		if f.Rows*2 >= opts.TargetRows || f.Bytes*2 >= opts.TargetBytes {
			continue // large enough
		}
		k := key{f.Dataset, f.Path[:strings.LastIndexByte(f.Path, '/')]}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	slices.SortFunc(order, func(a, b key) int { return strings.Compare(a.dir, b.dir) })
	var plan []*bin
	for _, k := range order {
		var cur *bin
		flush := func() {
			if cur != nil && len(cur.files) > 1 {
				plan = append(plan, cur)
			}
			cur = nil
		}
		for _, f := range groups[k] {
			if cur != nil && (cur.rows+f.Rows > opts.TargetRows || cur.bytes+f.Bytes > opts.TargetBytes) {
				flush()
			}
			if cur == nil {
				cur = &bin{dataset: f.Dataset, dir: k.dir, part: f.Partition}
			}
			cur.files = append(cur.files, f)
			cur.rows += f.Rows
			cur.bytes += f.Bytes
		}
		flush()
	}
	return plan
}

// readParquet is the DuckDB table function reading files as they are: no
// Hive columns added from the path (the partition stays a directory), and
// columns matched by name should schemas differ between landings.
// Options such as "filename = true" may be added.
func readParquet(paths []string, options ...string) string {
	list := make([]string, len(paths))
	for i, p := range paths {
		list[i] = quoteString(p)
	}
	options = append([]string{"hive_partitioning = false", "union_by_name = true"}, options...)
	return "read_parquet([" + strings.Join(list, ", ") + "], " + strings.Join(options, ", ") + ")"
}

// present returns the columns of cols that the relation has, in order.
func present(ctx context.Context, db execer, relation string, cols []string) ([]string, error) {
	if len(cols) == 0 {
		return nil, nil
	}
	var list string
	if err := db.QueryRowContext(ctx, "SELECT to_json(list(column_name))::VARCHAR FROM (DESCRIBE SELECT * FROM "+relation+")").Scan(&list); err != nil {
		return nil, err
	}
	var names []string
	if err := json.Unmarshal([]byte(list), &names); err != nil {
		return nil, err
	}
	var out []string
	for _, c := range cols {
		if slices.Contains(names, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// orderBy is the ORDER BY clause of the lake's sort order: ascending, nulls
// first, as the landing writes it.
func orderBy(cols []string) string {
	if len(cols) == 0 {
		return ""
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = quoteIdent(c) + " ASC NULLS FIRST"
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

func quoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
func quoteIdent(s string) string  { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// execer is what copyTo needs of a DuckDB connection.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// copyTo writes the result of query, through DuckDB, as a new file of the
// transaction, with the same atomicity as a ParquetWriter: DuckDB writes a
// temporary name, which is fsynced and renamed, and the directory fsynced.
// A hidden file is not made visible by the commit (see Rewrite).
func (t *Txn) copyTo(ctx context.Context, db execer, dataset string, partition []Partition, query string, rowGroupRows int64, hidden bool) (File, error) {
	rel, err := t.reserve(dataset, partition)
	if err != nil {
		return File{}, err
	}
	abs := filepath.Join(t.lake.root, filepath.FromSlash(rel))
	dir, base := filepath.Split(abs)
	tmp := filepath.Join(dir, "."+base+".tmp")
	f, err := writeCopy(ctx, db, query, tmp, abs, rowGroupRows)
	if err != nil {
		os.Remove(tmp)
		t.release()
		return File{}, err
	}
	f.Dataset, f.Path = dataset, rel
	for _, p := range partition {
		if f.Partition == nil {
			f.Partition = map[string]string{}
		}
		f.Partition[p.Key] = p.Value
	}
	if hidden {
		t.addHidden(f)
	} else {
		t.add(f)
	}
	return f, nil
}

// writeCopy runs COPY (query) TO tmp, fsyncs and renames it to abs, and
// returns its rows and size.
func writeCopy(ctx context.Context, db execer, query, tmp, abs string, rowGroupRows int64) (File, error) {
	copyStmt := fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE %d, USE_TMP_FILE false)",
		query, quoteString(tmp), rowGroupRows)
	if _, err := db.ExecContext(ctx, copyStmt); err != nil {
		return File{}, err
	}
	var rows int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(sum(num_rows), 0)::BIGINT FROM parquet_file_metadata("+quoteString(tmp)+")").Scan(&rows); err != nil {
		return File{}, err
	}
	fh, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return File{}, err
	}
	err = fh.Sync()
	st, serr := fh.Stat()
	if err = errors.Join(err, serr, fh.Close()); err != nil {
		return File{}, err
	}
	hit(fpWriterSynced)
	if err := os.Rename(tmp, abs); err != nil {
		return File{}, err
	}
	hit(fpWriterRenamed)
	if err := syncDir(filepath.Dir(abs)); err != nil {
		os.Remove(abs)
		return File{}, err
	}
	return File{Rows: rows, Bytes: st.Size()}, nil
}
