package serve

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/serve/live"
	"github.com/agora-formation/agora/serve/token"
)

var shared struct {
	once sync.Once
	dir  string
	path string
}

// sharedWarehouse builds the test warehouse once for the whole test binary.
func sharedWarehouse(t testing.TB) string {
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "agora-serve-test-")
		require.NoError(t, err)
		shared.dir = dir
		shared.path = filepath.Join(dir, "warehouse.duckdb")
		buildWarehouse(t, shared.path, 0)
	})
	require.FileExists(t, shared.path)
	return shared.path
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	for _, d := range benchDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// env is a data root with a site, tokens and a running server.
type env struct {
	t      testing.TB
	dir    string
	srv    *Server
	tokens map[string]string // FT, CDC, revoked (an FT token, revoked)
	ids    map[string]string
	access *bytes.Buffer
	logMu  *sync.Mutex
}

// siteFiles are the static site of the tests.
var siteFiles = map[string]string{
	"index.html":         "<!doctype html><title>Accueil</title><script src=\"js/app.js\"></script>",
	"js/app.js":          "console.log('accueil');",
	"regions/index.html": "<!doctype html><title>Régions</title>",
	"regions/84.html":    "<!doctype html><title>Auvergne-Rhône-Alpes</title>",
	"vide/.keep":         "",
	".cache/note":        "caché",
}

// secretMarker is written in files outside the site: no response may carry it.
const secretMarker = "NE-DOIT-JAMAIS-SORTIR"

// dossierID matches the dossier ids of the fixture (CPF-1-001): personal data
// that only the funder's own dossier route may return.
var dossierID = regexp.MustCompile(`\b[A-Z_]+-[0-9]+-[0-9]{3}\b`)

type envOption func(*Config)

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	return newEnvAt(t, sharedWarehouse(t), opts...)
}

func newEnvAt(t testing.TB, warehouse string, opts ...envOption) *env {
	t.Helper()
	dir := t.TempDir()
	site := filepath.Join(dir, "site")
	for name, content := range siteFiles {
		p := filepath.Join(site, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	}
	prive := filepath.Join(dir, "prive")
	require.NoError(t, os.MkdirAll(prive, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(prive, "export.csv"), []byte("id_dossier\n"+secretMarker+"\n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "secret.txt"), []byte(secretMarker), 0o600))
	// Links inside the site that point outside it.
	require.NoError(t, os.Symlink(filepath.Join(prive, "export.csv"), filepath.Join(site, "lien.csv")))
	require.NoError(t, os.Symlink(prive, filepath.Join(site, "prive")))

	tokensPath := filepath.Join(prive, "jetons.json")
	store := token.NewStore(tokensPath)
	e := &env{t: t, dir: dir, tokens: map[string]string{}, ids: map[string]string{}, access: &bytes.Buffer{}, logMu: &sync.Mutex{}}
	for _, name := range []string{"FT", "CDC", "revoked"} {
		funder := name
		if name == "revoked" {
			funder = "FT"
		}
		clear, tok, err := store.Create(funder, "test "+name, time.Now())
		require.NoError(t, err)
		e.tokens[name], e.ids[name] = clear, tok.ID
	}
	_, err := store.Revoke(e.ids["revoked"], time.Now())
	require.NoError(t, err)

	cfg := Config{
		SiteDir:       site,
		WarehousePath: warehouse,
		Open:          live.ReadOnly(warehouse, live.Options{Threads: 2}),
		TokensPath:    tokensPath,
		AccessLog:     slog.New(slog.NewJSONHandler(lockedWriter{e.logMu, e.access}, nil)),
		Log:           slog.New(slog.NewTextHandler(testWriter{t}, nil)),
		RatePerSecond: -1,
		ReloadEvery:   20 * time.Millisecond,
	}
	for _, o := range opts {
		o(&cfg)
	}
	srv, err := New(cfg)
	require.NoError(t, err)
	srv.Start(t.Context())
	t.Cleanup(srv.Close)
	select {
	case <-srv.Ready():
	case <-time.After(5 * time.Minute):
		t.Fatal("warehouse not ready after 5 minutes")
	}
	e.srv = srv
	return e
}

// testWriter sends the server's diagnostics to the test log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (e *env) accessLog() string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.access.String()
}

// get serves one GET through the whole handler, with a bearer token when
// tok is not empty.
func (e *env) get(target, tok string) *httptest.ResponseRecorder {
	return e.do(http.MethodGet, target, tok)
}

func (e *env) do(method, target, tok string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	return rec
}

// apiErr decodes an error body; it must be exactly the error object.
func apiErr(t testing.TB, rec *httptest.ResponseRecorder) apiError {
	t.Helper()
	assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	var e apiError
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&e), rec.Body.String())
	assert.NotEmpty(t, e.Error)
	return e
}

// tableOf decodes a table answer.
type tableDoc struct {
	DataDate string              `json:"date_donnees"`
	Mode     string              `json:"mode"`
	Columns  []indicators.Column `json:"colonnes"`
	Rows     []map[string]any    `json:"lignes"`
}

func tableOf(t testing.TB, rec *httptest.ResponseRecorder) tableDoc {
	t.Helper()
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var d tableDoc
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &d), rec.Body.String())
	return d
}

// expected runs a query directly through package indicators on the test
// warehouse, to compare with what the API serves.
func expected(t testing.TB, id string, params url.Values, mode indicators.Mode, funder string) *indicators.Table {
	t.Helper()
	db, err := live.ReadOnly(sharedWarehouse(t), live.Options{Threads: 2})(t.Context())
	require.NoError(t, err)
	defer db.Close()
	cat := indicators.New()
	q, err := cat.ParseQuery(id, params)
	require.NoError(t, err)
	q.Funder = funder
	tb, err := cat.Run(t.Context(), db, q, mode)
	require.NoError(t, err)
	return tb
}

func TestCatalogue(t *testing.T) {
	e := newEnv(t)
	rec := e.get("/api/v1/indicateurs", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var doc struct {
		DataDate   string                 `json:"date_donnees"`
		Indicators []indicators.Indicator `json:"indicateurs"`
		Dimensions []indicators.Dimension `json:"dimensions"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	db, err := live.ReadOnly(sharedWarehouse(t), live.Options{})(t.Context())
	require.NoError(t, err)
	defer db.Close()
	st, err := indicators.ReadDataState(t.Context(), db)
	require.NoError(t, err)
	assert.Equal(t, st.Date(), doc.DataDate)
	assert.Contains(t, doc.DataDate, "juin 2025", "the fixture's DSN runs to June 2025")
	cat := indicators.New()
	require.Len(t, doc.Indicators, len(cat.Indicators()))
	for i, in := range cat.Indicators() {
		got := doc.Indicators[i]
		assert.Equal(t, in.ID, got.ID)
		assert.Equal(t, in.Label, got.Label)
		assert.Equal(t, in.Definition, got.Definition)
		assert.Equal(t, in.Unit, got.Unit)
		assert.Equal(t, in.Dimensions, got.Dimensions)
		assert.Equal(t, in.Sources, got.Sources)
		assert.Equal(t, doc.DataDate, got.DataDate)
	}
	assert.Len(t, doc.Dimensions, len(cat.Dimensions()))

	rec = e.get("/api/v1/indicateurs?x=1", "")
	assert.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "paramètre inconnu : « x »", apiErr(t, rec).Error)
}

func TestPublicIndicatorIsTheDisclosureControlledTable(t *testing.T) {
	e := newEnv(t)
	params := url.Values{"par": {"dispositif,region"}, "annee": {"2024"}}
	want := expected(t, "taux_emploi_6m", params, indicators.Public, "")
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)

	rec := e.get("/api/v1/indicateurs/taux_emploi_6m?"+params.Encode(), "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, string(wantJSON), rec.Body.String(), "the API serves what package indicators publishes")
	assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))

	doc := tableOf(t, rec)
	assert.Equal(t, "public", doc.Mode)
	hidden := 0
	for _, r := range doc.Rows {
		assert.Contains(t, r, "secret")
		if r["secret"] != "" {
			hidden++
			assert.Nil(t, r["taux_emploi_6m"], "a hidden rate is null, never zero: %v", r)
		}
	}
	assert.NotZero(t, hidden, "the fixture has small cells that must be hidden")
	assert.Less(t, hidden, len(doc.Rows), "and large ones that are published")

	var wantCSV bytes.Buffer
	require.NoError(t, want.WriteCSV(&wantCSV, ','))
	rec = e.get("/api/v1/indicateurs/taux_emploi_6m?format=csv&"+params.Encode(), "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "text/csv; charset=utf-8", rec.Header().Get("Content-Type"))
	assert.Equal(t, `attachment; filename="taux_emploi_6m.csv"`, rec.Header().Get("Content-Disposition"))
	assert.Equal(t, wantCSV.String(), rec.Body.String())
	assert.True(t, strings.HasPrefix(rec.Body.String(), "code_dispositif,code_region,taux_emploi_6m,secret\n"), "public CSV ends with the secret column")
}

// partnerRoutes are every partner route, for the funder FT.
func partnerTargets(e *env, funder string) []string {
	var out []string
	for _, rt := range e.srv.Routes() {
		if !rt.Partner {
			continue
		}
		p := strings.ReplaceAll(rt.Pattern, "{code_financeur}", funder)
		p = strings.ReplaceAll(p, "{id}", "taux_emploi_6m")
		out = append(out, p)
	}
	return out
}

func TestPartnerRoutesNeedTheFundersToken(t *testing.T) {
	e := newEnv(t)
	targets := partnerTargets(e, "FT")
	require.Len(t, targets, 2)
	for _, target := range targets {
		t.Run(target, func(t *testing.T) {
			for _, c := range []struct {
				name   string
				header string
				status int
			}{
				{"no token", "", http.StatusUnauthorized},
				{"bad token", "Bearer " + token.Prefix + strings.Repeat("A", 43), http.StatusUnauthorized},
				{"not a token", "Bearer x", http.StatusUnauthorized},
				{"hash of a token", "Bearer " + token.Hash(e.tokens["FT"]), http.StatusUnauthorized},
				{"basic scheme", "Basic " + e.tokens["FT"], http.StatusUnauthorized},
				{"revoked token", "Bearer " + e.tokens["revoked"], http.StatusUnauthorized},
				{"another partner's token", "Bearer " + e.tokens["CDC"], http.StatusForbidden},
				{"own token", "Bearer " + e.tokens["FT"], http.StatusOK},
			} {
				req := httptest.NewRequest(http.MethodGet, target, nil)
				if c.header != "" {
					req.Header.Set("Authorization", c.header)
				}
				rec := httptest.NewRecorder()
				e.srv.Handler().ServeHTTP(rec, req)
				require.Equal(t, c.status, rec.Code, "%s: %s", c.name, rec.Body.String())
				if c.status == http.StatusOK {
					assert.Equal(t, "no-store, private", rec.Header().Get("Cache-Control"))
					doc := tableOf(t, rec)
					assert.Equal(t, "partenaire", doc.Mode)
					assert.NotEmpty(t, doc.Rows)
					continue
				}
				apiErr(t, rec) // exactly an error object: no rows, no columns
				assert.NotRegexp(t, dossierID, rec.Body.String())
				assert.NotContains(t, rec.Body.String(), "lignes")
				if c.status == http.StatusUnauthorized {
					assert.Equal(t, `Bearer realm="agora"`, rec.Header().Get("WWW-Authenticate"))
				}
			}
		})
	}
	// Two Authorization headers are refused.
	req := httptest.NewRequest(http.MethodGet, targets[0], nil)
	req.Header.Add("Authorization", "Bearer "+e.tokens["FT"])
	req.Header.Add("Authorization", "Bearer "+e.tokens["CDC"])
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	assert.Equal(t, http.StatusUnauthorized, rec.Code)

	// A token revoked while the server runs is refused at the next request.
	target := "/api/v1/partenaires/CDC/dossiers"
	require.Equal(t, http.StatusOK, e.get(target, e.tokens["CDC"]).Code)
	_, err := token.NewStore(filepath.Join(e.dir, "prive", "jetons.json")).Revoke(e.ids["CDC"], time.Now())
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, e.get(target, e.tokens["CDC"]).Code)
}

func TestPartnerFiguresAreTheFundersOwnUnsuppressed(t *testing.T) {
	e := newEnv(t)
	params := url.Values{"par": {"dispositif,region"}, "annee": {"2024"}}
	want := expected(t, "taux_emploi_6m", params, indicators.Partner, "FT")
	wantJSON, err := json.Marshal(want)
	require.NoError(t, err)
	rec := e.get("/api/v1/partenaires/FT/indicateurs/taux_emploi_6m?"+params.Encode(), e.tokens["FT"])
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, string(wantJSON), rec.Body.String())
	doc := tableOf(t, rec)
	for _, r := range doc.Rows {
		assert.NotContains(t, r, "secret", "partner figures carry no suppression")
		assert.NotNil(t, r["taux_emploi_6m"])
		// France Travail funds AIF in the fixture.
		assert.Equal(t, "AIF", r["code_dispositif"])
	}

	// Filtering on another funder is refused by package indicators.
	rec = e.get("/api/v1/partenaires/FT/indicateurs/taux_emploi_6m?financeur=CDC", e.tokens["FT"])
	assert.Equal(t, http.StatusForbidden, rec.Code, rec.Body.String())
	apiErr(t, rec)
}

func TestPartnerDossiers(t *testing.T) {
	e := newEnv(t)
	db, err := live.ReadOnly(sharedWarehouse(t), live.Options{})(t.Context())
	require.NoError(t, err)
	defer db.Close()
	var n int
	require.NoError(t, db.QueryRow(`SELECT count(*) FROM resultats_dossiers WHERE code_financeur = 'CDC'`).Scan(&n))
	require.NotZero(t, n)
	want, err := indicators.PartnerDossiers(t.Context(), db, "CDC")
	require.NoError(t, err)

	rec := e.get("/api/v1/partenaires/CDC/dossiers", e.tokens["CDC"])
	doc := tableOf(t, rec)
	assert.Len(t, doc.Rows, n, "one row per exit of the funder's dossiers")
	assert.Equal(t, "no-store, private", rec.Header().Get("Cache-Control"))

	var wantCSV bytes.Buffer
	require.NoError(t, want.WriteCSV(&wantCSV, ','))
	rec = e.get("/api/v1/partenaires/CDC/dossiers?format=csv", e.tokens["CDC"])
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, wantCSV.String(), rec.Body.String())
	assert.Equal(t, `attachment; filename="dossiers_CDC.csv"`, rec.Header().Get("Content-Disposition"))
	lines := strings.Split(strings.TrimSpace(rec.Body.String()), "\n")
	assert.Len(t, lines, n+1)
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		method, target, tok string
		status              int
	}{
		{"GET", "/", "", 200},
		{"GET", "/js/app.js", "", 200},
		{"GET", "/absent.html", "", 404},
		{"GET", "/api/v1/indicateurs", "", 200},
		{"GET", "/api/v1/openapi.json", "", 200},
		{"GET", "/api/v1/indicateurs/taux_emploi_6m?annee=2024", "", 200},
		{"GET", "/api/v1/indicateurs/inconnu", "", 404},
		{"GET", "/api/v1/indicateurs/taux_emploi_6m?zzz=1", "", 400},
		{"GET", "/api/v1/partenaires/FT/dossiers", "", 401},
		{"GET", "/api/v1/partenaires/FT/dossiers", e.tokens["CDC"], 403},
		{"POST", "/api/v1/indicateurs", "", 405},
		{"GET", "/api/v2/", "", 404},
	} {
		rec := e.do(c.method, c.target, c.tok)
		assert.Equal(t, c.status, rec.Code, "%s %s: %s", c.method, c.target, rec.Body.String())
		for k, v := range securityHeaders {
			assert.Equal(t, v, rec.Header().Get(k), "%s %s: %s", c.method, c.target, k)
		}
	}
	assert.Equal(t, "GET, HEAD", e.do("POST", "/api/v1/indicateurs", "").Header().Get("Allow"))
}

func TestStaticSite(t *testing.T) {
	e := newEnv(t)
	rec := e.get("/", "")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, siteFiles["index.html"], rec.Body.String())
	assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"))

	rec = e.get("/js/app.js", "")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, siteFiles["js/app.js"], rec.Body.String())
	assert.Equal(t, "text/javascript; charset=utf-8", rec.Header().Get("Content-Type"))

	rec = e.get("/regions", "")
	assert.Equal(t, http.StatusMovedPermanently, rec.Code)
	assert.Equal(t, "/regions/", rec.Header().Get("Location"))
	rec = e.get("/regions/", "")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, siteFiles["regions/index.html"], rec.Body.String())
	rec = e.get("/regions/index.html", "")
	assert.Equal(t, http.StatusOK, rec.Code, "the site links to index.html files by name")
	assert.Equal(t, siteFiles["regions/index.html"], rec.Body.String())

	assert.Equal(t, http.StatusNotFound, e.get("/vide/", "").Code, "no listing of a folder without index.html")
	assert.Equal(t, http.StatusNotFound, e.get("/vide/.keep", "").Code, "no dot file")
	assert.Equal(t, http.StatusNotFound, e.get("/.cache/note", "").Code, "no dot folder")

	rec = e.do(http.MethodHead, "/", "")
	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Empty(t, rec.Body.String())

	// A site replaced by a new folder (atomic publication) is served at once.
	site := filepath.Join(e.dir, "site")
	next := filepath.Join(e.dir, "site.new")
	require.NoError(t, os.MkdirAll(next, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(next, "index.html"), []byte("nouveau"), 0o644))
	require.NoError(t, os.Rename(site, filepath.Join(e.dir, "site.old")))
	require.NoError(t, os.Rename(next, site))
	assert.Equal(t, "nouveau", e.get("/", "").Body.String())

	// No site at all: a French 404.
	require.NoError(t, os.RemoveAll(site))
	rec = e.get("/", "")
	assert.Equal(t, http.StatusNotFound, rec.Code)
	assert.Contains(t, rec.Body.String(), "agora report")
}

func TestUnknownAndRepeatedParameters(t *testing.T) {
	e := newEnv(t)
	flows := []string{"dispositif", "format", "mois", "par", "region", "totaux"}
	// A dimension of the catalogue that the indicator is not published by is
	// named as such; any other name is unknown.
	unavailable := func(dim, id string) string {
		return "la dimension « " + dim + " » n'est pas disponible pour l'indicateur « " + id + " » : " +
			"elle n'est pas publiée avec lui (voir ses dimensions dans /api/v1/indicateurs)"
	}
	for _, c := range []struct {
		target, tok, param, msg string
		allowed                 []string
	}{
		{"/api/v1/indicateurs?annee=2024", "", "annee", "paramètre inconnu : « annee »", nil},
		{"/api/v1/openapi.json?v=2", "", "v", "paramètre inconnu : « v »", nil},
		{"/api/v1/indicateurs/nb_entrees?annee=2024", "", "annee", unavailable("annee", "nb_entrees"), flows},
		{"/api/v1/indicateurs/nb_entrees?x=1", "", "x", "paramètre inconnu : « x »", flows},
		{"/api/v1/indicateurs/taux_emploi_6m?mois=2024-03", "", "mois", unavailable("mois", "taux_emploi_6m"), nil},
		{"/api/v1/partenaires/FT/dossiers?annee=2024", "FT", "annee", "paramètre inconnu : « annee »", []string{"format"}},
		{"/api/v1/partenaires/FT/indicateurs/nb_entrees?sexe=1", "FT", "sexe", unavailable("sexe", "nb_entrees"), flows},
	} {
		rec := e.get(c.target, e.tokens[c.tok])
		require.Equal(t, http.StatusBadRequest, rec.Code, "%s: %s", c.target, rec.Body.String())
		got := apiErr(t, rec)
		assert.Equal(t, c.param, got.Param, c.target)
		assert.Equal(t, c.msg, got.Error, c.target)
		if c.param == "mois" {
			assert.Contains(t, got.Allowed, "annee", c.target)
			assert.NotContains(t, got.Allowed, "mois", c.target)
			continue
		}
		assert.Equal(t, c.allowed, got.Allowed, c.target)
	}
	rec := e.get("/api/v1/indicateurs/taux_emploi_6m?annee=2024&annee=2023", "")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Contains(t, apiErr(t, rec).Error, "paramètre répété")
	rec = e.get("/api/v1/indicateurs/taux_emploi_6m?format=xml", "")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	assert.Equal(t, "format", apiErr(t, rec).Param)
	rec = e.get("/api/v1/indicateurs/taux_emploi_6m?dispositif=XYZ", "")
	require.Equal(t, http.StatusBadRequest, rec.Code)
	got := apiErr(t, rec)
	assert.Equal(t, "dispositif", got.Param)
	assert.Contains(t, got.Error, "valeurs admises")
	assert.Contains(t, got.Allowed, "dispositif")
}

func TestRateLimitPerToken(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.RatePerSecond, c.RateBurst = 0.001, 3 })
	target := "/api/v1/partenaires/FT/indicateurs/nb_sortants?annee=2024"
	for i := range 3 {
		rec := e.get(target, e.tokens["FT"])
		require.Equal(t, http.StatusOK, rec.Code, "request %d", i+1)
	}
	rec := e.get(target, e.tokens["FT"])
	require.Equal(t, http.StatusTooManyRequests, rec.Code)
	apiErr(t, rec)
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	// Another token has its own bucket; public routes are not limited per token.
	assert.Equal(t, http.StatusOK, e.get("/api/v1/partenaires/CDC/dossiers", e.tokens["CDC"]).Code)
	assert.Equal(t, http.StatusOK, e.get("/api/v1/indicateurs/nb_sortants?annee=2024", "").Code)
}

func TestAccessLogHasNoPersonalData(t *testing.T) {
	e := newEnv(t)
	e.get("/api/v1/partenaires/FT/indicateurs/taux_emploi_6m?annee=2024&organisme=12345678901234", e.tokens["FT"])
	e.get("/api/v1/partenaires/FT/dossiers?format=csv", e.tokens["CDC"])
	e.get("/regions/84.html", "")
	e.get("/api/v1/partenaires/FT/dossiers", e.tokens["revoked"])

	lines := strings.Split(strings.TrimSpace(e.accessLog()), "\n")
	require.Len(t, lines, 4)
	var recs []map[string]any
	for _, l := range lines {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &m), l)
		recs = append(recs, m)
	}
	assert.Equal(t, "GET /api/v1/partenaires/{code_financeur}/indicateurs/{id}", recs[0]["route"])
	assert.Equal(t, float64(200), recs[0]["statut"])
	assert.Equal(t, e.ids["FT"], recs[0]["jeton"])
	assert.Equal(t, "FT", recs[0]["financeur"])
	assert.Equal(t, "GET", recs[0]["methode"])
	assert.Greater(t, recs[0]["octets"], float64(0))
	assert.Contains(t, recs[0], "duree_ms")
	assert.Equal(t, float64(403), recs[1]["statut"])
	assert.Equal(t, e.ids["CDC"], recs[1]["jeton"])
	assert.Equal(t, "/", recs[2]["route"])
	assert.Equal(t, float64(401), recs[3]["statut"])
	assert.NotContains(t, recs[3], "jeton", "a refused token is not identified")

	all := e.accessLog()
	for _, secret := range []string{e.tokens["FT"], e.tokens["CDC"], e.tokens["revoked"], "12345678901234", "annee=", "84.html", "format=csv"} {
		assert.NotContains(t, all, secret)
	}
}

func TestRequestTimeout(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.RequestTimeout = time.Nanosecond })
	rec := e.get("/api/v1/partenaires/FT/dossiers", e.tokens["FT"])
	require.Equal(t, http.StatusServiceUnavailable, rec.Code, rec.Body.String())
	assert.Contains(t, apiErr(t, rec).Error, "délai dépassé")
}

// TestNoWarehouse: without a warehouse file (a mistyped data root, no build
// yet) there is no server, rather than one answering 503 for ever.
func TestNoWarehouse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent", "warehouse.duckdb")
	_, err := New(Config{SiteDir: t.TempDir(), WarehousePath: path, Open: live.ReadOnly(path, live.Options{})})
	require.ErrorIs(t, err, ErrNoWarehouse)
	assert.EqualError(t, err, "entrepôt introuvable : "+path)
}

// TestWarehouseThatDoesNotOpen: a warehouse file that does not open keeps the
// API at 503 until a new build lands, and says so; the site and the API's
// description are served meanwhile.
func TestWarehouseThatDoesNotOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "warehouse.duckdb")
	require.NoError(t, os.WriteFile(path, []byte("pas une base DuckDB"), 0o644))
	e := newEnvAt(t, path)
	const msg = "entrepôt indisponible : il n'a pas pu être ouvert (voir le journal du serveur) ; le serveur prendra la prochaine construction (agora build) sans redémarrer"
	for _, target := range []string{"/api/v1/indicateurs/taux_emploi_6m", "/api/v1/indicateurs"} {
		rec := e.get(target, "")
		require.Equal(t, http.StatusServiceUnavailable, rec.Code, target)
		assert.Equal(t, msg, apiErr(t, rec).Error, target)
		assert.Equal(t, "60", rec.Header().Get("Retry-After"), "%s: a build takes minutes", target)
	}
	assert.Equal(t, http.StatusOK, e.get("/api/v1/openapi.json", "").Code, "the API is described without a warehouse")
	assert.Equal(t, http.StatusOK, e.get("/", "").Code, "and the site is served")
	select {
	case <-e.srv.Opened():
		t.Fatal("Opened although nothing opened")
	default:
	}

	// A build lands: it is served without a restart.
	b, err := os.ReadFile(sharedWarehouse(t))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path+".new", b, 0o644))
	require.NoError(t, os.Rename(path+".new", path))
	select {
	case <-e.srv.Opened():
	case <-time.After(2 * time.Minute):
		t.Fatal("the new build is never served")
	}
	assert.Equal(t, http.StatusOK, e.get("/api/v1/indicateurs", "").Code)
}

func TestSizeLimits(t *testing.T) {
	e := newEnv(t)
	rec := e.get("/api/v1/indicateurs/taux_emploi_6m?par="+strings.Repeat("a", 3000), "")
	assert.Equal(t, http.StatusRequestURITooLong, rec.Code)
	apiErr(t, rec)
	rec = e.get("/"+strings.Repeat("a", 2000), "")
	assert.Equal(t, http.StatusRequestURITooLong, rec.Code)

	req := httptest.NewRequest(http.MethodGet, "/api/v1/indicateurs", strings.NewReader(strings.Repeat("x", 5000)))
	rec = httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)

	// Header limit: through a real listener with the server's http.Server.
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = e.srv.HTTPServer("")
	ts.Start()
	defer ts.Close()
	req, err := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
	require.NoError(t, err)
	req.Header.Set("X-Gros", strings.Repeat("a", 64<<10))
	resp, err := ts.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusRequestHeaderFieldsTooLarge, resp.StatusCode)
}

func TestServerTimeouts(t *testing.T) {
	e := newEnv(t)
	hs := e.srv.HTTPServer("127.0.0.1:0")
	assert.Equal(t, readHeaderTimeout, hs.ReadHeaderTimeout)
	assert.Equal(t, readTimeout, hs.ReadTimeout)
	assert.Equal(t, writeTimeout, hs.WriteTimeout)
	assert.Equal(t, idleTimeout, hs.IdleTimeout)
	assert.Equal(t, maxHeaderBytes, hs.MaxHeaderBytes)
	for _, d := range []time.Duration{hs.ReadHeaderTimeout, hs.ReadTimeout, hs.WriteTimeout, hs.IdleTimeout} {
		assert.Positive(t, d)
	}
}
