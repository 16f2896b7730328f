package indicators

import (
	"context"
	"database/sql"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators/disclosure"
	"github.com/agora-formation/agora/indicators/fixture"
)

// rowsCountSomebody are the marts whose rows exist only when they count
// somebody, with the count that says so: a reader knows it is at least 1,
// hidden or not. parcours_situations is left out, as in the publication (a
// documented limit, docs/methodologie.md § 13).
var rowsCountSomebody = map[string]string{
	"insertion_dispositif_region": "nb_sortants", "insertion_sexe_age": "nb_sortants",
	"insertion_certification": "nb_sortants", "insertion_trimestre": "nb_sortants",
	"insertion_financeur": "nb_sortants", "insertion_organisme": "nb_sortants",
	"avant_apres": "nb_sortants", "cout_domaine_nsf": "nb_dossiers",
}

// TestPublicationSurvivesIntervalAttack attacks a whole publication (the
// fixture's, and a scaled one of 20 000 random exits) with what a reader knows, by a propagation written apart from package
// disclosure's: a published cell is exact; a count hidden as « effectif < 11 »
// lies in [0, 10], one hidden for another reason is at least 11; the count of
// a row of rowsCountSomebody is at least 1; every cell is non-negative. Each
// equation bounds each of its cells by the others until nothing moves. Then a
// small count must keep an interval of MinHiddenWidth (or what hiding every
// cell would leave it), an amount of a row of few dossiers RowAmountWidth of
// its value, and no other hidden cell may be pinned. It fails if the
// publication stops declaring what readers know: without Count the fixture
// has a count of 4 narrowed to [3, 4], without Floor the scaled one a count of
// 3 narrowed to [1, 3].
func TestPublicationSurvivesIntervalAttack(t *testing.T) {
	t.Run("fixture", func(t *testing.T) { intervalAttack(t, testDB) })
	t.Run("scaled", func(t *testing.T) {
		// Random cells with skewed sizes: many small regions, where the
		// floors of rowsCountSomebody matter.
		if testing.Short() {
			t.Skip("scaled warehouse: about 10 s")
		}
		db, err := sql.Open("duckdb", "")
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		require.NoError(t, fixture.BuildScaled(context.Background(), db, 20_000))
		intervalAttack(t, db)
	})
}

// intervalAttack publishes the marts of db and attacks them (see
// TestPublicationSurvivesIntervalAttack).
func intervalAttack(t *testing.T, db *sql.DB) {
	c := New()
	pub, err := c.publication(context.Background(), db)
	require.NoError(t, err)
	g := pub.grid
	n := g.Len()
	count, floor := make([]bool, n), make([]float64, n)
	for _, s := range c.sources {
		for _, r := range pub.rows[s] {
			for qi, q := range s.quants {
				id := r.cell[qi]
				if id < 0 {
					continue
				}
				count[id] = count[id] || q.rule == ruleCount
				if rowsCountSomebody[s.table] == q.name && r.q[qi] >= 1 {
					floor[id] = 1
				}
			}
		}
	}
	left, right := g.Equations()
	attack := func(hidden func(int) bool) (lo, hi []float64) {
		lo, hi = make([]float64, n), make([]float64, n)
		for c := range n {
			switch {
			case !hidden(c):
				lo[c], hi[c] = g.Value(c), g.Value(c)
			case g.Reason(c) == disclosure.ReasonCount:
				lo[c], hi[c] = floor[c], disclosure.MinCount-1
			case count[c] && g.Value(c) >= disclosure.MinCount:
				lo[c], hi[c] = disclosure.MinCount, math.Inf(1)
			default:
				lo[c], hi[c] = floor[c], math.Inf(1)
			}
		}
		for changed, round := true, 0; changed && round < 200; round++ {
			changed = false
			for e := range left {
				// Σ left − Σ right = 0: x = (Σ of its side's others) …
				for side, cells := range [][]int{left[e], right[e]} {
					own, other := cells, right[e]
					if side == 1 {
						other = left[e]
					}
					for _, x := range own {
						if !hidden(x) {
							continue
						}
						// x = Σ other − Σ (own without x)
						xLo, xHi := 0.0, 0.0
						for _, y := range other {
							xLo, xHi = xLo+lo[y], xHi+hi[y]
						}
						for _, y := range own {
							if y != x {
								xLo, xHi = xLo-hi[y], xHi-lo[y]
							}
						}
						if !math.IsNaN(xLo) && xLo > lo[x]+1e-6*math.Max(1, math.Abs(xLo)) {
							lo[x], changed = xLo, true
						}
						if !math.IsNaN(xHi) && xHi < hi[x]-1e-6*math.Max(1, math.Abs(xHi)) {
							hi[x], changed = xHi, true
						}
					}
				}
			}
		}
		return lo, hi
	}
	lo, hi := attack(g.Hidden)
	slo, shi := attack(func(int) bool { return true })
	for c := range n {
		if !g.Hidden(c) || g.Value(c) == 0 {
			continue
		}
		w, need := hi[c]-lo[c], 1e-6*math.Max(1, g.Value(c))
		switch g.Reason(c) {
		case disclosure.ReasonCount:
			need = min(disclosure.MinHiddenWidth, shi[c]-slo[c]) - 1e-6
		case disclosure.ReasonRow:
			need = min(disclosure.RowAmountWidth*g.Value(c), shi[c]-slo[c]) - 1e-6
		}
		require.False(t, w < need, "cell %d (%v, %s) narrowed to [%v, %v]", c, g.Value(c), g.Reason(c), lo[c], hi[c])
	}
}
