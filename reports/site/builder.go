package site

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/third_party/echarts"
)

// builder builds the pages of one warehouse.
type builder struct {
	r      *reader
	opts   Options
	state  indicators.DataState
	layout layout
	year   int   // reference year: the latest exit year fully observed at 6 months
	years  []int // exit years with exits, ascending
	nsf    map[string]string
}

func newBuilder(ctx context.Context, db *sql.DB, opts Options) (*builder, error) {
	st, err := indicators.ReadDataState(ctx, db)
	if err != nil {
		return nil, err
	}
	b := &builder{r: &reader{ctx: ctx, db: db, cat: opts.Catalogue}, opts: opts, state: st}
	b.layout = layout{DataDate: st.Date(), Published: french.Date(opts.Now), ECharts: echarts.Version}
	nat, err := b.r.query([]string{"nb_sortants"}, []string{"annee"})
	if err != nil {
		return nil, err
	}
	for i := 0; i < nat.len(); i++ {
		if y, err := strconv.Atoi(nat.code(i, "annee")); err == nil && y > 0 {
			b.years = append(b.years, y)
		}
	}
	sort.Ints(b.years)
	if len(b.years) == 0 {
		return nil, fmt.Errorf("site : l'entrepôt ne compte aucune sortie de formation ; chargez des livraisons (agora land) puis lancez « agora build »")
	}
	b.year = referenceYear(b.years, st.LastMonth)
	b.layout.Year = b.year
	b.nsf, err = nsfLabels(ctx, db)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// referenceYear is the latest exit year whose every exit is observed at six
// months (December of that year + 6 months is covered by the DSN), among the
// years that have exits; the latest year when none is.
func referenceYear(years []int, lastMonth string) int {
	last, err := time.Parse("2006-01", lastMonth)
	if err != nil {
		return years[len(years)-1]
	}
	full := last.AddDate(0, -6, 0).AddDate(0, 1, 0).Year() - 1
	best := 0
	for _, y := range years {
		if y <= full {
			best = y
		}
	}
	if best == 0 {
		return years[len(years)-1]
	}
	return best
}

// nsfLabels reads the French labels of the NSF domains (labels, not figures).
func nsfLabels(ctx context.Context, db *sql.DB) (map[string]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT DISTINCT domaine_nsf, libelle_domaine_nsf FROM cout_domaine_nsf`)
	if err != nil {
		return nil, fmt.Errorf("site : libellés des domaines NSF (cout_domaine_nsf) : %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var code, label sql.NullString
		if err := rows.Scan(&code, &label); err != nil {
			return nil, err
		}
		out[code.String] = label.String
	}
	return out, rows.Err()
}

// pages builds every page of the site.
func (b *builder) pages() ([]*page, error) {
	var out []*page
	for _, build := range []func() ([]*page, error){
		one(b.home), one(b.budget), one(b.organisations), b.regions, b.quality, one(b.methodology),
	} {
		ps, err := build()
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			p.dropEmpty()
		}
		out = append(out, ps...)
	}
	return out, nil
}

func one(f func() (*page, error)) func() ([]*page, error) {
	return func() ([]*page, error) {
		p, err := f()
		if err != nil {
			return nil, err
		}
		return []*page{p}, nil
	}
}

// Labels of codes.

func schemeLabel(code string) string { return dictionary.Dispositifs.LabelOf(code) }
func regionLabel(code string) string { return dictionary.Regions.LabelOf(code) }
func funderLabel(code string) string { return dictionary.Financeurs.LabelOf(code) }

var funderTypeLabels = map[string]string{
	dictionary.FunderRegion:         "Régions",
	dictionary.FunderFranceTravail:  "France Travail",
	dictionary.FunderCDC:            "Caisse des Dépôts (CPF)",
	dictionary.FunderOPCO:           "OPCO",
	dictionary.FunderTransitionsPro: "Transitions Pro",
	dictionary.FunderEtat:           "État",
	dictionary.FunderAgefiph:        "Agefiph",
	dictionary.FunderAutre:          "Autres (employeurs, stagiaires)",
}

func funderTypeLabel(code string) string {
	if l, ok := funderTypeLabels[code]; ok {
		return l
	}
	return code
}

func (b *builder) nsfLabel(code string) string {
	if l := b.nsf[code]; l != "" {
		return l
	}
	return "Domaine " + code
}

// pctOf returns 100 k / n when both are published and n > 0.
func pctOf(k, n fig) fig {
	if k.secret() || n.secret() {
		return secretFig
	}
	if !k.ok() || !n.ok() || n.v == 0 {
		return missingFig
	}
	return shown(100 * k.v / n.v)
}

// changePct is the relative change from prev to cur, in percent.
func changePct(cur, prev fig) fig {
	if cur.secret() || prev.secret() {
		return secretFig
	}
	if !cur.ok() || !prev.ok() || prev.v == 0 {
		return missingFig
	}
	return shown(100 * (cur.v - prev.v) / prev.v)
}

// trend is the arrow class of a change: up, down or none.
func trend(f fig) string {
	switch {
	case !f.ok() || f.v == 0:
		return ""
	case f.v > 0:
		return "up"
	}
	return "down"
}
