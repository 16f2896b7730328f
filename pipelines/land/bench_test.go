package land

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/usage"
)

// BenchmarkLandVsDuckDB lands a folder of generated deliveries, feed by feed,
// and in the same run has DuckDB convert the same CSV files to Parquet with
// its own COPY (SELECT * FROM read_csv(…, delim=';', header=true)) TO '….parquet'.
// It reports, per feed, the rows per second of both and their ratio (target:
// landing at least half as fast as DuckDB's raw conversion, validation and
// pseudonymisation included), and the NEODeS landing speed in MB/s.
//
// The deliveries are AGORA_BENCH_DIR when set (a folder written by
// `agora generate`), else a sample of AGORA_BENCH_DOSSIERS dossiers (default
// 20 000) generated once under AGORA_SAMPLE_DIR (default: a temporary folder):
//
//	AGORA_BENCH_DOSSIERS=1000000 AGORA_SAMPLE_DIR=/tmp/agora-samples \
//	  go test ./pipelines/land -run '^$' -bench LandVsDuckDB -benchtime 1x -timeout 2h
func BenchmarkLandVsDuckDB(b *testing.B) {
	dir := benchDeliveries(b)
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	out := b.TempDir()
	var totalLand, totalDuck, totalLandCPU, totalDuckCPU time.Duration
	var totalRows int64
	b.ResetTimer()
	for range b.N {
		for _, feed := range dictionary.Feeds() {
			files, err := Collect([]string{filepath.Join(dir, feed.Name)})
			if err != nil || len(files) == 0 {
				b.Logf("%s : pas de livraison", feed.Name)
				continue
			}
			cpu0 := usage.CPUTime()
			s, landTime := benchLand(b, files)
			cpu1 := usage.CPUTime()
			duckRows, duckTime := duckCopy(b, db, files, filepath.Join(out, feed.Name))
			cpu2 := usage.CPUTime()
			if duckRows != s.Read {
				b.Logf("%s : DuckDB lit %d lignes, le chargement %d (les lignes mal formées diffèrent)", feed.Name, duckRows, s.Read)
			}
			ours, theirs := float64(s.Read)/landTime.Seconds(), float64(duckRows)/duckTime.Seconds()
			oursCPU, theirsCPU := float64(s.Read)/(cpu1-cpu0).Seconds(), float64(duckRows)/(cpu2-cpu1).Seconds()
			b.ReportMetric(ours, feed.Name+"_lignes/s")
			b.ReportMetric(theirs, feed.Name+"_duckdb_lignes/s")
			b.ReportMetric(ours/theirs, feed.Name+"_ratio")
			b.ReportMetric(oursCPU/theirsCPU, feed.Name+"_ratio_cpu")
			b.Logf("%-13s %4d fichiers %10d lignes  chargement %8.0f lignes/s (%8.0f par s de CPU)  DuckDB %8.0f lignes/s (%8.0f par s de CPU)  ratio %.2f (CPU %.2f)",
				feed.Name, len(files), s.Read, ours, oursCPU, theirs, theirsCPU, ours/theirs, oursCPU/theirsCPU)
			totalLand += landTime
			totalDuck += duckTime
			totalLandCPU += cpu1 - cpu0
			totalDuckCPU += cpu2 - cpu1
			totalRows += s.Read
		}
		if files, err := Collect([]string{filepath.Join(dir, "dsn")}); err == nil && len(files) > 0 {
			cpu0 := usage.CPUTime()
			s, t := benchLand(b, files)
			cpu := usage.CPUTime() - cpu0
			b.ReportMetric(float64(s.Bytes)/1e6/t.Seconds(), "neodes_Mo/s")
			b.ReportMetric(float64(s.Bytes)/1e6/cpu.Seconds(), "neodes_Mo/s_cpu")
			b.ReportMetric(float64(s.Read)/t.Seconds(), "neodes_lignes/s")
			b.Logf("%-13s %4d fichiers %10d lignes  chargement %8.0f lignes/s, %.1f Mo/s (%.1f Mo par s de CPU)", NEODeS, len(files), s.Read,
				float64(s.Read)/t.Seconds(), float64(s.Bytes)/1e6/t.Seconds(), float64(s.Bytes)/1e6/cpu.Seconds())
		}
	}
	b.StopTimer()
	if totalRows > 0 {
		b.ReportMetric(float64(totalRows)/totalLand.Seconds(), "csv_lignes/s")
		b.ReportMetric(totalDuck.Seconds()/totalLand.Seconds(), "csv_ratio")
		b.ReportMetric(totalDuckCPU.Seconds()/totalLandCPU.Seconds(), "csv_ratio_cpu")
	}
}

// benchLand lands files into a fresh lake and returns the summary and the time.
func benchLand(b *testing.B, files []string) (Summary, time.Duration) {
	root := b.TempDir()
	lk, err := lake.Open(root)
	if err != nil {
		b.Fatal(err)
	}
	key, _ := testKeyRaw()
	t0 := time.Now()
	s, err := Run(context.Background(), lk, key, files, Options{})
	d := time.Since(t0)
	if err != nil {
		b.Fatal(err)
	}
	if n := s.Count(StatusLanded); n != len(files) {
		b.Fatalf("%d fichiers chargés sur %d", n, len(files))
	}
	return s, d
}

// duckCopy converts the files with DuckDB, one COPY per encoding (DuckDB
// reads a list of files with one schema and one encoding), and returns the
// rows written and the time.
func duckCopy(b *testing.B, db *sql.DB, files []string, out string) (int64, time.Duration) {
	byEnc := map[string][]string{}
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
		byEnc[enc] = append(byEnc[enc], f)
	}
	var rows int64
	t0 := time.Now()
	for enc, fs := range byEnc {
		q := fmt.Sprintf(`COPY (SELECT * FROM read_csv(['%s'], delim=';', header=true, encoding='%s', union_by_name=true, ignore_errors=true))
			TO '%s-%s.parquet' (FORMAT parquet, COMPRESSION zstd)`, strings.Join(fs, "','"), enc, out, enc)
		res, err := db.Exec(q)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := res.RowsAffected()
		rows += n
	}
	return rows, time.Since(t0)
}

// benchDeliveries returns the folder of deliveries of the benchmark.
func benchDeliveries(b *testing.B) string {
	if dir := os.Getenv("AGORA_BENCH_DIR"); dir != "" {
		return dir
	}
	n := 20_000
	if s := os.Getenv("AGORA_BENCH_DOSSIERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatalf("AGORA_BENCH_DOSSIERS=%q", s)
		}
		n = v
	}
	base := os.Getenv("AGORA_SAMPLE_DIR")
	if base == "" {
		base = b.TempDir()
	}
	dir := filepath.Join(base, strconv.Itoa(n)+"-both", "livraisons")
	if _, err := os.Stat(filepath.Join(dir, generate.TruthFile)); err != nil {
		opt := generate.DefaultOptions()
		opt.Dossiers, opt.Seed, opt.Out, opt.DSNFormat, opt.Overwrite = n, 1, dir, generate.DSNBoth, true
		sum, err := generate.Run(context.Background(), opt, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("généré : %d dossiers, %d octets en %.0f s", sum.Dossiers, sum.Bytes, sum.Seconds)
	}
	return dir
}

// BenchmarkLandFeed lands one large file per feed (200 000 rows of the
// fixtures, every row with its own key and NIR) and has DuckDB convert the
// same file with COPY … read_csv; it reports both speeds, in rows per second
// of wall-clock and of CPU time, and their ratio.
func BenchmarkLandFeed(b *testing.B) {
	const n = 200_000
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	for _, feed := range dictionary.Feeds() {
		b.Run(feed.Name, func(b *testing.B) {
			dir := b.TempDir()
			path := filepath.Join(dir, feed.Name+".csv")
			size := n
			if feed == dictionary.Enveloppes {
				size = 140_000 // distinct keys: 100 years × 20 schemes × 71 funders
			}
			writeBigFeed(b, path, feed, size)
			st, _ := os.Stat(path)
			b.SetBytes(st.Size())
			b.ResetTimer()
			var rows, duckRows int64
			var landWall, duckWall, landCPU, duckCPU time.Duration
			for range b.N {
				c0 := usage.CPUTime()
				s, d := benchLand(b, []string{path})
				c1 := usage.CPUTime()
				r, dd := duckCopy(b, db, []string{path}, filepath.Join(dir, "duckdb"))
				c2 := usage.CPUTime()
				rows, duckRows = rows+s.Read, duckRows+r
				landWall, duckWall, landCPU, duckCPU = landWall+d, duckWall+dd, landCPU+c1-c0, duckCPU+c2-c1
			}
			b.StopTimer()
			b.ReportMetric(float64(rows)/landWall.Seconds(), "lignes/s")
			b.ReportMetric(float64(rows)/landCPU.Seconds(), "lignes/s_cpu")
			b.ReportMetric(float64(duckRows)/duckWall.Seconds(), "duckdb_lignes/s")
			b.ReportMetric(float64(duckRows)/duckCPU.Seconds(), "duckdb_lignes/s_cpu")
			b.ReportMetric(duckWall.Seconds()/landWall.Seconds(), "ratio")
			b.ReportMetric(duckCPU.Seconds()/landCPU.Seconds(), "ratio_cpu")
		})
	}
}

// writeBigFeed writes n valid rows of feed, keys and NIRs all different.
func writeBigFeed(b *testing.B, path string, feed *dictionary.Feed, n int) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var sb strings.Builder
	sb.WriteString(strings.Join(header(feed.Name), ";") + "\n")
	r := row(feed.Name, nil)
	nir, id, annee, contrat := feed.Index("nir"), feed.Index("id_dossier"), feed.Index("annee"), feed.Index("id_contrat")
	disp := feed.Index("code_dispositif")
	for i := range n {
		if nir >= 0 {
			r[nir] = nirOf(i)
		}
		if id >= 0 {
			r[id] = "D" + strconv.Itoa(i)
		}
		if contrat >= 0 {
			r[contrat] = "K" + strconv.Itoa(i)
		}
		if annee >= 0 { // enveloppes: key (financeur, dispositif, année)
			r[annee] = strconv.Itoa(2000 + i%100)
			r[disp] = dictionary.Dispositifs.Codes[i/100%20].Code
			r[feed.Index("code_financeur")] = dictionary.Financeurs.Codes[i/2000%len(dictionary.Financeurs.Codes)].Code
		}
		sb.WriteString(strings.Join(r, ";"))
		sb.WriteByte('\n')
		if sb.Len() > 1<<20 {
			f.WriteString(sb.String())
			sb.Reset()
		}
	}
	f.WriteString(sb.String())
}
