package indicators

import (
	"context"
	"database/sql"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Catalogue is the list of public indicators and dimensions, with the marts
// they are read from. It is safe for concurrent use; it caches the
// disclosure-controlled publication of a warehouse until its data changes.
type Catalogue struct {
	indicators []Indicator
	defs       []indicatorDef
	dimensions []Dimension
	sources    []*source
	cache      publicationCache
	partners   partnerCache
}

// Indicators returns every indicator of the catalogue, in catalogue order.
func (c *Catalogue) Indicators() []Indicator { return append([]Indicator(nil), c.indicators...) }

// Indicator returns the indicator with this id.
func (c *Catalogue) Indicator(id string) (Indicator, bool) {
	for _, in := range c.indicators {
		if in.ID == id {
			return in, true
		}
	}
	return Indicator{}, false
}

// Dimensions returns every dimension of the catalogue.
func (c *Catalogue) Dimensions() []Dimension { return append([]Dimension(nil), c.dimensions...) }

// Dimension returns the dimension with this id.
func (c *Catalogue) Dimension(id string) (Dimension, bool) {
	for _, d := range c.dimensions {
		if d.ID == id {
			return d, true
		}
	}
	return Dimension{}, false
}

// Describe returns the catalogue with the data date of the warehouse set on
// every indicator.
func (c *Catalogue) Describe(ctx context.Context, db *sql.DB) ([]Indicator, error) {
	st, err := ReadDataState(ctx, db)
	if err != nil {
		return nil, err
	}
	out := c.Indicators()
	for i := range out {
		out[i].DataDate = st.Date()
	}
	return out, nil
}

// Prepare computes and caches the protected publication of db, so that the
// first public query does not pay for it (a few seconds on a national
// warehouse). Servers call it when they open a new warehouse.
func (c *Catalogue) Prepare(ctx context.Context, db *sql.DB) error {
	_, err := c.publication(ctx, db)
	return err
}

// ParseQuery reads the query of one indicator from URL parameters, as the HTTP
// API receives them: "par" lists the dimensions of the breakdown
// (comma-separated), "totaux" the dimensions to add total rows for, and every
// other parameter must be a dimension of the indicator filtered on one value.
// Unknown parameters, repeated parameters and bad values are *ParamError
// wrapping ErrBadParam, with a French message listing what is admitted.
// Parameters that are not about the query (such as "format") must be removed
// by the caller first.
//
// A name never changes meaning: an indicator whose annee is the year of
// commitment (montant_engage…) and that a mart publishes by exit year (by
// organisation) must be asked there with annee_sortie; annee is refused there,
// saying so.
func (c *Catalogue) ParseQuery(indicator string, params url.Values) (Query, error) {
	q, err := c.parseQuery(indicator, params)
	if err != nil {
		return Query{}, err
	}
	if err := c.yearNamed(q); err != nil {
		return Query{}, err
	}
	return q, nil
}

// DefaultBreakdown completes a query of the HTTP API that no published level
// answers as it stands by the least detailed time breakdown that does: the
// year (annee, else annee_sortie), else the month (mois), put first. Without
// "par", that is the national value of each year or month, within the
// filters; with "par=region", the regions of each year (the marts publish
// every breakdown by year). A dimension already named (filtered, or in "par")
// is not added. A query that none of them answers either, such as an
// indicator published only by funder, is returned as it is: Check and Run then
// say which breakdowns there are.
func (c *Catalogue) DefaultBreakdown(q Query, mode Mode) Query {
	if _, _, err := c.planNamed(q, mode); err == nil {
		return q
	}
	for _, d := range []string{dimAnnee, dimAnneeSortie, dimMois} {
		if mentions(q, d) {
			continue
		}
		try := q
		try.By = append([]string{d}, q.By...)
		if _, _, err := c.planNamed(try, mode); err == nil && c.yearNamed(try) == nil {
			return try
		}
	}
	return q
}

// Check validates a query against the catalogue, the reference lists and the
// mode, without reading the warehouse.
func (c *Catalogue) Check(q Query, mode Mode) error {
	_, _, err := c.planNamed(q, mode)
	return err
}

// Run computes a query on the warehouse. In Public mode the result is
// disclosure-controlled; in Partner mode it holds q.Funder's own figures,
// unsuppressed.
//
// The dimension annee_sortie names the year of the marts whose year is the
// exit year; it is how the figures whose annee is the year of commitment are
// asked by exit year (see ParseQuery). Go callers may still name that year
// annee, as the marts do.
func (c *Catalogue) Run(ctx context.Context, db *sql.DB, q Query, mode Mode) (*Table, error) {
	p, exit, err := c.planNamed(q, mode)
	if err != nil {
		return nil, err
	}
	var t *Table
	if mode == Partner {
		t, err = c.runPartner(ctx, db, p)
	} else {
		var pub *publication
		if pub, err = c.publication(ctx, db); err == nil {
			t = pub.table(p)
		}
	}
	if err != nil {
		return nil, err
	}
	if exit {
		for i := range t.Columns {
			if t.Columns[i].Dimension == dimAnnee {
				t.Columns[i].Dimension, t.Columns[i].Label = dimAnneeSortie, dimLabel(dimAnneeSortie)
			}
		}
	}
	return t, nil
}

// planNamed plans q, where annee_sortie may name the year: it is planned as
// annee, on a mart whose year is the exit year only. exit reports whether q
// named it so.
func (c *Catalogue) planNamed(q Query, mode Mode) (p *plan, exit bool, err error) {
	exit = mentions(q, dimAnneeSortie)
	if exit {
		if mentions(q, dimAnnee) {
			return nil, false, badParam(dimAnneeSortie, "« annee » et « annee_sortie » ne peuvent être donnés ensemble : "+
				"ce sont deux années différentes (engagement ou sortie) ; gardez-en une")
		}
		q = renameDim(q, dimAnneeSortie, dimAnnee)
	}
	p, err = c.plan(q, mode)
	if err != nil {
		return nil, false, err
	}
	if exit && !exitYear(planDims(p)) {
		ids := strings.Join(q.Indicators, ", ")
		return nil, false, badParam(dimAnneeSortie, "« annee_sortie » : %s n'est publié par année de sortie que ventilé ou filtré par organisme ; "+
			"sans organisme, son année est l'année d'engagement : utilisez « annee »", ids)
	}
	return p, exit, nil
}

// yearNamed refuses annee where it would not mean what it means for the
// indicator: on a mart publishing by exit year a figure whose annee is the
// year of commitment.
func (c *Catalogue) yearNamed(q Query) error {
	if !mentions(q, dimAnnee) || mentions(q, dimAnneeSortie) {
		return nil
	}
	var ids []string
	for _, id := range q.Indicators {
		if d := c.def(id); d != nil && d.byExitYear {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	p, err := c.plan(q, Public)
	if err != nil || !exitYear(p.src.dims) {
		return nil // Run says what is wrong, or annee is the year of commitment
	}
	renamed := renameDim(q, dimAnnee, dimAnneeSortie)
	var how string
	switch {
	case slices.Contains(q.By, dimAnnee):
		how = "par=" + strings.Join(renamed.By, ",")
	case slices.Contains(q.Totals, dimAnnee):
		how = "totaux=" + strings.Join(renamed.Totals, ",")
	default:
		how = "annee_sortie=" + q.Filters[dimAnnee]
	}
	list := strings.Join(ids, ", ")
	return badParam(dimAnnee, "« annee » est l'année d'engagement pour %s, mais par organisme %s n'est publié que par année de sortie "+
		"(dossiers sortis dans l'année, table %s) : demandez « annee_sortie » au lieu de « annee » (%s) ; "+
		"par année d'engagement, %s est publié par financeur, dispositif ou domaine de formation, pas par organisme",
		list, list, p.src.table, how, list)
}

// mentions reports whether q breaks down or filters by dimension d.
func mentions(q Query, d string) bool {
	_, filtered := q.Filters[d]
	return filtered || slices.Contains(q.By, d) || slices.Contains(q.Totals, d)
}

// renameDim returns q with dimension from named to.
func renameDim(q Query, from, to string) Query {
	swap := func(ds []string) []string {
		out := slices.Clone(ds)
		for i := range out {
			if out[i] == from {
				out[i] = to
			}
		}
		return out
	}
	q.By, q.Totals = swap(q.By), swap(q.Totals)
	if v, ok := q.Filters[from]; ok {
		f := maps.Clone(q.Filters)
		delete(f, from)
		f[to] = v
		q.Filters = f
	}
	return q
}

// planDims are the dimensions of the rows a plan reads.
func planDims(p *plan) []dimCol {
	if p.mode == Partner {
		return p.src.partner.dims
	}
	return p.src.dims
}

// exitYear reports whether the year of these dimensions is the exit year
// (annee_sortie), rather than the year of commitment of the funding marts.
func exitYear(dims []dimCol) bool { return slices.Contains(dims, colAnneeSortie) }
