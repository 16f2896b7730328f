package chain

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/usage"
	"github.com/agora-formation/agora/warehouse"
)

// BenchmarkChain runs the whole chain — generate, land, build, report — then
// lands one more DSN month (held back from the first landing) and builds
// incrementally, builds again in full, compacts the lake, builds again and
// purges the DSN, for each size of AGORA_BENCH_DOSSIERS
// (a list of dossier counts, default "100000 1000000"). For each stage it
// measures wall time, CPU time, rows per second, peak resident memory
// (VmHWM, reset between stages through /proc/self/clear_refs) and output
// size, next to a baseline measured in the same run:
//
//   - land: DuckDB's raw COPY (SELECT * FROM read_csv(…, delim=';',
//     header=true)) TO '….parquet' over the same CSV deliveries (the CSV
//     feeds land first, timed apart from the NEODeS declarations, which
//     DuckDB cannot read);
//   - build: one DuckDB scan of every lake column the models read
//     (count(*), min and max of each column, through the same views);
//   - incremental build after one more DSN month: the first full build
//     (target: at most 20 % of it);
//   - build after compaction: a second build of the lake as landed (run
//     just before the compaction, caches as warm as for the last build).
//
// Each figure is a b.ReportMetric; a table in French goes to standard
// output. The sample is generated with seed AGORA_BENCH_SEED (default 1).
// The data goes under AGORA_BENCH_DIR (default: a temporary folder,
// removed afterwards); DuckDB gets AGORA_BENCH_MEMORY (default 8GB).
// AGORA_BENCH_REPETITIONS=k (default 1) measures k pairs (scan of the lake,
// full build) one after the other and prints the median of their ratios:
// on a shared machine a single pair can be off by a quarter.
//
//	AGORA_BENCH_DOSSIERS=10000 go test ./chain -run '^$' -bench '^BenchmarkChain$' -benchtime 1x -timeout 6h
func BenchmarkChain(b *testing.B) {
	for _, n := range benchSizes(b) {
		b.Run(fmt.Sprintf("dossiers=%d", n), func(b *testing.B) {
			for range b.N {
				benchChain(b, n)
			}
		})
	}
}

// benchSizes parses AGORA_BENCH_DOSSIERS.
func benchSizes(b *testing.B) []int {
	spec := os.Getenv("AGORA_BENCH_DOSSIERS")
	if strings.TrimSpace(spec) == "" {
		spec = "100000 1000000"
	}
	var out []int
	for _, f := range strings.FieldsFunc(spec, func(r rune) bool { return r == ' ' || r == ',' }) {
		n, err := strconv.Atoi(strings.ReplaceAll(f, "_", ""))
		if err != nil || n < 1 {
			b.Fatalf("AGORA_BENCH_DOSSIERS=%q : donnez des nombres de dossiers séparés par des espaces (ex. \"10000 100000\")", spec)
		}
		out = append(out, n)
	}
	return out
}

// benchSeed is AGORA_BENCH_SEED, default the generator's default seed.
func benchSeed(b *testing.B) uint64 {
	s := os.Getenv("AGORA_BENCH_SEED")
	if s == "" {
		return generate.DefaultOptions().Seed
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		b.Fatalf("AGORA_BENCH_SEED=%q : donnez un entier", s)
	}
	return v
}

// figure is the measure of one stage or baseline.
type figure struct {
	name    string
	seconds float64 // wall clock
	cpu     float64 // user + system seconds of the process
	rows    int64   // rows handled (dossiers for generate)
	unit    string  // what rows counts
	peak    int64   // peak resident memory during the stage, bytes
	bytes   int64   // output size
}

func (f figure) rate() float64 {
	if f.seconds <= 0 {
		return 0
	}
	return float64(f.rows) / f.seconds
}

// measure runs fn as one stage: memory reclaimed and the peak reset before,
// then wall time, CPU time and peak resident memory read after.
func measure(b *testing.B, name, unit string, fn func() (rows, bytes int64)) figure {
	b.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	usage.ResetPeak()
	cpu0, t0 := usage.CPUTime(), time.Now()
	rows, bytes := fn()
	f := figure{name: name, seconds: time.Since(t0).Seconds(), cpu: (usage.CPUTime() - cpu0).Seconds(),
		rows: rows, unit: unit, peak: usage.PeakRSS(), bytes: bytes}
	// As it goes, on standard error: a long run shows where it is.
	fmt.Fprintf(os.Stderr, "%s : %.1f s (CPU %.1f s), %d %s, pic %d Mio, sortie %d Mio\n",
		f.name, f.seconds, f.cpu, f.rows, f.unit, f.peak>>20, f.bytes>>20)
	return f
}

// row is a line of the table: a stage and its baseline (zero when none).
type row struct {
	stage, base figure
	ratioNote   string
}

func benchChain(b *testing.B, n int) {
	ctx := context.Background()
	dir := os.Getenv("AGORA_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	} else {
		dir = filepath.Join(dir, strconv.Itoa(n))
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { os.RemoveAll(dir) })
	}
	opts := testOptions(b, n)
	opts.Root = dataroot.Root{Dir: dir}
	opts.Memory = os.Getenv("AGORA_BENCH_MEMORY")
	opts.Threads = 0
	opts.Generate.Out = opts.Root.Deliveries()
	opts.Generate.Seed = benchSeed(b)
	deliveries := opts.Root.Deliveries()
	var rows []row

	// generate
	gen := measure(b, "génération", "dossiers", func() (int64, int64) {
		sum, err := generate.Run(ctx, opts.Generate, nil)
		if err != nil {
			b.Fatal(err)
		}
		return sum.Dossiers, sum.Bytes
	})
	rows = append(rows, row{stage: gen})
	// The last DSN month lands after the first build, for the incremental
	// refresh.
	nextMonth := filepath.Join(dir, "mois-suivant")
	yyyymm := strings.ReplaceAll(opts.Generate.Coverage.String(), "-", "")
	holdBackMonth(b, deliveries, yyyymm, nextMonth)
	// So does the last transmission of France Travail (dossiers, events,
	// funding), for the incremental build after a partner delivery.
	nextDelivery := filepath.Join(dir, "livraison-suivante")
	holdBackPartner(b, deliveries, "FT", nextDelivery)

	// land: the CSV feeds, then the NEODeS declarations; DuckDB's raw
	// conversion of the same CSV files first, so both read a warm cache.
	csvDirs := []string{}
	for _, feed := range []string{"dossiers", "evenements", "financements", "enveloppes", "dsn_extrait"} {
		csvDirs = append(csvDirs, filepath.Join(deliveries, feed))
	}
	csvFiles, err := land.Collect(csvDirs)
	if err != nil {
		b.Fatal(err)
	}
	duckCSV := measure(b, "DuckDB read_csv → Parquet", "lignes", func() (int64, int64) {
		return duckCopyCSV(b, csvFiles, filepath.Join(dir, "duckdb-csv"))
	})
	os.RemoveAll(filepath.Join(dir, "duckdb-csv"))
	landCSV := measure(b, "chargement CSV", "lignes", func() (int64, int64) {
		s, err := Land(ctx, opts, csvFiles)
		if err != nil {
			b.Fatal(err)
		}
		return s.Read, DirSize(opts.Root.Lake())
	})
	lakeCSV := landCSV.bytes
	landDSN := measure(b, "chargement NEODeS", "lignes", func() (int64, int64) {
		s, err := Land(ctx, opts, []string{filepath.Join(deliveries, "dsn")})
		if err != nil {
			b.Fatal(err)
		}
		return s.Read, DirSize(opts.Root.Lake()) - lakeCSV
	})
	rows = append(rows, row{stage: landCSV, base: duckCSV}, row{stage: landDSN})

	// build, and its baseline: one scan of every lake column.
	lakeRows, lakeFiles := lakeStats(b, opts.Root.Lake())
	scanStage := func(name string) figure {
		return measure(b, name, "lignes du lac", func() (int64, int64) {
			return scanLake(b, opts), 0
		})
	}
	scan := scanStage("DuckDB lecture du lac")
	// buildStage measures one build, which must be incremental or not.
	buildStage := func(name string, bo BuildOptions, incremental bool) figure {
		return measure(b, name, "lignes du lac", func() (int64, int64) {
			res, err := BuildWith(ctx, opts, bo)
			if err != nil {
				b.Fatal(err)
			}
			if res.Incremental != incremental {
				b.Fatalf("%s : construction incrémentale %t, attendu %t (%s)", name, res.Incremental, incremental, res.Why)
			}
			return lakeRows, fileSize(opts.Root.Warehouse()) + DirSize(opts.Root.Marts())
		})
	}
	build := buildStage("construction", BuildOptions{}, false)
	rows = append(rows, row{stage: build, base: scan})
	pairs := []row{{stage: build, base: scan}}
	for i := 2; i <= benchRepetitions(b); i++ {
		scan := scanStage(fmt.Sprintf("DuckDB lecture du lac (%d)", i))
		build := buildStage(fmt.Sprintf("construction complète (%d)", i), BuildOptions{Full: true}, false)
		pairs = append(pairs, row{stage: build, base: scan})
	}

	// report
	report := measure(b, "publication", "fichiers", func() (int64, int64) {
		ss, err := Report(ctx, opts)
		if err != nil {
			b.Fatal(err)
		}
		return int64(ss.Files), DirSize(opts.Root.Site()) + DirSize(opts.Root.OpenData())
	})
	rows = append(rows, row{stage: report})

	// incremental refresh: one more DSN month, then a build, against the
	// full build above (target ≤ 20 %).
	// landStage measures the landing of what dir holds.
	landStage := func(name, dir string) figure {
		return measure(b, name, "lignes", func() (int64, int64) {
			s, err := Land(ctx, opts, []string{dir})
			if err != nil {
				b.Fatal(err)
			}
			return s.Read, 0
		})
	}
	landMonth := landStage("chargement d'un mois DSN", nextMonth)
	refresh := buildStage("construction incrémentale", BuildOptions{}, true)
	rows = append(rows, row{stage: landMonth}, row{stage: refresh, base: build})
	// and after one more partner delivery.
	landDelivery := landStage("chargement d'une livraison FT", nextDelivery)
	refreshDossiers := buildStage("construction incrémentale (dossiers)", BuildOptions{}, true)
	rows = append(rows, row{stage: landDelivery}, row{stage: refreshDossiers, base: build})

	// compaction, and the build on the compacted lake against a second build
	// of the lake as landed (the first one also warmed caches up).
	again := buildStage("construction complète, 2e passage", BuildOptions{Full: true}, false)
	compact := measure(b, "compactage", "lignes du lac", func() (int64, int64) {
		var written int64
		for _, g := range compactLake(b, opts).Groups {
			written += g.BytesAfter
		}
		return lakeRows, written
	})
	_, filesAfter := lakeStats(b, opts.Root.Lake())
	rebuild := buildStage("construction, lac compacté", BuildOptions{Full: true}, false)
	rows = append(rows, row{stage: again}, row{stage: compact}, row{stage: rebuild, base: again})

	// retention: the purge of the DSN outside every window.
	var purged lake.PurgeResult
	purge := measure(b, "purge DSN", "lignes purgées", func() (int64, int64) {
		s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: opts.Memory, TempDir: opts.Root.Temp()})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		l, err := lake.Open(opts.Root.Lake())
		if err != nil {
			b.Fatal(err)
		}
		if purged, err = lake.PurgeDSN(ctx, l, lake.PurgeOptions{DB: s.DB()}); err != nil {
			b.Fatal(err)
		}
		return purged.Purged() + purged.HistoryRows, DirSize(opts.Root.Lake())
	})
	rows = append(rows, row{stage: purge})
	fmt.Fprintf(os.Stderr, "purge : %d lignes DSN visibles, %d hors fenêtre, %d sans dossier, %d dans l'historique ; %d fichiers réécrits, %d supprimés\n",
		purged.Rows, purged.OutsideWindow, purged.NoDossier, purged.HistoryRows, purged.FilesRewritten, purged.FilesDeleted)

	for _, r := range rows {
		put := func(prefix string, f figure) {
			b.ReportMetric(f.seconds, prefix+"_s")
			b.ReportMetric(f.cpu, prefix+"_cpu_s")
			b.ReportMetric(f.rate(), prefix+"_"+strings.ReplaceAll(f.unit, " ", "_")+"/s")
			b.ReportMetric(float64(f.peak)/(1<<20), prefix+"_pic_Mio")
			b.ReportMetric(float64(f.bytes)/(1<<20), prefix+"_sortie_Mio")
		}
		key := metricKey(r.stage.name)
		put(key, r.stage)
		if r.base.name != "" {
			put(key+"_ref", r.base)
			b.ReportMetric(r.stage.seconds/r.base.seconds, key+"_ratio")
		}
	}
	b.ReportMetric(float64(lakeFiles), "lac_fichiers")
	b.ReportMetric(float64(filesAfter), "lac_fichiers_compacte")
	printTable(os.Stdout, n, rows, lakeFiles, filesAfter, DirSize(opts.Root.Lake()))
	if len(pairs) > 1 {
		wall, cpu := pairRatios(pairs)
		b.ReportMetric(median(wall), "build_ratio_median")
		printPairs(os.Stdout, pairs, wall, cpu)
	}
}

// benchRepetitions is AGORA_BENCH_REPETITIONS (default 1): how many pairs
// (scan of the lake, full build) to measure, one after the other. On a
// shared machine one pair can be off by a quarter; the median of several
// is the build ratio to report.
func benchRepetitions(b *testing.B) int {
	s := os.Getenv("AGORA_BENCH_REPETITIONS")
	if s == "" {
		return 1
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		b.Fatalf("AGORA_BENCH_REPETITIONS=%q : donnez un nombre de paires (lecture du lac, construction), 1 ou plus", s)
	}
	return n
}

// pairRatios returns the build / scan ratios of each pair, in wall time and
// in CPU time, each sorted.
func pairRatios(pairs []row) (wall, cpu []float64) {
	for _, p := range pairs {
		wall = append(wall, p.stage.seconds/p.base.seconds)
		cpu = append(cpu, p.stage.cpu/p.base.cpu)
	}
	slices.Sort(wall)
	slices.Sort(cpu)
	return wall, cpu
}

// printPairs writes each (scan, build) pair and the median of their ratios.
func printPairs(w io.Writer, pairs []row, wall, cpu []float64) {
	fmt.Fprintf(w, "\nConstruction / lecture du lac, %d paires mesurées l'une après l'autre\n", len(pairs))
	fmt.Fprintf(w, "%-6s %14s %14s %9s %9s\n", "paire", "construction s", "lecture s", "ratio", "ratio CPU")
	for i, p := range pairs {
		fmt.Fprintf(w, "%-6d %14.1f %14.1f %9.2f %9.2f\n", i+1, p.stage.seconds, p.base.seconds,
			p.stage.seconds/p.base.seconds, p.stage.cpu/p.base.cpu)
	}
	fmt.Fprintf(w, "médiane : %.2f (durée), %.2f (CPU) ; étendue %.2f–%.2f (durée)\n",
		median(wall), median(cpu), wall[0], wall[len(wall)-1])
}

// median of sorted values.
func median(v []float64) float64 {
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

func metricKey(name string) string {
	switch name {
	case "génération":
		return "generate"
	case "chargement CSV":
		return "land_csv"
	case "chargement NEODeS":
		return "land_neodes"
	case "construction":
		return "build"
	case "publication":
		return "report"
	case "compactage":
		return "compact"
	case "construction, lac compacté":
		return "build_compacted"
	case "construction complète, 2e passage":
		return "build_again"
	case "chargement d'un mois DSN":
		return "land_month"
	case "construction incrémentale":
		return "build_incremental"
	case "chargement d'une livraison FT":
		return "land_delivery"
	case "construction incrémentale (dossiers)":
		return "build_incremental_dossiers"
	case "purge DSN":
		return "purge"
	}
	return strings.ReplaceAll(name, " ", "_")
}

// printTable writes the figures of one size as a French table.
func printTable(w io.Writer, n int, rows []row, filesBefore, filesAfter int, lakeBytes int64) {
	fmt.Fprintf(w, "\nChaîne complète, %s dossiers (machine partagée : chiffres indicatifs)\n", fmtInt(int64(n)))
	fmt.Fprintf(w, "%-38s %9s %9s %14s %12s %10s %10s\n", "étape", "durée s", "CPU s", "lignes", "par s", "pic Mio", "sortie Mio")
	line := func(f figure, indent string) {
		fmt.Fprintf(w, "%-38s %9.1f %9.1f %14s %12s %10d %10d\n", indent+f.name, f.seconds, f.cpu,
			fmtInt(f.rows)+" "+abbrev(f.unit), fmtInt(int64(f.rate())), f.peak>>20, f.bytes>>20)
	}
	for _, r := range rows {
		line(r.stage, "")
		if r.base.name != "" {
			line(r.base, "  réf. ")
			fmt.Fprintf(w, "%-38s %9.2f (durée) %9.2f (CPU)\n", "  ratio étape / réf.", r.stage.seconds/r.base.seconds, r.stage.cpu/r.base.cpu)
		}
	}
	fmt.Fprintf(w, "lac : %d fichiers avant compactage, %d après ; %s Mio sur disque (anciens fichiers gardés pour la relecture du passé)\n",
		filesBefore, filesAfter, fmtInt(lakeBytes>>20))
}

func abbrev(unit string) string {
	switch unit {
	case "dossiers":
		return "dos."
	case "fichiers":
		return "fich."
	case "lignes purgées":
		return "l. purgées"
	}
	return "l."
}

func fmtInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// duckCopyCSV converts the CSV files with DuckDB's own reader and writer, one
// COPY per feed and encoding (read_csv reads one encoding at a time), and
// returns the rows written and the Parquet size.
func duckCopyCSV(b *testing.B, files []string, out string) (int64, int64) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		b.Fatal(err)
	}
	type group struct{ feed, enc string }
	groups := map[group][]string{}
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		info, err := delivery.Inspect(fh, f)
		fh.Close()
		if err != nil {
			b.Fatal(err)
		}
		enc := "utf-8"
		if info.Encoding == delivery.Windows1252 {
			enc = "latin-1"
		}
		g := group{filepath.Base(filepath.Dir(f)), enc}
		groups[g] = append(groups[g], f)
	}
	db, err := sql.Open("duckdb", "?autoinstall_known_extensions=false&autoload_known_extensions=false")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if mem := os.Getenv("AGORA_BENCH_MEMORY"); mem != "" {
		if _, err := db.Exec("SET memory_limit = '" + mem + "'"); err != nil {
			b.Fatal(err)
		}
	}
	var rows int64
	for g, fs := range groups {
		q := fmt.Sprintf(`COPY (SELECT * FROM read_csv(['%s'], delim=';', header=true, encoding='%s', union_by_name=true, ignore_errors=true))
			TO '%s' (FORMAT parquet, COMPRESSION zstd)`, strings.Join(fs, "','"), g.enc, filepath.Join(out, g.feed+"-"+g.enc+".parquet"))
		res, err := db.Exec(q)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := res.RowsAffected()
		rows += n
	}
	return rows, DirSize(out)
}

// lakeStats returns the rows and the number of files visible in the lake.
func lakeStats(b *testing.B, root string) (rows int64, files int) {
	l, err := lake.Open(root)
	if err != nil {
		b.Fatal(err)
	}
	snap, err := l.Snapshot("")
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range snap.Files("") {
		rows += f.Rows
		files++
	}
	return rows, files
}

// scanLake reads once every column of every dataset the models read
// (count(*), min and max of each), through the views the build reads, and
// returns the rows read.
func scanLake(b *testing.B, opts Options) int64 {
	ctx := context.Background()
	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: opts.Memory, TempDir: opts.Root.Temp()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := runner.Mount(ctx, s, opts.Root.Lake(), ""); err != nil {
		b.Fatal(err)
	}
	var total int64
	for name, cols := range runner.LakeSchemas() {
		exprs := []string{"count(*)"}
		for _, c := range cols {
			q := `"` + strings.ReplaceAll(c.Name, `"`, `""`) + `"`
			exprs = append(exprs, "min("+q+")", "max("+q+")")
		}
		vals := make([]any, len(exprs))
		ptrs := make([]any, len(exprs))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := s.QueryRow(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+warehouse.ViewName(name)).Scan(ptrs...); err != nil {
			b.Fatalf("lecture de %s : %v", warehouse.ViewName(name), err)
		}
		if n, ok := vals[0].(int64); ok {
			total += n
		}
	}
	return total
}

// compactLake compacts the lake of opts and returns what it did.
func compactLake(b *testing.B, opts Options) lake.CompactResult {
	b.Helper()
	s, err := warehouse.Open(context.Background(), warehouse.Options{MemoryLimit: opts.Memory, TempDir: opts.Root.Temp()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	l, err := lake.Open(opts.Root.Lake())
	if err != nil {
		b.Fatal(err)
	}
	res, err := lake.Compact(context.Background(), l, lake.CompactOptions{DB: s.DB()})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkCompaction measures what compaction buys on a lake of many small
// files: a sample of AGORA_BENCH_COMPACT_DOSSIERS dossiers (default 10 000)
// landed one delivery file at a time by one long-running process, as daily
// arrivals would be (each file its own transaction, so each adds small
// files to many partitions). It reports the build time (wall and CPU)
// before and after compaction, their ratio, the time of the compaction, the
// number of lake files before and after, and how long a new process takes
// to read all the manifests.
func BenchmarkCompaction(b *testing.B) {
	n := 10_000
	if s := os.Getenv("AGORA_BENCH_COMPACT_DOSSIERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("AGORA_BENCH_COMPACT_DOSSIERS=%q : donnez un nombre de dossiers", s)
		}
		n = v
	}
	ctx := context.Background()
	opts := testOptions(b, n)
	opts.Memory = os.Getenv("AGORA_BENCH_MEMORY")
	opts.Threads = 0
	opts.Generate.Out = opts.Root.Deliveries()
	if _, err := generate.Run(ctx, opts.Generate, nil); err != nil {
		b.Fatal(err)
	}
	files, err := land.Collect([]string{opts.Root.Deliveries()})
	if err != nil {
		b.Fatal(err)
	}
	lk, err := lake.Open(opts.Root.Lake())
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	for _, f := range files {
		s, err := land.Run(ctx, lk, opts.Key, []string{f}, land.Options{})
		if err != nil || s.Count(land.StatusFailed) > 0 {
			b.Fatalf("chargement de %s : %v", f, err)
		}
	}
	landing := time.Since(t0)
	// What every new process pays: reading all the manifests.
	t0 = time.Now()
	lakeRows, before := lakeStats(b, opts.Root.Lake())
	manifests := time.Since(t0)
	ms, err := lk.Manifests()
	if err != nil {
		b.Fatal(err)
	}
	if _, err := Build(ctx, opts); err != nil { // warm-up: caches, DuckDB
		b.Fatal(err)
	}
	// One measure whatever b.N (run with -benchtime 1x): a second build
	// would read the compacted lake.
	b.ResetTimer()
	built := measure(b, "construction, petits fichiers", "lignes du lac", func() (int64, int64) {
		if _, err := Build(ctx, opts); err != nil {
			b.Fatal(err)
		}
		return lakeRows, 0
	})
	compact := measure(b, "compactage", "lignes du lac", func() (int64, int64) {
		compactLake(b, opts)
		return lakeRows, 0
	})
	rebuilt := measure(b, "construction, lac compacté", "lignes du lac", func() (int64, int64) {
		if _, err := Build(ctx, opts); err != nil {
			b.Fatal(err)
		}
		return lakeRows, 0
	})
	r := row{stage: rebuilt, base: built}
	b.ReportMetric(compact.seconds, "compact_s")
	b.ReportMetric(float64(compact.peak)/(1<<20), "compact_pic_Mio")
	b.StopTimer()
	_, after := lakeStats(b, opts.Root.Lake())
	b.ReportMetric(landing.Seconds(), "land_fichier_par_fichier_s")
	b.ReportMetric(r.base.seconds, "build_petits_fichiers_s")
	b.ReportMetric(r.stage.seconds, "build_compacte_s")
	b.ReportMetric(r.base.seconds/r.stage.seconds, "gain")
	b.ReportMetric(r.base.cpu/r.stage.cpu, "gain_cpu")
	b.ReportMetric(float64(len(ms)), "manifestes")
	b.ReportMetric(manifests.Seconds(), "lecture_manifestes_s")
	b.ReportMetric(float64(before), "fichiers_avant")
	b.ReportMetric(float64(after), "fichiers_apres")
	fmt.Printf("\nCompactage, %s dossiers chargés fichier par fichier (%d livraisons en %.0f s, %d manifestes relus en %.2f s) : %d fichiers → %d\n"+
		"construction %.1f s (CPU %.1f s) avant, %.1f s (CPU %.1f s) après : gain ×%.2f (CPU ×%.2f) ; compactage %.1f s (CPU %.1f s)\n",
		fmtInt(int64(n)), len(files), landing.Seconds(), len(ms), manifests.Seconds(), before, after,
		r.base.seconds, r.base.cpu, r.stage.seconds, r.stage.cpu, r.base.seconds/r.stage.seconds, r.base.cpu/r.stage.cpu,
		compact.seconds, compact.cpu)
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{4}, 4},
		{[]float64{1, 2, 9}, 2},
		{[]float64{1, 2, 4, 9}, 3}, // (2 + 4) / 2
	} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	wall, cpu := pairRatios([]row{
		{stage: figure{seconds: 30, cpu: 60}, base: figure{seconds: 3, cpu: 5}},  // 10, 12
		{stage: figure{seconds: 20, cpu: 40}, base: figure{seconds: 4, cpu: 8}},  // 5, 5
		{stage: figure{seconds: 36, cpu: 70}, base: figure{seconds: 4, cpu: 10}}, // 9, 7
	})
	if median(wall) != 9 || median(cpu) != 7 || wall[0] != 5 || wall[2] != 10 {
		t.Errorf("pairRatios: wall %v, cpu %v; want medians 9 and 7, range 5–10", wall, cpu)
	}
}
