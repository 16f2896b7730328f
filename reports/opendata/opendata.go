// Package opendata writes agora's open data: the files of dictionary.md
// section 5.1 and a few more, each as CSV (UTF-8, ',' separator, snake_case
// columns, missing = empty, '.' decimal mark, rates with one decimal) and as
// Parquet, described by a frictionless data package (schema.json) and a French
// README. Every figure comes from package indicators in Public mode, so the
// disclosure control is exactly that of the site and the public API.
package opendata

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/warehouse"
)

// Meta describes the producer of the data, for the README and schema.json.
type Meta struct {
	// Producer is the organisation publishing the data.
	Producer string
	// Contact is an address or page for questions (optional).
	Contact string
	// Catalogue computes the figures; nil means indicators.New().
	Catalogue *indicators.Catalogue
	// Generated is the time of publication written in the README; zero means now.
	Generated time.Time
}

// DefaultProducer is the producer named when Meta.Producer is empty.
const DefaultProducer = "Plateforme agora (entrepôt partagé des données de la formation professionnelle)"

// Files returns the names of the CSV files Write publishes, in order.
func Files() []string {
	var out []string
	for _, f := range files() {
		out = append(out, f.name+".csv")
	}
	return out
}

// Write publishes the open data into dir (normally <data root>/opendata):
// CSV and Parquet files, schema.json and README.md. The folder is replaced as
// a whole: the files are written into a sibling temporary folder that then
// takes dir's place, so readers never see a half-written publication.
func Write(ctx context.Context, db *sql.DB, dir string, meta Meta) error {
	if meta.Producer == "" {
		meta.Producer = DefaultProducer
	}
	if meta.Generated.IsZero() {
		meta.Generated = time.Now()
	}
	cat := meta.Catalogue
	if cat == nil {
		cat = indicators.New()
	}
	state, err := indicators.ReadDataState(ctx, db)
	if err != nil {
		return err
	}
	dir = filepath.Clean(dir)
	tmp := dir + ".nouveau"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return fmt.Errorf("création du dossier des données ouvertes : %w", err)
	}
	var written []published
	for _, f := range files() {
		t, err := f.table(ctx, db, cat)
		if err != nil {
			os.RemoveAll(tmp)
			return fmt.Errorf("données ouvertes, fichier %s.csv : %w", f.name, err)
		}
		p := published{file: f, table: t}
		if err := writeCSV(filepath.Join(tmp, f.name+".csv"), p); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		if err := writeParquet(ctx, db, filepath.Join(tmp, f.name), p); err != nil {
			os.RemoveAll(tmp)
			return err
		}
		written = append(written, p)
	}
	pkg := dataPackage(written, meta, state)
	if err := writeJSON(filepath.Join(tmp, "schema.json"), pkg); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	if err := os.WriteFile(filepath.Join(tmp, "README.md"), readme(written, meta, state), 0o644); err != nil {
		os.RemoveAll(tmp)
		return err
	}
	return swap(tmp, dir)
}

// published is a file with the table written into it.
type published struct {
	file  file
	table *indicators.Table
}

// table runs the file's queries and names its columns.
func (f file) table(ctx context.Context, db *sql.DB, cat *indicators.Catalogue) (*indicators.Table, error) {
	t, err := cat.Run(ctx, db, f.query, indicators.Public)
	if err != nil {
		return nil, err
	}
	for _, q := range f.more {
		x, err := cat.Run(ctx, db, q, indicators.Public)
		if err != nil {
			return nil, err
		}
		for _, r := range x.Rows {
			row := indicators.Row{Values: make([]any, len(t.Columns)), Secret: r.Secret, Hidden: make([]string, len(t.Columns))}
			for j, c := range x.Columns {
				if k := t.ColumnIndex(c.Name); k >= 0 {
					row.Values[k] = r.Values[j]
					if j < len(r.Hidden) {
						row.Hidden[k] = r.Hidden[j]
					}
				}
			}
			t.Rows = append(t.Rows, row)
		}
	}
	for i := range t.Columns {
		if n, ok := f.rename[t.Columns[i].Name]; ok {
			t.Columns[i].Name = n
		}
	}
	for _, p := range f.presence {
		j := t.ColumnIndex(p.indicator)
		if j < 0 {
			return nil, fmt.Errorf("colonne %s absente", p.indicator)
		}
		t.Columns = append(t.Columns, p.column)
		for i := range t.Rows {
			r := &t.Rows[i]
			r.Values = append(r.Values, r.Values[j] != nil || r.Hidden[j] != "")
			r.Hidden = append(r.Hidden, "")
		}
	}
	return t, nil
}

func writeCSV(path string, p published) error {
	var buf bytes.Buffer
	if err := p.table.WriteCSV(&buf, ','); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// duckType maps a column type to the DuckDB type of the Parquet column.
func duckType(c indicators.Column) string {
	switch c.Type {
	case indicators.TypeInteger:
		return "BIGINT"
	case indicators.TypeNumber:
		if c.Decimals >= 0 {
			return fmt.Sprintf("DECIMAL(18,%d)", c.Decimals)
		}
		return "DOUBLE"
	default:
		return "VARCHAR"
	}
}

// writeParquet converts the CSV just written into Parquet with DuckDB, with the
// column types of the table (empty cells become NULL).
func writeParquet(ctx context.Context, db *sql.DB, base string, p published) error {
	t := p.table
	var cols []string
	for _, name := range t.Header() {
		typ := "VARCHAR"
		if i := t.ColumnIndex(name); i >= 0 {
			typ = duckType(t.Columns[i])
		}
		cols = append(cols, warehouse.Literal(name)+": "+warehouse.Literal(typ))
	}
	q := fmt.Sprintf(`COPY (SELECT * FROM read_csv(%s, header = true, delim = ',', quote = '"', nullstr = '', columns = {%s}))
		TO %s (FORMAT parquet, COMPRESSION zstd)`, warehouse.Literal(base+".csv"), strings.Join(cols, ", "), warehouse.Literal(base+".parquet"))
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("écriture de %s.parquet : %w", filepath.Base(base), err)
	}
	return nil
}

// swap puts the new folder in place of the old one.
func swap(tmp, dir string) error {
	old := dir + ".ancien"
	if err := os.RemoveAll(old); err != nil {
		return err
	}
	if _, err := os.Stat(dir); err == nil {
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("remplacement des données ouvertes : %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("remplacement des données ouvertes : %w", err)
	}
	return os.RemoveAll(old)
}
