package indicators

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"math"
	"strconv"
)

// ColumnIndex returns the index of the column named name, or -1.
func (t *Table) ColumnIndex(name string) int {
	for i, c := range t.Columns {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// Text returns a value as written in CSV files: empty for nil, integers in
// full, numbers with the column's decimals and a '.' decimal mark, booleans O/N.
func (t *Table) Text(row, col int) string {
	return formatValue(t.Rows[row].Values[col], t.Columns[col].Decimals)
}

func formatValue(v any, decimals int) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		if decimals < 0 {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
		return strconv.FormatFloat(round(x, decimals), 'f', decimals, 64)
	case bool:
		if x {
			return "O"
		}
		return "N"
	default:
		return ""
	}
}

// Header returns the CSV header: the column names, then "secret" in Public mode.
func (t *Table) Header() []string {
	h := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		h = append(h, c.Name)
	}
	if t.Mode == Public {
		h = append(h, "secret")
	}
	return h
}

// Record returns row i as CSV fields, matching Header.
func (t *Table) Record(i int) []string {
	rec := make([]string, 0, len(t.Columns)+1)
	for j := range t.Columns {
		rec = append(rec, t.Text(i, j))
	}
	if t.Mode == Public {
		rec = append(rec, t.Rows[i].Secret)
	}
	return rec
}

// WriteCSV writes the table as CSV with the given separator (',' for open
// data, ';' for French office software), header first, missing values empty.
func (t *Table) WriteCSV(w io.Writer, sep rune) error {
	cw := csv.NewWriter(w)
	cw.Comma = sep
	if err := cw.Write(t.Header()); err != nil {
		return err
	}
	for i := range t.Rows {
		if err := cw.Write(t.Record(i)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// MarshalJSON writes the table as
//
//	{"date_donnees": "...", "mode": "public", "colonnes": [...], "lignes": [{"annee": 2024, ..., "secret": ""}]}
//
// with rates and amounts rounded to their decimals and hidden values null;
// "colonnes" describes every property of the rows (described), "secret" included.
func (t *Table) MarshalJSON() ([]byte, error) {
	type out struct {
		DataDate string           `json:"date_donnees"`
		Mode     string           `json:"mode"`
		Columns  []Column         `json:"colonnes"`
		Rows     []map[string]any `json:"lignes"`
	}
	o := out{DataDate: t.DataDate, Mode: t.Mode.String(), Columns: t.described(), Rows: make([]map[string]any, len(t.Rows))}
	for i, r := range t.Rows {
		m := make(map[string]any, len(t.Columns)+1)
		for j, c := range t.Columns {
			v := r.Values[j]
			if f, ok := v.(float64); ok {
				if math.IsNaN(f) || math.IsInf(f, 0) {
					v = nil
				} else if c.Decimals >= 0 {
					v = json.Number(formatValue(f, c.Decimals))
				}
			}
			m[c.Name] = v
		}
		if t.Mode == Public {
			m["secret"] = r.Secret
		}
		o.Rows[i] = m
	}
	return json.Marshal(o)
}

// round rounds half away from zero to the given decimals.
func round(x float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}
