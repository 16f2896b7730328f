package generate

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
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
		c0 := cpuSeconds()
		sum, err := Run(context.Background(), opt, nil)
		if err != nil {
			b.Fatal(err)
		}
		cpu += cpuSeconds() - c0
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
	b.ReportMetric(peakRSSMiB(), "peak-RSS-MiB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "heap-sys-MiB")
}

// peakRSSMiB reads the process's peak resident memory (VmHWM) on Linux.
func peakRSSMiB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuSeconds returns the process's user and system CPU time (Linux), so that
// the rate is meaningful on a machine shared with other work.
func cpuSeconds() float64 {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(fields[11], 64)
	st, _ := strconv.ParseFloat(fields[12], 64)
	return (ut + st) / 100 // clock ticks (USER_HZ = 100 on Linux)
}
