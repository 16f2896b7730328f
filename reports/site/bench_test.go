package site

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/agora-formation/agora/indicators"
)

// BenchmarkPublication measures the disclosure control of the site's test
// warehouse (testdata/marts.sql: every mart, monthly flows included) at two
// sizes: reading the marts, building the grid, primary and secondary
// suppression. A fresh catalogue per iteration, so nothing is cached.
func BenchmarkPublication(b *testing.B) {
	for _, n := range []int{12_000, 60_000} {
		b.Run(fmt.Sprintf("sorties=%d", n), func(b *testing.B) {
			db, err := sql.Open("duckdb", "")
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(fmt.Sprintf("SET VARIABLE nb_sorties = %d; SET VARIABLE nb_organismes = %d;\n", n, 300) + martsSQL); err != nil {
				b.Fatal(err)
			}
			q := indicators.Query{Indicators: []string{"nb_sortants"}, By: []string{"annee"}}
			b.ResetTimer()
			for range b.N {
				t, err := indicators.New().Run(context.Background(), db, q, indicators.Public)
				if err != nil {
					b.Fatal(err)
				}
				if len(t.Rows) == 0 || t.Rows[0].Values[1] == nil {
					b.Fatalf("national exits hidden: %v", t.Rows)
				}
			}
		})
	}
}
