// Package disclosure is agora's statistical disclosure control, written once and
// applied to every public output (site, open data, public API) through package
// indicators.
//
// The rules are those of the publication contract (dictionary.md section 5):
//
//   - primary suppression: a count of people or dossiers below MinCount (11) is not
//     published; a rate is published only when its denominator is at least
//     MinDenominator (20), and the count behind it is hidden with it;
//   - secondary suppression: where a table has totals or sub-totals, further cells
//     are hidden until no hidden value can be recomputed from the published cells
//     and margins, nor narrowed to fewer than four possible values for a small
//     count (see Protect), the cheapest first (small values, a part before its
//     total);
//     a structural zero, which the equations alone force, is known to anyone
//     and is not chased.
//
// The package works on a Grid: a set of additive cells (counts, numerators of
// rates, amounts), the linear equations that tie them (a total equals the sum
// of its parts; more generally a sum of cells equals another sum) and the links
// between them (hiding a denominator hides the numerators of its rates). Hidden
// values are never published as zero: a hidden cell carries no value for the
// outputs, only a French reason.
package disclosure

import (
	"fmt"
	"slices"
	"strconv"
)

// Thresholds of the publication contract.
const (
	// MinCount is the smallest count of people or dossiers that is published.
	MinCount = 11
	// MinDenominator is the smallest denominator on which a rate is published.
	MinDenominator = 20
)

// Reasons written in the `secret` column of public tables, in French.
const (
	ReasonCount       = "effectif < 11"
	ReasonDenominator = "dénominateur < 20"
	ReasonRow         = "moins de 11 dossiers"
	ReasonLinked      = "dénominateur masqué"
	ReasonSecondary   = "secret secondaire"
)

// Reasons lists every reason a public table may give, in the order above.
func Reasons() []string {
	return []string{ReasonCount, ReasonDenominator, ReasonRow, ReasonLinked, ReasonSecondary}
}

// CountReason returns the reason a count n of people or dossiers is hidden, or ""
// when it may be published.
func CountReason(n float64) string {
	if n < MinCount {
		return ReasonCount
	}
	return ""
}

// RateReason returns the reason a rate on denominator den is hidden, or "" when
// it may be published.
func RateReason(den float64) string {
	if den < MinDenominator {
		return ReasonDenominator
	}
	return ""
}

// RowReason returns the reason every figure of a row counting n dossiers is
// hidden (financement_dispositif), or "".
func RowReason(n float64) string {
	if n < MinCount {
		return ReasonRow
	}
	return ""
}

// Grid holds additive cells, the equations between them and the links from a
// cell to the cells that must be hidden with it. Build it with Cell, Margin,
// Equal and Link, apply the primary rules with Suppress, then call Protect.
type Grid struct {
	value  []float64
	reason []string // "" while published
	eqs    []equation
	member [][]int // cell -> the equations it appears in
	deps   [][]link
	seen   map[string]bool // equations already declared
	floor  []float64       // what every reader knows each cell is at least (see Floor)
	count  []bool          // cells under the primary rule of counts (see Count)
	known  []bool          // cells every reader knows whatever is published (see Known)
	// structural holds the structural zeros while Protect or Narrowed runs
	// (see study): known to anyone, they count as published.
	structural map[int]bool
	// structWidth holds the structural widths of the cells while Protect or
	// Narrowed runs (see study).
	structWidth []float64
}

// study computes what the equations alone tell whatever is published, the
// structural zeros (structuralZeros) and the structural widths
// (structuralWidths), for Protect and Narrowed; the returned func forgets
// them.
func (g *Grid) study() (forget func()) {
	g.structural = g.structuralZeros()
	g.structWidth = g.structuralWidths()
	return func() { g.structural, g.structWidth = nil, nil }
}

// equation: sum over cells of coef*value = 0, coef being +1 or -1.
type equation struct {
	cells []int
	coef  []int8
}

type link struct {
	to     int
	reason string
}

// Cell adds a published cell of value v and returns its id.
func (g *Grid) Cell(v float64) int {
	g.value = append(g.value, v)
	g.reason = append(g.reason, "")
	g.member = append(g.member, nil)
	g.deps = append(g.deps, nil)
	g.floor = append(g.floor, 0)
	g.count = append(g.count, false)
	g.known = append(g.known, false)
	return len(g.value) - 1
}

// Len returns the number of cells.
func (g *Grid) Len() int { return len(g.value) }

// Value returns the value of a cell (hidden or not).
func (g *Grid) Value(id int) float64 { return g.value[id] }

// Hidden reports whether a cell is hidden.
func (g *Grid) Hidden(id int) bool { return g.reason[id] != "" }

// Reason returns why a cell is hidden, or "" when it is published.
func (g *Grid) Reason(id int) string { return g.reason[id] }

// unknown reports whether a reader does not know a cell: hidden, and not a
// structural zero (known to anyone while Protect runs).
func (g *Grid) unknown(id int) bool { return g.reason[id] != "" && !g.structural[id] }

// Margin declares that total equals the sum of parts. A margin with no part is
// ignored; parts must be distinct cells and differ from total.
func (g *Grid) Margin(total int, parts ...int) {
	g.Equal(parts, []int{total})
}

// Equal declares that the sum of the cells of left equals the sum of the cells
// of right (each cell at most once in the equation). An equation repeated with
// the same cells is kept once.
func (g *Grid) Equal(left, right []int) {
	if len(left) == 0 || len(right) == 0 {
		return
	}
	e := equation{}
	for _, c := range left {
		e.cells = append(e.cells, c)
		e.coef = append(e.coef, 1)
	}
	for _, c := range right {
		e.cells = append(e.cells, c)
		e.coef = append(e.coef, -1)
	}
	sig := e.signature()
	if g.seen == nil {
		g.seen = map[string]bool{}
	}
	if g.seen[sig] {
		return
	}
	g.seen[sig] = true
	id := len(g.eqs)
	g.eqs = append(g.eqs, e)
	for _, c := range e.cells {
		g.member[c] = append(g.member[c], id)
	}
}

func (e equation) signature() string {
	type term struct {
		c int
		k int8
	}
	ts := make([]term, len(e.cells))
	for i := range e.cells {
		ts[i] = term{e.cells[i], e.coef[i]}
	}
	slices.SortFunc(ts, func(a, b term) int { return a.c - b.c })
	// Normalise the sign so that a = b and b = a are the same equation.
	flip := ts[0].k < 0
	s := make([]byte, 0, 8*len(ts))
	for _, t := range ts {
		k := t.k
		if flip {
			k = -k
		}
		s = strconv.AppendInt(s, int64(t.c), 10)
		if k < 0 {
			s = append(s, '-')
		}
		s = append(s, ',')
	}
	return string(s)
}

// Equations returns the declared equations, each as the cells of its left side
// and of its right side.
func (g *Grid) Equations() (left, right [][]int) {
	for _, e := range g.eqs {
		var l, r []int
		for i, c := range e.cells {
			if e.coef[i] > 0 {
				l = append(l, c)
			} else {
				r = append(r, c)
			}
		}
		left, right = append(left, l), append(right, r)
	}
	return left, right
}

// Link declares that hiding cell from hides the cells to, with the given
// reason (ReasonLinked for the numerators of a rate). Links are followed
// transitively by Protect.
func (g *Grid) Link(from int, reason string, to ...int) {
	for _, t := range to {
		g.deps[from] = append(g.deps[from], link{t, reason})
	}
}

// Known declares that every reader knows cell id, whatever is published: the
// amount committed under an envelope is 0 on a row that has none, and the
// absence of an envelope is public. A known cell is never hidden (hiding it
// would protect nothing) and never chosen as a complement; Protect counts it
// as published. Declare it before any rule may hide the cell.
func (g *Grid) Known(id int) {
	if g.reason[id] != "" {
		panic("disclosure: Known on a hidden cell")
	}
	g.known[id] = true
}

// Suppress hides a cell for a reason (primary suppression). A cell already
// hidden keeps its first reason, a known cell stays published (see Known).
// An empty reason does nothing, so Suppress(id, CountReason(n)) reads as the
// rule.
func (g *Grid) Suppress(id int, reason string) {
	if reason != "" && g.reason[id] == "" && !g.known[id] {
		g.reason[id] = reason
	}
}

// hide hides id with its links; touched collects the cells it hid.
func (g *Grid) hide(id int, reason string, touched *[]int) {
	if g.reason[id] != "" || g.known[id] {
		return
	}
	g.reason[id] = reason
	*touched = append(*touched, id)
	g.follow(id, touched)
}

func (g *Grid) follow(id int, touched *[]int) {
	for _, d := range g.deps[id] {
		g.hide(d.to, d.reason, touched)
	}
}

// Protect completes the suppression until a fixed point: the links of hidden
// cells are followed, then no hidden cell may be recomputed from the published
// cells through the equations, neither by one subtraction (an equation with
// exactly one hidden cell) nor by any linear combination of equations (checked
// exactly, see determined), nor be narrowed too much once the bounds every
// reader knows are added: no cell is negative, a cell is at least its floor,
// a count hidden as « effectif < 11 » is at most 10 and one hidden for another
// reason at least 11. Such a small count must keep an interval at least
// MinHiddenWidth wide, a figure of a row of few dossiers RowAmountWidth of its
// value, any other hidden cell more than one value (see boundedLeaks). Each step hides the cheapest published cell of an
// equation that would leak (see before: the smallest non-zero value, a part
// rather than its total). Structural zeros (see StructuralZeros) count as
// published: they are neither protected nor used as complements. It returns
// the number of cells hidden by links and secondary suppression.
func (g *Grid) Protect() int {
	var touched []int
	for id := range g.value {
		if g.reason[id] != "" {
			g.follow(id, &touched)
		}
	}
	n := len(touched)
	defer g.study()()
	n += g.protectSingles(nil, nil)
	lf := newLeakFinder(g)
	// fresh holds the cells hidden since the last linear solve, which
	// solves again only the components they joined.
	fresh := map[int]bool{}
	for id := range g.value {
		if g.reason[id] != "" {
			fresh[id] = true
		}
	}
	for {
		// The bounds first: propagating them costs a fraction of a linear
		// solve, and most leaks after the first rounds are theirs. The
		// linear solve runs when the bounds find nothing to fix.
		leaks, why := g.boundedLeaks()
		fixed := g.fix(leaks, func(c int) (int, []int, bool) { return g.boundComplement(c, why) })
		if len(fixed) == 0 {
			leaks := slices.DeleteFunc(lf.leaks(fresh), func(c int) bool { return g.structural[c] })
			clear(fresh)
			fixed = g.fix(leaks, g.complement)
		}
		if len(fixed) == 0 {
			return n // no leak, or nothing left to hide next to them (cannot happen with margins)
		}
		n += len(fixed)
		var more []int
		n += g.protectSingles(fixed, &more)
		for _, c := range append(fixed, more...) {
			fresh[c] = true
		}
	}
}

// fix hides a complement for several leaks, one per neighbourhood: a leak
// whose equations (for a bound, those its bounds came through) hold a cell
// hidden in this round waits for the next round, as that cell may already
// protect it. It returns the cells it hid.
func (g *Grid) fix(leaks []int, complement func(int) (int, []int, bool)) []int {
	var fixed []int
	touched := map[int]bool{}
	for _, c := range leaks {
		pick, near, ok := complement(c)
		if !ok || slices.ContainsFunc(near, func(e int) bool { return touched[e] }) {
			continue
		}
		var hid []int
		g.hide(pick, ReasonSecondary, &hid)
		for _, h := range hid {
			for _, e := range g.member[h] {
				touched[e] = true
			}
		}
		fixed = append(fixed, hid...)
	}
	return fixed
}

// structuralZeros returns the cells the equations alone force to zero, whatever
// is published: those determined when every cell is unknown (a monthly series
// that stops has an empty stock at its last month, or the national stock would
// not follow its flows). Anyone reading the table's structure knows them, so
// no suppression can protect them and Protect does not try: chasing them
// would hide every cell around them, up to the national totals. A cell forced
// to zero by the equations but holding another value (equations the data do
// not satisfy) is not exempted.
func (g *Grid) structuralZeros() map[int]bool {
	out := map[int]bool{}
	for _, c := range newLeakFinder(g).zeros() {
		out[c] = true
	}
	return out
}

// protectSingles hides cells until no equation has exactly one hidden cell,
// starting from the equations of the cells in touched (all if nil). The cells
// it hides are appended to hid when not nil.
func (g *Grid) protectSingles(touched []int, hidOut *[]int) int {
	hidden := 0
	queued := make([]bool, len(g.eqs))
	var queue []int
	push := func(e int) {
		if !queued[e] {
			queued[e] = true
			queue = append(queue, e)
		}
	}
	if touched == nil {
		for e := range g.eqs {
			push(e)
		}
	} else {
		for _, c := range touched {
			for _, e := range g.member[c] {
				push(e)
			}
		}
	}
	for len(queue) > 0 {
		e := queue[0]
		queue = queue[1:]
		queued[e] = false
		eq := g.eqs[e]
		n := 0
		for _, c := range eq.cells {
			if g.unknown(c) {
				n++
			}
		}
		if n != 1 {
			continue
		}
		pick, _, ok := g.smallestPublished(eq)
		if !ok {
			continue
		}
		var hid []int
		g.hide(pick, ReasonSecondary, &hid)
		hidden += len(hid)
		if hidOut != nil {
			*hidOut = append(*hidOut, hid...)
		}
		for _, c := range hid {
			for _, o := range g.member[c] {
				push(o)
			}
		}
	}
	return hidden
}

// smallestPublished picks the cell to hide in an equation (see before) and
// tells whether it is a part of the equation rather than its total: the
// equation's major side holds the parts (the side with more cells).
func (g *Grid) smallestPublished(e equation) (cell int, part bool, found bool) {
	plus := 0
	for _, k := range e.coef {
		if k > 0 {
			plus++
		}
	}
	major := int8(1)
	if plus*2 < len(e.coef) {
		major = -1
	}
	best, bestK := -1, int8(0)
	for i, c := range e.cells {
		if g.reason[c] != "" || g.structural[c] || g.known[c] {
			continue // hidden already, or known to anyone: hiding it protects nothing
		}
		if !found || g.before(c, e.coef[i] == major, best, bestK == major) {
			best, bestK, found = c, e.coef[i], true
		}
	}
	return best, bestK == major, found
}

// before orders candidate cells for hiding, the cheapest first: a non-zero
// cell before a zero one (a hidden zero protects nothing), then the smaller
// value, then, between equal values, a part of its equation before the total
// (it hides the same figure, and a total sits in many more equations: a
// national figure is the margin of every breakdown, and hiding it would spread
// the suppression to all of them), then the lower id. With non-negative
// figures a total is never smaller than its parts, so it is hidden only when
// none of its parts is left to hide.
func (g *Grid) before(a int, aPart bool, b int, bPart bool) bool {
	az, bz := g.value[a] == 0, g.value[b] == 0
	if az != bz {
		return bz
	}
	if g.value[a] != g.value[b] {
		return g.value[a] < g.value[b]
	}
	if aPart != bPart {
		return aPart
	}
	return a < b
}

// complement picks a published cell to hide next to the hidden cell c, which
// the equations determine: the best over c's equations; when every cell of
// those is already hidden (c is then determined through a longer chain of
// equations), the best of the nearest equations reached through hidden cells.
// near are c's equations.
func (g *Grid) complement(c int) (pick int, near []int, ok bool) {
	pick, _, ok = g.nearest(g.member[c], func(x int) []int { return g.member[x] })
	return pick, g.member[c], ok
}

// nearest searches the equations breadth first from start: it returns the
// cheapest published cell (see before) of the first layer of equations that
// holds one, and the equations it went through. The next layer holds the
// equations that follow gives for the cells of the current one (-1: none).
func (g *Grid) nearest(start []int, follow func(cell int) []int) (pick int, through []int, ok bool) {
	seenEq, seenCell := map[int]bool{}, map[int]bool{}
	var layer []int
	add := func(eqs []int) {
		for _, e := range eqs {
			if e >= 0 && !seenEq[e] {
				seenEq[e] = true
				through = append(through, e)
				layer = append(layer, e)
			}
		}
	}
	add(start)
	for len(layer) > 0 {
		best, bestPart, found := -1, false, false
		for _, e := range layer {
			pick, part, ok := g.smallestPublished(g.eqs[e])
			if ok && (!found || g.before(pick, part, best, bestPart)) {
				best, bestPart, found = pick, part, true
			}
		}
		if found {
			return best, through, true
		}
		cur := layer
		layer = nil
		for _, e := range cur {
			for _, x := range g.eqs[e].cells {
				if !seenCell[x] {
					seenCell[x] = true
					add(follow(x))
				}
			}
		}
	}
	return -1, through, false
}

// Recomputable returns the hidden cells that the published cells determine
// through the equations (none after Protect), leaving out the structural
// zeros (see StructuralZeros), which no suppression can protect: for tests
// and audits.
func (g *Grid) Recomputable() []int {
	sz := g.structuralZeros()
	return slices.DeleteFunc(g.determined(), func(c int) bool { return sz[c] })
}

// StructuralZeros returns the cells the equations alone force to zero, sorted:
// anyone who knows how the tables are built knows them, hidden or not.
func (g *Grid) StructuralZeros() []int {
	var out []int
	for c := range g.structuralZeros() {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// String summarises the grid for test failures.
func (g *Grid) String() string {
	h := 0
	for _, r := range g.reason {
		if r != "" {
			h++
		}
	}
	return fmt.Sprintf("grille : %d cellules, %d masquées, %d équations", len(g.value), h, len(g.eqs))
}
