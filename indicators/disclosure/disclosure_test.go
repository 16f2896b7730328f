package disclosure

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestPrimaryRules(t *testing.T) {
	for _, tc := range []struct {
		n           float64
		count, rate string
	}{
		{0, ReasonCount, ReasonDenominator},
		{10, ReasonCount, ReasonDenominator},
		{11, "", ReasonDenominator},
		{19, "", ReasonDenominator},
		{20, "", ""},
		{1000, "", ""},
	} {
		if got := CountReason(tc.n); got != tc.count {
			t.Errorf("CountReason(%v) = %q, want %q", tc.n, got, tc.count)
		}
		if got := RateReason(tc.n); got != tc.rate {
			t.Errorf("RateReason(%v) = %q, want %q", tc.n, got, tc.rate)
		}
	}
	if RowReason(10) != ReasonRow || RowReason(11) != "" {
		t.Error("RowReason: below 11 dossiers the row is hidden")
	}
}

// grid1D builds total = sum(parts) with the count rule on every cell.
func grid1D(total float64, parts ...float64) (*Grid, int, []int) {
	g := &Grid{}
	tot := g.Cell(total)
	ids := make([]int, len(parts))
	for i, p := range parts {
		ids[i] = g.Cell(p)
	}
	g.Margin(tot, ids...)
	for id := 0; id < g.Len(); id++ {
		g.Suppress(id, CountReason(g.Value(id)))
	}
	return g, tot, ids
}

func hiddenSet(g *Grid) map[int]string {
	out := map[int]string{}
	for id := 0; id < g.Len(); id++ {
		if g.Hidden(id) {
			out[id] = g.Reason(id)
		}
	}
	return out
}

func TestSecondaryOneMargin(t *testing.T) {
	// total 30 = 3 + 12 + 15: 3 < 11 is hidden; alone it would be 30 - 12 - 15,
	// so the smallest published part, 12, is hidden too. 15 and 30 stay.
	g, tot, p := grid1D(30, 3, 12, 15)
	g.Protect()
	want := map[int]string{p[0]: ReasonCount, p[1]: ReasonSecondary}
	assertHidden(t, g, want)
	_ = tot

	// total 8 = 5 + 3: everything below 11, nothing more to do.
	g, tot, p = grid1D(8, 5, 3)
	g.Protect()
	assertHidden(t, g, map[int]string{tot: ReasonCount, p[0]: ReasonCount, p[1]: ReasonCount})

	// total 45 = 20 + 25: nothing hidden.
	g, _, _ = grid1D(45, 20, 25)
	if n := g.Protect(); n != 0 || len(hiddenSet(g)) != 0 {
		t.Errorf("nothing to hide, got %v", hiddenSet(g))
	}

	// Two small parts protect each other: 40 = 4 + 6 + 30.
	g, _, p = grid1D(40, 4, 6, 30)
	g.Protect()
	assertHidden(t, g, map[int]string{p[0]: ReasonCount, p[1]: ReasonCount})

	// A single part equal to its total: 12 = 12 with the part... cannot be hidden
	// alone; here total 9 = 9, both primary.
	g, tot, p = grid1D(9, 9)
	g.Protect()
	assertHidden(t, g, map[int]string{tot: ReasonCount, p[0]: ReasonCount})
}

func TestSecondaryPrefersNonZero(t *testing.T) {
	// Amounts (no count rule): 100 = 0 + 7 + 40 + 53, the 7 is forced hidden.
	// Hiding the 0 would tell nothing (7 = 100 - 0 - 40 - 53 - hidden 0 → the
	// pair sums to 7, and a zero is a poor partner): the 40 is chosen.
	g := &Grid{}
	tot := g.Cell(100)
	z, a, b, c := g.Cell(0), g.Cell(7), g.Cell(40), g.Cell(53)
	g.Margin(tot, z, a, b, c)
	g.Suppress(a, ReasonRow)
	g.Protect()
	assertHidden(t, g, map[int]string{a: ReasonRow, b: ReasonSecondary})
}

// TestKnownCells: a cell every reader knows (Known: the amount committed
// under an envelope, 0 on a row without one) is never hidden, neither by a
// rule nor by a link, and is not taken as a complement.
func TestKnownCells(t *testing.T) {
	// 0 = a + k, every cell 0: a is a count hidden below 11, k is known.
	// Between the published total and the part k, both 0, a part comes first
	// (see before): without Known, k would be hidden, which protects nothing
	// since everybody knows it. The total is hidden instead.
	g := &Grid{}
	tot, a, k := g.Cell(0), g.Cell(0), g.Cell(0)
	g.Margin(tot, a, k)
	g.Known(k)
	g.Suppress(a, ReasonCount)
	g.Suppress(k, ReasonRow) // a rule cannot hide a known cell
	g.Protect()
	assertHidden(t, g, map[int]string{a: ReasonCount, tot: ReasonSecondary})

	// A link from a hidden cell does not hide a known one either.
	g = &Grid{}
	den, num := g.Cell(5), g.Cell(0)
	g.Known(num)
	g.Link(den, ReasonLinked, num)
	g.Suppress(den, ReasonCount)
	g.Protect()
	assertHidden(t, g, map[int]string{den: ReasonCount})

	// Declaring a hidden cell known is a programming error.
	g = &Grid{}
	h := g.Cell(3)
	g.Suppress(h, ReasonCount)
	defer func() {
		if recover() == nil {
			t.Error("Known on a hidden cell did not panic")
		}
	}()
	g.Known(h)
}

func TestLinks(t *testing.T) {
	// obs 15 (published, ≥ 11) but the rate on it is not (15 < 20): the
	// numerator is hidden; obs 8 is hidden and its numerator with it.
	g := &Grid{}
	obs1, num1 := g.Cell(15), g.Cell(9)
	obs2, num2 := g.Cell(8), g.Cell(2)
	obs3, num3 := g.Cell(40), g.Cell(10)
	for _, p := range [][2]int{{obs1, num1}, {obs2, num2}, {obs3, num3}} {
		g.Link(p[0], ReasonLinked, p[1])
		g.Suppress(p[0], CountReason(g.Value(p[0])))
		g.Suppress(p[1], RateReason(g.Value(p[0])))
	}
	g.Protect()
	assertHidden(t, g, map[int]string{num1: ReasonDenominator, obs2: ReasonCount, num2: ReasonDenominator})

	// A denominator hidden by secondary suppression takes its numerator along.
	g = &Grid{}
	tot, totNum := g.Cell(60), g.Cell(30)
	a, aNum := g.Cell(5), g.Cell(1)
	b, bNum := g.Cell(25), g.Cell(14)
	c, cNum := g.Cell(30), g.Cell(15)
	g.Margin(tot, a, b, c)
	g.Margin(totNum, aNum, bNum, cNum)
	for _, p := range [][2]int{{tot, totNum}, {a, aNum}, {b, bNum}, {c, cNum}} {
		g.Link(p[0], ReasonLinked, p[1])
		g.Suppress(p[0], CountReason(g.Value(p[0])))
		g.Suppress(p[1], RateReason(g.Value(p[0])))
	}
	g.Protect()
	// a (5) hidden → its margin needs one more: b (25, smallest published part)
	// → bNum linked. Numerators: aNum and bNum hidden, two unknowns: safe.
	assertHidden(t, g, map[int]string{a: ReasonCount, aNum: ReasonDenominator, b: ReasonSecondary, bNum: ReasonLinked})
}

func TestTwoWayTable(t *testing.T) {
	// Rows r1, r2, r3 by columns c1, c2, c3, with row, column and grand totals.
	//
	//        c1   c2   c3 | total
	//   r1    4   30   50 |   84
	//   r2   25   35   40 |  100
	//   r3   60   70   80 |  210
	//   tot  89  135  170 |  394
	//
	// 4 is primary. Row r1 then has one hidden cell: its smallest published part,
	// 30 (r1,c2), goes. Column c1 has one hidden (4): its smallest published
	// part, 25 (r2,c1), goes. Column c2 has (r1,c2) hidden alone: 35 (r2,c2)
	// goes. Row r2 now has (r2,c1) and (r2,c2): two, safe. Every line and column
	// has 0 or 2 hidden cells: the classic rectangle.
	v := [][]float64{{4, 30, 50}, {25, 35, 40}, {60, 70, 80}}
	g, cell, _, _, _ := grid2D(v)
	g.Protect()
	want := map[int]string{cell[0][0]: ReasonCount, cell[0][1]: ReasonSecondary,
		cell[1][0]: ReasonSecondary, cell[1][1]: ReasonSecondary}
	assertHidden(t, g, want)
	if rec := recoverByPeeling(g); len(rec) > 0 {
		t.Errorf("recomputed hidden cells %v", rec)
	}
}

// grid2D builds a table with all its margins and the count rule on every cell.
func grid2D(v [][]float64) (g *Grid, cell [][]int, rowTot, colTot []int, grand int) {
	g = &Grid{}
	nr, nc := len(v), len(v[0])
	cell = make([][]int, nr)
	rs, cs := make([]float64, nr), make([]float64, nc)
	all := 0.0
	for i := range v {
		cell[i] = make([]int, nc)
		for j := range v[i] {
			cell[i][j] = g.Cell(v[i][j])
			rs[i] += v[i][j]
			cs[j] += v[i][j]
			all += v[i][j]
		}
	}
	for i := range rs {
		rowTot = append(rowTot, g.Cell(rs[i]))
		g.Margin(rowTot[i], cell[i]...)
	}
	for j := range cs {
		colTot = append(colTot, g.Cell(cs[j]))
		var parts []int
		for i := range v {
			parts = append(parts, cell[i][j])
		}
		g.Margin(colTot[j], parts...)
	}
	grand = g.Cell(all)
	g.Margin(grand, rowTot...)
	g.Margin(grand, colTot...)
	for id := 0; id < g.Len(); id++ {
		g.Suppress(id, CountReason(g.Value(id)))
	}
	return
}

func TestBridgeIsCaught(t *testing.T) {
	// Two hidden rectangles joined by one hidden cell (r1,c3): every row and
	// column has two hidden cells or more, so no single subtraction works, yet
	// rows r1+r2 minus columns c1+c2 give (r1,c3) exactly. Protect must see it.
	v := [][]float64{
		{50, 50, 50, 50},
		{50, 50, 50, 50},
		{50, 50, 50, 50},
		{50, 50, 50, 50},
	}
	g, cell, _, _, _ := grid2D(v)
	for _, rc := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}, {2, 2}, {2, 3}, {3, 2}, {3, 3}, {0, 2}} {
		g.Suppress(cell[rc[0]][rc[1]], "forcé")
	}
	if got := g.determined(); len(got) != 1 || got[0] != cell[0][2] {
		t.Fatalf("determined before protection = %v, want only (r1,c3) = %d", got, cell[0][2])
	}
	g.Protect()
	if rec := recoverExact(g); len(rec) > 0 {
		t.Errorf("exact attacker still recomputes %v", rec)
	}
}

// recoverByPeeling is the subtraction attacker: repeatedly, an equation with
// exactly one unknown gives it. Returns the hidden cells it recovered, checking
// each recovered value is right.
func recoverByPeeling(g *Grid) map[int]float64 {
	known := map[int]float64{}
	for id := 0; id < g.Len(); id++ {
		if !g.Hidden(id) {
			known[id] = g.Value(id)
		}
	}
	rec := map[int]float64{}
	left, right := g.Equations()
	for changed := true; changed; {
		changed = false
		for e := range left {
			unknown, sum := -1, 0.0
			n := 0
			sign := 0.0
			for _, side := range []struct {
				cells []int
				s     float64
			}{{left[e], 1}, {right[e], -1}} {
				for _, c := range side.cells {
					if v, ok := known[c]; ok {
						sum += side.s * v
					} else {
						n++
						unknown, sign = c, side.s
					}
				}
			}
			if n == 1 {
				known[unknown] = -sum / sign
				rec[unknown] = known[unknown]
				changed = true
			}
		}
	}
	return rec
}

// recoverExact is the linear-algebra attacker, over the rationals (math/big),
// independent of the modular elimination of the package: a hidden cell is
// recovered when it is a pivot of the reduced system with no free variable.
func recoverExact(g *Grid) []int {
	var hidden []int
	col := map[int]int{}
	for id := 0; id < g.Len(); id++ {
		if g.Hidden(id) {
			col[id] = len(hidden)
			hidden = append(hidden, id)
		}
	}
	n := len(hidden)
	left, right := g.Equations()
	var m [][]*big.Rat
	for e := range left {
		row := make([]*big.Rat, n)
		for j := range row {
			row[j] = new(big.Rat)
		}
		any := false
		for _, c := range left[e] {
			if j, ok := col[c]; ok {
				row[j].Add(row[j], big.NewRat(1, 1))
				any = true
			}
		}
		for _, c := range right[e] {
			if j, ok := col[c]; ok {
				row[j].Sub(row[j], big.NewRat(1, 1))
				any = true
			}
		}
		if any {
			m = append(m, row)
		}
	}
	var pivots []int
	r := 0
	for c := 0; c < n && r < len(m); c++ {
		p := -1
		for i := r; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[r], m[p] = m[p], m[r]
		inv := new(big.Rat).Inv(m[r][c])
		for j := c; j < n; j++ {
			m[r][j].Mul(m[r][j], inv)
		}
		for i := range m {
			if i != r && m[i][c].Sign() != 0 {
				f := new(big.Rat).Set(m[i][c])
				for j := c; j < n; j++ {
					m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[r][j]))
				}
			}
		}
		pivots = append(pivots, c)
		r++
	}
	isPivot := map[int]bool{}
	for _, c := range pivots {
		isPivot[c] = true
	}
	var out []int
	for i, c := range pivots {
		alone := true
		for j := 0; j < n; j++ {
			if j != c && !isPivot[j] && m[i][j].Sign() != 0 {
				alone = false
			}
		}
		if alone {
			out = append(out, hidden[c])
		}
	}
	return out
}

func assertHidden(t *testing.T, g *Grid, want map[int]string) {
	t.Helper()
	got := hiddenSet(g)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("hidden = %v, want %v", got, want)
	}
}

// TestRandomTablesProperty generates random 2- and 3-way tables with every
// margin, small values in plenty, applies the rules and checks that neither
// attacker recovers any hidden cell, that every count below 11 is hidden, and
// that secondary suppression only hides cells.
func TestRandomTablesProperty(t *testing.T) {
	rounds := 300
	if testing.Short() {
		rounds = 60
	}
	for seed := 0; seed < rounds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		dims := []int{2 + rng.IntN(4), 2 + rng.IntN(5)}
		if rng.IntN(3) == 0 {
			dims = append(dims, 2+rng.IntN(3))
		}
		g, values := randomCube(rng, dims)
		if seed%2 == 1 {
			// Every non-empty cell known to count somebody (a table whose
			// rows exist only when they do).
			for id, v := range values {
				if v >= 1 {
					g.Floor(id, 1)
				}
			}
		}
		g.Protect()
		for id, v := range values {
			if v < MinCount && !g.Hidden(id) {
				t.Fatalf("seed %d: count %v published", seed, v)
			}
		}
		if rec := recoverByPeeling(g); len(rec) > 0 {
			t.Fatalf("seed %d %v: subtraction recovers %v (%s)", seed, dims, rec, g)
		}
		if rec := recoverExact(g); len(rec) > 0 {
			t.Fatalf("seed %d %v: linear algebra recovers %v (%s)", seed, dims, rec, g)
		}
		if c, lo, hi, ok := narrowByBounds(g, seed%2 == 1); ok {
			t.Fatalf("seed %d %v: bounds narrow cell %d (value %v, %s) to [%v, %v] (%s)",
				seed, dims, c, g.Value(c), g.Reason(c), lo, hi, g)
		}
	}
}

// narrowByBounds is the interval attack on a grid of counts, written apart
// from Protect's: every hidden cell starts between its floor (1 when floors,
// for a non-zero cell; 0 otherwise) and 10 when hidden as « effectif < 11 »,
// at 11 with no upper bound else;
// each equation then bounds each hidden cell by the others, until nothing
// moves. It returns a non-zero hidden cell left narrower than the rule allows:
// a small count under MinHiddenWidth (or under what hiding every cell would
// leave it), any other cell pinned.
func narrowByBounds(g *Grid, floors bool) (cell int, lo, hi float64, found bool) {
	los, his := intervals(g, floors, true, g.Hidden)
	// What hiding every cell would leave: no suppression can do better.
	slo, shi := intervals(g, floors, true, func(int) bool { return true })
	for c := range g.Len() {
		if !g.Hidden(c) || g.Value(c) == 0 {
			continue
		}
		w := his[c] - los[c]
		if (g.Reason(c) == ReasonCount && w < min(MinHiddenWidth, shi[c]-slo[c])) || w <= 0 {
			return c, los[c], his[c], true
		}
	}
	return 0, 0, 0, false
}

// intervals runs the interval attack with the cells for which hidden is true
// unknown.
func intervals(g *Grid, floors, counts bool, hidden func(int) bool) (los, his []float64) {
	const inf = 1e15
	n := g.Len()
	los, his = make([]float64, n), make([]float64, n)
	for c := range n {
		switch {
		case !hidden(c):
			los[c], his[c] = g.Value(c), g.Value(c)
		case g.Reason(c) == ReasonCount:
			his[c] = MinCount - 1
		case counts:
			// Every cell is a count: hidden for another reason than
			// « effectif < 11 », it is at least 11.
			los[c], his[c] = MinCount, inf
		default:
			his[c] = inf
		}
		if hidden(c) && floors && g.Value(c) >= 1 {
			los[c] = max(los[c], 1)
		}
	}
	left, right := g.Equations()
	for changed, round := true, 0; changed && round < 1000; round++ {
		changed = false
		for e := range left {
			// Σ left − Σ right = 0: each cell is bounded by the others.
			terms := map[int]float64{}
			for _, c := range left[e] {
				terms[c] = 1
			}
			for _, c := range right[e] {
				terms[c] = -1
			}
			for x, kx := range terms {
				// kx·x = −Σ k·y over the others.
				var sLo, sHi float64
				for y, k := range terms {
					if y == x {
						continue
					}
					if k > 0 {
						sLo, sHi = sLo+los[y], sHi+his[y]
					} else {
						sLo, sHi = sLo-his[y], sHi-los[y]
					}
				}
				xLo, xHi := -sHi, -sLo
				if kx < 0 {
					xLo, xHi = sLo, sHi
				}
				if xLo > los[x]+1e-9 && xLo < inf/2 {
					los[x], changed = xLo, true
				}
				if xHi < his[x]-1e-9 && xHi > -inf/2 {
					his[x], changed = xHi, true
				}
			}
		}
	}
	return los, his
}

// TestRandomAmountsProperty: random two-way tables of amounts in euros with
// every margin, about one finest cell in five in a row of fewer than 11
// dossiers (hidden, « moins de 11 dossiers »). After Protect, the interval
// attack leaves each of those an interval of at least RowAmountWidth of its
// value (or what hiding every cell would leave it), and no hidden cell pinned.
func TestRandomAmountsProperty(t *testing.T) {
	rounds := 200
	if testing.Short() {
		rounds = 40
	}
	for seed := 0; seed < rounds; seed++ {
		rng := rand.New(rand.NewPCG(uint64(seed), 11))
		rows, cols := 2+rng.IntN(4), 2+rng.IntN(5)
		g := &Grid{}
		cell := make([][]int, rows+1) // [rows][cols] is the grand total
		val := make([][]float64, rows+1)
		for i := range cell {
			cell[i], val[i] = make([]int, cols+1), make([]float64, cols+1)
		}
		for i := range rows {
			for j := range cols {
				v := float64(100 + rng.IntN(100_000))
				val[i][j] = v
				val[i][cols] += v
				val[rows][j] += v
				val[rows][cols] += v
			}
		}
		for i := range rows + 1 {
			for j := range cols + 1 {
				cell[i][j] = g.Cell(val[i][j])
			}
		}
		for i := range rows {
			g.Margin(cell[i][cols], cell[i][:cols]...)
			for j := range cols {
				if rng.IntN(5) == 0 {
					g.Suppress(cell[i][j], RowReason(5))
				}
			}
		}
		for j := range cols + 1 {
			var parts []int
			for i := range rows {
				parts = append(parts, cell[i][j])
			}
			g.Margin(cell[rows][j], parts...)
		}
		g.Protect()
		los, his := intervals(g, false, false, g.Hidden)
		slo, shi := intervals(g, false, false, func(int) bool { return true })
		for c := range g.Len() {
			if !g.Hidden(c) {
				continue
			}
			w := his[c] - los[c]
			need := 1e-9
			if g.Reason(c) == ReasonRow {
				need = min(RowAmountWidth*g.Value(c), shi[c]-slo[c]) - 1e-6
			}
			if w < need {
				t.Fatalf("seed %d %dx%d: cell %d (%v, %s) narrowed to [%v, %v] (%s)", seed, rows, cols, c, g.Value(c), g.Reason(c), los[c], his[c], g)
			}
		}
	}
}

// randomCube builds a table of the given shape with every margin (each cell at
// every level of aggregation is the sum of the cells one level finer along
// each dimension), values drawn so that a fair share is below 11.
func randomCube(rng *rand.Rand, dims []int) (*Grid, []float64) {
	g := &Grid{}
	// Cells are indexed by coordinates where -1 means "all".
	type key string
	ids := map[key]int{}
	var values []float64
	k := func(c []int) key { return key(fmt.Sprint(c)) }
	// Finest cells.
	var coords [][]int
	var walk func(prefix []int)
	walk = func(prefix []int) {
		if len(prefix) == len(dims) {
			coords = append(coords, append([]int(nil), prefix...))
			return
		}
		for i := 0; i < dims[len(prefix)]; i++ {
			walk(append(prefix, i))
		}
	}
	walk(nil)
	vals := map[key]float64{}
	for _, c := range coords {
		var v float64
		switch rng.IntN(4) {
		case 0:
			v = float64(rng.IntN(11))
		case 1:
			v = float64(11 + rng.IntN(20))
		default:
			v = float64(20 + rng.IntN(300))
		}
		// Add to every aggregate of c.
		for mask := 0; mask < 1<<len(dims); mask++ {
			a := append([]int(nil), c...)
			for d := range dims {
				if mask&(1<<d) != 0 {
					a[d] = -1
				}
			}
			vals[k(a)] += v
		}
	}
	// Create cells in a deterministic order.
	var all [][]int
	for mask := 0; mask < 1<<len(dims); mask++ {
		for _, c := range coords {
			a := append([]int(nil), c...)
			skip := false
			for d := range dims {
				if mask&(1<<d) != 0 {
					if a[d] != 0 {
						skip = true
					}
					a[d] = -1
				}
			}
			if !skip {
				all = append(all, a)
			}
		}
	}
	for _, a := range all {
		ids[k(a)] = g.Cell(vals[k(a)])
		values = append(values, vals[k(a)])
	}
	// Margins: for each cell and each dimension it fixes, the total over that dimension.
	for _, a := range all {
		for d := range dims {
			if a[d] != 0 {
				continue // one margin per group: built from the member with index 0
			}
			parent := append([]int(nil), a...)
			parent[d] = -1
			var parts []int
			for i := 0; i < dims[d]; i++ {
				b := append([]int(nil), a...)
				b[d] = i
				parts = append(parts, ids[k(b)])
			}
			g.Margin(ids[k(parent)], parts...)
		}
	}
	for id, v := range values {
		g.Count(id)
		g.Suppress(id, CountReason(v))
	}
	return g, values
}

// FuzzProtect drives the random tables from the fuzzer's seed and shape.
func FuzzProtect(f *testing.F) {
	f.Add(uint64(1), uint8(3), uint8(4), uint8(0))
	f.Add(uint64(42), uint8(2), uint8(6), uint8(3))
	f.Fuzz(func(t *testing.T, seed uint64, a, b, c uint8) {
		dims := []int{2 + int(a%5), 2 + int(b%5)}
		if c%4 != 0 {
			dims = append(dims, 1+int(c%4))
		}
		g, values := randomCube(rand.New(rand.NewPCG(seed, 7)), dims)
		floors := seed%2 == 1
		if floors {
			for id, v := range values {
				if v >= 1 {
					g.Floor(id, 1)
				}
			}
		}
		g.Protect()
		for id, v := range values {
			if v < MinCount && !g.Hidden(id) {
				t.Fatalf("count %v published", v)
			}
		}
		if rec := recoverExact(g); len(rec) > 0 {
			t.Fatalf("%v: linear algebra recovers %v (%s)", dims, rec, g)
		}
		if c, lo, hi, ok := narrowByBounds(g, floors); ok {
			t.Fatalf("%v: bounds narrow cell %d (value %v) to [%v, %v] (%s)", dims, c, g.Value(c), lo, hi, g)
		}
	})
}
