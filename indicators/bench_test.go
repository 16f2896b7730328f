package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/agora-formation/agora/indicators/fixture"
)

// scaled opens a warehouse of about n exits (fixture.BuildScaled).
func scaled(b *testing.B, n int) *sql.DB {
	b.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := fixture.BuildScaled(context.Background(), db, n); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkPublish measures the protection of a whole warehouse: reading every
// mart, building the grid, primary and secondary suppression to the fixed point.
// It runs once per warehouse state (cached by Run).
func BenchmarkPublish(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("sortants=%d", n), func(b *testing.B) {
			db := scaled(b, n)
			b.ResetTimer()
			for range b.N {
				pub, err := New().publish(context.Background(), db)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(pub.grid.Len()), "cellules")
			}
		})
	}
}

// BenchmarkRun measures a public query on a warehouse already protected (what
// the API does for each request).
func BenchmarkRun(b *testing.B) {
	db := scaled(b, 1_000_000)
	c := New()
	ctx := context.Background()
	q := Query{Indicators: []string{"nb_sortants", "taux_emploi_6m", "taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut"},
		By: []string{"dispositif", "region"}, Totals: []string{"region"}, Filters: map[string]string{"annee": "2023"}}
	if _, err := c.Run(ctx, db, q, Public); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := c.Run(ctx, db, q, Public); err != nil {
			b.Fatal(err)
		}
	}
}
