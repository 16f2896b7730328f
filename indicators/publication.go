package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/agora-formation/agora/indicators/disclosure"
)

// publication is the disclosure-controlled content of a warehouse: every
// published level of every mart, read once, with one grid protecting all the
// figures together (a figure shared by two marts is one cell).
type publication struct {
	key      string
	dataDate string
	grid     *disclosure.Grid
	rows     map[*source][]prow
	missing  map[*source]bool
}

// prow is a row of a source at one level.
type prow struct {
	level  []string
	coords []string  // aligned with the source's dims; "" = all
	q      []float64 // aligned with the source's quantities
	cell   []int     // grid cell of each quantity, -1 when not carried
	mart   map[string]any
	// bound is the sum of the gate count over the rows a computed level adds up,
	// an upper bound of the distinct dossiers, used when the gate is not carried.
	bound map[string]float64
}

type publicationCache struct {
	mu  sync.Mutex
	db  *sql.DB
	pub *publication
}

// publication returns the protected publication of db, built at most once per
// state of the warehouse (etat_donnees).
func (c *Catalogue) publication(ctx context.Context, db *sql.DB) (*publication, error) {
	st, err := ReadDataState(ctx, db)
	if err != nil {
		return nil, err
	}
	c.cache.mu.Lock()
	defer c.cache.mu.Unlock()
	if c.cache.pub != nil && c.cache.db == db && c.cache.pub.key == st.key() {
		return c.cache.pub, nil
	}
	pub, err := c.publish(ctx, db)
	if err != nil {
		return nil, err
	}
	pub.key, pub.dataDate = st.key(), st.Date()
	c.cache.db, c.cache.pub = db, pub
	return pub, nil
}

// gridBuilder assigns grid cells to figures.
type gridBuilder struct {
	g        *disclosure.Grid
	cells    map[string]int
	dimOrder map[string]int
}

// cellKey names a figure: its quantity key and its coordinates, in the
// catalogue's dimension order.
func (b *gridBuilder) cellKey(qkey string, coords map[string]string) string {
	return qkey + b.coordKey(coords)
}

// coordKey is the coordinates part of cellKey, shared by every quantity of a
// row: computed once per row, not once per figure.
func (b *gridBuilder) coordKey(coords map[string]string) string {
	dims := make([]string, 0, len(coords))
	for d := range coords {
		dims = append(dims, d)
	}
	slices.SortFunc(dims, func(x, y string) int { return b.dimOrder[x] - b.dimOrder[y] })
	var sb strings.Builder
	for _, d := range dims {
		sb.WriteString("|")
		sb.WriteString(d)
		sb.WriteString("=")
		sb.WriteString(coords[d])
	}
	return sb.String()
}

// cellOf returns the cell of a figure, if some source publishes it.
func (b *gridBuilder) cellOf(qkey string, coords map[string]string) (int, bool) {
	id, ok := b.cells[b.cellKey(qkey, coords)]
	return id, ok
}

func coordMap(s *source, coords []string) map[string]string {
	m := map[string]string{}
	for i, dc := range s.dims {
		if coords[i] != "" {
			m[dc.dim] = coords[i]
		}
	}
	return m
}

// publish reads every source and protects every figure.
func (c *Catalogue) publish(ctx context.Context, db *sql.DB) (*publication, error) {
	tables, err := existingTables(ctx, db)
	if err != nil {
		return nil, err
	}
	pub := &publication{grid: &disclosure.Grid{}, rows: map[*source][]prow{}, missing: map[*source]bool{}}
	b := &gridBuilder{g: pub.grid, cells: map[string]int{}, dimOrder: map[string]int{}}
	for i, d := range c.dimensions {
		b.dimOrder[d.ID] = i
	}
	for _, s := range c.sources {
		if !tables[s.table] {
			pub.missing[s] = true
			continue
		}
		rows, err := readMart(ctx, db, s)
		if err != nil {
			return nil, err
		}
		rows = append(rows, computeLevels(s, rows)...)
		pub.rows[s] = rows
	}
	// Cells: one per figure, shared between sources.
	for _, s := range c.sources {
		rows := pub.rows[s]
		for ri := range rows {
			r := &rows[ri]
			ck := b.coordKey(coordMap(s, r.coords))
			r.cell = make([]int, len(s.quants))
			for qi := range s.quants {
				q := &s.quants[qi]
				if !carried(q, r.level, s.dims) {
					r.cell[qi] = -1
					continue
				}
				k := q.key + ck
				id, ok := b.cells[k]
				if !ok {
					id = b.g.Cell(r.q[qi])
					b.cells[k] = id
				}
				if q.name == s.unit {
					b.g.Floor(id, 1) // the row exists: it counts somebody
				}
				if q.absentWith != "" && r.q[s.quantIndex(q.absentWith)] == 0 {
					b.g.Known(id) // no envelope: published as « n.d. », whatever the row's rule
				}
				r.cell[qi] = id
			}
		}
	}
	// Primary rules and links, once per cell.
	done := make([]bool, b.g.Len())
	for _, s := range c.sources {
		for _, r := range pub.rows[s] {
			for qi := range s.quants {
				q := &s.quants[qi]
				id := r.cell[qi]
				if id < 0 || done[id] {
					continue
				}
				done[id] = true
				switch q.rule {
				case ruleCount:
					b.g.Count(id)
					b.g.Suppress(id, countReason(q, r.q[qi]))
				case ruleRate:
					di := s.quantIndex(q.den)
					if den := r.cell[di]; den >= 0 {
						b.g.Link(den, disclosure.ReasonLinked, id)
						b.g.Suppress(id, rateReason(&s.quants[di], b.g.Value(den)))
					}
				}
				if q.gate != "" {
					// The row rule is primary only: a count hidden by secondary
					// suppression does not hide the amounts of its row, which do
					// not reveal it (cost per trainee, which would, needs the count).
					gi := s.quantIndex(q.gate)
					if gate := r.cell[gi]; gate >= 0 {
						b.g.Suppress(id, disclosure.RowReason(b.g.Value(gate)))
					} else {
						b.g.Suppress(id, disclosure.RowReason(r.bound[q.gate]))
					}
				}
			}
		}
	}
	// Margins between the levels, wherever the total is published.
	for _, s := range c.sources {
		addMargins(b, s, pub.rows[s])
		if s.equations != nil && !pub.missing[s] {
			s.equations(b, s, pub.rows[s])
		}
	}
	b.g.Protect()
	return pub, nil
}

func (s *source) quantIndex(name string) int {
	for i := range s.quants {
		if s.quants[i].name == name {
			return i
		}
	}
	panic("indicators: unknown quantity " + name + " in " + s.table)
}

// addMargins declares, for each level and each dimension it breaks down by,
// that the figure one level up equals the sum of the figures of the level,
// when that figure one level up is published by some source.
func addMargins(b *gridBuilder, s *source, rows []prow) {
	byLevel := map[string][]int{}
	for i, r := range rows {
		k := strings.Join(r.level, ",")
		byLevel[k] = append(byLevel[k], i)
	}
	levels := make([]string, 0, len(byLevel))
	for k := range byLevel {
		levels = append(levels, k)
	}
	slices.Sort(levels)
	for _, lk := range levels {
		idx := byLevel[lk]
		level := rows[idx[0]].level
		for _, d := range level {
			if im, ok := s.implied[dimFinanceur]; ok && im == d && contains(level, dimFinanceur) {
				continue // the funder type is fixed by the funder
			}
			// The coordinates one level up of each row, shared by its quantities.
			up := make([]string, len(idx))
			for k, i := range idx {
				cm := coordMap(s, rows[i].coords)
				delete(cm, d)
				if d == dimFinanceur {
					if im, ok := s.implied[dimFinanceur]; ok && !contains(level, im) {
						delete(cm, im)
					}
				}
				up[k] = b.coordKey(cm)
			}
			for qi := range s.quants {
				q := &s.quants[qi]
				if slices.Contains(q.fixedOver, d) {
					continue
				}
				groups := map[string][]int{}
				parents := map[string]int{}
				var order []string
				for k, i := range idx {
					r := rows[i]
					if r.cell[qi] < 0 {
						continue
					}
					pk := q.key + up[k]
					parent, ok := b.cells[pk]
					if !ok {
						continue
					}
					if _, seen := parents[pk]; !seen {
						order = append(order, pk)
					}
					parents[pk] = parent
					groups[pk] = append(groups[pk], r.cell[qi])
				}
				for _, pk := range order {
					b.g.Margin(parents[pk], groups[pk]...)
				}
			}
		}
	}
}

// existingTables lists the tables and views of the warehouse.
func existingTables(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.tables`)
	if err != nil {
		return nil, fmt.Errorf("liste des tables de l'entrepôt : %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out[n] = true
	}
	return out, rows.Err()
}

// dimExpr is the SQL reading a dimension column as text.
func dimExpr(dc dimCol) string {
	switch dc.typ {
	case TypeYearMonth:
		return "strftime(" + dc.column + ", '%Y-%m')"
	case TypeString:
		return dc.column
	default:
		return "CAST(" + dc.column + " AS VARCHAR)"
	}
}

// martColumns lists the offered mart columns of a source, sorted.
func martColumns(s *source) []string {
	var cols []string
	for _, col := range s.offers {
		if col != "" && !slices.Contains(cols, col) {
			cols = append(cols, col)
		}
	}
	slices.Sort(cols)
	return cols
}

// readMart reads every row of a mart. The SQL is built from the catalogue only.
func readMart(ctx context.Context, db *sql.DB, s *source) ([]prow, error) {
	var sel []string
	for _, dc := range s.dims {
		sel = append(sel, dimExpr(dc))
	}
	for _, q := range s.quants {
		sel = append(sel, "CAST("+q.column+" AS DOUBLE)")
	}
	cols := martColumns(s)
	for _, col := range cols {
		sel = append(sel, "CAST("+col+" AS DOUBLE)")
	}
	var order []string
	for i := range s.dims {
		order = append(order, fmt.Sprintf("%d NULLS LAST", i+1))
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + s.table + " ORDER BY " + strings.Join(order, ", ")
	rs, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("lecture du mart %s : %w", s.table, err)
	}
	defer rs.Close()
	var out []prow
	nd, nq := len(s.dims), len(s.quants)
	for rs.Next() {
		dst := make([]any, nd+nq+len(cols))
		strs := make([]sql.NullString, nd)
		nums := make([]sql.NullFloat64, nq+len(cols))
		for i := range strs {
			dst[i] = &strs[i]
		}
		for i := range nums {
			dst[nd+i] = &nums[i]
		}
		if err := rs.Scan(dst...); err != nil {
			return nil, fmt.Errorf("lecture du mart %s : %w", s.table, err)
		}
		r := prow{coords: make([]string, nd), q: make([]float64, nq), mart: map[string]any{}}
		for i, v := range strs {
			if v.Valid {
				r.coords[i] = v.String
				r.level = append(r.level, s.dims[i].dim)
			}
		}
		for i := 0; i < nq; i++ {
			r.q[i] = nums[i].Float64
		}
		for i, col := range cols {
			if v := nums[nq+i]; v.Valid {
				r.mart[col] = v.Float64
			}
		}
		if !slices.ContainsFunc(s.levels, func(l []string) bool { return slices.Equal(l, r.level) }) {
			return nil, fmt.Errorf("mart %s : une ligne au niveau (%s) que docs/marts.md ne prévoit pas",
				s.table, strings.Join(r.level, ", "))
		}
		out = append(out, r)
	}
	return out, rs.Err()
}

// computeLevels sums the finest level of a source into its computed levels.
func computeLevels(s *source, rows []prow) []prow {
	return aggregate(s.dims, s.quants, s.finest(), rows, s.computed)
}

// aggregate groups the rows of level from into each of the levels to, adding
// the quantities (and the bounds of gates that are not carried).
func aggregate(dims []dimCol, quants []quantity, from []string, rows []prow, to [][]string) []prow {
	var out []prow
	for _, level := range to {
		keep := make([]bool, len(dims))
		for i, dc := range dims {
			keep[i] = contains(level, dc.dim)
		}
		index := map[string]int{}
		for _, r := range rows {
			if !slices.Equal(r.level, from) {
				continue
			}
			coords := make([]string, len(dims))
			for i := range dims {
				if keep[i] {
					coords[i] = r.coords[i]
				}
			}
			k := strings.Join(coords, "\x00")
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, prow{level: level, coords: coords, q: make([]float64, len(quants)), bound: map[string]float64{}})
			}
			for qi := range quants {
				out[i].q[qi] += r.q[qi]
			}
			for _, q := range quants {
				if q.gate != "" {
					out[i].bound[q.gate] += r.q[indexOf(quants, q.gate)]
				}
			}
		}
	}
	return out
}

func indexOf(quants []quantity, name string) int {
	for i := range quants {
		if quants[i].name == name {
			return i
		}
	}
	return -1
}

// table answers a plan from the publication.
func (p *publication) table(pl *plan) *Table {
	s := pl.src
	t := newTable(s.dims, pl, Public)
	t.DataDate = p.dataDate
	for _, r := range p.rows[s] {
		if !levelIn(r.level, pl.levels) || !matches(s.dims, r.coords, pl.q.Filters) {
			continue
		}
		mart := slices.ContainsFunc(s.levels, func(l []string) bool { return slices.Equal(l, r.level) })
		row := Row{}
		for _, d := range pl.q.By {
			row.Values = append(row.Values, dimValue(s.dims, r.coords, d))
		}
		row.Hidden = make([]string, len(row.Values), len(row.Values)+len(pl.defs))
		var reasons []string
		for _, def := range pl.defs {
			var own []string
			for _, n := range def.needs {
				qi := s.quantIndex(n)
				if id := r.cell[qi]; id >= 0 && p.grid.Hidden(id) {
					own = append(own, p.grid.Reason(id))
				}
			}
			if len(own) > 0 {
				row.Values = append(row.Values, nil)
				row.Hidden = append(row.Hidden, joinReasons(own))
				reasons = append(reasons, own...)
				continue
			}
			row.Values = append(row.Values, figure(def, s, r, mart))
			row.Hidden = append(row.Hidden, "")
		}
		row.Secret = joinReasons(reasons)
		t.Rows = append(t.Rows, row)
	}
	sortRows(t, len(pl.q.By))
	return t
}

// countReason is the primary rule of a count: hidden below 11, except the
// zero of a count of observed exits, which only says that the row's horizon
// is beyond the DSN coverage (see ObservedCount).
func countReason(q *quantity, v float64) string {
	if ObservedCount(q.key) && v == 0 {
		return ""
	}
	return disclosure.CountReason(v)
}

// rateReason is the primary rule of a rate on a denominator den of value v:
// hidden below 20, except on no observed exit at all, where the rate does not
// exist (n.d.) rather than being secret.
func rateReason(den *quantity, v float64) string {
	if ObservedCount(den.key) && v == 0 {
		return ""
	}
	return disclosure.RateReason(v)
}

// figure is the value of an indicator in a row: the mart's own where it has
// it, else computed from the row's quantities; nil when undefined.
func figure(def *indicatorDef, s *source, r prow, mart bool) any {
	var f float64
	var ok bool
	if col := s.offers[def.ID]; mart && col != "" {
		var v any
		v, ok = r.mart[col]
		if ok {
			f = v.(float64)
		}
	} else if def.calc != nil {
		f, ok = def.calc(func(n string) float64 { return r.q[s.quantIndex(n)] })
	}
	if !ok {
		return nil
	}
	if def.typ == TypeInteger {
		return int64(f)
	}
	return round(f, def.decimals)
}

// reasonOrder is the order reasons are listed in the secret column.
var reasonOrder = []string{disclosure.ReasonCount, disclosure.ReasonDenominator, disclosure.ReasonRow,
	disclosure.ReasonLinked, disclosure.ReasonSecondary}

func joinReasons(rs []string) string {
	var out []string
	for _, r := range reasonOrder {
		if slices.Contains(rs, r) {
			out = append(out, r)
		}
	}
	return strings.Join(out, " ; ")
}

func levelIn(level []string, levels [][]string) bool {
	return slices.ContainsFunc(levels, func(l []string) bool { return slices.Equal(l, level) })
}

func matches(dims []dimCol, coords []string, filters map[string]string) bool {
	for d, v := range filters {
		i := slices.IndexFunc(dims, func(x dimCol) bool { return x.dim == d })
		if i < 0 || coords[i] != v {
			return false
		}
	}
	return true
}

func dimValue(dims []dimCol, coords []string, d string) any {
	i := slices.IndexFunc(dims, func(x dimCol) bool { return x.dim == d })
	if i < 0 || coords[i] == "" {
		return nil
	}
	if dims[i].typ == TypeInteger {
		n, err := strconv.ParseInt(coords[i], 10, 64)
		if err == nil {
			return n
		}
	}
	return coords[i]
}

// newTable prepares the columns of a plan's table.
func newTable(dims []dimCol, pl *plan, mode Mode) *Table {
	t := &Table{Mode: mode}
	for _, d := range pl.q.By {
		i := slices.IndexFunc(dims, func(x dimCol) bool { return x.dim == d })
		dc := dims[i]
		t.Columns = append(t.Columns, Column{Name: dc.column, Label: dimLabel(d), Type: dc.typ, Dimension: d, Decimals: -1,
			Description: dimDescription(d, pl.src.table)})
	}
	for _, def := range pl.defs {
		t.Columns = append(t.Columns, Column{Name: def.ID, Label: def.Label, Type: def.typ, Unit: def.Unit,
			Description: def.Definition, Decimals: def.decimals})
	}
	return t
}

// sortRows orders rows by their breakdown columns, totals (empty) last.
func sortRows(t *Table, n int) {
	slices.SortStableFunc(t.Rows, func(a, b Row) int {
		for i := 0; i < n; i++ {
			if c := compareValues(a.Values[i], b.Values[i]); c != 0 {
				return c
			}
		}
		return 0
	})
}

func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	switch x := a.(type) {
	case int64:
		y := b.(int64)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case string:
		return strings.Compare(x, b.(string))
	}
	return 0
}
