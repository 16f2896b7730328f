package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/warehouse"
)

// refTable is a reference table created from package dictionary, so that the
// reference lists exist once, in Go, and the models join them by name.
type refTable struct {
	name    string
	columns []string // name TYPE
	rows    [][]string
}

// referenceTables returns the ref_* tables built from the dictionary's lists.
func referenceTables() []refTable {
	simple := func(name string, l *dictionary.List) refTable {
		t := refTable{name: name, columns: []string{"code VARCHAR", "libelle VARCHAR"}}
		for _, c := range l.Codes {
			t.rows = append(t.rows, []string{c.Code, c.Label})
		}
		return t
	}
	natures := refTable{name: "ref_natures_contrat", columns: []string{"code VARCHAR", "libelle VARCHAR", "famille VARCHAR"}}
	for _, c := range dictionary.NaturesContrat.Codes {
		natures.rows = append(natures.rows, []string{c.Code, c.Label, c.Group})
	}
	funders := refTable{name: "ref_financeurs", columns: []string{"code VARCHAR", "libelle VARCHAR", "type_financeur VARCHAR", "siret VARCHAR"}}
	for _, c := range dictionary.Financeurs.Codes {
		funders.rows = append(funders.rows, []string{c.Code, c.Label, c.Group, c.SIRET})
	}
	return []refTable{
		simple("ref_dispositifs", dictionary.Dispositifs),
		simple("ref_regions", dictionary.Regions),
		funders,
		simple("ref_situations", dictionary.Situations),
		simple("ref_motifs_sortie", dictionary.MotifsSortie),
		natures,
	}
}

// ReferenceTables lists the names of the reference tables the runner creates.
func ReferenceTables() []string {
	var out []string
	for _, t := range referenceTables() {
		out = append(out, t.name)
	}
	return out
}

// seedReferences (re)creates the ref_* tables. An empty string is NULL.
func seedReferences(ctx context.Context, db DB) error {
	for _, t := range referenceTables() {
		var b strings.Builder
		fmt.Fprintf(&b, "CREATE OR REPLACE TABLE %s (%s);\n", t.name, strings.Join(t.columns, ", "))
		if len(t.rows) > 0 {
			fmt.Fprintf(&b, "INSERT INTO %s VALUES ", t.name)
			for i, r := range t.rows {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString("(")
				for j, v := range r {
					if j > 0 {
						b.WriteString(", ")
					}
					if v == "" {
						b.WriteString("NULL")
					} else {
						b.WriteString(warehouse.Literal(v))
					}
				}
				b.WriteString(")")
			}
			b.WriteString(";")
		}
		if _, err := db.ExecContext(ctx, b.String()); err != nil {
			return fmt.Errorf("table de référence %s : %w", t.name, err)
		}
	}
	return nil
}
