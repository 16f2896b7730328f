package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// payloads are hostile values tried in every parameter.
var payloads = []string{
	"'",
	"' OR '1'='1",
	"2024' OR 1=1 --",
	"2024;--",
	"2024; DROP TABLE resultats_dossiers; --",
	"CDC' UNION SELECT id_dossier FROM resultats_dossiers --",
	"annee) OR (1=1",
	"\"; SELECT * FROM read_csv('/etc/passwd'); --",
	"read_text('prive/jetons.json')",
	"é",
	"\u202e2024",
	"２０２４", // full-width digits
	"𝟐𝟎𝟐𝟒",
	"2024\x00",
	"2024\n",
	" 2024",
	"\xff\xfe",
	strings.Repeat("9", 1500),
	strings.Repeat("A", 5000), // beyond the query limit
	"../../prive/jetons.json",
	"..%2f..%2fprive%2fjetons.json",
	"%2e%2e",
	"${jndi:ldap://x/a}",
	"<script>alert(1)</script>",
	"dispositif,region,annee,annee,annee,annee",
	"*",
	"",
}

// leaks are what no refused request may carry.
func (e *env) leaks() []string {
	return []string{secretMarker, e.tokens["FT"], e.tokens["CDC"], "sha256", "\"lignes\"", "<script>"}
}

func (e *env) assertRefused(t *testing.T, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	assert.Contains(t, []int{400, 403, 404, 414}, rec.Code, "%s: %d %s", what, rec.Code, rec.Body.String())
	for _, l := range e.leaks() {
		assert.NotContains(t, rec.Body.String(), l, what)
	}
	assert.NotRegexp(t, dossierID, rec.Body.String(), what)
	var body apiError
	dec := json.NewDecoder(bytes.NewReader(rec.Body.Bytes()))
	dec.DisallowUnknownFields()
	assert.NoError(t, dec.Decode(&body), "%s: the body is only an error object: %s", what, rec.Body.String())
}

func TestInjectionInEveryParameter(t *testing.T) {
	e := newEnv(t)
	cat := e.srv.cat
	tried := 0
	for _, rt := range e.srv.Routes() {
		tok := ""
		if rt.Partner {
			tok = e.tokens["FT"]
		}
		base := strings.ReplaceAll(rt.Pattern, "{code_financeur}", "FT")
		base = strings.ReplaceAll(base, "{id}", "taux_emploi_6m")

		// Query parameters: every documented one, every dimension, and an unknown one.
		names := []string{"inconnu", "annee\x00"}
		for _, p := range rt.Query {
			names = append(names, p.Name)
		}
		if rt.Dimensions {
			for _, d := range cat.Dimensions() {
				names = append(names, d.ID)
			}
		}
		for _, name := range names {
			for _, p := range payloads {
				if p == "" && name != "inconnu" {
					continue // an empty value is "absent" for some parameters
				}
				target := base + "?" + url.Values{name: {p}}.Encode()
				rec := e.get(target, tok)
				e.assertRefused(t, rec, rt.OperationID+" "+name+"="+p)
				tried++
			}
		}
		// Path parameters.
		for _, slot := range []string{"{id}", "{code_financeur}"} {
			if !strings.Contains(rt.Pattern, slot) {
				continue
			}
			for _, p := range payloads {
				if p == "" || strings.ContainsAny(p, "\x00\n") {
					continue // not a valid request line
				}
				target := strings.ReplaceAll(rt.Pattern, slot, url.PathEscape(p))
				target = strings.ReplaceAll(target, "{code_financeur}", "FT")
				target = strings.ReplaceAll(target, "{id}", "taux_emploi_6m")
				rec := e.get(target, tok)
				if rec.Code == http.StatusMovedPermanently {
					continue // net/http cleaned a ".." path: checked by TestStaticTraversal
				}
				e.assertRefused(t, rec, rt.OperationID+" "+slot+"="+p)
				tried++
			}
		}
	}
	t.Logf("%d hostile requests refused", tried)
	assert.Greater(t, tried, 500)

	// The warehouse is intact and still answers.
	rec := e.get("/api/v1/partenaires/CDC/dossiers", e.tokens["CDC"])
	require.Equal(t, http.StatusOK, rec.Code)
	assert.NotEmpty(t, tableOf(t, rec).Rows)
}

// rawGet sends a request line as it is, bypassing any client-side cleaning,
// and follows redirects (up to five) the same way.
func rawGet(t *testing.T, addr, target string) (int, []byte) {
	t.Helper()
	for range 5 {
		conn, err := net.Dial("tcp", addr)
		require.NoError(t, err)
		_, err = io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: agora\r\nConnection: close\r\n\r\n")
		require.NoError(t, err)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		require.NoError(t, err, target)
		body, _ := io.ReadAll(resp.Body)
		conn.Close()
		loc := resp.Header.Get("Location")
		if resp.StatusCode/100 != 3 || loc == "" {
			return resp.StatusCode, body
		}
		base, err := url.Parse("http://agora" + target)
		if err != nil {
			return resp.StatusCode, body
		}
		next, err := base.Parse(loc)
		require.NoError(t, err)
		target = next.RequestURI()
	}
	t.Fatalf("%s: too many redirects", target)
	return 0, nil
}

func TestStaticTraversal(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	addr := strings.TrimPrefix(ts.URL, "http://")
	legit := map[string]bool{}
	for _, c := range siteFiles {
		legit[c] = true
	}
	for _, target := range []string{
		"/../prive/jetons.json",
		"/../secret.txt",
		"/%2e%2e/prive/jetons.json",
		"/%2e%2e%2fprive%2fjetons.json",
		"/..%2fprive%2fjetons.json",
		"/..%2Fsecret.txt",
		"/%252e%252e/secret.txt",
		"/regions/../../secret.txt",
		"/regions/%2e%2e/%2e%2e/secret.txt",
		"//secret.txt",
		"/.%2e/secret.txt",
		"/..\\secret.txt",
		"/%5c..%5csecret.txt",
		"/secret.txt%00.html",
		"/index.html%00",
		"/js/../../secret.txt",
		"/....//secret.txt",
		"/%c0%ae%c0%ae/secret.txt",
		"/api/v1/../../secret.txt",
		"/api/v1/indicateurs/..%2f..%2f..%2fsecret.txt",
		"/lien.csv",          // a link inside the site to a file outside
		"/prive/export.csv",  // a link inside the site to a folder outside
		"/prive/jetons.json", //
		"/prive/",            //
		"/.cache/note",       // dot folder inside the site
		"/vide/",             // folder without index: never listed
		"/site/index.html",   //
		"/warehouse.duckdb",  //
		"http://agora/../secret.txt",
	} {
		status, body := rawGet(t, addr, target)
		for _, l := range e.leaks() {
			assert.NotContains(t, string(body), l, target)
		}
		assert.NotRegexp(t, dossierID, string(body), target)
		assert.NotContains(t, string(body), "export.csv", target)
		if status == http.StatusOK {
			assert.True(t, legit[string(body)], "%s: 200 with content not from the site: %q", target, body)
		} else {
			assert.Contains(t, []int{400, 404}, status, target)
		}
	}
}
