package site

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/serve"
)

// chromium returns the path of a Chromium binary: $AGORA_CHROMIUM, else
// Debian's /usr/bin/chromium, else one on the PATH. Without one, the browser
// tests are skipped with a message, except in CI (env CI set) where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	candidates := []string{os.Getenv("AGORA_CHROMIUM"), "/usr/bin/chromium"}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			candidates = append(candidates, p)
		}
	}
	for _, c := range candidates {
		if c == "" {
			continue
		}
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c
		}
	}
	msg := "pas de navigateur Chromium (paquet Debian « chromium », ou AGORA_CHROMIUM=chemin) : tests du site dans le navigateur ignorés"
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " ; en CI ils sont obligatoires (.ci/run installe chromium)")
	}
	t.Skip(msg)
	return ""
}

// newBrowser starts a headless Chromium with a new empty profile and nothing
// that talks to the network on its own.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	return bctx
}

// started waits until the browser of bctx runs (its first tab loaded).
func started(bctx context.Context) error {
	return chromedp.Do(bctx, chromedp.Navigate("about:blank"))
}

// pageLog collects what a page did: requests, console errors, exceptions.
type pageLog struct {
	mu       sync.Mutex
	requests []string
	errors   []string
}

func (l *pageLog) add(list *[]string, s string) {
	l.mu.Lock()
	*list = append(*list, s)
	l.mu.Unlock()
}

// tab is a browser tab that loads page after page, each with its own log.
type tab struct {
	ctx context.Context
	mu  sync.Mutex
	log *pageLog
}

// newTab opens a tab and listens to it for the life of the test.
func newTab(t *testing.T, bctx context.Context) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	t.Cleanup(cancel)
	tb := &tab{ctx: ctx, log: &pageLog{}}
	require.NoError(t, chromedp.Listen(ctx, func(ev any) { tb.current().record(ev) }), "onglet")
	return tb
}

// current is the log of the page being checked.
func (tb *tab) current() *pageLog {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.log
}

// fresh starts the log of a new page and returns it.
func (tb *tab) fresh() *pageLog {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.log = &pageLog{}
	return tb.log
}

func (l *pageLog) record(ev any) {
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		l.add(&l.requests, e.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning || e.Type == runtime.ConsoleAPICalledTypeAssert {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			l.add(&l.errors, fmt.Sprintf("console.%s: %s", e.Type, strings.Join(parts, " ")))
		}
	case *runtime.EventExceptionThrown:
		d := e.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		l.add(&l.errors, "exception: "+text)
	case *log.EventEntryAdded:
		if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
			l.add(&l.errors, fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
		}
	}
}

// local reports whether a request stays on the machine.
func local(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "file", "data", "about", "blob":
		return true
	case "http", "https", "ws":
		return u.Hostname() == "127.0.0.1"
	}
	return false
}

// chartCheck is what the page script reports about each chart.
type chartCheck struct {
	ID      string `json:"id"`
	Canvas  bool   `json:"canvas"`
	Width   int    `json:"width"`
	Height  int    `json:"height"`
	Painted int    `json:"painted"` // pixels that are not transparent
	Points  int    `json:"points"`  // data items in the chart's series
	Aria    string `json:"aria"`
}

const chartsJS = `Array.from(document.querySelectorAll('[data-chart]')).map(function (el) {
  var c = el.querySelector('canvas');
  var out = {id: el.getAttribute('data-chart'), canvas: !!c, width: 0, height: 0, painted: 0, points: 0,
             aria: el.getAttribute('aria-label') || ''};
  if (c) {
    out.width = c.width; out.height = c.height;
    // One 32-bit word per pixel, alpha in the high byte (little-endian).
    var d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
    for (var i = 0; i < d.length; i++) { if (d[i] >>> 24) { out.painted++; } }
  }
  var inst = echarts.getInstanceByDom(el);
  if (inst) {
    (inst.getOption().series || []).forEach(function (s) {
      (s.data || []).forEach(function (v) {
        var x = (v !== null && typeof v === 'object' && !Array.isArray(v)) ? v.value : v;
        if (x !== undefined && x !== null && x !== '-') { out.points++; }
      });
      (s.links || []).forEach(function () { out.points++; });
    });
  }
  return out;
})`

const tablesJS = `Array.from(document.querySelectorAll('table')).map(function (t) {
  return {id: t.id || (t.closest('figure') ? t.closest('figure').id : ''), rows: t.tBodies.length ? t.tBodies[0].rows.length : 0};
})`

type tableCheck struct {
	ID   string `json:"id"`
	Rows int    `json:"rows"`
}

const linksJS = `Array.from(document.querySelectorAll('a[download]')).map(function (a) { return a.getAttribute('href'); })`

// checkPage loads one page in a tab and checks it: no console error, no
// request off the machine, every chart drawn, every table filled, every CSV
// link pointing to a CSV file with a header. It returns the CSV links.
func checkPage(t *testing.T, tb *tab, base, dir, name string, width int64) []string {
	t.Helper()
	l := tb.fresh()
	ctx, cancelTime := context.WithTimeout(tb.ctx, 60*time.Second)
	defer cancelTime()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 900),
		chromedp.Navigate(base+name),
	), name)
	// The page script sets data-charts-drawn once every chart is initialised.
	drawn, err := chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.getAttribute('data-charts-drawn')`,
		chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "%s : le script de la page ne s'est pas exécuté", name)

	charts, err := chromedp.Run(ctx, chromedp.Evaluate[[]chartCheck](chartsJS))
	require.NoError(t, err, name)
	assert.Equal(t, fmt.Sprint(len(charts)), drawn, "%s : graphiques initialisés", name)
	for _, c := range charts {
		assert.True(t, c.Canvas, "%s %s : pas de canvas", name, c.ID)
		assert.Greater(t, c.Width, 100, "%s %s : canvas trop étroit", name, c.ID)
		area := c.Width * c.Height
		assert.Greater(t, c.Painted, area/200, "%s %s : canvas vide (%d pixels peints sur %d)", name, c.ID, c.Painted, area)
		assert.Greater(t, c.Points, 0, "%s %s : aucune donnée dessinée", name, c.ID)
		assert.NotEmpty(t, c.Aria, "%s %s : pas de description accessible (aria)", name, c.ID)
	}
	tables, err := chromedp.Run(ctx, chromedp.Evaluate[[]tableCheck](tablesJS))
	require.NoError(t, err, name)
	for _, tb := range tables {
		assert.Greater(t, tb.Rows, 0, "%s : le tableau %s n'a pas de ligne", name, tb.ID)
	}
	links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](linksJS))
	require.NoError(t, err, name)
	for _, href := range links {
		checkCSV(t, filepath.Join(dir, filepath.FromSlash(href)), name+" → "+href)
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	assert.Empty(t, l.errors, "%s : erreurs dans la console", name)
	assert.NotEmpty(t, l.requests, name)
	for _, r := range l.requests {
		assert.True(t, local(r), "%s : requête hors de la machine : %s", name, r)
	}
	return links
}

// checkCSV reads a CSV file: a header of snake_case names, then rows of the
// header's width.
func checkCSV(t *testing.T, path, what string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if !assert.NoError(t, err, what) {
		return nil
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if !assert.NoError(t, err, what) || !assert.NotEmpty(t, recs, what) {
		return nil
	}
	for _, h := range recs[0] {
		assert.Regexp(t, `^[a-z][a-z0-9_]*$`, h, "%s : en-tête", what)
	}
	assert.Greater(t, len(recs), 1, "%s : aucune ligne de chiffres", what)
	return recs
}

// serveSite serves the site on 127.0.0.1 with the handler of `agora serve`
// (its security headers and Content-Security-Policy included).
func serveSite(t *testing.T, dir string) string {
	t.Helper()
	// Only the site is served: the warehouse file must exist, but is never opened.
	placeholder := filepath.Join(t.TempDir(), "warehouse.duckdb")
	require.NoError(t, os.WriteFile(placeholder, nil, 0o644))
	srv, err := serve.New(serve.Config{SiteDir: dir, WarehousePath: placeholder, Open: func(context.Context) (*sql.DB, error) {
		return nil, errors.New("pas d'entrepôt dans ce test : seul le site est servi")
	}})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// siteUnderTest is the site the browser tests open: the test site, or the
// site of AGORA_SITE_DIR (for example <data root>/site after « agora demo »).
func siteUnderTest(t *testing.T) (string, []string) {
	if dir := os.Getenv("AGORA_SITE_DIR"); dir != "" {
		pages, err := filepath.Glob(filepath.Join(dir, "*.html"))
		require.NoError(t, err)
		require.NotEmpty(t, pages, "aucune page dans %s", dir)
		for i := range pages {
			pages[i] = filepath.Base(pages[i])
		}
		return dir, pages
	}
	dir, sum := writeTestSite(t)
	return dir, sum.Pages
}

// TestBrowser opens every page of the test site in headless Chromium, from
// file:// (desktop width, and phone width for a few) and from a local server.
// One browser serves every check; the pages are shared out between a few tabs
// that load page after page, and the download and table checks run beside
// them. Every wait is on a condition, never a fixed delay.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("tests du navigateur ignorés avec -short")
	}
	// Chromium starts while the test site is written.
	bctx := newBrowser(t)
	up := make(chan error, 1)
	go func() { up <- started(bctx) }()
	dir, pages := siteUnderTest(t)
	require.NoError(t, <-up, "démarrage de Chromium")
	fileBase := (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir) + "/"}).String()
	if os.Getenv("AGORA_SCREENSHOTS_ONLY") != "" {
		screenshots(t, bctx, fileBase, os.Getenv("AGORA_SCREENSHOTS"), strings.Split(os.Getenv("AGORA_SCREENSHOTS_PAGES"), ","))
		return
	}
	type job struct {
		group, base, page string
		width             int64
	}
	var jobs []job
	for _, p := range pages {
		jobs = append(jobs, job{"file", fileBase, p, 1280})
	}
	httpBase := serveSite(t, dir)
	for _, p := range []string{"index.html", "budget.html", "organismes.html", "region-11.html", "qualite-FT.html", "methodologie.html"} {
		jobs = append(jobs, job{"http", httpBase, p, 1280})
	}
	for _, p := range []string{"index.html", "budget.html", "organismes.html", "region-84.html"} {
		jobs = append(jobs, job{"telephone", fileBase, p, 375})
	}
	queue := make(chan job, len(jobs))
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	var wg sync.WaitGroup
	for range browserTabs() {
		tb := newTab(t, bctx)
		wg.Go(func() {
			for j := range queue {
				t.Run(j.group+"/"+j.page, func(t *testing.T) { checkPage(t, tb, j.base, dir, j.page, j.width) })
			}
		})
	}
	wg.Go(func() { t.Run("telechargement", func(t *testing.T) { checkDownload(t, bctx, fileBase, dir) }) })
	wg.Go(func() { t.Run("tableau", func(t *testing.T) { checkTableSortAndSearch(t, bctx, fileBase) }) })
	wg.Go(func() { t.Run("entonnoir", func(t *testing.T) { checkFunnelTooltip(t, bctx, fileBase) }) })
	wg.Go(func() { t.Run("telephone-mise-en-page", func(t *testing.T) { checkPhoneLayout(t, bctx, fileBase) }) })
	wg.Wait()
	if out := os.Getenv("AGORA_SCREENSHOTS"); out != "" {
		shots := pages
		if only := os.Getenv("AGORA_SCREENSHOTS_PAGES"); only != "" {
			shots = strings.Split(only, ",")
		}
		t.Run("captures", func(t *testing.T) { screenshots(t, bctx, fileBase, out, shots) })
	}
}

// browserTabs is the number of tabs checking pages side by side:
// AGORA_BROWSER_TABS, else 3 (on two cores a page's layout in one tab
// overlaps another's script and the test's own work).
func browserTabs() int {
	if n, err := strconv.Atoi(os.Getenv("AGORA_BROWSER_TABS")); err == nil && n > 0 {
		return n
	}
	return 3
}

// checkDownload clicks a CSV link of a page opened from file:// and checks
// that the browser saves the CSV.
func checkDownload(t *testing.T, bctx context.Context, base, dir string) {
	downloads := t.TempDir()
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"index.html")))
	events := true
	_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &events})
	require.NoError(t, err)
	progress := chromedp.BrowserEvents(ctx, browser.DownloadProgress)
	begin := chromedp.BrowserEvents(ctx, browser.DownloadWillBegin)
	sel := `#accueil-taux-dispositif .download a`
	require.NoError(t, chromedp.Do(ctx, chromedp.Click(sel)))
	var guid, suggested string
	for ev, err := range begin {
		require.NoError(t, err, "le lien CSV n'a pas déclenché de téléchargement")
		guid, suggested = ev.GUID, ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		require.NoError(t, err)
		if ev.GUID == guid && ev.State == browser.DownloadProgressStateCompleted {
			break
		}
		require.NotEqual(t, browser.DownloadProgressStateCanceled, ev.State)
	}
	assert.Equal(t, "accueil-taux-dispositif.csv", suggested)
	got, err := os.ReadFile(filepath.Join(downloads, guid))
	require.NoError(t, err)
	want, err := os.ReadFile(filepath.Join(dir, "donnees", "accueil-taux-dispositif.csv"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got))
	assert.True(t, strings.HasPrefix(string(got), "code_dispositif,nb_sortants,"), "en-tête du CSV : %.60s", got)
}

// checkTableSortAndSearch sorts the organisations' table and filters it.
func checkTableSortAndSearch(t *testing.T, bctx context.Context, base string) {
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"organismes.html")))
	total, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('#organismes-table tbody tr').length`))
	require.NoError(t, err)
	require.Greater(t, total, 10)

	// Sort on the number of exits, descending (two clicks), then read the column.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(`#organismes-table thead th:nth-child(2) button`),
		chromedp.Click(`#organismes-table thead th:nth-child(2) button`)))
	vals, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('#organismes-table tbody tr td:nth-child(2)')).map(function (td) { return td.getAttribute('data-v'); })`))
	require.NoError(t, err)
	prev := 1e18
	for _, v := range vals {
		if v == "" {
			prev = -1 // hidden values come last
			continue
		}
		var x float64
		fmt.Sscan(v, &x)
		assert.LessOrEqual(t, x, prev, "tri décroissant des sortants")
		prev = x
	}
	sort, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#organismes-table thead th:nth-child(2)').getAttribute('aria-sort')`))
	require.NoError(t, err)
	assert.Equal(t, "descending", sort)

	// Search for the first SIRET: exactly the matching rows stay visible.
	first, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#organismes-table tbody tr th').textContent`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(`#organismes-recherche`, strings.ReplaceAll(first, nnbsp, ""))))
	visible, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('#organismes-table tbody tr')).filter(function (r) { return !r.hidden; }).length`))
	require.NoError(t, err)
	assert.Equal(t, 1, visible, "recherche de %q", first)
}

// screenshots writes captures of every page, desktop (1280 px) and phone
// (375 px) wide, as tiles of one screen height: NAME-bureau-01.png, …
func screenshots(t *testing.T, bctx context.Context, base, out string, pages []string) {
	require.NoError(t, os.MkdirAll(out, 0o755))
	for _, p := range pages {
		for _, size := range []struct {
			name          string
			width, height int64
		}{{"bureau", 1280, 1000}, {"telephone", 375, 800}} {
			n, err := screenshotTiles(bctx, base+p, filepath.Join(out, strings.TrimSuffix(p, ".html")+"-"+size.name), size.width, size.height)
			require.NoError(t, err, "%s (%s)", p, size.name)
			require.Greater(t, n, 0)
		}
	}
	t.Logf("captures d'écran dans %s", out)
}

// screenshotTiles loads a page at a width and writes it as PNG tiles of the
// given height; it returns the number of tiles.
func screenshotTiles(bctx context.Context, pageURL, prefix string, width, height int64) (int, error) {
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 90*time.Second)
	defer cancelTime()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...), chromedp.Navigate(pageURL)); err != nil {
		return 0, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.getAttribute('data-charts-drawn')`,
		chromedp.WithPollingTimeout(30*time.Second))); err != nil {
		return 0, err
	}
	total, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollHeight`))
	if err != nil {
		return 0, err
	}
	n := 0
	for y := 0.0; y < total && n < 40; y += float64(height) {
		h := min(float64(height), total-y)
		res, err := chromedp.Call(ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
			Format:                cdppage.CaptureScreenshotFormatPng,
			Clip:                  &cdppage.Viewport{X: 0, Y: y, Width: float64(width), Height: h, Scale: 1},
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
		})
		if err != nil {
			return n, err
		}
		n++
		if err := os.WriteFile(fmt.Sprintf("%s-%02d.png", prefix, n), res.Data, 0o644); err != nil {
			return n, err
		}
	}
	return n, nil
}

// layoutCheck is what layoutJS reports about a chart as drawn.
type layoutCheck struct {
	ID    string `json:"id"`
	Width int    `json:"width"`
	// Legend: its type, and the bottom and width of what it draws, beside
	// the top of the plot (0 without a legend).
	LegendType   string  `json:"legendType"`
	LegendBottom float64 `json:"legendBottom"`
	LegendWidth  float64 `json:"legendWidth"`
	PlotTop      float64 `json:"plotTop"`
	// Category labels broken inside a word, and ones ECharts would break
	// itself (a width and an overflow set on the axis).
	BadBreaks []string `json:"badBreaks"`
	Overflow  string   `json:"overflow"`
	// End of a percentage value axis as ECharts drew it (0: not a percentage).
	PctMax float64 `json:"pctMax"`
	// Most values of a percentage chart (above 100: envelope consumption).
	PctData float64 `json:"pctData"`
}

// layoutJS reads, from each ECharts instance of the page, the drawn legend,
// the wrapped category labels and the end of a percentage axis.
const layoutJS = `Array.from(document.querySelectorAll('[data-chart]')).map(function (el) {
  var inst = echarts.getInstanceByDom(el);
  var out = {id: el.getAttribute('data-chart'), width: el.clientWidth, legendType: '', legendBottom: 0, legendWidth: 0,
             plotTop: 0, badBreaks: [], overflow: '', pctMax: 0, pctData: 0};
  if (!inst) { return out; }
  var model = inst.getModel(), opt = inst.getOption();
  var lg = model.getComponent('legend'), grid = model.getComponent('grid');
  if (lg && lg.get('show') !== false) {
    var r = inst.getViewOfComponentModel(lg).group.getBoundingRect();
    out.legendType = lg.get('type');
    out.legendBottom = r.y + r.height + (lg.get('top') ? parseFloat(lg.get('top')) : 0) + 5;
    out.legendWidth = r.width;
    out.plotTop = grid ? grid.coordinateSystem.getRect().y : 0;
  }
  (opt.yAxis || []).forEach(function (a) {
    if (a.type !== 'category') { return; }
    if (a.axisLabel && (a.axisLabel.width || a.axisLabel.overflow === 'break' || a.axisLabel.overflow === 'breakAll')) {
      out.overflow = String(a.axisLabel.overflow || 'width');
    }
    var f = (a.axisLabel && typeof a.axisLabel.formatter === 'function') ? a.axisLabel.formatter : String;
    a.data.forEach(function (v) {
      // Walk the lines along the label: a line ends at a hyphen (the next
      // one goes on) or before a space (skipped); anything else is a word cut.
      var flat = v.replace(/\u00a0/g, ' '), pos = 0;
      f(v).split('\n').forEach(function (line, i, all) {
        pos += line.length;
        if (i === all.length - 1) { return; }
        if (/-$/.test(line)) { return; }
        if (flat.charAt(pos) === ' ') { pos++; return; }
        out.badBreaks.push(v + ' → ' + line);
      });
    });
  });
  var p = JSON.parse(document.getElementById(el.getAttribute('data-chart')).textContent);
  if (/%$/.test(p.suffix)) {
    ['xAxis', 'yAxis'].forEach(function (k) {
      var ax = model.getComponent(k);
      if (ax && ax.axis && ax.axis.type === 'value') { out.pctMax = ax.axis.scale.getExtent()[1]; }
    });
    (opt.series || []).forEach(function (s) {
      (s.data || []).forEach(function (d) {
        var x = (d !== null && typeof d === 'object' && !Array.isArray(d)) ? d.value : d;
        if (Array.isArray(x)) { x = x[1]; }
        if (typeof x === 'number') { out.pctData = Math.max(out.pctData, x); }
      });
    });
  }
  return out;
})`

// checkPhoneLayout opens pages 375 px wide and checks what the review of the
// demo found on a phone: every legend plain (wrapping, never paged « 1/2 »),
// above the plot and within the chart; category labels broken only at
// spaces and after hyphens (not « Auvergne-Rhône-Alp / es »); percentage
// axes ending at 100 % at most when no value exceeds it (not 120 %).
func checkPhoneLayout(t *testing.T, bctx context.Context, base string) {
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()
	for _, p := range []string{"index.html", "region-84.html", "budget.html"} {
		require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(375, 800), chromedp.Navigate(base+p)), p)
		_, err := chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.getAttribute('data-charts-drawn')`,
			chromedp.WithPollingTimeout(20*time.Second)))
		require.NoError(t, err, p)
		charts, err := chromedp.Run(ctx, chromedp.Evaluate[[]layoutCheck](layoutJS))
		require.NoError(t, err, p)
		require.NotEmpty(t, charts, p)
		wrapped := 0
		for _, c := range charts {
			if c.LegendType != "" {
				assert.Equal(t, "plain", c.LegendType, "%s %s : légende", p, c.ID)
				assert.LessOrEqual(t, c.LegendBottom, c.PlotTop, "%s %s : la légende empiète sur le graphique", p, c.ID)
				assert.LessOrEqual(t, c.LegendWidth, float64(c.Width), "%s %s : légende plus large que le graphique", p, c.ID)
			}
			assert.Empty(t, c.BadBreaks, "%s %s : libellés coupés au milieu d'un mot", p, c.ID)
			assert.Empty(t, c.Overflow, "%s %s : ECharts recoupe les libellés lui-même", p, c.ID)
			if c.PctMax > 0 && c.PctData <= 100 {
				assert.LessOrEqual(t, c.PctMax, 100.0, "%s %s : axe des pourcentages au-delà de 100 %%", p, c.ID)
				wrapped++
			}
		}
		assert.Positive(t, wrapped, "%s : aucun graphique en pourcentages vérifié", p)
	}
}

// checkFunnelTooltip: a dot of the organisations' funnel says, on hover,
// its observed exits, its rates and its value added with its interval (the
// lines chart.go writes), not a raw employment rate.
func checkFunnelTooltip(t *testing.T, bctx context.Context, base string) {
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTime()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(base+"organismes.html")))
	_, err := chromedp.Run(ctx, chromedp.Poll[string](`document.documentElement.getAttribute('data-charts-drawn')`,
		chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	tip, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
  var c = echarts.getInstanceByDom(document.querySelector('#organismes-entonnoir .canvas'));
  var o = c.getOption(), d = o.series[0].data[0];
  return o.tooltip[0].formatter({ seriesType: 'scatter', seriesName: o.series[0].name, name: d.name, data: d, value: d.value });
})()`))
	require.NoError(t, err)
	// The first series of the test site is « au-dessus », its first dot
	// 300 003 351 00013 (testdata/golden/organismes.txt).
	assert.Equal(t, "300\u202f003\u202f351\u202f00013<br>sortants observés à 6 mois : 131<br>"+
		"taux d&#39;emploi : 79,4\u202f%, attendu : 65,4\u202f%<br>valeur ajoutée : +14,0 points (+6,3 à +20,1)<br>au-dessus de l&#39;attendu", tip)
}
