package site

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// primaryTables is a test double of the indicators catalogue for the rendering
// tests on the large test warehouse (testdata/marts.sql): it sums the finest
// level of a mart over the requested breakdown and applies the primary
// disclosure rules only (counts below 11, rates on fewer than 20). The
// production code never uses it; TestRealCatalogue runs the site on the real
// catalogue.
type primaryTables struct{}

// fakeSource is a mart as the double reads it.
type fakeSource struct {
	table string
	dims  map[string]string // dimension id → column
	// figures: indicator id → SQL over the grouped rows; for a rate, den is
	// the SQL of its denominator; gate hides the whole row.
	figs map[string]fakeFig
	gate string
}

type fakeFig struct {
	expr, den string
	count     bool
}

func insertionFigs() map[string]fakeFig {
	m := map[string]fakeFig{"nb_sortants": {expr: "sum(nb_sortants)", count: true}}
	for _, k := range []string{"3m", "6m", "12m"} {
		o := "sum(nb_observes_" + k + ")"
		m["nb_observes_"+k] = fakeFig{expr: o, count: true}
		for _, what := range []string{"emploi", "emploi_durable"} {
			e := "sum(nb_" + what + "_" + k + ")"
			m["nb_"+what+"_"+k] = fakeFig{expr: e, den: o}
			m["taux_"+what+"_"+k] = fakeFig{expr: "taux(" + e + ", " + o + ")", den: o}
			m["taux_"+what+"_"+k+"_ic_bas"] = fakeFig{expr: "ic_bas(" + e + ", " + o + ")", den: o}
			m["taux_"+what+"_"+k+"_ic_haut"] = fakeFig{expr: "ic_haut(" + e + ", " + o + ")", den: o}
		}
	}
	return m
}

func with(m map[string]fakeFig, more map[string]fakeFig) map[string]fakeFig {
	for k, v := range more {
		m[k] = v
	}
	return m
}

var fakeSources = []fakeSource{
	{table: "insertion_dispositif_region", dims: map[string]string{"annee": "annee_sortie", "dispositif": "code_dispositif", "region": "code_region"},
		figs: insertionFigs()},
	{table: "insertion_trimestre", dims: map[string]string{"annee": "annee_sortie", "trimestre": "trimestre_sortie", "dispositif": "code_dispositif"},
		figs: insertionFigs()},
	{table: "insertion_organisme", dims: map[string]string{"annee": "annee_sortie", "organisme": "siret_of"},
		figs: with(insertionFigs(), map[string]fakeFig{
			"taux_achevement":           {expr: "taux(sum(nb_sortants_fin), sum(nb_sortants))", den: "sum(nb_sortants)"},
			"taux_certification":        {expr: "taux(sum(nb_certifies), sum(nb_sortants_certifiants))", den: "sum(nb_sortants_certifiants)"},
			"taux_emploi_6m_attendu":    {expr: "max(taux_emploi_6m_attendu)", den: "sum(nb_observes_6m)"},
			"valeur_ajoutee_6m":         {expr: "max(valeur_ajoutee_6m)", den: "sum(nb_observes_6m)"},
			"valeur_ajoutee_6m_ic_bas":  {expr: "max(valeur_ajoutee_6m_ic_bas)", den: "sum(nb_observes_6m)"},
			"valeur_ajoutee_6m_ic_haut": {expr: "max(valeur_ajoutee_6m_ic_haut)", den: "sum(nb_observes_6m)"},
			"cout_par_heure":            {expr: "round(sum(montant_engage)::DOUBLE / sum(heures_prevues), 2)", den: "sum(nb_sortants)"},
		})},
	{table: "avant_apres", dims: map[string]string{"annee": "annee_sortie", "dispositif": "code_dispositif", "region": "code_region"},
		figs: map[string]fakeFig{
			"nb_observes_avant_apres": {expr: "sum(nb_observes)", count: true},
			"taux_emploi_avant":       {expr: "taux(sum(nb_emploi_avant), sum(nb_observes))", den: "sum(nb_observes)"},
			"taux_emploi_apres_6m":    {expr: "taux(sum(nb_emploi_6m), sum(nb_observes))", den: "sum(nb_observes)"},
			"evolution_emploi_points": {expr: "round(100 * (sum(nb_emploi_6m) - sum(nb_emploi_avant)) / sum(nb_observes), 1)", den: "sum(nb_observes)"},
		}},
	{table: "parcours_situations", dims: map[string]string{"annee": "annee_sortie", "dispositif": "code_dispositif",
		"situation_avant": "situation_avant_dsn", "motif_sortie": "motif_sortie", "situation_6m": "situation_6m"},
		figs: map[string]fakeFig{"nb_sortants": {expr: "sum(nb_sortants)", count: true}}},
	{table: "financement_dispositif", dims: map[string]string{"annee": "annee", "type_financeur": "type_financeur",
		"financeur": "code_financeur", "dispositif": "code_dispositif"}, gate: "sum(nb_dossiers)",
		figs: map[string]fakeFig{
			"nb_dossiers_finances":        {expr: "sum(nb_dossiers)", count: true},
			"nb_dossiers_cofinances":      {expr: "sum(nb_dossiers_cofinances)", count: true},
			"montant_engage":              {expr: "sum(montant_engage)::DOUBLE"},
			"montant_realise":             {expr: "sum(montant_realise)::DOUBLE"},
			"taux_realisation":            {expr: "taux(sum(montant_realise), sum(montant_engage))"},
			"enveloppe":                   {expr: "nullif(sum(coalesce(enveloppe, 0)), 0)::DOUBLE"},
			"taux_consommation_enveloppe": {expr: "taux(sum(CASE WHEN enveloppe IS NOT NULL THEN montant_engage END), nullif(sum(enveloppe), 0))"},
			"cout_par_heure":              {expr: "round(sum(montant_engage)::DOUBLE / sum(heures_prevues), 2)"},
			"cout_par_stagiaire":          {expr: "round(sum(montant_engage)::DOUBLE / sum(nb_dossiers), 2)"},
		}},
	{table: "cout_domaine_nsf", dims: map[string]string{"annee": "annee", "domaine_nsf": "domaine_nsf", "type_financeur": "type_financeur"},
		gate: "sum(nb_dossiers)",
		figs: map[string]fakeFig{
			"nb_dossiers_finances": {expr: "sum(nb_dossiers)", count: true},
			"cout_par_heure":       {expr: "round(sum(montant_engage)::DOUBLE / sum(heures_prevues), 2)"},
			"cout_par_stagiaire":   {expr: "round(sum(montant_engage)::DOUBLE / sum(nb_dossiers), 2)"},
		}},
}

func (primaryTables) Run(ctx context.Context, db *sql.DB, q indicators.Query, mode indicators.Mode) (*indicators.Table, error) {
	var src *fakeSource
search:
	for i := range fakeSources {
		s := &fakeSources[i]
		for _, id := range q.Indicators {
			if _, ok := s.figs[id]; !ok {
				continue search
			}
		}
		for _, d := range q.By {
			if _, ok := s.dims[d]; !ok {
				continue search
			}
		}
		for d := range q.Filters {
			if _, ok := s.dims[d]; !ok {
				continue search
			}
		}
		src = s
		break
	}
	if src == nil {
		return nil, fmt.Errorf("double de test : aucune source pour %v par %v", q.Indicators, q.By)
	}
	var sel, where, group []string
	var args []any
	t := &indicators.Table{Mode: indicators.Public}
	for _, d := range q.By {
		sel = append(sel, src.dims[d]+"::VARCHAR")
		group = append(group, src.dims[d])
		t.Columns = append(t.Columns, indicators.Column{Name: src.dims[d], Dimension: d, Type: indicators.TypeString})
	}
	for _, col := range src.dims { // the finest level
		where = append(where, col+" IS NOT NULL")
	}
	for d, v := range q.Filters {
		where = append(where, src.dims[d]+"::VARCHAR = ?")
		args = append(args, v)
	}
	gate := src.gate
	if gate == "" {
		gate = "0"
	}
	sel = append(sel, gate)
	for _, id := range q.Indicators {
		f := src.figs[id]
		den := f.den
		if den == "" {
			den = "NULL"
		}
		sel = append(sel, "("+f.expr+")::DOUBLE", "("+den+")::DOUBLE")
		t.Columns = append(t.Columns, indicators.Column{Name: id, Type: indicators.TypeNumber})
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + src.table + " WHERE " + strings.Join(where, " AND ")
	if len(group) > 0 {
		query += " GROUP BY " + strings.Join(group, ", ") + " ORDER BY " + strings.Join(group, ", ")
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("double de test : %w\n%s", err, query)
	}
	defer rows.Close()
	for rows.Next() {
		dims := make([]sql.NullString, len(q.By))
		vals := make([]sql.NullFloat64, 1+2*len(q.Indicators))
		ptrs := make([]any, 0, len(dims)+len(vals))
		for i := range dims {
			ptrs = append(ptrs, &dims[i])
		}
		for i := range vals {
			ptrs = append(ptrs, &vals[i])
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var row indicators.Row
		for _, d := range dims {
			row.Values = append(row.Values, d.String)
		}
		var reasons []string
		gated := src.gate != "" && vals[0].Float64 < disclosure.MinCount
		if gated {
			reasons = append(reasons, disclosure.ReasonRow)
		}
		for i, id := range q.Indicators {
			v, den := vals[1+2*i], vals[2+2*i]
			f := src.figs[id]
			var reason string
			switch {
			case gated:
				reason = disclosure.ReasonRow
			case f.count:
				reason = disclosure.CountReason(v.Float64)
			case den.Valid:
				reason = disclosure.RateReason(den.Float64)
			}
			if reason != "" || !v.Valid {
				row.Values = append(row.Values, nil)
				if reason != "" {
					reasons = append(reasons, id+" : "+reason)
				}
				continue
			}
			if f.count {
				row.Values = append(row.Values, int64(v.Float64))
			} else {
				row.Values = append(row.Values, v.Float64)
			}
		}
		row.Secret = strings.Join(reasons, " ; ")
		t.Rows = append(t.Rows, row)
	}
	return t, rows.Err()
}
