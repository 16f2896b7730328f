package serve

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agora-formation/agora/serve/live"
	"github.com/agora-formation/agora/serve/token"
	"github.com/agora-formation/agora/usage"
)

// benchWarehouse returns the warehouse the load benchmark runs on:
// AGORA_BENCH_WAREHOUSE when set (a real build), else package indicators'
// scaled fixture of about AGORA_BENCH_EXITS exits (default 1,000,000),
// built in the benchmark's temporary folder.
func benchWarehouse(b *testing.B) (path, what string) {
	if p := os.Getenv("AGORA_BENCH_WAREHOUSE"); p != "" {
		return p, "entrepôt réel " + p
	}
	n := 1_000_000
	if s := os.Getenv("AGORA_BENCH_EXITS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatalf("AGORA_BENCH_EXITS=%q", s)
		}
	}
	dir, err := os.MkdirTemp("", "agora-serve-bench-")
	if err != nil {
		b.Fatal(err)
	}
	benchDirs = append(benchDirs, dir)
	path = filepath.Join(dir, "warehouse.duckdb")
	start := time.Now()
	buildWarehouse(b, path, n)
	var exits int64
	db, err := live.ReadOnly(path, live.Options{})(context.Background())
	if err == nil {
		db.QueryRow(`SELECT count(*) FROM resultats_dossiers`).Scan(&exits)
		db.Close()
	}
	b.Logf("synthetic warehouse built in %s", time.Since(start).Round(time.Millisecond))
	return path, fmt.Sprintf("entrepôt synthétique (indicators/fixture.BuildScaled(%d)) : %d sortants dans resultats_dossiers", n, exits)
}

// minSteadyRequests is the least number of requests of the steady state.
const minSteadyRequests = 5000

// loadRequest is one request of the mix.
type loadRequest struct {
	class  string // catalogue, public, partner, dossiers
	target string
	funder string // token to send
}

// benchFunders are the partners of the benchmark, each with a token.
var benchFunders = []string{"FT", "CDC", "REG-84", "REG-11", "REG-94", "OPCO-02"}

// loadSchedule draws n requests: by weight, 5 % catalogue, 60 % public, 34 %
// partner figures, 1 % a small funder's dossier file; years, schemes and
// funders vary, so that about 250 distinct queries appear and some requests
// are the first of their kind (computed, not yet in the answer cache).
func loadSchedule(n int) []loadRequest {
	rng := rand.New(rand.NewPCG(7, 11))
	years := []string{"2019", "2020", "2021", "2022", "2023", "2024"}
	schemes := []string{"CPF", "CPF_TP", "PRF", "HSP", "AIR", "AIF", "AFC", "AFPR", "POEI", "POEC",
		"CSP", "PRO", "PROA", "APP", "PDC", "FNE", "AGEFIPH", "VAE", "BC", "PREPA"}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	public := []func() string{
		func() string { return "taux_emploi_6m?par=dispositif,region&annee=" + pick(years) },
		func() string {
			return "taux_emploi_6m?par=region&annee=" + pick(years) + "&dispositif=" + pick(schemes)
		},
		func() string { return "taux_emploi_6m?par=dispositif&format=csv&annee=" + pick(years) },
		func() string { return "nb_sortants?par=region&annee=" + pick(years) },
		func() string { return "taux_emploi_12m?par=sexe,tranche_age&annee=" + pick(years) },
		func() string { return "montant_engage?par=financeur,dispositif&annee=" + pick(years) },
		func() string { return "nb_entrees?par=mois&dispositif=" + pick(schemes) },
		func() string { return "valeur_ajoutee_6m?par=organisme&annee=" + pick(years) },
		func() string { return "taux_emploi_apres_6m?par=region&annee=" + pick(years) },
	}
	partner := []func(f string) string{
		func(f string) string { return "taux_emploi_6m?par=dispositif,region&annee=" + pick(years) },
		func(f string) string { return "taux_emploi_6m?par=dispositif&annee=" + pick(years) },
		func(f string) string { return "nb_sortants?par=organisme&annee=" + pick(years) },
		func(f string) string { return "montant_engage?par=dispositif&annee=" + pick(years) },
	}
	out := make([]loadRequest, n)
	for i := range out {
		switch x := rng.IntN(100); {
		case x < 5:
			out[i] = loadRequest{"catalogue", "/api/v1/indicateurs", ""}
		case x < 65:
			out[i] = loadRequest{"public", "/api/v1/indicateurs/" + public[rng.IntN(len(public))](), ""}
		case x < 99:
			f := pick(benchFunders)
			out[i] = loadRequest{"partner", "/api/v1/partenaires/" + f + "/indicateurs/" + partner[rng.IntN(len(partner))](f), f}
		default:
			out[i] = loadRequest{"dossiers", "/api/v1/partenaires/REG-94/dossiers?format=csv", "REG-94"}
		}
	}
	return out
}

// peakMemory samples the resident memory of the process and its Go heap
// (objects, live or not yet collected) until stop, and returns the highest
// values seen, in bytes (RSS on Linux only; 0 elsewhere).
func peakMemory(stop <-chan struct{}) <-chan [2]int64 {
	out := make(chan [2]int64, 1)
	go func() {
		var peak [2]int64
		heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(heap)
			peak[0] = max(peak[0], currentRSS())
			peak[1] = max(peak[1], int64(heap[0].Value.Uint64()))
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// loadAverage returns the first field of /proc/loadavg (the machine's load
// over the last minute), or "?" elsewhere.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func currentRSS() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return sorted[i]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// benchServer is the server of the load benchmark, started once per test
// binary (the benchmark function runs several times) and left running.
type benchServer struct {
	base      string
	tokens    map[string]string
	prepare   time.Duration
	what      string
	firstPass onceResult // the first requests, run once
}

// onceResult runs a load phase once and keeps its result.
type onceResult struct {
	once sync.Once
	r    loadResult
}

func (o *onceResult) Do(f func() loadResult) loadResult {
	o.once.Do(func() { o.r = f() })
	return o.r
}

var (
	benchOnce sync.Once
	benchSrv  *benchServer
	benchDirs []string // removed by TestMain
)

func startBenchServer(b *testing.B) *benchServer {
	benchOnce.Do(func() {
		path, what := benchWarehouse(b)
		b.Logf("warehouse: %s", what)
		dir, err := os.MkdirTemp("", "agora-serve-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDirs = append(benchDirs, dir)
		tokensPath := filepath.Join(dir, "jetons.json")
		store := token.NewStore(tokensPath)
		tokens := map[string]string{}
		for _, f := range benchFunders {
			clear, _, err := store.Create(f, "bench", time.Now())
			if err != nil {
				b.Fatal(err)
			}
			tokens[f] = clear
		}
		srv, err := New(Config{
			SiteDir:       filepath.Join(dir, "site"),
			WarehousePath: path,
			Open:          live.ReadOnly(path, live.Options{MemoryLimit: "4GB"}),
			TokensPath:    tokensPath,
			RatePerSecond: -1,
		})
		if err != nil {
			b.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		go srv.Serve(context.Background(), ln)
		base := "http://" + ln.Addr().String()
		// Wait for the build to be prepared (first public figures).
		for {
			resp, err := http.Get(base + "/api/v1/indicateurs/nb_sortants?par=annee")
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Since(start) > 30*time.Minute {
				b.Fatal("build not ready after 30 minutes")
			}
			time.Sleep(100 * time.Millisecond)
		}
		benchSrv = &benchServer{base: base, tokens: tokens, prepare: time.Since(start), what: what}
	})
	if benchSrv == nil {
		b.Fatal("bench server did not start")
	}
	return benchSrv
}

// sample is the latency of one successful request.
type sample struct {
	class string
	d     time.Duration
}

// loadResult is what a load phase measured.
type loadResult struct {
	samples    []sample
	elapsed    time.Duration
	bytes      int64
	failures   int64
	firstErr   any
	peakRSS    int64
	peakHeap   int64         // Go heap objects
	cpu        time.Duration // CPU time of the process (server and clients)
	gcs        uint32        // garbage collections
	loadBefore string        // load average of the machine before and after
	loadAfter  string
}

// runLoad sends reqs from clients concurrent clients (each takes the next
// request of the list), for at most maxDuration.
func runLoad(bs *benchServer, clients int, reqs []loadRequest, maxDuration time.Duration) loadResult {
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	var (
		next     atomic.Int64
		failures atomic.Int64
		firstErr atomic.Value
		bytesIn  atomic.Int64
		mu       sync.Mutex
		samples  = make([]sample, 0, len(reqs))
		wg       sync.WaitGroup
	)
	runtime.GC()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	loadBefore := loadAverage()
	stop := make(chan struct{})
	peak := peakMemory(stop)
	deadline := time.Now().Add(maxDuration)
	cpu0 := usage.CPUTime()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			var local []sample
			defer func() {
				mu.Lock()
				samples = append(samples, local...)
				mu.Unlock()
			}()
			for {
				i := next.Add(1) - 1
				if i >= int64(len(reqs)) || time.Now().After(deadline) {
					return
				}
				r := reqs[i]
				req, _ := http.NewRequest(http.MethodGet, bs.base+r.target, nil)
				if r.funder != "" {
					req.Header.Set("Authorization", "Bearer "+bs.tokens[r.funder])
				}
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d := time.Since(t0)
				bytesIn.Add(n)
				if resp.StatusCode != http.StatusOK {
					failures.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("%s: %d", r.target, resp.StatusCode))
					continue
				}
				local = append(local, sample{r.class, d})
			}
		})
	}
	wg.Wait()
	res := loadResult{samples: samples, elapsed: time.Since(start), cpu: usage.CPUTime() - cpu0, bytes: bytesIn.Load(),
		failures: failures.Load(), firstErr: firstErr.Load(), loadBefore: loadBefore, loadAfter: loadAverage()}
	close(stop)
	p := <-peak
	res.peakRSS, res.peakHeap = p[0], p[1]
	var ms1 runtime.MemStats
	runtime.ReadMemStats(&ms1)
	res.gcs = ms1.NumGC - ms0.NumGC
	return res
}

// latencies returns the sorted latencies of the samples whose class is in classes (all when empty).
func (r loadResult) latencies(classes ...string) []time.Duration {
	var ds []time.Duration
	for _, s := range r.samples {
		if len(classes) == 0 || slices.Contains(classes, s.class) {
			ds = append(ds, s.d)
		}
	}
	slices.Sort(ds)
	return ds
}

// routeClasses are the kinds of requests of the mix, in report order.
var routeClasses = []string{"catalogue", "public", "partner", "dossiers"}

func (r loadResult) log(b *testing.B, phase string) {
	b.Logf("%s : %d requêtes en %s, %.0f req/s ; CPU du processus (serveur et clients) %.2f ms/requête ; %d GC ; "+
		"%.1f Mo reçus ; pic RSS %.0f Mo, pic du tas Go %.0f Mo ; charge de la machine %s → %s (2 cœurs)",
		phase, len(r.samples), r.elapsed.Round(time.Millisecond), float64(len(r.samples))/r.elapsed.Seconds(),
		ms(r.cpu)/float64(max(len(r.samples), 1)), r.gcs, float64(r.bytes)/(1<<20),
		float64(r.peakRSS)/(1<<20), float64(r.peakHeap)/(1<<20), r.loadBefore, r.loadAfter)
	for _, class := range routeClasses {
		ds := r.latencies(class)
		if len(ds) == 0 {
			continue
		}
		b.Logf("%s %-9s %6d requêtes %6.0f req/s  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms", phase, class, len(ds),
			float64(len(ds))/r.elapsed.Seconds(), ms(percentile(ds, 0.5)), ms(percentile(ds, 0.99)), ms(ds[len(ds)-1]))
	}
}

// BenchmarkLoad runs 50 concurrent clients on loopback against a real
// listening server, on a mix of catalogue, public, partner and dossier
// requests, in two phases:
//
//   - first requests: each distinct query of the mix once (about 250), as after
//     a new build: every answer is computed (public figures from the build's
//     publication, partner figures and dossiers from DuckDB);
//   - steady state: b.N requests of the mix (at most 2 minutes), the answers
//     being in the build's cache.
//
// It reports, for the steady state, requests per second, p50 / p99 latency
// over all requests, over indicator queries (public and partner) and p99 per
// kind of route, and the CPU time of the process per request (server and
// clients: a figure that the machine's load disturbs less than latencies);
// for the first requests, p50 / p99 of indicator queries and the phase's
// duration; the time to prepare the build (its disclosure-controlled
// publication), the peak resident memory and Go heap. The log gives, per
// phase and per kind of route, requests, requests per second, p50, p99 and
// max, with the machine's load average before and after (the machine has 2
// cores, often shared: read latencies next to it).
//
// The steady state sends at least minSteadyRequests requests, so that make
// bench (-benchtime 200ms) measures it too. AGORA_BENCH_WAREHOUSE runs it on
// an existing warehouse instead of the synthetic one.
//
//	go test ./serve -run '^$' -bench Load -benchtime 5000x -v
func BenchmarkLoad(b *testing.B) {
	clients := 50
	if s := os.Getenv("AGORA_BENCH_CLIENTS"); s != "" {
		clients, _ = strconv.Atoi(s)
	}
	bs := startBenchServer(b)
	// At least minSteadyRequests in the steady state, whatever b.N (make
	// bench runs benchmarks with -benchtime 200ms: one call, b.N = 1), so
	// that p99 stands on enough requests.
	steadyN := max(b.N, minSteadyRequests)
	schedule := loadSchedule(max(steadyN, 5000))
	seen := map[string]bool{}
	var firsts []loadRequest
	for _, r := range schedule {
		if !seen[r.target] {
			seen[r.target] = true
			firsts = append(firsts, r)
		}
	}
	schedule = schedule[:steadyN]

	b.StopTimer()
	first := bs.firstPass.Do(func() loadResult { return runLoad(bs, clients, firsts, 10*time.Minute) })
	b.StartTimer()
	steady := runLoad(bs, clients, schedule, 2*time.Minute)
	b.StopTimer()

	for _, r := range []loadResult{first, steady} {
		if r.failures > 0 {
			b.Fatalf("%d failed requests; first: %v", r.failures, r.firstErr)
		}
	}
	all, indic := steady.latencies(), steady.latencies("public", "partner")
	firstIndic := first.latencies("public", "partner")
	b.ReportMetric(float64(len(all))/steady.elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(percentile(all, 0.50)), "p50_ms")
	b.ReportMetric(ms(percentile(all, 0.99)), "p99_ms")
	b.ReportMetric(ms(percentile(indic, 0.50)), "p50_indic_ms")
	b.ReportMetric(ms(percentile(indic, 0.99)), "p99_indic_ms")
	b.ReportMetric(ms(percentile(firstIndic, 0.50)), "p50_first_indic_ms")
	b.ReportMetric(ms(percentile(firstIndic, 0.99)), "p99_first_indic_ms")
	b.ReportMetric(first.elapsed.Seconds(), "first_pass_s")
	for _, class := range []string{"catalogue", "public", "partner"} {
		ds := steady.latencies(class)
		b.ReportMetric(ms(percentile(ds, 0.99)), "p99_"+class+"_ms")
	}
	b.ReportMetric(ms(steady.cpu)/float64(max(len(all), 1)), "cpu_ms/req")
	b.ReportMetric(float64(max(first.peakRSS, steady.peakRSS))/(1<<20), "peak_rss_MB")
	b.ReportMetric(float64(max(first.peakHeap, steady.peakHeap))/(1<<20), "peak_heap_MB")
	b.ReportMetric(bs.prepare.Seconds(), "prepare_s")
	b.ReportMetric(0, "ns/op")
	b.Logf("%s ; préparation %s ; %d clients", bs.what, bs.prepare.Round(time.Millisecond), clients)
	first.log(b, "premières requêtes")
	steady.log(b, "régime établi")
}
