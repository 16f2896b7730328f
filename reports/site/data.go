package site

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/agora-formation/agora/indicators"
)

// reader reads the public figures of one warehouse: every figure the site
// publishes comes from the indicators catalogue in Public mode, that is
// disclosure-controlled.
type reader struct {
	ctx context.Context
	db  *sql.DB
	cat *indicators.Catalogue
}

// query describes an indicators query compactly: indicators, breakdown and
// filters as "dimension=value" pairs.
func (r *reader) query(ids []string, by []string, filters ...string) (*frame, error) {
	q := indicators.Query{Indicators: ids, By: by}
	if len(filters) > 0 {
		q.Filters = map[string]string{}
		for i := 0; i+1 < len(filters); i += 2 {
			q.Filters[filters[i]] = filters[i+1]
		}
	}
	t, err := r.cat.Run(r.ctx, r.db, q, indicators.Public)
	if err != nil {
		return nil, fmt.Errorf("indicateurs %v par %v %v : %w", ids, by, filters, err)
	}
	return newFrame(t), nil
}

// frame reads an indicators table by dimension id and indicator id.
type frame struct {
	t   *indicators.Table
	col map[string]int
}

func newFrame(t *indicators.Table) *frame {
	f := &frame{t: t, col: map[string]int{}}
	for i, c := range t.Columns {
		f.col[c.Name] = i
		if c.Dimension != "" {
			f.col[c.Dimension] = i
		}
	}
	return f
}

// len is the number of rows.
func (f *frame) len() int { return len(f.t.Rows) }

// code returns the value of a breakdown column as a string ("" for a total row).
func (f *frame) code(row int, dim string) string {
	i, ok := f.col[dim]
	if !ok {
		return ""
	}
	switch v := f.t.Rows[row].Values[i].(type) {
	case nil:
		return ""
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case time.Time:
		return v.Format("2006-01")
	default:
		return fmt.Sprint(v)
	}
}

// fig returns a figure of a row. A value the table does not give is hidden
// when the row says why (its secret column), and missing otherwise.
func (f *frame) fig(row int, id string) fig {
	i, ok := f.col[id]
	if !ok {
		return missingFig
	}
	switch v := f.t.Rows[row].Values[i].(type) {
	case int64:
		return shown(float64(v))
	case int:
		return shown(float64(v))
	case float64:
		return shown(v)
	case nil:
		// A value is secret when the disclosure control hid it, n.d. when it
		// does not exist, even in a row where another value is hidden.
		if r := f.t.Rows[row]; i < len(r.Hidden) && r.Hidden[i] != "" {
			return secretFig
		}
	}
	return missingFig
}

// find returns the first row whose breakdown columns have the given values
// (pairs of dimension and value), or -1.
func (f *frame) find(pairs ...string) int {
rows:
	for r := range f.t.Rows {
		for i := 0; i+1 < len(pairs); i += 2 {
			if f.code(r, pairs[i]) != pairs[i+1] {
				continue rows
			}
		}
		return r
	}
	return -1
}

// figAt returns the figure of the row with the given breakdown values, or
// missing when there is no such row.
func (f *frame) figAt(id string, pairs ...string) fig {
	r := f.find(pairs...)
	if r < 0 {
		return missingFig
	}
	return f.fig(r, id)
}
