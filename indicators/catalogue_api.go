package indicators

import (
	"context"
	"database/sql"
	"net/url"
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
func (c *Catalogue) ParseQuery(indicator string, params url.Values) (Query, error) {
	return c.parseQuery(indicator, params)
}

// Check validates a query against the catalogue, the reference lists and the
// mode, without reading the warehouse.
func (c *Catalogue) Check(q Query, mode Mode) error {
	_, err := c.plan(q, mode)
	return err
}

// Run computes a query on the warehouse. In Public mode the result is
// disclosure-controlled; in Partner mode it holds q.Funder's own figures,
// unsuppressed.
func (c *Catalogue) Run(ctx context.Context, db *sql.DB, q Query, mode Mode) (*Table, error) {
	p, err := c.plan(q, mode)
	if err != nil {
		return nil, err
	}
	if mode == Partner {
		return c.runPartner(ctx, db, p)
	}
	pub, err := c.publication(ctx, db)
	if err != nil {
		return nil, err
	}
	return pub.table(p), nil
}
