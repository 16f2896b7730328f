package site

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
)

// Node sizes come from the published totals, not from the drawn flows: a
// hidden flow leaves its share of the node empty instead of shrinking it,
// and a node whose flows are all hidden still shows its published total.
func TestSankeyNodeTotals(t *testing.T) {
	nodes := [][]string{{"A : un", "A : deux"}, {"B : un", "B : deux", "B : trois"}}
	totals := map[string]fig{
		"A : un":   shown(40), // 25 + 15 drawn
		"A : deux": shown(30), // 12 drawn, 18 in a hidden flow
		"B : un":   shown(37),
		"B : deux": shown(18), // its only flow is hidden
		// B : trois: total hidden, one drawn flow of 15
		"B : trois": secretFig,
	}
	flows := []flow{
		{"A : un", "B : un", shown(25)},
		{"A : un", "B : trois", shown(15)},
		{"A : deux", "B : un", shown(12)},
		{"A : deux", "B : deux", secretFig},
	}
	c := sankey("t", "T", "", []string{"A", "B"}, nodes, totals, flows, table{})
	data := c.Option["series"].([]any)[0].(map[string]any)["data"].([]any)
	got := map[string]any{}
	for _, d := range data {
		n := d.(map[string]any)
		got[n["name"].(string)] = n["value"]
	}
	require.Len(t, got, 5, "every node has a drawn flow or a published total")
	assert.Equal(t, map[string]any{
		"A : un": 40.0, "A : deux": 30.0, "B : un": 37.0, "B : deux": 18.0,
		"B : trois": nil, // no published total: ECharts sums its drawn flows
	}, got)
}

// The funnel's CSV gives each organisation's bare SIRET (14 digits), as the
// open data does, not the spaced form shown on the page.
func TestFunnelCSVBareSIRET(t *testing.T) {
	dir, _ := writeTestSite(t)
	b, err := os.ReadFile(filepath.Join(dir, "donnees", "organismes-entonnoir.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Greater(t, len(lines), 1)
	assert.Equal(t, "siret_of,nb_observes_6m,taux_emploi_6m,taux_emploi_6m_attendu,valeur_ajoutee_6m,"+
		"valeur_ajoutee_6m_ic_bas,valeur_ajoutee_6m_ic_haut,position", lines[0])
	for _, l := range lines[1:] {
		assert.Regexp(t, `^[0-9]{14},`, l)
	}
}

// A percentage axis ends at the published values rounded up to twenty, never
// beyond 100 % (the demo's before/after axis ran to 120 %); a percentage
// above 100 (envelope consumption) keeps ECharts' own axis.
func TestPctAxisMax(t *testing.T) {
	for _, tc := range []struct {
		u    unit
		vals []fig
		max  float64
		set  bool
	}{
		{unitPct, []fig{shown(93.3), shown(40), secretFig}, 100, true},
		{unitPct, []fig{shown(75.7), shown(38.2)}, 80, true},
		{unitPct, []fig{shown(100)}, 100, true},
		{unitPct, []fig{shown(60)}, 60, true},
		{unitPct, []fig{shown(60.1)}, 80, true},
		{unitPct, []fig{shown(3)}, 20, true},
		{unitPct, []fig{secretFig}, 20, true},
		{unitPct, []fig{shown(85.2), shown(112.4)}, 0, false}, // consumption over the envelope
		{unitCount, []fig{shown(41)}, 0, false},
	} {
		m, ok := pctAxisMax(tc.u, []series{{"s", tc.vals}})
		assert.Equal(t, tc.set, ok, "%v", tc.vals)
		assert.Equal(t, tc.max, m, "%v", tc.vals)
	}
	c := hbar("x", "T", "S.", unitPct, []string{"a", "b"}, []series{{"s", []fig{shown(93.3), shown(97.1)}}, {"t", []fig{shown(48.8), shown(99.2)}}}, table{})
	assert.Equal(t, 100.0, c.Option["xAxis"].([]any)[0].(map[string]any)["max"])
	l := lines("y", "T", "S.", unitPct, []string{"T1", "T2"}, []series{{"s", []fig{shown(51.4), shown(67.1)}}}, table{})
	assert.Equal(t, 80.0, l.Option["yAxis"].([]any)[0].(map[string]any)["max"])
}

// chartOption reads the ECharts option of a chart from a page of the test site.
func chartOption(t *testing.T, dir, page, id string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, page))
	require.NoError(t, err)
	start := `<script type="application/json" id="` + id + `-option">`
	s := string(b)
	i := strings.Index(s, start)
	require.GreaterOrEqual(t, i, 0, "%s : pas de graphique %s", page, id)
	s = s[i+len(start):]
	s = s[:strings.Index(s, "</script>")]
	var p struct {
		Option map[string]any `json:"option"`
	}
	require.NoError(t, json.Unmarshal([]byte(s), &p), id)
	return p.Option
}

// categories are the category names of a horizontal bar chart.
func categories(t *testing.T, opt map[string]any) []string {
	t.Helper()
	var out []string
	for _, v := range opt["yAxis"].([]any)[0].(map[string]any)["data"].([]any) {
		out = append(out, v.(string))
	}
	return out
}

// Bar charts name schemes in words on their axis, not by code (the review
// found PROA, CPF_TP, PDC… on the home, budget and region pages), and every
// chart's legend is plain: it wraps on a phone instead of paging « 1/2 ».
func TestChartAxesNameSchemes(t *testing.T) {
	dir, _ := writeTestSite(t)
	codes := map[string]bool{}
	for _, c := range codesOf(dictionary.Dispositifs) {
		codes[c] = true
	}
	for _, tc := range []struct{ page, id string }{
		{"index.html", "accueil-taux-dispositif"},
		{"index.html", "accueil-avant-apres"},
		{"budget.html", "budget-dispositif"},
		{"region-84.html", "region-84-dispositifs"},
		{"region-84.html", "region-84-avant-apres"},
	} {
		opt := chartOption(t, dir, tc.page, tc.id)
		cats := categories(t, opt)
		require.NotEmpty(t, cats, tc.id)
		for _, c := range cats {
			name, _, _ := strings.Cut(c, " ("+secretText)
			assert.False(t, codes[name], "%s : code %q sur l'axe", tc.id, c)
		}
		assert.Contains(t, cats, "Compte personnel de formation", tc.id)
		assert.Equal(t, "plain", opt["legend"].(map[string]any)["type"], tc.id)
		_, hasWidth := opt["yAxis"].([]any)[0].(map[string]any)["axisLabel"].(map[string]any)["width"]
		assert.False(t, hasWidth, "%s : ECharts ne doit pas recouper les libellés (le script les coupe aux espaces)", tc.id)
	}
	assert.Equal(t, "plain", chartOption(t, dir, "index.html", "accueil-tendance-trimestre")["legend"].(map[string]any)["type"])
}
