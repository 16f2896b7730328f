package disclosure

import (
	"math/bits"
	"slices"
)

// determined returns the hidden cells whose value follows from the published
// cells through the margins by any linear combination: the attacker's best
// exact computation, stronger than one subtraction at a time.
//
// Each margin with a hidden cell is an equation in the hidden cells (parts with
// coefficient +1, the total with -1; the published cells are known constants).
// A hidden cell is determined when, in the reduced row echelon form of that
// system, it is a pivot whose row has no free variable. The elimination is exact,
// done modulo the Mersenne prime 2^61-1 (margins have coefficients 0 and ±1, so
// a spurious zero would need a minor divisible by that prime: not a concern at
// the sizes of a public table). The system is split into independent components
// (hidden cells connected by margins) to keep each matrix small.
func (g *Grid) determined() []int {
	// Union-find over hidden cells that share a margin.
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	var eqs []int // equations with at least one hidden cell
	for gid, e := range g.eqs {
		first := -1
		for _, c := range e.cells {
			if g.reason[c] == "" {
				continue
			}
			if _, ok := parent[c]; !ok {
				parent[c] = c
			}
			if first < 0 {
				first = c
				eqs = append(eqs, gid)
			} else if a, b := find(first), find(c); a != b {
				parent[a] = b
			}
		}
	}
	comps := map[int][]int{} // root -> margins
	for _, gid := range eqs {
		for _, c := range g.eqs[gid].cells {
			if g.reason[c] != "" {
				r := find(c)
				comps[r] = append(comps[r], gid)
				break
			}
		}
	}
	var out []int
	for _, gids := range comps {
		out = append(out, g.determinedIn(gids)...)
	}
	slices.Sort(out)
	return out
}

// determinedIn solves one component given by its margins.
func (g *Grid) determinedIn(gids []int) []int {
	col := map[int]int{}
	var cells []int
	for _, gid := range gids {
		for _, c := range g.eqs[gid].cells {
			if g.reason[c] == "" {
				continue
			}
			if _, ok := col[c]; !ok {
				col[c] = len(cells)
				cells = append(cells, c)
			}
		}
	}
	n := len(cells)
	m := make([][]uint64, 0, len(gids))
	for _, gid := range gids {
		row := make([]uint64, n)
		e := g.eqs[gid]
		for i, c := range e.cells {
			if g.reason[c] == "" {
				continue
			}
			if e.coef[i] < 0 {
				row[col[c]] = sub(row[col[c]], 1)
			} else {
				row[col[c]] = add(row[col[c]], 1)
			}
		}
		m = append(m, row)
	}
	// Reduced row echelon form.
	pivotCol := []int{}
	r := 0
	for c := 0; c < n && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c] != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := inverse(m[r][c])
		for j := c; j < n; j++ {
			m[r][j] = mul(m[r][j], inv)
		}
		for i := range m {
			if i == r || m[i][c] == 0 {
				continue
			}
			f := m[i][c]
			for j := c; j < n; j++ {
				if m[r][j] != 0 {
					m[i][j] = sub(m[i][j], mul(f, m[r][j]))
				}
			}
		}
		pivotCol = append(pivotCol, c)
		r++
	}
	isPivot := make([]bool, n)
	for _, c := range pivotCol {
		isPivot[c] = true
	}
	var out []int
	for i, c := range pivotCol {
		alone := true
		for j := 0; j < n; j++ {
			if j != c && !isPivot[j] && m[i][j] != 0 {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, cells[c])
		}
	}
	return out
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
	// a*b = hi*2^64 + lo; 2^64 = 8 (mod 2^61-1) since 2^61 = 1.
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
