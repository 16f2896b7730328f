package indicators

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/agora-formation/agora/dictionary"
)

// plan is a checked query: the source that answers it and the levels to read.
type plan struct {
	q      Query
	mode   Mode
	src    *source
	defs   []*indicatorDef
	levels [][]string // requested levels, each in source dimension order
	// unserved explains why a source with the right breakdown could not answer.
	unserved string
}

func (c *Catalogue) parseQuery(indicator string, params url.Values) (Query, error) {
	def := c.def(indicator)
	if def == nil {
		return Query{}, c.unknownIndicator(indicator)
	}
	q := Query{Indicators: []string{indicator}, Filters: map[string]string{}}
	admitted := append([]string{"par", "totaux"}, def.Dimensions...)
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		vs := params[k]
		if len(vs) != 1 {
			return Query{}, badParam(k, "paramètre répété : %s ; donnez-le une seule fois", quote(k))
		}
		v := vs[0]
		switch {
		case k == "par" || k == "totaux":
			for _, d := range strings.Split(v, ",") {
				d = strings.TrimSpace(d)
				if !contains(def.Dimensions, d) {
					return Query{}, badParam(k, "dimension inconnue dans « %s » : %q ; dimensions admises pour %s : %s",
						k, d, indicator, strings.Join(def.Dimensions, ", "))
				}
				if k == "par" {
					q.By = append(q.By, d)
				} else {
					q.Totals = append(q.Totals, d)
				}
			}
		case contains(def.Dimensions, k):
			dim, _ := c.Dimension(k)
			if err := dim.Check(v); err != nil {
				return Query{}, err
			}
			q.Filters[k] = v
		default:
			return Query{}, badParam(k, "paramètre inconnu : %q ; paramètres admis : %s", k, strings.Join(admitted, ", "))
		}
	}
	return q, nil
}

func (c *Catalogue) unknownIndicator(id string) error {
	ids := make([]string, len(c.indicators))
	for i, in := range c.indicators {
		ids[i] = in.ID
	}
	return &ParamError{Param: "indicateur", kind: ErrUnknownIndicator,
		Message: "indicateur inconnu : " + quote(id) + " ; indicateurs disponibles : " + strings.Join(ids, ", ")}
}

func quote(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return "« " + strings.ToValidUTF8(s, "?") + " »"
}

func (c *Catalogue) plan(q Query, mode Mode) (*plan, error) {
	if len(q.Indicators) == 0 {
		return nil, badParam("indicateur", "aucun indicateur demandé")
	}
	p := &plan{q: q, mode: mode}
	for _, id := range q.Indicators {
		d := c.def(id)
		if d == nil {
			return nil, c.unknownIndicator(id)
		}
		p.defs = append(p.defs, d)
	}
	seen := map[string]bool{}
	for _, d := range q.By {
		if _, ok := c.Dimension(d); !ok {
			return nil, badParam("par", "dimension inconnue : %s ; dimensions : %s", quote(d), strings.Join(c.dimensionIDs(), ", "))
		}
		if seen[d] {
			return nil, badParam("par", "dimension répétée dans « par » : %s", d)
		}
		seen[d] = true
	}
	for _, d := range q.Totals {
		if !seen[d] {
			return nil, badParam("totaux", "« totaux » ne peut citer que des dimensions de « par » : %s n'y est pas", quote(d))
		}
	}
	filters := map[string]string{}
	for k, v := range q.Filters {
		dim, ok := c.Dimension(k)
		if !ok {
			return nil, badParam(k, "paramètre inconnu : %s ; dimensions : %s", quote(k), strings.Join(c.dimensionIDs(), ", "))
		}
		if err := dim.Check(v); err != nil {
			return nil, err
		}
		if seen[k] {
			return nil, badParam(k, "la dimension %s est à la fois ventilée (« par ») et filtrée : choisissez l'un ou l'autre", k)
		}
		filters[k] = v
	}
	if mode == Partner {
		if !dictionary.Financeurs.Has(q.Funder) {
			return nil, badParam("financeur", "financeur partenaire inconnu : %s", quote(q.Funder))
		}
		if f, ok := filters[dimFinanceur]; ok && f != q.Funder {
			return nil, &ParamError{Param: dimFinanceur, kind: ErrForbidden,
				Message: "accès refusé : les données du financeur " + f + " ne sont pas les vôtres"}
		}
		filters[dimFinanceur] = q.Funder
	}
	p.q.Filters = filters
	for _, s := range c.sources {
		if levels, ok := c.fits(s, p, mode); ok {
			p.src, p.levels = s, levels
			return p, nil
		}
	}
	return nil, c.noBreakdown(p, mode)
}

func (c *Catalogue) dimensionIDs() []string {
	ids := make([]string, len(c.dimensions))
	for i, d := range c.dimensions {
		ids[i] = d.ID
	}
	return ids
}

// fits returns the levels of s answering p, if s can.
func (c *Catalogue) fits(s *source, p *plan, mode Mode) ([][]string, bool) {
	dims := s.dims
	if mode == Partner {
		if s.partner == nil {
			return nil, false
		}
		dims = s.partner.dims
	}
	has := func(d string) bool {
		return slices.ContainsFunc(dims, func(x dimCol) bool { return x.dim == d })
	}
	for _, d := range p.defs {
		if _, ok := s.offers[d.ID]; !ok {
			return nil, false
		}
		if mode == Partner && d.calc == nil {
			return nil, false
		}
	}
	base := map[string]bool{}
	for _, d := range p.q.By {
		base[d] = true
	}
	for d := range p.q.Filters {
		base[d] = true
	}
	var out [][]string
	for mask := 0; mask < 1<<len(p.q.Totals); mask++ {
		set := map[string]bool{}
		for d := range base {
			set[d] = true
		}
		for i, t := range p.q.Totals {
			if mask&(1<<i) != 0 {
				delete(set, t)
			}
		}
		for d := range set {
			if im, ok := s.implied[d]; ok {
				set[im] = true
			}
		}
		var level []string
		for _, dc := range dims {
			if set[dc.dim] {
				level = append(level, dc.dim)
			}
		}
		if len(level) != len(set) {
			return nil, false // a dimension the source does not have
		}
		for d := range set {
			if !has(d) {
				return nil, false
			}
		}
		if mode == Public {
			mart := slices.ContainsFunc(s.levels, func(l []string) bool { return slices.Equal(l, level) })
			if !mart && !slices.ContainsFunc(s.computed, func(l []string) bool { return slices.Equal(l, level) }) {
				return nil, false
			}
			for _, d := range p.defs {
				if !s.serves(d, level, mart) {
					if p.unserved == "" {
						p.unserved = s.unservedReason(d, level)
					}
					return nil, false
				}
			}
		} else {
			for _, d := range p.defs {
				for _, n := range d.needs {
					q := s.partner.quantity(n)
					if q == nil || !carried(q, level, s.partner.dims) {
						return nil, false
					}
				}
			}
		}
		out = append(out, level)
	}
	return out, true
}

// serves reports whether the source publishes an indicator at a level: read
// from the mart, or computed from quantities the level carries.
func (s *source) serves(d *indicatorDef, level []string, mart bool) bool {
	if mart && s.offers[d.ID] != "" {
		return true
	}
	if d.calc == nil {
		return false
	}
	for _, n := range d.needs {
		q := s.quantity(n)
		if q == nil || !carried(q, level, s.dims) {
			return false
		}
	}
	return true
}

// carried reports whether a quantity adds up to a level: it does unless the
// level sums over a dimension the quantity is fixed over.
func carried(q *quantity, level []string, dims []dimCol) bool {
	for _, d := range q.fixedOver {
		if slices.ContainsFunc(dims, func(x dimCol) bool { return x.dim == d }) && !contains(level, d) {
			return false
		}
	}
	return true
}

// noBreakdown explains, in French, which breakdowns the indicators have.
//
// A level of a mart whose year is the exit year is named with annee_sortie
// when an indicator of p has annee for the year of commitment (and no mart by
// year of commitment has that level): that is how it must be asked.
func (c *Catalogue) noBreakdown(p *plan, mode Mode) error {
	var opts []string
	byExit := slices.ContainsFunc(p.defs, func(d *indicatorDef) bool { return d.byExitYear })
	exitLevel, commitmentLevel := map[string]bool{}, map[string]bool{}
	for _, s := range c.sources {
		if mode == Partner && s.partner == nil {
			continue
		}
		ok := true
		for _, d := range p.defs {
			if _, has := s.offers[d.ID]; !has {
				ok = false
			}
		}
		if !ok {
			continue
		}
		if mode == Partner {
			var ds []string
			for _, dc := range s.partner.dims {
				ds = append(ds, dc.dim)
			}
			opts = append(opts, "toute combinaison de "+strings.Join(ds, ", "))
			continue
		}
		for _, l := range s.levelsAll() {
			mart := levelIn(l, s.levels)
			if slices.ContainsFunc(p.defs, func(d *indicatorDef) bool { return !s.serves(d, l, mart) }) {
				continue // distinct dossiers summed over funders, for instance
			}
			var shown []string
			for _, d := range l {
				if s.implied[dimFinanceur] == d && contains(l, dimFinanceur) {
					continue
				}
				shown = append(shown, d)
			}
			name := strings.Join(shown, "+")
			opts = append(opts, name)
			if byExit && exitYear(s.dims) {
				exitLevel[name] = true
			} else {
				commitmentLevel[name] = true
			}
		}
	}
	for i, o := range opts {
		if exitLevel[o] && !commitmentLevel[o] {
			ds := strings.Split(o, "+")
			for j := range ds {
				if ds[j] == dimAnnee {
					ds[j] = dimAnneeSortie
				}
			}
			opts[i] = strings.Join(ds, "+")
		}
	}
	ids := make([]string, len(p.defs))
	for i, d := range p.defs {
		ids[i] = d.ID
	}
	if p.unserved != "" {
		return badParam("par", "%s", p.unserved)
	}
	if len(opts) == 0 {
		return badParam("indicateur", "ventilation non disponible : les indicateurs %s ne sont pas publiés ensemble en mode %s", strings.Join(ids, ", "), mode)
	}
	return badParam("par", "ventilation non disponible pour %s ; ventilations possibles (dimensions de « par » et des filtres) : %s",
		strings.Join(ids, ", "), strings.Join(dedupe(opts), " ; "))
}

func dedupe(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// unservedReason explains in French why an indicator is not published at a
// level of a source whose breakdown fits.
func (s *source) unservedReason(d *indicatorDef, level []string) string {
	for _, n := range d.needs {
		q := s.quantity(n)
		if q == nil {
			continue
		}
		for _, f := range q.fixedOver {
			if s.dimIndex(f) >= 0 && !contains(level, f) {
				return "l'indicateur " + d.ID + " n'est disponible que ventilé ou filtré par " + f +
					" : un dossier cofinancé compte pour chacun de ses financeurs, ces nombres ne s'additionnent pas entre financeurs"
			}
		}
	}
	return "l'indicateur " + d.ID + " n'est pas publié au niveau (" + strings.Join(level, ", ") + ") de " + s.table
}
