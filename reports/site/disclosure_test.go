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
	// none is small (24 to 1 192 exits), so only secondary suppression may
	// hide some, never one of 100 exits or more, nor half of them. (Six are
	// hidden: the AUTRE and EXCLUSION rows, 24 to 74 exits, once a reader
	// knows that a count hidden as « secret secondaire » is at least 11.)
	flows := run(indicators.Query{Indicators: []string{"nb_sortants"}, By: []string{"motif_sortie", "situation_6m"},
		Filters: map[string]string{"annee": "2023"}})
	truth := map[[2]string]int{}
	rows, err := db.Query(`SELECT motif_sortie, situation_6m, sum(nb_sortants)::INTEGER FROM parcours_situations
		WHERE annee_sortie = 2023 AND code_dispositif IS NULL GROUP BY ALL`)
	require.NoError(t, err)
	for rows.Next() {
		var m, s string
		var n int
		require.NoError(t, rows.Scan(&m, &s, &n))
		truth[[2]string{m, s}] = n
	}
	require.NoError(t, rows.Err())
	require.Len(t, truth, len(flows.Rows))
	hidden := 0
	for _, r := range flows.Rows {
		n := truth[[2]string{r.Values[0].(string), r.Values[1].(string)}]
		if r.Values[2] == nil {
			hidden++
			require.Less(t, n, 100, "flow %v → %v of %d exits hidden (%s)", r.Values[0], r.Values[1], n, r.Secret)
			require.Equal(t, "secret secondaire", r.Secret)
		}
	}
	require.Less(t, hidden, len(flows.Rows)/2)
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
