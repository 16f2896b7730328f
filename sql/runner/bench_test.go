package runner

import (
	"context"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agora-formation/agora/usage"
	"github.com/agora-formation/agora/warehouse"
)

// BenchmarkBuild measures the whole build of a generated sample against the
// time DuckDB needs to read once every column of every lake dataset (the
// models read nearly all of them): the same session, the same run. It reports
// build_s, scan_s, their ratio (target ≤ 3) and the peak resident memory of
// the process.
//
// The sample has AGORA_BENCH_DOSSIERS dossiers (default 20 000); generating and
// landing it takes long, so keep it between runs with AGORA_SAMPLE_DIR:
//
//	AGORA_BENCH_DOSSIERS=1000000 AGORA_SAMPLE_DIR=/tmp/agora-samples \
//	  go test ./sql/runner -run '^$' -bench BenchmarkBuild -benchtime 1x -timeout 3h
func BenchmarkBuild(b *testing.B) {
	ctx := context.Background()
	smp := prepareSample(b, envInt("AGORA_BENCH_DOSSIERS", 20_000))
	path := smp.root.Warehouse() + ".bench"
	os.Remove(path)
	s, err := warehouse.Open(ctx, warehouse.Options{Path: path, TempDir: smp.root.Temp(), MemoryLimit: os.Getenv("AGORA_BENCH_MEMORY")})
	if err != nil {
		b.Fatal(err)
	}
	defer func() { s.Close(); os.Remove(path) }()
	if _, err := Mount(ctx, s, smp.root.Lake(), ""); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var scan, build, scanCPU, buildCPU time.Duration
	var rep Report
	for range b.N {
		t0, c0 := time.Now(), usage.CPUTime()
		rows := scanLake(b, s)
		scan += time.Since(t0)
		scanCPU += usage.CPUTime() - c0
		t0, c0 = time.Now(), usage.CPUTime()
		rep, err = Build(ctx, s.DB(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		build += time.Since(t0)
		buildCPU += usage.CPUTime() - c0
		if b.N == 1 {
			b.Logf("lac : %d lignes lues", rows)
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(scan.Seconds()/n, "scan_s")
	b.ReportMetric(build.Seconds()/n, "build_s")
	b.ReportMetric(build.Seconds()/scan.Seconds(), "ratio")
	// CPU time (user + system, all threads) is what a busy machine distorts least.
	b.ReportMetric(scanCPU.Seconds()/n, "scan_cpu_s")
	b.ReportMetric(buildCPU.Seconds()/n, "build_cpu_s")
	b.ReportMetric(buildCPU.Seconds()/scanCPU.Seconds(), "ratio_cpu")
	b.ReportMetric(float64(usage.PeakRSS())/(1<<20), "peak_MiB")
	sort.Slice(rep.Models, func(i, j int) bool { return rep.Models[i].Seconds > rep.Models[j].Seconds })
	for _, m := range rep.Models[:min(8, len(rep.Models))] {
		b.Logf("%-28s %8.2f s %12d lignes", m.Name, m.Seconds, m.Rows)
	}
}

// scanLake reads every column of every lake dataset once (hashing each value,
// so no column can be skipped) and returns the number of rows read.
func scanLake(tb testing.TB, s *warehouse.Session) int64 {
	tb.Helper()
	var total int64
	for name, cols := range LakeSchemas() {
		exprs := []string{"count(*)"}
		for _, c := range cols {
			exprs = append(exprs, "sum(hash("+warehouse.Ident(c.Name)+"))")
		}
		vals := make([]any, len(exprs))
		ptrs := make([]any, len(exprs))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := s.DB().QueryRow("SELECT " + strings.Join(exprs, ", ") + " FROM lake_" + name).Scan(ptrs...); err != nil {
			tb.Fatalf("lecture de lake_%s : %v", name, err)
		}
		if n, ok := vals[0].(int64); ok {
			total += n
		}
	}
	return total
}
