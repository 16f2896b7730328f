package serve

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/serve/live"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/dossiers.sha256")

// dossierGolden holds the SHA-256 of the dossier files of the test warehouse,
// as the server wrote them before they were streamed (the whole file rendered
// in memory from indicators.PartnerDossiers, commit 87cd9ed).
const dossierGolden = "testdata/golden/dossiers.sha256"

// tableRendering renders a funder's file the way the server did before it
// streamed it: the whole indicators.PartnerDossiers table, then JSON or CSV.
func tableRendering(t testing.TB, warehouse, funder, format string) []byte {
	t.Helper()
	db, err := live.ReadOnly(warehouse, live.Options{Threads: 2})(context.Background())
	require.NoError(t, err)
	defer db.Close()
	tb, err := indicators.PartnerDossiers(context.Background(), db, funder)
	require.NoError(t, err)
	resp, err := render(tb, format, "dossiers_"+funder)
	require.NoError(t, err)
	return resp.body
}

func TestStreamedDossierFileIsTheFileAsBefore(t *testing.T) {
	e := newEnv(t)
	sums := map[string]string{}
	for _, funder := range []string{"CDC", "FT"} {
		for _, format := range []string{"json", "csv"} {
			name := "dossiers_" + funder + "." + format
			want := tableRendering(t, sharedWarehouse(t), funder, format)
			target := "/api/v1/partenaires/" + funder + "/dossiers?format=" + format
			streamed := e.get(target, e.tokens[funder])
			require.Equal(t, http.StatusOK, streamed.Code, streamed.Body.String())
			assert.Empty(t, streamed.Header().Get("Content-Length"), "streamed: length unknown")
			assert.Equal(t, string(want), streamed.Body.String(), name+": streamed file differs from the table's rendering")
			// The second request is served from the build's cache, whole.
			kept := e.get(target, e.tokens[funder])
			require.Equal(t, http.StatusOK, kept.Code)
			assert.Equal(t, fmt.Sprint(len(want)), kept.Header().Get("Content-Length"))
			assert.Equal(t, string(want), kept.Body.String(), name+": cached file differs")
			assert.Equal(t, "no-store, private", kept.Header().Get("Cache-Control"))
			sum := sha256.Sum256(streamed.Body.Bytes())
			sums[name] = hex.EncodeToString(sum[:])
		}
	}
	var lines []string
	for name, sum := range sums {
		lines = append(lines, sum+"  "+name)
	}
	sort.Strings(lines)
	got := strings.Join(lines, "\n") + "\n"
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(dossierGolden), 0o755))
		require.NoError(t, os.WriteFile(dossierGolden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(dossierGolden)
	require.NoError(t, err)
	assert.Equal(t, string(want), got, "dossier files differ from those of the server before streaming")
}

// TestStreamedDossierFileEscapes checks the streamed JSON and CSV against the
// table's rendering on values encoding/json and encoding/csv escape: quotes,
// separators, HTML characters, non-ASCII, U+2028 and a newline.
func TestStreamedDossierFileEscapes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	src, err := os.ReadFile(sharedWarehouse(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, src, 0o644))
	db, err := sql.Open("duckdb", path)
	require.NoError(t, err)
	res, err := db.Exec(`UPDATE resultats_dossiers SET motif_sortie = 'a<b>&"c",d' || chr(10) || 'é' || chr(8232) || '\'
		WHERE id_dossier = (SELECT min(id_dossier) FROM resultats_dossiers WHERE code_financeur = 'CDC')`)
	require.NoError(t, err)
	n, err := res.RowsAffected()
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	require.NoError(t, db.Close())

	e := newEnvAt(t, path)
	for _, format := range []string{"json", "csv"} {
		want := tableRendering(t, path, "CDC", format)
		changed := map[string]string{"json": `"a\u003cb\u003e\u0026\"c\",d\né\u2028\\"`, "csv": "\"a<b>&\"\"c\"\",d\né\u2028\\\""}[format]
		require.Contains(t, string(want), changed, "the changed value is in the file, escaped")
		got := e.get("/api/v1/partenaires/CDC/dossiers?format="+format, e.tokens["CDC"])
		require.Equal(t, http.StatusOK, got.Code, got.Body.String())
		assert.Equal(t, string(want), got.Body.String(), format)
	}
}

// heapGauge measures the Go memory a request holds: each checkpoint runs a
// full garbage collection and reads the live heap, above the live heap at the
// start. A collection run by runtime.GC marks exactly what is reachable.
type heapGauge struct {
	base, peak uint64
}

func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func newHeapGauge() *heapGauge { return &heapGauge{base: liveHeap()} }

func (g *heapGauge) checkpoint() {
	if h := liveHeap(); h > g.base {
		g.peak = max(g.peak, h-g.base)
	}
}

// discardWriter is a ResponseWriter that counts and drops the body, and
// checks the heap every megabyte written.
type discardWriter struct {
	h      http.Header
	status int
	n      int64
	gauge  *heapGauge
}

func (w *discardWriter) Header() http.Header    { return w.h }
func (w *discardWriter) WriteHeader(status int) { w.status = status }

func (w *discardWriter) Write(p []byte) (int, error) {
	if w.gauge != nil && w.n/(1<<20) != (w.n+int64(len(p)))/(1<<20) {
		w.gauge.checkpoint()
	}
	w.n += int64(len(p))
	return len(p), nil
}

// BenchmarkDossierFile serves France Travail's dossier file (30 % of the
// exits of the scaled warehouse) at two warehouse sizes, streamed through the
// server's handler (answer cache off, so that every request reads DuckDB)
// and, for comparison, rendered whole in memory from
// indicators.PartnerDossiers as the server did before. It reports the most
// Go heap a request holds (pic_tas_Mo, measured by a full collection every
// megabyte written, and for the whole rendering once the table and once the
// body is made): flat when streamed, growing with the rows when rendered
// whole. B/op and allocs/op grow with the rows either way: they count the
// per-row allocations of database/sql, collected as they go.
//
//	go test ./serve -run '^$' -bench DossierFile -benchmem
func BenchmarkDossierFile(b *testing.B) {
	for _, exits := range []int{20_000, 200_000} {
		b.Run(fmt.Sprintf("sortants=%d", exits), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "warehouse.duckdb")
			buildWarehouse(b, path, exits)
			e := newEnvAt(b, path, func(c *Config) { c.answerCacheBytes = -1; c.Log = nil })
			db, err := live.ReadOnly(path, live.Options{})(context.Background())
			require.NoError(b, err)
			defer db.Close()
			var rows int
			require.NoError(b, db.QueryRow(`SELECT count(*) FROM resultats_dossiers WHERE code_financeur = 'FT'`).Scan(&rows))
			for _, format := range []string{"csv", "json"} {
				for _, how := range []string{"flux", "en_memoire"} {
					b.Run(fmt.Sprintf("lignes=%d/%s/%s", rows, format, how), func(b *testing.B) {
						var peak uint64
						var written int64
						for range b.N {
							g := newHeapGauge()
							w := &discardWriter{h: http.Header{}, gauge: g}
							if how == "flux" {
								req, _ := http.NewRequest(http.MethodGet, "/api/v1/partenaires/FT/dossiers?format="+format, nil)
								req.Header.Set("Authorization", "Bearer "+e.tokens["FT"])
								e.srv.Handler().ServeHTTP(w, req)
								if w.status != http.StatusOK {
									b.Fatalf("status %d", w.status)
								}
							} else {
								tb, err := indicators.PartnerDossiers(context.Background(), db, "FT")
								require.NoError(b, err)
								g.checkpoint()
								resp, err := render(tb, format, "dossiers_FT")
								require.NoError(b, err)
								g.checkpoint()
								w.gauge = nil
								w.Write(resp.body)
							}
							peak, written = max(peak, g.peak), w.n
						}
						b.ReportMetric(float64(peak)/(1<<20), "pic_tas_Mo")
						b.ReportMetric(float64(written)/float64(rows), "octets_fichier/ligne")
					})
				}
			}
		})
	}
}
