package serve

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// currentDB is the database the server would give the next request.
func currentDB(t *testing.T, s *Server) *sql.DB {
	lease, err := s.db.Acquire()
	require.NoError(t, err)
	defer lease.Release()
	return lease.DB
}

// TestNewBuildIsServedWithoutDroppingRequests lands two new builds while
// clients keep querying public and partner routes over loopback: every
// request succeeds, the server moves to each new build, and the old ones are
// closed once drained.
func TestNewBuildIsServedWithoutDroppingRequests(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	land := func() { // a build lands: a new file renamed onto the old one
		b, err := os.ReadFile(sharedWarehouse(t))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(path+".new", b, 0o644))
		require.NoError(t, os.Rename(path+".new", path))
	}
	land()
	e := newEnvAt(t, path)
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()

	targets := []struct{ path, tok string }{
		{"/api/v1/indicateurs/taux_emploi_6m?par=dispositif,region&annee=2024", ""},
		{"/api/v1/indicateurs/nb_sortants?par=annee&format=csv", ""},
		{"/api/v1/indicateurs", ""},
		{"/api/v1/partenaires/FT/indicateurs/taux_emploi_6m?par=dispositif&annee=2024", e.tokens["FT"]},
		{"/api/v1/partenaires/CDC/dossiers", e.tokens["CDC"]},
	}
	stop := make(chan struct{})
	var (
		wg       sync.WaitGroup
		ok, bad  atomic.Int64
		firstBad atomic.Value
	)
	for c := range 4 {
		wg.Go(func() {
			for i := c; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				tg := targets[i%len(targets)]
				req, _ := http.NewRequest(http.MethodGet, ts.URL+tg.path, nil)
				if tg.tok != "" {
					req.Header.Set("Authorization", "Bearer "+tg.tok)
				}
				resp, err := ts.Client().Do(req)
				if err != nil {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					bad.Add(1)
					firstBad.CompareAndSwap(nil, fmt.Sprintf("%s: %d", tg.path, resp.StatusCode))
					continue
				}
				ok.Add(1)
				time.Sleep(2 * time.Millisecond)
			}
		})
	}

	var old []*sql.DB
	for build := range 2 {
		before := currentDB(t, e.srv)
		old = append(old, before)
		start := time.Now()
		land()
		built := time.Since(start)
		require.Eventually(t, func() bool { return currentDB(t, e.srv) != before },
			2*time.Minute, 20*time.Millisecond, "build %d is never served", build+1)
		t.Logf("build %d: written in %s, served %s later", build+1, built.Round(time.Millisecond), (time.Since(start) - built).Round(time.Millisecond))
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wg.Wait()

	assert.Zero(t, bad.Load(), "first failure: %v", firstBad.Load())
	assert.Greater(t, ok.Load(), int64(20))
	for _, db := range old {
		assert.Eventually(t, func() bool { return db.Ping() != nil }, 10*time.Second, 10*time.Millisecond,
			"an old build is closed once its requests are done")
	}
	t.Logf("%d requests served across two reloads", ok.Load())
}
