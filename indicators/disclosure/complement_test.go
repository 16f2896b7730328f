package disclosure

import (
	"slices"
	"testing"
)

// TestComplementChoice checks, on hand-computed grids, which cells secondary
// suppression hides: the cheapest complements, never a total while one of its
// parts can be hidden instead, and nothing for a structural zero. In every case
// both attackers (subtraction and exact linear algebra) recover nothing.
func TestComplementChoice(t *testing.T) {
	type built struct {
		g    *Grid
		want map[int]string
	}
	for _, tc := range []struct {
		name  string
		build func() built
	}{
		{
			// 60 = 4 + 11 + 15 + 30. 4 < 11 is primary; alone it is
			// 60 - 11 - 15 - 30. The cheapest complement is the smallest
			// published part, 11: then 4 + 11 = 15 has two unknowns. The total
			// 60 stays.
			name: "one margin: the smallest part",
			build: func() built {
				g, _, p := grid1D(60, 4, 11, 15, 30)
				return built{g, map[int]string{p[0]: ReasonCount, p[1]: ReasonSecondary}}
			},
		},
		{
			// 15 = 0 + 15 (a region with no exit, one with all of them). The
			// 0 is primary and equals 15 - 15: one more cell must go, the part
			// 15 or the total 15, the same figure. The part goes: the total
			// is the one other tables use as their margin.
			name: "a part rather than its total on a tie",
			build: func() built {
				g, _, p := grid1D(15, 0, 15)
				return built{g, map[int]string{p[0]: ReasonCount, p[1]: ReasonSecondary}}
			},
		},
		{
			//        c1   c2   c3 | total
			//   r1    5   12   40 |   57
			//   r2   13   11   50 |   74
			//   r3   60   70   80 |  210
			//   tot  78   93  170 |  341
			//
			// 5 is primary. The rectangles through (r1,c1) cost
			//   {12, 13, 11} = 36, {12, 60, 70} = 142, {40, 13, 50} = 103,
			//   {40, 60, 80} = 180:
			// the cheapest, 12 + 13 + 11, is the one hidden (row r1's smallest
			// part 12, column c1's smallest part 13, then column c2's smallest
			// part 11, which closes row r2). No total is touched.
			name: "two-way table: the cheapest rectangle",
			build: func() built {
				g, cell, _, _, _ := grid2D([][]float64{{5, 12, 40}, {13, 11, 50}, {60, 70, 80}})
				return built{g, map[int]string{cell[0][0]: ReasonCount, cell[0][1]: ReasonSecondary,
					cell[1][0]: ReasonSecondary, cell[1][1]: ReasonSecondary}}
			},
		},
		{
			//        c1   c2 | total
			//   r1    3   25 |   28
			//   r2   12   30 |   42
			//   tot  15   55 |   70
			//
			// 3 is primary. Row r1: 25 rather than the total 28; column c1: 12
			// rather than 15; column c2 then has 25 alone: 30 rather than 55;
			// row r2 has 12 and 30: closed. Every inner cell is hidden, every
			// total (and the grand total 70) stays published: 28 = 3 + 25
			// with both unknown, and so on.
			name: "two-way table: inner cells before any total",
			build: func() built {
				g, cell, _, _, _ := grid2D([][]float64{{3, 25}, {12, 30}})
				return built{g, map[int]string{cell[0][0]: ReasonCount, cell[0][1]: ReasonSecondary,
					cell[1][0]: ReasonSecondary, cell[1][1]: ReasonSecondary}}
			},
		},
		{
			// Monthly flows (stock at the end of the month + exits = stock at
			// the end of the previous month + entries) of two regions A and B
			// and of the nation, over months 1 and 2. Region B has no row in
			// month 2: its series stops, so its stock at month 1 is 0, and the
			// equations alone force it to 0 (the nation's month-2 equation
			// minus region A's leaves stock B1 = 0):
			//
			//            entries exits stock
			//   A  m1       30     12    18     18 + 12 = 30
			//   A  m2       25     20    23     23 + 20 = 18 + 25
			//   B  m1       14     14     0      0 + 14 = 14
			//   FR m1       44     26    18     18 + 26 = 44
			//   FR m2       25     20    23     23 + 20 = 18 + 25
			//
			// Stock B1 = 0 is primary (< 11) and a structural zero: anyone
			// knows it, no suppression can hide it, and none is tried. (Chasing
			// it used to hide every cell of the grid, the national ones
			// included.) Nothing else is hidden.
			name: "structural zero: nothing more",
			build: func() built {
				g := &Grid{}
				type month struct{ e, x, s int }
				cell := func(e, x, s float64) month { return month{g.Cell(e), g.Cell(x), g.Cell(s)} }
				a1, a2 := cell(30, 12, 18), cell(25, 20, 23)
				b1 := cell(14, 14, 0)
				n1, n2 := cell(44, 26, 18), cell(25, 20, 23)
				g.Equal([]int{a1.s, a1.x}, []int{a1.e})
				g.Equal([]int{a2.s, a2.x}, []int{a1.s, a2.e})
				g.Equal([]int{b1.s, b1.x}, []int{b1.e})
				g.Equal([]int{n1.s, n1.x}, []int{n1.e})
				g.Equal([]int{n2.s, n2.x}, []int{n1.s, n2.e})
				g.Margin(n1.e, a1.e, b1.e)
				g.Margin(n1.x, a1.x, b1.x)
				g.Margin(n1.s, a1.s, b1.s)
				g.Margin(n2.e, a2.e)
				g.Margin(n2.x, a2.x)
				g.Margin(n2.s, a2.s)
				for id := 0; id < g.Len(); id++ {
					g.Suppress(id, CountReason(g.Value(id)))
				}
				if sz := g.StructuralZeros(); !slices.Equal(sz, []int{b1.s}) {
					t.Errorf("structural zeros = %v, want [%d]", sz, b1.s)
				}
				return built{g, map[int]string{b1.s: ReasonCount}}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.build()
			b.g.Protect()
			assertHidden(t, b.g, b.want)
			sz := b.g.StructuralZeros()
			if rec := recoverByPeeling(b.g); len(rec) > 0 {
				for c := range rec {
					if !slices.Contains(sz, c) {
						t.Errorf("subtraction recovers cell %d = %v", c, rec[c])
					}
				}
			}
			for _, c := range recoverExact(b.g) {
				if !slices.Contains(sz, c) {
					t.Errorf("linear algebra recovers cell %d", c)
				}
			}
			if rec := b.g.Recomputable(); len(rec) > 0 {
				t.Errorf("Recomputable = %v, want none", rec)
			}
		})
	}
}
