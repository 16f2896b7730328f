package serve

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/third_party/echarts"
)

// chromiumPath returns a Chromium binary, or skips (fails in CI).
func chromiumPath(t *testing.T) string {
	for _, c := range []string{os.Getenv("AGORA_CHROMIUM"), "/usr/bin/chromium"} {
		if c != "" {
			if st, err := os.Stat(c); err == nil && !st.IsDir() {
				return c
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("pas de Chromium : en CI le test CSP est obligatoire (.ci/run installe chromium)")
	}
	t.Skip("pas de Chromium (paquet Debian « chromium » ou AGORA_CHROMIUM) : test CSP ignoré")
	return ""
}

// cspPage is a page built like the site's: a chart sized by a style
// attribute, its options in a JSON data block, ECharts and the page script
// loaded from the server; the page script shows a tooltip.
const cspPage = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>CSP</title><link rel="stylesheet" href="site.css"></head>
<body>
<div id="graphique" class="canvas" data-chart="c1-option" style="height:300px;width:600px"></div>
<script type="application/json" id="c1-option">{"animation":false,"aria":{"enabled":true},"tooltip":{"trigger":"axis"},
"xAxis":{"type":"category","data":["CPF","PRF","AIF"]},"yAxis":{"type":"value"},
"series":[{"type":"bar","name":"Taux d'emploi à 6 mois","data":[61.2,48.5,55.0]}]}</script>
<script src="echarts.min.js"></script>
<script src="page.js"></script>
</body></html>`

const cspScript = `document.querySelectorAll('[data-chart]').forEach(function (el) {
  var opt = JSON.parse(document.getElementById(el.getAttribute('data-chart')).textContent);
  var chart = echarts.init(el);
  chart.setOption(opt);
  chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 1});
});
document.documentElement.setAttribute('data-charts-drawn', '1');`

// cspSite writes the test page and its assets into a site folder.
func cspSite(t *testing.T) string {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"index.html":     []byte(cspPage),
		"echarts.min.js": echarts.MinJS,
		"page.js":        []byte(cspScript),
		"site.css":       []byte("body { font-family: sans-serif; }"),
		"favicon.ico":    {0, 0, 1, 0}, // the browser asks for it
	} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), content, 0o644))
	}
	return dir
}

// withPolicy replaces the Content-Security-Policy of every response.
type withPolicy struct {
	http.ResponseWriter
	policy string
}

func (w withPolicy) WriteHeader(code int) {
	w.Header().Set("Content-Security-Policy", w.policy)
	w.ResponseWriter.WriteHeader(code)
}

func (w withPolicy) Write(b []byte) (int, error) {
	w.Header().Set("Content-Security-Policy", w.policy)
	return w.ResponseWriter.Write(b)
}

// loadWithPolicy serves the page with a policy and returns the CSP
// violations and console errors seen, whether the chart painted its canvas,
// and whether the tooltip shows its styled marker.
func loadWithPolicy(t *testing.T, bctx context.Context, site, policy string) (violations []string, painted bool, styledMarker bool) {
	// Only the site is served: the warehouse file must exist, but is never opened.
	placeholder := filepath.Join(t.TempDir(), "warehouse.duckdb")
	require.NoError(t, os.WriteFile(placeholder, nil, 0o644))
	srv, err := New(Config{SiteDir: site, WarehousePath: placeholder, Open: func(context.Context) (*sql.DB, error) {
		return nil, errors.New("pas d'entrepôt : seul le site est servi")
	}})
	require.NoError(t, err)
	h := srv.Handler()
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if policy != "" {
			w = withPolicy{w, policy}
		}
		h.ServeHTTP(w, r)
	}))
	defer ts.Close()

	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()
	var mu sync.Mutex
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || strings.Contains(e.Entry.Text, "Content Security Policy") {
				violations = append(violations, e.Entry.Text+" "+e.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			violations = append(violations, "exception: "+e.ExceptionDetails.Text)
		}
	}))
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/")))
	_, err = chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.getAttribute('data-charts-drawn')`,
		chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "the page script did not run")
	// Move the mouse over the chart too, as a reader would.
	require.NoError(t, chromedp.Do(ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 300, 150)))
	time.Sleep(300 * time.Millisecond)

	painted, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
	  var c = document.querySelector('#graphique canvas');
	  if (!c || c.height < 100) { return false; }
	  var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;
	  for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { n++; } }
	  return n > c.width * c.height / 100;
	})()`))
	require.NoError(t, err)
	// ECharts writes the tooltip's colour marker as <span style="…border-radius…">.
	styledMarker, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(function () {
	  var spans = document.querySelectorAll('#graphique span');
	  for (var i = 0; i < spans.length; i++) {
	    if (getComputedStyle(spans[i]).borderRadius !== '0px') { return true; }
	  }
	  return false;
	})()`))
	require.NoError(t, err)
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), violations...), painted, styledMarker
}

// TestContentSecurityPolicyKeepsEChartsWorking loads a chart page in headless
// Chromium under the server's policy: the chart is drawn, its tooltip styled,
// and no violation is reported. A strict style-src 'self' policy, as a
// control, breaks the chart's height and the tooltip: the test can tell.
func TestContentSecurityPolicyKeepsEChartsWorking(t *testing.T) {
	if testing.Short() {
		t.Skip("navigateur ignoré avec -short")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 700),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()
	require.NoError(t, chromedp.Do(bctx, chromedp.Navigate("about:blank")))
	site := cspSite(t)

	violations, painted, marker := loadWithPolicy(t, bctx, site, "")
	assert.Empty(t, violations, "the server's policy")
	assert.True(t, painted, "the chart is drawn under the server's policy")
	assert.True(t, marker, "the tooltip's marker keeps its style")

	strict := strings.NewReplacer("style-src 'self' 'unsafe-inline'; style-src-elem 'self'; style-src-attr 'unsafe-inline'",
		"style-src 'self'").Replace(ContentSecurityPolicy)
	require.NotEqual(t, ContentSecurityPolicy, strict)
	violations, painted, _ = loadWithPolicy(t, bctx, site, strict)
	assert.NotEmpty(t, violations, "control: a strict style-src is reported")
	assert.False(t, painted, "control: without its style attribute the chart has no height")
}
