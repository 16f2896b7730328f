package disclosure

import (
	"math"
	"slices"
)

// boundedLeaks returns the hidden cells that the published cells and the
// equations narrow too much (and, for every cell, the equations that gave its
// bounds: see propagate) once a reader adds what the publication itself
// tells about hidden cells: no cell is negative, a cell is at least its floor
// (see Floor: a row that exists counts somebody), and a cell hidden as
// « effectif < 11 » is at most 10. Linear determinacy (leaks) misses these:
// a national 66 exits, one published part of 46 and two parts hidden as
// « effectif < 11 » make those two 10 each, and a further subtraction may
// then give a third cell exactly.
//
// Too narrow means: a count hidden as « effectif < 11 » left inside an
// interval narrower than MinHiddenWidth (five regions hidden with a total of
// 7, each at least 1, are each between 1 and 3), a figure of a row hidden for
// its few dossiers inside one narrower than RowAmountWidth of its value, any
// other hidden cell pinned to a single value. A cell whose value is 0 is not chased: it tells that
// nobody is in it and, like the structural zeros, chasing it would take
// totals with it; it still bounds the cells around it.
//
// The bounds are tightened by interval propagation: each equation bounds each
// of its hidden cells by the bounds of the others, until nothing tightens (or
// a budget of visits runs out, which leaves bounds looser, never wrong).
// It finds the bounds that chains of equations give, not every bound an
// optimiser could reach by combining equations.
func (g *Grid) boundedLeaks() (leaks []int, why [][2]int) {
	lo, hi, why := g.propagate(g.unknown)
	for c := range g.value {
		if !g.unknown(c) || g.value[c] == 0 {
			continue
		}
		w := hi[c] - lo[c]
		if w <= tolerance(hi[c]) || w < g.widthNeeded(c)-tolerance(hi[c]) {
			leaks = append(leaks, c)
		}
	}
	return leaks, why
}

// widthNeeded is the narrowest interval Protect leaves to the hidden cell c:
// MinHiddenWidth for a small count, RowAmountWidth of its value for a figure
// of a row of few dossiers, 0 for the others (they must only not be pinned);
// or less where the table's structure allows no more even
// with every cell hidden (see structuralWidths): eight regions, each at least
// 1, adding up to a national count hidden as « effectif < 11 », so at most
// 10, are each between 1 and 3 whatever is published, and hiding more would
// not widen that.
func (g *Grid) widthNeeded(c int) float64 {
	var w float64
	switch g.reason[c] {
	case ReasonCount:
		w = MinHiddenWidth
	case ReasonRow:
		w = RowAmountWidth * math.Abs(g.value[c])
	default:
		return 0
	}
	return min(w, g.structWidth[c])
}

// RowAmountWidth is the narrowest interval a reader may deduce for a figure
// of a row hidden for its few dossiers (« moins de 11 dossiers »: the amounts
// of a funder and scheme), as a share of its value.
const RowAmountWidth = 0.2

// boundComplement picks a published cell to hide so that the bounds of the
// hidden cell c loosen: the cheapest published cell (see before) of the
// equations that gave c its bounds (why, from propagate), else of those that
// gave the bounds of their hidden cells, and so on back along the
// propagation; complement(c) when that finds none. Hiding a cell of another
// equation of c, as complement does, need not loosen anything. near are the
// equations it went through.
func (g *Grid) boundComplement(c int, why [][2]int) (pick int, near []int, ok bool) {
	pick, near, ok = g.nearest(why[c][:], func(x int) []int {
		if !g.unknown(x) {
			return nil
		}
		return why[x][:]
	})
	if !ok {
		return g.complement(c)
	}
	return pick, near, true
}

// structuralWidths returns, for each cell, the width of its interval when
// every cell but the known ones is hidden: the widest that suppression can
// give it.
func (g *Grid) structuralWidths() []float64 {
	lo, hi, _ := g.propagate(func(c int) bool { return !g.known[c] })
	w := make([]float64, len(lo))
	for c := range w {
		w[c] = hi[c] - lo[c]
	}
	return w
}

// MinHiddenWidth is the narrowest interval a reader may deduce for a count
// hidden as « effectif < 11 » (highest minus lowest possible value): 3 leaves
// at least four possible values, for example 1 to 4 or 7 to 10.
const MinHiddenWidth = 3

// Floor declares that every reader knows cell id is at least v, whether it
// is published or not: a row of a table of exits exists only when it counts
// at least one exit, so its count of exits is at least 1. Floors bound the
// hidden cells in Protect (see boundedLeaks).
func (g *Grid) Floor(id int, v float64) {
	g.floor[id] = max(g.floor[id], v)
}

// Count declares that cell id is a count of people or dossiers under the
// primary rule (hidden below MinCount as « effectif < 11 »). A reader who sees
// such a cell hidden for another reason knows it is at least MinCount:
// smaller, it would say « effectif < 11 ». Protect bounds it so.
func (g *Grid) Count(id int) {
	g.count[id] = true
}

// propagate returns the bounds of every cell (see boundedLeaks), the cells
// for which unknown is true being those a reader does not know, and for each
// cell the equations that gave its lower and upper bounds (-1 for the bounds
// it starts with).
func (g *Grid) propagate(unknown func(int) bool) (lo, hi []float64, why [][2]int) {
	n := len(g.value)
	lo, hi = make([]float64, n), make([]float64, n)
	why = make([][2]int, n)
	for c := range why {
		why[c] = [2]int{-1, -1}
	}
	for c := range n {
		switch {
		case !unknown(c):
			lo[c], hi[c] = g.value[c], g.value[c]
		case g.reason[c] == ReasonCount:
			lo[c], hi[c] = g.floor[c], MinCount-1
		case g.count[c] && g.value[c] >= MinCount:
			// Hidden for another reason (or, for structuralWidths,
			// published): not « effectif < 11 », so at least 11.
			lo[c], hi[c] = max(g.floor[c], MinCount), math.Inf(1)
		default:
			lo[c], hi[c] = g.floor[c], math.Inf(1)
		}
	}
	// A worklist of equations: those with a hidden cell first, then those of
	// the cells whose bounds tightened. Each tightening is by more than the
	// tolerance, and the bounds are finite or fixed, so it ends; the budget
	// is a guard against slow convergence on long chains.
	queued := make([]bool, len(g.eqs))
	var work []int
	for i, e := range g.eqs {
		if slices.ContainsFunc(e.cells, unknown) {
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
			if !unknown(c) {
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
				lo[c], why[c][0], t = xLo, i, true
			}
			if xHi < hi[c]-tolerance(xHi) {
				hi[c], why[c][1], t = xHi, i, true
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
	return lo, hi, why
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

// Narrowed returns the hidden cells that the published cells, the equations
// and the bounds every reader knows narrow more than Protect allows (none
// after Protect; see boundedLeaks and widthNeeded), sorted: for tests and
// audits.
func (g *Grid) Narrowed() []int {
	defer g.study()()
	leaks, _ := g.boundedLeaks()
	return leaks
}
