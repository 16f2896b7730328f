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
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/agora-formation/agora/serve/live"
	"github.com/agora-formation/agora/serve/token"
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

// peakRSS samples the resident memory of the process until stop, and returns
// the highest value seen, in bytes (Linux; 0 elsewhere).
func peakRSS(stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if rss := currentRSS(); rss > peak {
				peak = rss
			}
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
	base    string
	tokens  map[string]string
	prepare time.Duration
	what    string
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

// BenchmarkLoad runs 50 concurrent clients on loopback against a real
// listening server: a mix of catalogue, public, partner and dossier requests
// (b.N requests in all, at most 2 minutes). It reports requests per second,
// p50 and p99 latency over all requests and over indicator queries, the time
// to prepare the build (disclosure-controlled publication) and the peak
// resident memory during the load.
//
//	go test ./serve -run '^$' -bench Load -benchtime 5000x
func BenchmarkLoad(b *testing.B) {
	clients := 50
	if s := os.Getenv("AGORA_BENCH_CLIENTS"); s != "" {
		clients, _ = strconv.Atoi(s)
	}
	const maxDuration = 2 * time.Minute
	bs := startBenchServer(b)
	base, tokens, prepare, what := bs.base, bs.tokens, bs.prepare, bs.what
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	defer transport.CloseIdleConnections()

	schedule := loadSchedule(b.N)
	seen := map[string]bool{} // first request of each target: computed, not cached
	cold := make([]bool, len(schedule))
	for i, r := range schedule {
		cold[i] = !seen[r.target]
		seen[r.target] = true
	}
	type sample struct {
		class, target string
		cold          bool
		d             time.Duration
	}
	var (
		next     atomic.Int64
		failures atomic.Int64
		firstErr atomic.Value
		mu       sync.Mutex
		samples  = make([]sample, 0, b.N)
		bytesIn  atomic.Int64
		wg       sync.WaitGroup
	)
	runtime.GC()
	stop := make(chan struct{})
	peak := peakRSS(stop)
	deadline := time.Now().Add(maxDuration)
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Go(func() {
			local := make([]sample, 0, b.N/clients+1)
			defer func() {
				mu.Lock()
				samples = append(samples, local...)
				mu.Unlock()
			}()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) || time.Now().After(deadline) {
					return
				}
				r := schedule[i]
				req, _ := http.NewRequest(http.MethodGet, base+r.target, nil)
				if r.funder != "" {
					req.Header.Set("Authorization", "Bearer "+tokens[r.funder])
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
				local = append(local, sample{r.class, r.target, cold[i], d})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(stop)
	peakBytes := <-peak

	if f := failures.Load(); f > 0 {
		b.Fatalf("%d failed requests; first: %v", f, firstErr.Load())
	}
	var all, indicator []time.Duration
	byClass := map[string][]time.Duration{}
	for _, s := range samples {
		all = append(all, s.d)
		byClass[s.class] = append(byClass[s.class], s.d)
		if s.cold {
			byClass[s.class+" (1re)"] = append(byClass[s.class+" (1re)"], s.d)
		}
		if s.class == "public" || s.class == "partner" {
			indicator = append(indicator, s.d)
		}
	}
	slices.Sort(all)
	slices.Sort(indicator)
	b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(percentile(all, 0.50)), "p50_ms")
	b.ReportMetric(ms(percentile(all, 0.99)), "p99_ms")
	b.ReportMetric(ms(percentile(indicator, 0.50)), "p50_indic_ms")
	b.ReportMetric(ms(percentile(indicator, 0.99)), "p99_indic_ms")
	b.ReportMetric(float64(peakBytes)/(1<<20), "peak_rss_MB")
	b.ReportMetric(prepare.Seconds(), "prepare_s")
	b.ReportMetric(0, "ns/op")
	for _, m := range []map[string][]time.Duration{byClass} {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ds := m[k]
			slices.Sort(ds)
			b.Logf("%-9s %6d requests  p50 %7.2f ms  p99 %7.2f ms  max %7.2f ms", k, len(ds),
				ms(percentile(ds, 0.5)), ms(percentile(ds, 0.99)), ms(ds[len(ds)-1]))
		}
	}
	b.Logf("%d requests in %s by %d clients, %.1f MB received, prepare %s, peak RSS %.0f MB (%s)",
		len(all), elapsed.Round(time.Millisecond), clients, float64(bytesIn.Load())/(1<<20), prepare.Round(time.Millisecond),
		float64(peakBytes)/(1<<20), what)
}
