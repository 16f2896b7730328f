package serve

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openAPIDoc is the part of the document the test reads.
type openAPIDoc struct {
	OpenAPI string                                 `json:"openapi"`
	Paths   map[string]map[string]openAPIOperation `json:"paths"`
}

type openAPIOperation struct {
	OperationID string             `json:"operationId"`
	Parameters  []openAPIParameter `json:"parameters"`
	Security    []map[string]any   `json:"security"`
	Responses   map[string]any     `json:"responses"`
}

type openAPIParameter struct {
	Name       string                  `json:"name"`
	In         string                  `json:"in"`
	Required   bool                    `json:"required"`
	Schema     struct{ Enum []string } `json:"schema"`
	Indicators []string                `json:"x-indicateurs"`
}

var pathParamRe = regexp.MustCompile(`\{([a-z_]+)\}`)

// TestOpenAPIMatchesTheRouter walks the routes the server registered and the
// paths of the document it serves: the same set, with the same parameters,
// and every documented query parameter is one the handler admits (and no
// other is admitted).
func TestOpenAPIMatchesTheRouter(t *testing.T) {
	e := newEnv(t)
	rec := e.get("/api/v1/openapi.json", "")
	require.Equal(t, http.StatusOK, rec.Code)
	var doc openAPIDoc
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	assert.Equal(t, "3.0.3", doc.OpenAPI)

	// 1. The registered API patterns and the document's operations are the same set.
	var registered, documented []string
	for _, p := range e.srv.patterns {
		method, path, ok := strings.Cut(p, " ")
		if ok && strings.HasPrefix(path, apiBase+"/") {
			registered = append(registered, method+" "+path)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(registered)
	sort.Strings(documented)
	assert.Equal(t, registered, documented)
	assert.Len(t, documented, 5)

	// 2. Each documented path, with its parameters filled, is routed to its
	// own pattern by the server's mux.
	for path, ops := range doc.Paths {
		for method, op := range ops {
			concrete := path
			for _, p := range op.Parameters {
				if p.In == "path" {
					require.NotEmpty(t, p.Schema.Enum, "%s %s", path, p.Name)
					concrete = strings.ReplaceAll(concrete, "{"+p.Name+"}", p.Schema.Enum[0])
				}
			}
			req := httptest.NewRequest(strings.ToUpper(method), concrete, nil)
			_, pattern := e.srv.mux.Handler(req)
			assert.Equal(t, strings.ToUpper(method)+" "+path, pattern, concrete)
		}
	}

	// 3. Path parameters: exactly the pattern's wildcards, required.
	for path, ops := range doc.Paths {
		var want []string
		for _, m := range pathParamRe.FindAllStringSubmatch(path, -1) {
			want = append(want, m[1])
		}
		for _, op := range ops {
			var got []string
			for _, p := range op.Parameters {
				if p.In == "path" {
					got = append(got, p.Name)
					assert.True(t, p.Required)
				}
			}
			assert.Equal(t, want, got, path)
		}
	}

	// 4. Query parameters: per operation (and per indicator for the indicator
	// routes), the documented set is what the handler admits. An unknown
	// parameter gets a 400 whose parametres_admis is that set; each documented
	// one, given a valid value, is not refused as unknown.
	for path, ops := range doc.Paths {
		for _, op := range ops {
			ids := []string{""}
			if strings.Contains(path, "{id}") {
				ids = nil
				for _, in := range e.srv.cat.Indicators() {
					ids = append(ids, in.ID)
				}
			}
			for _, id := range ids {
				var want []string
				target := strings.ReplaceAll(path, "{code_financeur}", "FT")
				target = strings.ReplaceAll(target, "{id}", id)
				for _, p := range op.Parameters {
					if p.In != "query" {
						continue
					}
					if p.Indicators != nil && !slices.Contains(p.Indicators, id) {
						continue
					}
					want = append(want, p.Name)
				}
				sort.Strings(want)

				tok := ""
				if op.Security != nil {
					tok = e.tokens["FT"]
				}
				rec := e.get(target+"?parametre_inexistant=1", tok)
				require.Equal(t, http.StatusBadRequest, rec.Code, "%s %s", target, rec.Body.String())
				got := apiErr(t, rec)
				assert.Equal(t, want, got.Allowed, "%s: documented versus admitted", target)

				for _, name := range want {
					var q url.Values
					if name == "par" || name == "totaux" {
						in, _ := e.srv.cat.Indicator(id)
						q = url.Values{"par": {in.Dimensions[0]}}
						if name == "totaux" {
							q.Set("totaux", in.Dimensions[0])
						}
					} else {
						q = url.Values{name: {sampleValue(t, e, name, op)}}
					}
					rec := e.get(target+"?"+q.Encode(), tok)
					if rec.Code == http.StatusBadRequest {
						// It may be refused in combination (an indicator only by
						// some breakdowns), never as unknown.
						got := apiErr(t, rec)
						assert.NotContains(t, got.Error, "paramètre inconnu", "%s?%s", target, q.Encode())
						assert.Contains(t, got.Allowed, name, "%s?%s", target, q.Encode())
					}
				}
			}
		}
	}
}

// sampleValue is a valid value of a documented query parameter.
func sampleValue(t *testing.T, e *env, name string, op openAPIOperation) string {
	for _, p := range op.Parameters {
		if p.Name == name && len(p.Schema.Enum) > 0 {
			return p.Schema.Enum[0]
		}
	}
	switch name {
	case "annee", "annee_sortie":
		return "2024"
	case "mois":
		return "2024-03"
	case "organisme":
		return "30000000000010"
	case "domaine_nsf":
		return "31"
	}
	d, ok := e.srv.cat.Dimension(name)
	require.True(t, ok, "no sample value for %s", name)
	require.NotEmpty(t, d.Values, name)
	return d.Values[0].Code
}

func TestOpenAPIDocumentsSecurityAndErrors(t *testing.T) {
	e := newEnv(t)
	doc := e.srv.OpenAPI()
	b, err := json.Marshal(doc)
	require.NoError(t, err)
	var parsed openAPIDoc
	require.NoError(t, json.Unmarshal(b, &parsed))
	for path, ops := range parsed.Paths {
		for _, op := range ops {
			partner := strings.Contains(path, "/partenaires/")
			assert.Equal(t, partner, op.Security != nil, path)
			for _, code := range []string{"200", "400"} {
				assert.Contains(t, op.Responses, code, path)
			}
			if partner {
				for _, code := range []string{"401", "403", "429"} {
					assert.Contains(t, op.Responses, code, path)
				}
			}
		}
	}
}
