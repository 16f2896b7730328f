package disclosure

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The open-data case of the review: a national row of 66 exits and three
// parts, 46 published and two hidden as « effectif < 11 ». No subtraction
// gives either (20 = x + y), but a reader who knows both are at most 10
// knows both are 10. Protect must hide one more cell; the smallest
// published part is 46, the total being kept (a part before its total).
func TestProtectBoundedCounts(t *testing.T) {
	g := &Grid{}
	total, pub, a, b := g.Cell(66), g.Cell(46), g.Cell(10), g.Cell(10)
	g.Margin(total, pub, a, b)
	g.Suppress(a, CountReason(10))
	g.Suppress(b, CountReason(10))
	g.Protect()
	assert.True(t, g.Hidden(pub), "46 hidden: then x + y = 66 − (46 hidden) is no longer pinned")
	assert.False(t, g.Hidden(total))
	assert.Equal(t, ReasonSecondary, g.Reason(pub))
}

// A chain: the first equation pins x = 10 through the bounds, then a second
// equation gives y by subtraction from x. Both must end up protected.
func TestProtectBoundedChain(t *testing.T) {
	g := &Grid{}
	t1, p1, x, w := g.Cell(30), g.Cell(10), g.Cell(10), g.Cell(10)
	g.Margin(t1, p1, x, w) // 30 = 10 + x + w, x, w ≤ 10: both 10
	t2, p2, y := g.Cell(50), g.Cell(33), g.Cell(7)
	g.Margin(t2, p2, x, y) // 50 = 33 + x + y: with x known, y = 7
	g.Suppress(x, CountReason(10))
	g.Suppress(w, CountReason(10))
	g.Suppress(y, CountReason(7))
	g.Protect()
	for _, c := range []int{x, w, y} {
		lo, hi := g.bounds(c)
		assert.Less(t, lo, hi, "cell %d pinned to %v", c, lo)
	}
}

// No bound is invented: cells hidden for another reason than a small count
// have no upper bound, and a sum of two such cells stays open.
func TestProtectBoundsOnlyFromCounts(t *testing.T) {
	g := &Grid{}
	total, pub, a, b := g.Cell(1000), g.Cell(980), g.Cell(10), g.Cell(10)
	g.Margin(total, pub, a, b)
	g.Suppress(a, RowReason(5)) // amounts of a row under 11 dossiers: no bound
	g.Suppress(b, RowReason(5))
	g.Protect()
	assert.False(t, g.Hidden(pub), "x + y = 20 with x, y ≥ 0 unbounded above… but each ≤ 20: not pinned")
}

// The review's narrow cells. Two hidden counts adding up to 18 (48 − 30),
// each at most 10, are each between 8 and 10: not one value, but a width of
// 2, under MinHiddenWidth. Protect hides the published part 30. Adding up to
// 17 (47 − 30) leaves 7 to 10, a width of 3: nothing more is hidden.
func TestProtectNarrowCounts(t *testing.T) {
	for _, tc := range []struct {
		total, a, b float64
		hides       bool
	}{
		{48, 9, 9, true},   // a + b = 18: a ∈ [8, 10], width 2
		{47, 9, 8, false},  // a + b = 17: a ∈ [7, 10], width 3
		{40, 5, 5, false},  // a + b = 10: a ∈ [0, 10]
		{50, 10, 10, true}, // a + b = 20: pinned, as in TestProtectBoundedCounts
	} {
		g := &Grid{}
		total, pub, a, b := g.Cell(tc.total), g.Cell(30), g.Cell(tc.a), g.Cell(tc.b)
		g.Margin(total, pub, a, b)
		g.Suppress(a, CountReason(tc.a))
		g.Suppress(b, CountReason(tc.b))
		g.Protect()
		assert.Equal(t, tc.hides, g.Hidden(pub), "total %v", tc.total)
		assert.False(t, g.Hidden(total))
		assert.Empty(t, g.Narrowed(), "total %v", tc.total)
	}
}

// A row exists only when it counts somebody. Five regions hidden as
// « effectif < 11 » (1 + 1 + 2 + 2 + 1 = 7 exits) beside a published region
// of 33, for a published total of 40: without floors each is between 0 and 7;
// knowing each is at least 1, a reader puts each between 1 and 3
// (7 − 4 × 1 = 3), a width of 2. With the floors, Protect hides the 33.
func TestProtectFloors(t *testing.T) {
	for _, floors := range []bool{false, true} {
		g := &Grid{}
		total, big := g.Cell(40), g.Cell(33)
		parts := []int{big}
		for _, v := range []float64{1, 1, 2, 2, 1} {
			c := g.Cell(v)
			g.Suppress(c, CountReason(v))
			parts = append(parts, c)
		}
		g.Margin(total, parts...)
		if floors {
			for _, c := range parts {
				g.Floor(c, 1)
			}
		}
		lo, hi := g.bounds(parts[1])
		if floors {
			assert.Equal(t, [2]float64{1, 3}, [2]float64{lo, hi})
		} else {
			assert.Equal(t, [2]float64{0, 7}, [2]float64{lo, hi})
		}
		g.Protect()
		assert.Equal(t, floors, g.Hidden(big), "floors %v", floors)
		if floors {
			lo, hi = g.bounds(parts[1])
			assert.Equal(t, [2]float64{1, 10}, [2]float64{lo, hi}, "33 hidden: 40 − 33 − 3 no longer bounds it")
		}
		assert.False(t, g.Hidden(total))
		assert.Empty(t, g.Narrowed())
	}
}

// The amounts of a row of fewer than 11 dossiers: 1 000 € = a (395, the row
// hidden) + b (5, a count hidden as « effectif < 11 », so at most 10) + 600
// published. A reader puts a between 390 and 400, ±1 %: under the 20 % of
// RowAmountWidth. Protect hides the 600; a then lies anywhere up to 1 000.
func TestProtectRowAmounts(t *testing.T) {
	g := &Grid{}
	total, a, b, c := g.Cell(1000), g.Cell(395), g.Cell(5), g.Cell(600)
	g.Margin(total, a, b, c)
	g.Suppress(a, RowReason(3))
	g.Suppress(b, CountReason(5))
	lo, hi := g.bounds(a)
	assert.Equal(t, [2]float64{390, 400}, [2]float64{lo, hi})
	g.Protect()
	assert.True(t, g.Hidden(c))
	assert.False(t, g.Hidden(total))
	lo, hi = g.bounds(a)
	assert.Equal(t, [2]float64{0, 1000}, [2]float64{lo, hi})
	assert.Empty(t, g.Narrowed())
}

// A count hidden by secondary suppression is at least 11: smaller, it would
// read « effectif < 11 ». 12 = a (1, « effectif < 11 ») + b (11): b is hidden
// to protect a, but a reader who knows b ≥ 11 puts a between 0 and 1. Protect
// must hide the total too.
func TestProtectSecondaryCountsAtLeast11(t *testing.T) {
	g := &Grid{}
	total, a, b := g.Cell(12), g.Cell(1), g.Cell(11)
	g.Margin(total, a, b)
	for _, c := range []int{total, a, b} {
		g.Count(c)
	}
	g.Suppress(a, CountReason(1))
	g.Protect()
	assert.Equal(t, ReasonSecondary, g.Reason(b))
	assert.True(t, g.Hidden(total), "12 hidden: a is then anywhere in [0, 10]")
	lo, hi := g.bounds(a)
	assert.Equal(t, [2]float64{0, 10}, [2]float64{lo, hi})
	assert.Empty(t, g.Narrowed())
}

// bounds returns what a reader can deduce of cell c.
func (g *Grid) bounds(c int) (float64, float64) {
	lo, hi, _ := g.propagate(g.unknown)
	return lo[c], hi[c]
}
