package indicators

import (
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

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
	st, err := ReadDataState(ctx, db)
	if err != nil {
		return nil, err
	}
	rows, err := c.partners.rows(ctx, db, st.key(), spec, pl.q.Funder)
	if err != nil {
		return nil, err
	}
	var all []string
	for _, dc := range spec.dims {
		all = append(all, dc.dim)
	}
	if len(pl.q.Filters) > 0 {
		// Only rows matching the filters add up to rows that match them (the
		// levels keep the filtered dimensions): sum those alone. The rows are
		// shared, so the kept ones go to a new slice.
		var kept []prow
		for _, r := range rows {
			if matches(spec.dims, r.coords, pl.q.Filters) {
				kept = append(kept, r)
			}
		}
		rows = kept
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

// partnerCache keeps, for one state of one warehouse, each funder's rows of
// each partner source at the finest level (one GROUP BY over the funder's
// dossiers, or over every funder's at once in PreparePartners). Every partner
// query of that funder on that source is then summed from them in memory,
// instead of reading the mart again: a server answering many breakdowns for
// the same funder reads the mart once per funder, or not at all. It is
// dropped as a whole when the warehouse or its state changes; it holds at
// most maxPartnerCachedRows rows (beyond, rows are read per query).
type partnerCache struct {
	mu      sync.Mutex
	db      *sql.DB
	key     string // DataState.key of db
	entries map[partnerKey]*partnerEntry
	size    int // rows held
	gen     int // incremented when the cache is dropped
}

type partnerKey struct {
	spec   *partnerSpec
	funder string
}

// partnerEntry is one funder's rows, computed once however many queries ask
// for them at the same time.
type partnerEntry struct {
	done chan struct{}
	rows []prow
	err  error
}

// maxPartnerCachedRows bounds the partner cache: about 500 bytes a row, so
// 250 MB at most (the 1M-exit synthetic warehouse needs 45,855 rows).
const maxPartnerCachedRows = 500_000

// use drops the cache unless it holds rows of db in state key. pc.mu is held.
func (pc *partnerCache) use(db *sql.DB, key string) {
	if pc.db != db || pc.key != key {
		pc.db, pc.key, pc.entries, pc.size = db, key, map[partnerKey]*partnerEntry{}, 0
		pc.gen++
	}
}

// rows returns funder's rows of spec for the warehouse db in state key. The
// rows are shared: callers must not modify them.
func (pc *partnerCache) rows(ctx context.Context, db *sql.DB, key string, spec *partnerSpec, funder string) ([]prow, error) {
	k := partnerKey{spec, funder}
	pc.mu.Lock()
	pc.use(db, key)
	if e, ok := pc.entries[k]; ok {
		pc.mu.Unlock()
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err == nil {
			return e.rows, nil
		}
		// The computation failed (perhaps its request was cancelled): read again.
		byFunder, err := readPartnerRows(ctx, db, spec, funder)
		return byFunder[funder], err
	}
	e := &partnerEntry{done: make(chan struct{})}
	pc.entries[k] = e
	gen := pc.gen
	pc.mu.Unlock()

	byFunder, err := readPartnerRows(ctx, db, spec, funder)
	e.rows, e.err = byFunder[funder], err
	pc.mu.Lock()
	if pc.gen == gen { // else dropped meanwhile (new state): nothing to account for
		if e.err != nil || pc.size+len(e.rows) > maxPartnerCachedRows {
			delete(pc.entries, k)
		} else {
			pc.size += len(e.rows)
		}
	}
	pc.mu.Unlock()
	close(e.done)
	return e.rows, e.err
}

// PreparePartners reads, for every funder at once, the rows partner queries
// are summed from (one GROUP BY per partner source over the whole mart), and
// keeps them for the state of db, as many as maxPartnerCachedRows allows: the
// first partner query of each funder then reads nothing from the warehouse.
// Servers call it when they open a new warehouse, with Prepare.
func (c *Catalogue) PreparePartners(ctx context.Context, db *sql.DB) error {
	st, err := ReadDataState(ctx, db)
	if err != nil {
		return err
	}
	seen := map[*partnerSpec]bool{}
	for _, src := range c.sources {
		spec := src.partner
		if spec == nil || seen[spec] {
			continue
		}
		seen[spec] = true
		byFunder, err := readPartnerRows(ctx, db, spec, "")
		if err != nil {
			return err
		}
		c.partners.keep(db, st.key(), spec, byFunder)
	}
	return nil
}

// keep stores rows read ahead for db in state key, funder by funder, while
// they fit.
func (pc *partnerCache) keep(db *sql.DB, key string, spec *partnerSpec, byFunder map[string][]prow) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	pc.use(db, key)
	funders := slices.Sorted(maps.Keys(byFunder))
	for _, f := range funders {
		k := partnerKey{spec, f}
		if _, ok := pc.entries[k]; ok || pc.size+len(byFunder[f]) > maxPartnerCachedRows {
			continue
		}
		done := make(chan struct{})
		close(done)
		pc.entries[k] = &partnerEntry{done: done, rows: byFunder[f]}
		pc.size += len(byFunder[f])
	}
}

// readPartnerRows reads the rows of spec grouped by every dimension of the
// source, with their quantities, by funder: funder's only, or every funder's
// when funder is empty.
func readPartnerRows(ctx context.Context, db *sql.DB, spec *partnerSpec, funder string) (map[string][]prow, error) {
	sel := []string{spec.funderColumn}
	group := []string{"1"}
	for i, e := range spec.exprs {
		sel = append(sel, e)
		group = append(group, fmt.Sprint(i+2))
	}
	for _, q := range spec.quants {
		sel = append(sel, "CAST("+q.column+" AS DOUBLE)")
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + spec.table
	var args []any
	if funder != "" {
		query += " WHERE " + spec.funderColumn + " = ?"
		args = append(args, funder)
	}
	query += " GROUP BY " + strings.Join(group, ", ")
	rs, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		if funder == "" {
			return nil, fmt.Errorf("lecture de %s : %w", spec.table, err)
		}
		return nil, fmt.Errorf("lecture de %s pour le financeur %s : %w", spec.table, funder, err)
	}
	defer rs.Close()
	var all []string
	for _, dc := range spec.dims {
		all = append(all, dc.dim)
	}
	out := map[string][]prow{}
	nd, nq := len(spec.dims), len(spec.quants)
	var owner sql.NullString
	strs := make([]sql.NullString, nd)
	nums := make([]sql.NullFloat64, nq)
	dst := make([]any, 0, 1+nd+nq)
	dst = append(dst, &owner)
	for i := range strs {
		dst = append(dst, &strs[i])
	}
	for i := range nums {
		dst = append(dst, &nums[i])
	}
	for rs.Next() {
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
		out[owner.String] = append(out[owner.String], r)
	}
	return out, rs.Err()
}

// horizons of the partner file: suffix in resultats_dossiers, suffix in the file.
var partnerHorizons = [][2]string{{"0m", "sortie"}, {"3m", "3m"}, {"6m", "6m"}, {"12m", "12m"}}

// PartnerDossiers returns the weekly file of one funder: one row per exit of
// its own dossiers (mart resultats_dossiers), with the situation in the exit
// month and at M+3, M+6 and M+12: observed, employed, durably employed,
// contract family of the best job, its hours, its employer's NAF, and
// multi-employment (O/N; empty when not observed). It holds dossier ids:
// personal data, never to be written under a public folder.
//
// The whole file is held in memory; OpenPartnerDossiers reads it row by row.
func PartnerDossiers(ctx context.Context, db *sql.DB, funder string) (*Table, error) {
	f, err := OpenPartnerDossiers(ctx, db, funder)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t := &Table{Columns: f.Columns, DataDate: f.DataDate, Mode: Partner}
	for f.Next() {
		t.Rows = append(t.Rows, Row{Values: slices.Clone(f.Row().Values)})
	}
	return t, f.Err()
}

// DossierFile is the weekly file of one funder (see PartnerDossiers) being
// read from the warehouse, one row at a time: its memory does not grow with
// the number of rows. Write it with WriteCSV or WriteJSON, or read it with
// Next and Row; Close it.
type DossierFile struct {
	// Columns of the file and the date of the data (empty when etat_donnees
	// cannot be read).
	Columns  []Column
	DataDate string

	rs  *sql.Rows
	dst []any // scan targets, one per column, reused
	row Row   // the current row, reused
	err error
}

// OpenPartnerDossiers runs the query of funder's weekly file and returns it,
// ready to be read row by row.
func OpenPartnerDossiers(ctx context.Context, db *sql.DB, funder string) (*DossierFile, error) {
	if !dictionary.Financeurs.Has(funder) {
		return nil, badParam("financeur", "financeur inconnu : %s ; voir la liste des financeurs dans docs/dictionnaire.md", quote(funder))
	}
	f := &DossierFile{}
	add := func(name, label string, typ ColumnType, decimals int) {
		f.Columns = append(f.Columns, Column{Name: name, Label: label, Type: typ, Decimals: decimals})
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
	if st, err := ReadDataState(ctx, db); err == nil {
		f.DataDate = st.Date()
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM resultats_dossiers WHERE code_financeur = ? ORDER BY date_sortie, id_dossier"
	rs, err := db.QueryContext(ctx, query, funder)
	if err != nil {
		return nil, fmt.Errorf("lecture des résultats par dossier (resultats_dossiers) : %w ; lancez « agora build »", err)
	}
	f.rs = rs
	f.dst = make([]any, len(f.Columns))
	for i, c := range f.Columns {
		switch c.Type {
		case TypeBoolean:
			f.dst[i] = new(sql.NullBool)
		case TypeNumber:
			f.dst[i] = new(sql.NullFloat64)
		default:
			f.dst[i] = new(sql.NullString)
		}
	}
	f.row.Values = make([]any, len(f.Columns))
	return f, nil
}

// Next reads the next row; it returns false at the end or on an error (Err).
func (f *DossierFile) Next() bool {
	if f.err != nil || !f.rs.Next() {
		return false
	}
	if f.err = f.rs.Scan(f.dst...); f.err != nil {
		return false
	}
	for i, d := range f.dst {
		var v any
		switch d := d.(type) {
		case *sql.NullBool:
			if d.Valid {
				v = d.Bool
			}
		case *sql.NullFloat64:
			if d.Valid {
				v = d.Float64
			}
		case *sql.NullString:
			if d.Valid {
				v = d.String
			}
		}
		f.row.Values[i] = v
	}
	return true
}

// Row returns the current row. Its Values are overwritten by the next call of
// Next: clone them to keep them.
func (f *DossierFile) Row() Row { return f.row }

// Err returns the error that ended the reading, if any.
func (f *DossierFile) Err() error {
	if f.err != nil {
		return f.err
	}
	return f.rs.Err()
}

// Close releases the query.
func (f *DossierFile) Close() error { return f.rs.Close() }

// WriteCSV writes the remaining rows of the file as CSV, header first, exactly
// as (*Table).WriteCSV writes the same rows held in a Table.
func (f *DossierFile) WriteCSV(w io.Writer, sep rune) error {
	cw := csv.NewWriter(w)
	cw.Comma = sep
	rec := make([]string, len(f.Columns))
	for i, c := range f.Columns {
		rec[i] = c.Name
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for f.Next() {
		for i, c := range f.Columns {
			rec[i] = formatValue(f.row.Values[i], c.Decimals)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return f.Err()
}

// WriteJSON writes the remaining rows of the file as JSON, byte for byte as
// (*Table).MarshalJSON writes the same rows held in a Table: the row objects'
// keys in sorted order, numbers with their column's decimals.
func (f *DossierFile) WriteJSON(w io.Writer) error {
	head, err := json.Marshal(struct {
		DataDate string   `json:"date_donnees"`
		Mode     string   `json:"mode"`
		Columns  []Column `json:"colonnes"`
	}{f.DataDate, Partner.String(), f.Columns})
	if err != nil {
		return err
	}
	// Keys of a row object in sorted order, as encoding/json writes a map.
	order := make([]int, len(f.Columns))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(f.Columns[a].Name, f.Columns[b].Name) })
	keys := make([][]byte, len(f.Columns))
	for _, i := range order {
		keys[i] = append(appendJSONString(nil, f.Columns[i].Name), ':')
	}
	buf := append(head[:len(head)-1], `,"lignes":[`...)
	first := true
	for f.Next() {
		if !first {
			buf = append(buf, ',')
		}
		first = false
		for n, i := range order {
			if n == 0 {
				buf = append(buf, '{')
			} else {
				buf = append(buf, ',')
			}
			buf = append(buf, keys[i]...)
			if buf, err = appendJSONValue(buf, f.row.Values[i], f.Columns[i].Decimals); err != nil {
				return err
			}
		}
		if len(order) == 0 {
			buf = append(buf, '{')
		}
		buf = append(buf, '}')
		if len(buf) >= 32<<10 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	buf = append(buf, "]}"...)
	_, err = w.Write(buf)
	return err
}

// appendJSONValue appends v as encoding/json writes it in (*Table).MarshalJSON.
func appendJSONValue(buf []byte, v any, decimals int) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(buf, "null"...), nil
	case bool:
		return strconv.AppendBool(buf, x), nil
	case string:
		return appendJSONString(buf, x), nil
	case int64:
		return strconv.AppendInt(buf, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(buf, "null"...), nil
		}
		if decimals >= 0 {
			return append(buf, formatValue(x, decimals)...), nil
		}
	}
	b, err := json.Marshal(v)
	return append(buf, b...), err
}

// appendJSONString appends s quoted as encoding/json quotes it: plain ASCII
// directly, anything else (escapes, HTML characters, non-ASCII) by
// encoding/json itself.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s) // a string always marshals
			return append(buf, b...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
