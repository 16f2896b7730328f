package disclosure

import (
	"math"
	"slices"
)

// boundedLeaks returns the hidden cells that the published cells and the
// equations pin to a single value once a reader adds what the publication
// itself tells about hidden cells: no cell is negative, and a cell hidden as
// « effectif < 11 » is at most 10. Linear determinacy (leaks) misses these:
// a national 66 exits, one published part of 46 and two parts hidden as
// « effectif < 11 » make those two 10 each, and a further subtraction may
// then give a third cell exactly.
//
// The bounds are tightened by interval propagation: each equation bounds each
// of its hidden cells by the bounds of the others, until nothing tightens (or
// a budget of visits runs out, which leaves bounds looser, never wrong).
// It finds every cell pinned through chains of equations, not every bound
// an optimiser could reach; a cell left inside an interval narrower than
// [0, 10] but not a single value is not treated as a leak, nor is a cell
// pinned to 0.
func (g *Grid) boundedLeaks() []int {
	lo, hi := g.propagate()
	var out []int
	for c := range g.value {
		// A cell pinned to 0 tells that nobody is in it: like the structural
		// zeros, it is not chased (it would take totals with it), but it still
		// bounds the cells around it.
		if g.unknown(c) && g.value[c] != 0 && hi[c]-lo[c] <= tolerance(hi[c]) {
			out = append(out, c)
		}
	}
	return out
}

// propagate returns the bounds of every cell (see boundedLeaks).
func (g *Grid) propagate() (lo, hi []float64) {
	n := len(g.value)
	lo, hi = make([]float64, n), make([]float64, n)
	for c := range n {
		switch {
		case g.reason[c] == "" || g.structural[c]:
			lo[c], hi[c] = g.value[c], g.value[c]
		case g.reason[c] == ReasonCount:
			lo[c], hi[c] = 0, MinCount-1
		default:
			lo[c], hi[c] = 0, math.Inf(1)
		}
	}
	// A worklist of equations: those with a hidden cell first, then those of
	// the cells whose bounds tightened. Each tightening is by more than the
	// tolerance, and the bounds are finite or fixed, so it ends; the budget
	// is a guard against slow convergence on long chains.
	queued := make([]bool, len(g.eqs))
	var work []int
	for i, e := range g.eqs {
		if g.anyUnknown(e) {
			queued[i] = true
			work = append(work, i)
		}
	}
	budget := 50 * (len(work) + 1)
	for len(work) > 0 && budget > 0 {
		budget--
		i := work[0]
		work = work[1:]
		queued[i] = false
		e := g.eqs[i]
		// Bounds of the whole sum Σ coef·x, with its infinite terms
		// counted apart so that one term can be taken out again.
		var sLo, sHi float64
		var infLo, infHi int
		term := func(k int) (float64, float64) {
			c := e.cells[k]
			if e.coef[k] > 0 {
				return lo[c], hi[c]
			}
			return -hi[c], -lo[c]
		}
		for k := range e.cells {
			a, b := term(k)
			if math.IsInf(a, -1) {
				infLo++
			} else {
				sLo += a
			}
			if math.IsInf(b, 1) {
				infHi++
			} else {
				sHi += b
			}
		}
		var tightened []int
		for k, c := range e.cells {
			if !g.unknown(c) {
				continue
			}
			a, b := term(k)
			// The other terms add up to minus this one.
			oLo, oHi := math.Inf(-1), math.Inf(1)
			if infLo-boolInt(math.IsInf(a, -1)) == 0 {
				oLo = sLo - finite(a)
			}
			if infHi-boolInt(math.IsInf(b, 1)) == 0 {
				oHi = sHi - finite(b)
			}
			// coef·x = −others
			xLo, xHi := -oHi, -oLo
			if e.coef[k] < 0 {
				xLo, xHi = oLo, oHi
			}
			t := false
			if xLo > lo[c]+tolerance(xLo) {
				lo[c], t = xLo, true
			}
			if xHi < hi[c]-tolerance(xHi) {
				hi[c], t = xHi, true
			}
			if t {
				tightened = append(tightened, c)
			}
		}
		// The sums above used the old bounds: the next visits see the new.
		for _, c := range tightened {
			for _, f := range g.member[c] {
				if !queued[f] {
					queued[f] = true
					work = append(work, f)
				}
			}
		}
	}
	return lo, hi
}

func (g *Grid) anyUnknown(e equation) bool {
	return slices.ContainsFunc(e.cells, g.unknown)
}

// tolerance is the rounding slack of sums of amounts in euros and cents.
func tolerance(v float64) float64 {
	if math.IsInf(v, 0) {
		return 0
	}
	return 1e-6 * math.Max(1, math.Abs(v))
}

func finite(v float64) float64 {
	if math.IsInf(v, 0) {
		return 0
	}
	return v
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
