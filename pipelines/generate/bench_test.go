package generate

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/agora-formation/agora/usage"
)

// BenchmarkGenerate generates AGORA_BENCH_DOSSIERS dossiers (default 10 000)
// with their DSN, and reports dossiers per second, output bytes and peak memory:
//
//	go test -run '^$' -bench Generate -benchtime 1x ./pipelines/generate
//	AGORA_BENCH_DOSSIERS=1000000 go test -run '^$' -bench Generate -benchtime 1x -timeout 2h ./pipelines/generate
func BenchmarkGenerate(b *testing.B) {
	n := 10000
	if s := os.Getenv("AGORA_BENCH_DOSSIERS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			b.Fatalf("AGORA_BENCH_DOSSIERS=%q: expected a positive integer", s)
		}
		n = v
	}
	dir := b.TempDir()
	var total, bytes int64
	var cpu float64
	b.ResetTimer()
	for i := range b.N {
		opt := DefaultOptions()
		opt.Dossiers = n
		opt.Out = filepath.Join(dir, strconv.Itoa(i))
		c0 := usage.CPUTime().Seconds()
		sum, err := Run(context.Background(), opt, nil)
		if err != nil {
			b.Fatal(err)
		}
		cpu += usage.CPUTime().Seconds() - c0
		total += sum.Dossiers
		bytes += sum.Bytes
		b.StopTimer()
		os.RemoveAll(opt.Out)
		b.StartTimer()
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(total)/sec, "dossiers/s")
	b.ReportMetric(float64(total)/cpu, "dossiers/cpu-s")
	b.ReportMetric(float64(bytes)/sec/(1<<20), "MiB/s")
	b.ReportMetric(float64(bytes)/float64(b.N)/(1<<20), "MiB/op")
	b.ReportMetric(float64(usage.PeakRSS())/(1<<20), "peak-RSS-MiB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MiB")
}
