package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/agora-formation/agora/dictionary"
)

// partnerSpec reads one funder's own figures (Partner mode) from a mart, by
// SQL fixed in the catalogue, the funder code bound as a parameter.
type partnerSpec struct {
	table        string
	funderColumn string
	dims         []dimCol
	exprs        []string   // SQL of each dimension, aligned with dims
	quants       []quantity // column: SQL aggregate
}

func (p *partnerSpec) quantity(name string) *quantity {
	for i := range p.quants {
		if p.quants[i].name == name {
			return &p.quants[i]
		}
	}
	return nil
}

// partnerInsertion computes the insertion block of one funder's dossiers from
// the dossier-level mart resultats_dossiers.
var partnerInsertion = func() *partnerSpec {
	p := &partnerSpec{
		table:        "resultats_dossiers",
		funderColumn: "code_financeur",
		dims:         []dimCol{colAnneeSortie, colFinanceur, colDispositif, colRegion, colOrganisme, colCertification},
		exprs: []string{"CAST(year(date_sortie) AS VARCHAR)", "code_financeur", "code_dispositif", "code_region", "siret_of",
			"coalesce(certification_obtenue, '" + unknown + "')"},
	}
	for _, q := range insertionQuants() {
		switch {
		case q.name == "nb_sortants":
			q.column = "count(*)"
		case strings.HasPrefix(q.name, "nb_observes_"):
			k := strings.TrimPrefix(q.name, "nb_observes_")
			q.column = "count(*) FILTER (WHERE observe_" + k + ")"
		case strings.HasPrefix(q.name, "nb_emploi_durable_"):
			k := strings.TrimPrefix(q.name, "nb_emploi_durable_")
			q.column = "count(*) FILTER (WHERE observe_" + k + " AND emploi_durable_" + k + ")"
		default:
			k := strings.TrimPrefix(q.name, "nb_emploi_")
			q.column = "count(*) FILTER (WHERE observe_" + k + " AND emploi_" + k + ")"
		}
		p.quants = append(p.quants, q)
	}
	return p
}()

// partnerFunding reads the funding lines the funder pays.
var partnerFunding = func() *partnerSpec {
	p := &partnerSpec{
		table:        "financement_dispositif",
		funderColumn: "code_financeur",
		dims:         []dimCol{colAnnee, colTypeFinanceur, colFinanceur, colDispositif},
		exprs:        []string{"CAST(annee AS VARCHAR)", "type_financeur", "code_financeur", "code_dispositif"},
	}
	for _, q := range fundingQuants() {
		q.column = "sum(" + q.column + ")"
		q.fixedOver = nil // one funder: distinct dossiers add up over schemes and years
		p.quants = append(p.quants, q)
	}
	return p
}()

// runPartner answers a Partner plan: the funder's own rows, summed to the
// requested levels, every figure computed, nothing hidden.
func (c *Catalogue) runPartner(ctx context.Context, db *sql.DB, pl *plan) (*Table, error) {
	spec := pl.src.partner
	var sel, group []string
	for i, e := range spec.exprs {
		sel = append(sel, e)
		group = append(group, fmt.Sprint(i+1))
	}
	for _, q := range spec.quants {
		sel = append(sel, "CAST("+q.column+" AS DOUBLE)")
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + spec.table +
		" WHERE " + spec.funderColumn + " = ? GROUP BY " + strings.Join(group, ", ")
	rs, err := db.QueryContext(ctx, query, pl.q.Funder)
	if err != nil {
		return nil, fmt.Errorf("lecture de %s pour le financeur %s : %w", spec.table, pl.q.Funder, err)
	}
	defer rs.Close()
	var all []string
	for _, dc := range spec.dims {
		all = append(all, dc.dim)
	}
	var rows []prow
	nd, nq := len(spec.dims), len(spec.quants)
	for rs.Next() {
		strs := make([]sql.NullString, nd)
		nums := make([]sql.NullFloat64, nq)
		dst := make([]any, 0, nd+nq)
		for i := range strs {
			dst = append(dst, &strs[i])
		}
		for i := range nums {
			dst = append(dst, &nums[i])
		}
		if err := rs.Scan(dst...); err != nil {
			return nil, err
		}
		r := prow{level: all, coords: make([]string, nd), q: make([]float64, nq)}
		for i, s := range strs {
			r.coords[i] = s.String
			if !s.Valid {
				r.coords[i] = unknown
			}
		}
		for i, n := range nums {
			r.q[i] = n.Float64
		}
		rows = append(rows, r)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	st, err := ReadDataState(ctx, db)
	if err != nil {
		return nil, err
	}
	t := newTable(spec.dims, pl, Partner)
	t.DataDate = st.Date()
	for _, r := range aggregate(spec.dims, spec.quants, all, rows, pl.levels) {
		if !matches(spec.dims, r.coords, pl.q.Filters) {
			continue
		}
		row := Row{}
		for _, d := range pl.q.By {
			row.Values = append(row.Values, dimValue(spec.dims, r.coords, d))
		}
		for _, def := range pl.defs {
			f, ok := def.calc(func(n string) float64 { return r.q[indexOf(spec.quants, n)] })
			switch {
			case !ok:
				row.Values = append(row.Values, nil)
			case def.typ == TypeInteger:
				row.Values = append(row.Values, int64(f))
			default:
				row.Values = append(row.Values, round(f, def.decimals))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	sortRows(t, len(pl.q.By))
	return t, nil
}

// horizons of the partner file: suffix in resultats_dossiers, suffix in the file.
var partnerHorizons = [][2]string{{"0m", "sortie"}, {"3m", "3m"}, {"6m", "6m"}, {"12m", "12m"}}

// PartnerDossiers returns the weekly file of one funder: one row per exit of
// its own dossiers (mart resultats_dossiers), with the situation in the exit
// month and at M+3, M+6 and M+12: observed, employed, durably employed,
// contract family of the best job, its hours, its employer's NAF, and
// multi-employment (O/N; empty when not observed). It holds dossier ids:
// personal data, never to be written under a public folder.
func PartnerDossiers(ctx context.Context, db *sql.DB, funder string) (*Table, error) {
	if !dictionary.Financeurs.Has(funder) {
		return nil, badParam("financeur", "financeur inconnu : %s ; voir la liste des financeurs dans docs/dictionnaire.md", quote(funder))
	}
	t := &Table{Mode: Partner}
	add := func(name, label string, typ ColumnType, decimals int) {
		t.Columns = append(t.Columns, Column{Name: name, Label: label, Type: typ, Decimals: decimals})
	}
	sel := []string{"id_dossier", "code_dispositif", "siret_of", "code_region",
		"strftime(date_entree, '%Y-%m-%d')", "strftime(date_sortie, '%Y-%m-%d')", "motif_sortie", "certification_obtenue"}
	add("id_dossier", "Identifiant du dossier", TypeString, -1)
	add("code_dispositif", "Dispositif", TypeString, -1)
	add("siret_of", "SIRET de l'organisme de formation", TypeString, -1)
	add("code_region", "Région de formation", TypeString, -1)
	add("date_entree", "Date d'entrée", TypeDate, -1)
	add("date_sortie", "Date de sortie", TypeDate, -1)
	add("motif_sortie", "Motif de sortie", TypeString, -1)
	add("certification_obtenue", "Certification obtenue (O/N)", TypeString, -1)
	for _, h := range partnerHorizons {
		k, s := h[0], h[1]
		when := "le mois de sortie"
		if k != "0m" {
			when = "à " + strings.TrimSuffix(k, "m") + " mois"
		}
		sel = append(sel, "observe_"+k, "emploi_"+k, "emploi_durable_"+k, "famille_contrat_"+k,
			"CAST(heures_"+k+" AS DOUBLE)", "code_naf_"+k, "multi_emploi_"+k)
		add("observe_"+s, "Observé "+when+" (DSN couverte, O/N)", TypeBoolean, -1)
		add("emploi_"+s, "En emploi "+when+" (O/N)", TypeBoolean, -1)
		add("emploi_durable_"+s, "En emploi durable "+when+" (O/N)", TypeBoolean, -1)
		add("famille_contrat_"+s, "Famille de contrat du meilleur emploi "+when, TypeString, -1)
		add("heures_"+s, "Heures payées du meilleur emploi "+when, TypeNumber, 2)
		add("code_naf_"+s, "Code NAF de l'employeur du meilleur emploi "+when, TypeString, -1)
		add("multi_emploi_"+s, "Plusieurs emplois "+when+" (O/N)", TypeString, -1)
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM resultats_dossiers WHERE code_financeur = ? ORDER BY date_sortie, id_dossier"
	rs, err := db.QueryContext(ctx, query, funder)
	if err != nil {
		return nil, fmt.Errorf("lecture des résultats par dossier (resultats_dossiers) : %w ; lancez « agora build »", err)
	}
	defer rs.Close()
	n := len(t.Columns)
	for rs.Next() {
		dst := make([]any, n)
		for i, c := range t.Columns {
			switch c.Type {
			case TypeBoolean:
				dst[i] = new(sql.NullBool)
			case TypeNumber:
				dst[i] = new(sql.NullFloat64)
			default:
				dst[i] = new(sql.NullString)
			}
		}
		if err := rs.Scan(dst...); err != nil {
			return nil, err
		}
		row := Row{Values: make([]any, n)}
		for i, d := range dst {
			switch v := d.(type) {
			case *sql.NullBool:
				if v.Valid {
					row.Values[i] = v.Bool
				}
			case *sql.NullFloat64:
				if v.Valid {
					row.Values[i] = v.Float64
				}
			case *sql.NullString:
				if v.Valid {
					row.Values[i] = v.String
				}
			}
		}
		t.Rows = append(t.Rows, row)
	}
	if err := rs.Err(); err != nil {
		return nil, err
	}
	if st, err := ReadDataState(ctx, db); err == nil {
		t.DataDate = st.Date()
	}
	return t, nil
}
