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

// bounds returns what a reader can deduce of cell c.
func (g *Grid) bounds(c int) (float64, float64) {
	lo, hi := g.propagate()
	return lo[c], hi[c]
}
