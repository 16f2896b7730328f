package indicators

// rule is the primary disclosure rule of a quantity.
type rule int

const (
	ruleNone  rule = iota // published as it is (amounts, hours: gated by a count)
	ruleCount             // a count of people or dossiers: hidden below 11
	ruleRate              // the numerator of a rate: hidden with its rate when the denominator is below 20
)

// quantity is an additive figure of a source: a count, the numerator of a
// rate, an amount. Quantities are the cells of the disclosure grid; a cell is
// one quantity at one set of coordinates, shared by every source publishing
// the same quantity (same key) at the same coordinates.
type quantity struct {
	name   string // local name, used by the indicator formulas
	key    string // global key: same key = same figure in every source
	column string // mart column ("" when the source lacks it: computed only)
	rule   rule
	den    string // ruleRate: local name of the denominator
	// gate is the local name of the count of the row: below 11 it hides this
	// quantity too (financement: fewer than 11 dossiers hide every figure).
	gate string
	// absentWith is the local name of a quantity whose zero in a row means
	// that this one does not exist there (no envelope transmitted): readers
	// know it, from the « n.d. » of the envelope, so its cell is known
	// (disclosure.Grid.Known) and no rule hides it.
	absentWith string
	// fixedOver are the dimensions over which the quantity does not add up
	// (distinct dossiers over funders): levels summing over them do not carry it.
	fixedOver []string
}

// source is a mart and how to read it.
type source struct {
	table string
	dims  []dimCol
	// levels are the levels the mart holds (sets of non-NULL dimensions).
	levels [][]string
	// computed are further published levels, summed in Go from the finest level.
	computed [][]string
	quants   []quantity
	// offers maps indicator ids to the mart column holding them; "" means the
	// figure is always computed from the quantities.
	offers map[string]string
	// implied: dimension → dimension it determines (financeur → type_financeur).
	implied map[string]string
	// equations adds the linear relations specific to the source (beyond
	// margins between levels) to the grid.
	equations func(b *gridBuilder, s *source, rows []prow)
	// unit is the count every row of the mart has at least one of (a row
	// exists only because somebody is in it; the mart's data test
	// check(unit >= 1) says so); "" when rows may count nobody (an envelope
	// without dossiers, a month without flows). Readers know a unit is at
	// least 1 even when it is hidden (disclosure.Grid.Floor).
	unit string
	// partner, when set, reads one funder's figures (Partner mode).
	partner *partnerSpec
}

// dimCol ties a dimension to its mart column.
type dimCol struct {
	dim    string
	column string
	typ    ColumnType
}

func (s *source) dimIndex(dim string) int {
	for i, d := range s.dims {
		if d.dim == dim {
			return i
		}
	}
	return -1
}

func (s *source) quantity(name string) *quantity {
	for i := range s.quants {
		if s.quants[i].name == name {
			return &s.quants[i]
		}
	}
	return nil
}

// levelsAll returns the mart levels then the computed ones.
func (s *source) levelsAll() [][]string {
	return append(append([][]string(nil), s.levels...), s.computed...)
}

// finest is the mart level with the most dimensions.
func (s *source) finest() []string {
	best := s.levels[0]
	for _, l := range s.levels[1:] {
		if len(l) > len(best) {
			best = l
		}
	}
	return best
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
