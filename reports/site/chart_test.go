package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
	assert.Equal(t, "siret_of,nb_observes_6m,taux_emploi_6m", lines[0])
	for _, l := range lines[1:] {
		assert.Regexp(t, `^[0-9]{14},`, l)
	}
}
