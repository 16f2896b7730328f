package site

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
)

// TestNationalFiguresPublished: on the test warehouse, secondary suppression
// leaves the national figures of the home page alone. A national total is not
// sensitive by itself; it used to come out "secret secondaire" (with every
// Sankey flow) because Protect chased structural zeros of the monthly flows,
// which no suppression can hide.
func TestNationalFiguresPublished(t *testing.T) {
	db := testWarehouse(t)
	run := func(q indicators.Query) *indicators.Table {
		tb, err := testCatalogue.Run(context.Background(), db, q, indicators.Public)
		require.NoError(t, err)
		require.NotEmpty(t, tb.Rows, "%v", q)
		return tb
	}
	nat := run(indicators.Query{Indicators: []string{"nb_sortants", "nb_observes_6m", "taux_emploi_6m"}, By: []string{"annee"}})
	for _, r := range nat.Rows {
		require.Empty(t, r.Secret, "national figures of %v", r.Values[0])
		require.NotNil(t, r.Values[1], "nb_sortants of %v", r.Values[0])
	}
	// The flows of the Sankey from the kind of exit to the situation at M+6:
	// no cell of it is small, none may be hidden.
	flows := run(indicators.Query{Indicators: []string{"nb_sortants"}, By: []string{"motif_sortie", "situation_6m"},
		Filters: map[string]string{"annee": "2023"}})
	for _, r := range flows.Rows {
		require.NotNil(t, r.Values[2], "flow %v → %v hidden (%s)", r.Values[0], r.Values[1], r.Secret)
	}
	// From the situation before entry to the kind of exit: one flow is below 11,
	// so a few others go with it, but far from all.
	before := run(indicators.Query{Indicators: []string{"nb_sortants"}, By: []string{"situation_avant", "motif_sortie"},
		Filters: map[string]string{"annee": "2023"}})
	secondary := 0
	for _, r := range before.Rows {
		if strings.Contains(r.Secret, "secret secondaire") {
			secondary++
		}
	}
	require.Less(t, secondary, len(before.Rows)/2, "secondary suppression in situation_avant × motif_sortie")
}
