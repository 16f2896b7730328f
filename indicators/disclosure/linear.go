package disclosure

import (
	"container/heap"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// determined returns the hidden cells whose value follows from the published
// cells through the equations by any linear combination: the attacker's best
// exact computation, stronger than one subtraction at a time.
//
// Each equation with a hidden cell is a linear equation in the hidden cells
// (the published ones are known constants). A hidden cell is determined when
// every solution of the homogeneous system gives it the value 0, that is when
// no vector of the null space has a non-zero component there. The system is
// brought to row echelon form by sparse elimination (fewest non-zeros first,
// as in Markowitz ordering) modulo the prime 2^61-1, then two random vectors of
// the null space are drawn (free variables random, pivots by back-substitution).
// A cell with a non-zero component in either is certainly not determined; one
// that is zero in both is taken as determined. That can err only towards
// hiding more (probability about 2^-122 per cell), never towards a leak.
// Coefficients are ±1, so a spurious zero in the elimination would need a
// minor divisible by the prime: not a concern at the sizes of public tables.
func (g *Grid) determined() []int {
	return g.determinedAmong(func(c int) bool { return g.reason[c] != "" })
}

// determinedAmong is determined with the cells for which hidden is true taken
// as the unknowns.
func (g *Grid) determinedAmong(hidden func(int) bool) []int {
	eqs := make([]int, len(g.eqs))
	for e := range eqs {
		eqs[e] = e
	}
	out := g.solve(eqs, hidden)
	slices.Sort(out)
	return out
}

// solve returns the unknown cells (hidden true) of the equations eqs that
// those equations determine.
func (g *Grid) solve(eqs []int, hidden func(int) bool) []int {
	col := map[int]int{}
	var cells []int
	var rows []sparseRow
	for _, ei := range eqs {
		e := g.eqs[ei]
		var r sparseRow
		for i, c := range e.cells {
			if !hidden(c) {
				continue
			}
			j, ok := col[c]
			if !ok {
				j = len(cells)
				col[c] = j
				cells = append(cells, c)
			}
			v := uint64(1)
			if e.coef[i] < 0 {
				v = prime - 1
			}
			r = r.addTerm(j, v)
		}
		if len(r) > 0 {
			rows = append(rows, r)
		}
	}
	if len(cells) == 0 {
		return nil
	}
	ech := echelon(rows, len(cells))
	rng := rand.New(rand.NewPCG(uint64(len(cells)), uint64(len(rows))))
	z1 := ech.nullVector(rng)
	z2 := ech.nullVector(rng)
	var out []int
	for j, c := range cells {
		if z1[j] == 0 && z2[j] == 0 {
			out = append(out, c)
		}
	}
	return out
}

// leakFinder is determined for Protect's rounds, one connected component of
// hidden cells at a time (two hidden cells are connected when an equation
// holds both): the unknowns of a component appear in no equation of another,
// so each is solved alone, and a component that no newly hidden cell joined
// since the last round is the same system as then: its answer is reused.
type leakFinder struct {
	g      *Grid
	parent []int
	cache  map[int][]int // smallest cell of a component -> its determined cells
	stamp  []int         // equation -> last solve that listed it
	solves int
}

func newLeakFinder(g *Grid) *leakFinder {
	lf := &leakFinder{g: g, parent: make([]int, g.Len()), cache: map[int][]int{}, stamp: make([]int, len(g.eqs))}
	return lf
}

func (lf *leakFinder) find(x int) int {
	for lf.parent[x] != x {
		lf.parent[x] = lf.parent[lf.parent[x]]
		x = lf.parent[x]
	}
	return x
}

// zeros returns the zero cells that the equations alone determine (every cell
// unknown), sorted, solving only the components of the equations that hold a
// zero cell.
func (lf *leakFinder) zeros() []int {
	g := lf.g
	all := func(c int) bool { return !g.known[c] } // every cell but the known ones
	groups, roots := lf.components(all)
	var out []int
	for _, r := range roots {
		cells := groups[r]
		if !slices.ContainsFunc(cells, func(c int) bool { return g.value[c] == 0 }) {
			continue
		}
		for _, c := range g.solve(lf.equationsOf(cells), all) {
			if g.value[c] == 0 {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

// components groups the cells for which unknown is true by connected
// component (two unknown cells are connected when an equation holds both),
// each group in increasing order; roots lists the groups in the order of
// their smallest cell.
func (lf *leakFinder) components(unknown func(int) bool) (map[int][]int, []int) {
	g := lf.g
	for c := range lf.parent {
		lf.parent[c] = c
	}
	for _, e := range g.eqs {
		first := -1
		for _, c := range e.cells {
			if !unknown(c) {
				continue
			}
			if first < 0 {
				first = lf.find(c)
				continue
			}
			if r := lf.find(c); r != first {
				lf.parent[r] = first
			}
		}
	}
	groups := map[int][]int{}
	var roots []int
	for c := range g.value {
		if !unknown(c) {
			continue
		}
		r := lf.find(c)
		if _, ok := groups[r]; !ok {
			roots = append(roots, r)
		}
		groups[r] = append(groups[r], c)
	}
	return groups, roots
}

// equationsOf lists the equations that hold any of cells, once each.
func (lf *leakFinder) equationsOf(cells []int) []int {
	lf.solves++
	var eqs []int
	for _, c := range cells {
		for _, e := range lf.g.member[c] {
			if lf.stamp[e] != lf.solves {
				lf.stamp[e] = lf.solves
				eqs = append(eqs, e)
			}
		}
	}
	return eqs
}

// leaks returns the hidden cells the published ones determine, sorted;
// fresh holds the cells hidden since the previous call (every hidden cell on
// the first call).
func (lf *leakFinder) leaks(fresh map[int]bool) []int {
	g := lf.g
	hidden := func(c int) bool { return g.reason[c] != "" }
	groups, roots := lf.components(hidden)
	cache := map[int][]int{}
	var out []int
	for _, r := range roots {
		cells := groups[r]
		key := cells[0]
		changed := false
		for _, c := range cells {
			if fresh[c] {
				changed = true
				break
			}
		}
		det, ok := lf.cache[key]
		if changed || !ok {
			det = g.solve(lf.equationsOf(cells), hidden)
		}
		cache[key] = det
		out = append(out, det...)
	}
	lf.cache = cache
	slices.Sort(out)
	return out
}

// sparseRow is a row of (column, value) sorted by column, values non-zero mod prime.
type sparseRow []term

type term struct {
	col int
	val uint64
}

// addTerm adds v to column j (rows are built with increasing columns mostly;
// this keeps the order in any case).
func (r sparseRow) addTerm(j int, v uint64) sparseRow {
	i, found := slices.BinarySearchFunc(r, j, func(t term, j int) int { return t.col - j })
	if found {
		r[i].val = add(r[i].val, v)
		if r[i].val == 0 {
			return slices.Delete(r, i, i+1)
		}
		return r
	}
	return slices.Insert(r, i, term{j, v})
}

func (r sparseRow) get(j int) uint64 {
	i, found := slices.BinarySearchFunc(r, j, func(t term, j int) int { return t.col - j })
	if found {
		return r[i].val
	}
	return 0
}

// axpy returns r - f*p.
func (r sparseRow) axpy(f uint64, p sparseRow) sparseRow {
	out := make(sparseRow, 0, len(r)+len(p))
	i, k := 0, 0
	for i < len(r) || k < len(p) {
		switch {
		case k == len(p) || (i < len(r) && r[i].col < p[k].col):
			out = append(out, r[i])
			i++
		case i == len(r) || p[k].col < r[i].col:
			out = append(out, term{p[k].col, sub(0, mul(f, p[k].val))})
			k++
		default:
			if v := sub(r[i].val, mul(f, p[k].val)); v != 0 {
				out = append(out, term{r[i].col, v})
			}
			i++
			k++
		}
	}
	return out
}

// echelonForm is a system in row echelon form: pivot rows in elimination order.
type echelonForm struct {
	n      int
	pivots []pivot
}

type pivot struct {
	col int
	row sparseRow // normalised: the pivot's coefficient is 1
}

// rowHeap orders pending rows by their number of non-zeros.
type rowHeap struct {
	items []heapItem
}

type heapItem struct{ size, row int }

func (h *rowHeap) Len() int { return len(h.items) }
func (h *rowHeap) Less(i, j int) bool {
	return h.items[i].size < h.items[j].size || (h.items[i].size == h.items[j].size && h.items[i].row < h.items[j].row)
}
func (h *rowHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *rowHeap) Push(x any)    { h.items = append(h.items, x.(heapItem)) }
func (h *rowHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}

// echelon eliminates the system, choosing each time the pending row with the
// fewest non-zeros and in it the column appearing in the fewest pending rows.
func echelon(rows []sparseRow, n int) echelonForm {
	colRows := make([]map[int]struct{}, n)
	for i := range colRows {
		colRows[i] = map[int]struct{}{}
	}
	for i, r := range rows {
		for _, t := range r {
			colRows[t.col][i] = struct{}{}
		}
	}
	done := make([]bool, len(rows))
	h := &rowHeap{}
	for i, r := range rows {
		h.items = append(h.items, heapItem{len(r), i})
	}
	heap.Init(h)
	ech := echelonForm{n: n}
	for h.Len() > 0 {
		it := heap.Pop(h).(heapItem)
		r := rows[it.row]
		if done[it.row] || it.size != len(r) {
			continue // stale entry
		}
		done[it.row] = true
		for _, t := range r {
			delete(colRows[t.col], it.row)
		}
		if len(r) == 0 {
			continue
		}
		best := r[0]
		for _, t := range r[1:] {
			if len(colRows[t.col]) < len(colRows[best.col]) {
				best = t
			}
		}
		inv := inverse(best.val)
		p := make(sparseRow, len(r))
		for i, t := range r {
			p[i] = term{t.col, mul(t.val, inv)}
		}
		ech.pivots = append(ech.pivots, pivot{best.col, p})
		others := make([]int, 0, len(colRows[best.col]))
		for o := range colRows[best.col] {
			others = append(others, o)
		}
		slices.Sort(others)
		for _, o := range others {
			old := rows[o]
			f := old.get(best.col)
			nr := old.axpy(f, p)
			for _, t := range old {
				delete(colRows[t.col], o)
			}
			for _, t := range nr {
				colRows[t.col][o] = struct{}{}
			}
			rows[o] = nr
			heap.Push(h, heapItem{len(nr), o})
		}
	}
	return ech
}

// nullVector draws a random solution of the homogeneous system: free
// variables uniformly at random, pivots by back-substitution.
func (e echelonForm) nullVector(rng *rand.Rand) []uint64 {
	z := make([]uint64, e.n)
	isPivot := make([]bool, e.n)
	for _, p := range e.pivots {
		isPivot[p.col] = true
	}
	for j := range z {
		if !isPivot[j] {
			z[j] = rng.Uint64N(prime)
		}
	}
	for i := len(e.pivots) - 1; i >= 0; i-- {
		p := e.pivots[i]
		s := uint64(0)
		for _, t := range p.row {
			if t.col != p.col {
				s = add(s, mul(t.val, z[t.col]))
			}
		}
		z[p.col] = sub(0, s)
	}
	return z
}

const prime = 1<<61 - 1

func add(a, b uint64) uint64 {
	s := a + b
	if s >= prime {
		s -= prime
	}
	return s
}

func sub(a, b uint64) uint64 {
	if a >= b {
		return a - b
	}
	return a + prime - b
}

func mul(a, b uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	_, r := bits.Div64(hi%prime, lo, prime)
	return r
}

func inverse(a uint64) uint64 {
	// Fermat: a^(p-2).
	result, base, e := uint64(1), a, uint64(prime-2)
	for e > 0 {
		if e&1 == 1 {
			result = mul(result, base)
		}
		base = mul(base, base)
		e >>= 1
	}
	return result
}
