package opendata

import (
	"fmt"
	"math/big"
	"sort"
	"strings"
	"testing"

	"github.com/agora-formation/agora/dictionary"
)

// The attacker of the published files: it knows how the files add up (national
// rows are sums of regions, a year is the sum of its organisations, of its
// quarters, of its months…), takes every published value as known, turns each
// published rate into its numerator (rate × denominator, exact at one decimal
// for the sizes of the fixture), and solves the linear system over the
// rationals. It must not recover a single hidden value.

type ref struct{ file, key, col string }

func (r ref) String() string { return r.file + "[" + r.key + "]." + r.col }

type attacker struct {
	t      *testing.T
	files  map[string]map[string]map[string]string // file -> key -> column -> text
	keys   map[string][]string                     // file -> keys in order
	hidden map[ref]bool
	eqs    [][2][]ref // left = right
}

// load reads a file, keyed by its first n columns joined with "|".
func (a *attacker) load(name string, n int) {
	recs := readCSV(a.t, name+".csv")
	m := map[string]map[string]string{}
	for _, r := range recs[1:] {
		k := strings.Join(r[:n], "|")
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		m[k] = row
		a.keys[name] = append(a.keys[name], k)
	}
	a.files[name] = m
}

// derive adds a numerator column from a published rate and its denominator.
func (a *attacker) derive(file, col, rate, den string) {
	for _, row := range a.files[file] {
		if row[rate] == "" || row[den] == "" {
			row[col] = ""
			continue
		}
		r, _ := new(big.Rat).SetString(row[rate])
		d, _ := new(big.Rat).SetString(row[den])
		x, _ := new(big.Rat).Mul(r, d).Float64()
		row[col] = fmt.Sprint(int64(x/100 + 0.5))
	}
}

func (a *attacker) eq(left, right []ref) { a.eqs = append(a.eqs, [2][]ref{left, right}) }

// sum declares total = sum of the rows of file whose key matches parts (a
// function of the key) for the given columns.
func (a *attacker) margin(totalFile, totalKey, partFile string, match func(k []string) bool, cols ...string) {
	if _, ok := a.files[totalFile][totalKey]; !ok {
		return
	}
	var keys []string
	for _, k := range a.keys[partFile] {
		if match(strings.Split(k, "|")) {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	for _, c := range cols {
		var parts []ref
		for _, k := range keys {
			parts = append(parts, ref{partFile, k, c})
		}
		a.eq([]ref{{totalFile, totalKey, c}}, parts)
	}
}

// solve returns the hidden cells the equations determine.
func (a *attacker) solve() []ref {
	index := map[ref]int{}
	var vars []ref
	type row struct {
		coef map[int]*big.Rat
	}
	var rows []row
	for _, e := range a.eqs {
		r := row{coef: map[int]*big.Rat{}}
		for side, refs := range e {
			sign := int64(1)
			if side == 1 {
				sign = -1
			}
			for _, x := range refs {
				v := a.files[x.file][x.key][x.col]
				if v != "" {
					continue // known: moves to the constant side
				}
				i, ok := index[x]
				if !ok {
					i = len(vars)
					index[x] = i
					vars = append(vars, x)
				}
				if r.coef[i] == nil {
					r.coef[i] = new(big.Rat)
				}
				r.coef[i].Add(r.coef[i], big.NewRat(sign, 1))
			}
		}
		rows = append(rows, r)
	}
	n := len(vars)
	m := make([][]*big.Rat, len(rows))
	for i, r := range rows {
		m[i] = make([]*big.Rat, n)
		for j := range m[i] {
			m[i][j] = new(big.Rat)
		}
		for j, c := range r.coef {
			m[i][j].Set(c)
		}
	}
	var pivots []int
	rk := 0
	for c := 0; c < n && rk < len(m); c++ {
		p := -1
		for i := rk; i < len(m); i++ {
			if m[i][c].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		m[rk], m[p] = m[p], m[rk]
		inv := new(big.Rat).Inv(m[rk][c])
		for j := c; j < n; j++ {
			m[rk][j].Mul(m[rk][j], inv)
		}
		for i := range m {
			if i != rk && m[i][c].Sign() != 0 {
				f := new(big.Rat).Set(m[i][c])
				for j := c; j < n; j++ {
					if m[rk][j].Sign() != 0 {
						m[i][j].Sub(m[i][j], new(big.Rat).Mul(f, m[rk][j]))
					}
				}
			}
		}
		pivots = append(pivots, c)
		rk++
	}
	isPivot := map[int]bool{}
	for _, c := range pivots {
		isPivot[c] = true
	}
	var out []ref
	for i, c := range pivots {
		alone := true
		for j := 0; j < n; j++ {
			if j != c && !isPivot[j] && m[i][j].Sign() != 0 {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, vars[c])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func TestNoHiddenValueRecomputable(t *testing.T) {
	a := &attacker{t: t, files: map[string]map[string]map[string]string{}, keys: map[string][]string{}}
	a.load("insertion_dispositif_region", 3)
	a.load("insertion_sexe_age", 3)
	a.load("insertion_organisme", 2)
	a.load("insertion_financeur", 3)
	a.load("insertion_trimestre", 3)
	a.load("insertion_certification", 3)
	a.load("avant_apres", 3)
	a.load("flux_mensuels", 3)
	a.load("financement_dispositif", 3)
	a.load("cout_domaine_nsf", 3)
	a.load("coherence_formation_emploi", 3)
	for _, f := range []string{"insertion_dispositif_region", "insertion_sexe_age", "insertion_financeur", "insertion_trimestre", "insertion_certification"} {
		a.derive(f, "nb_emploi_durable_6m", "taux_emploi_durable_6m", "nb_observes_6m")
		a.derive(f, "nb_emploi_12m", "taux_emploi_12m", "nb_observes_12m")
		a.derive(f, "nb_emploi_durable_12m", "taux_emploi_durable_12m", "nb_observes_12m")
	}
	a.derive("insertion_organisme", "nb_emploi_6m", "taux_emploi_6m", "nb_observes_6m")
	a.derive("avant_apres", "nb_emploi_avant", "taux_emploi_avant", "nb_observes_avant_apres")

	block := []string{"nb_sortants", "nb_observes_6m", "nb_emploi_6m", "nb_emploi_durable_6m", "nb_observes_12m", "nb_emploi_12m", "nb_emploi_durable_12m"}
	var years []string
	for _, k := range a.keys["insertion_sexe_age"] {
		if p := strings.Split(k, "|"); p[1] == "" && p[2] == "" {
			years = append(years, p[0])
		}
	}
	for _, y := range years {
		yk := y + "||"
		// Scheme × region, national rows.
		for _, k := range a.keys["insertion_dispositif_region"] {
			p := strings.Split(k, "|")
			if p[0] == y && p[2] == "" {
				a.margin("insertion_dispositif_region", k, "insertion_dispositif_region", func(q []string) bool { return q[0] == y && q[1] == p[1] && q[2] != "" }, block...)
			}
		}
		// The year: sum of the schemes' national rows, of organisations, of funder types, of quarters, of certifications.
		a.margin("insertion_sexe_age", yk, "insertion_dispositif_region", func(q []string) bool { return q[0] == y && q[2] == "" }, block...)
		a.margin("insertion_sexe_age", yk, "insertion_organisme", func(q []string) bool { return q[0] == y }, "nb_sortants", "nb_observes_6m", "nb_emploi_6m")
		a.margin("insertion_sexe_age", yk, "insertion_financeur", func(q []string) bool { return q[0] == y && q[2] == "" }, block...)
		a.margin("insertion_sexe_age", yk, "insertion_trimestre", func(q []string) bool { return q[0] == y && q[2] == "" }, block...)
		a.margin("insertion_sexe_age", yk, "insertion_certification", func(q []string) bool { return q[0] == y && q[1] == "" }, block...)
		// Sex × age margins.
		for _, k := range a.keys["insertion_sexe_age"] {
			p := strings.Split(k, "|")
			switch {
			case p[0] != y:
			case p[1] != "" && p[2] == "":
				a.margin("insertion_sexe_age", k, "insertion_sexe_age", func(q []string) bool { return q[0] == y && q[1] == p[1] && q[2] != "" }, block...)
			case p[1] == "" && p[2] != "":
				a.margin("insertion_sexe_age", k, "insertion_sexe_age", func(q []string) bool { return q[0] == y && q[2] == p[2] && q[1] != "" }, block...)
			case p[1] == "" && p[2] == "":
				a.margin("insertion_sexe_age", k, "insertion_sexe_age", func(q []string) bool { return q[0] == y && q[1] != "" && q[2] == "" }, block...)
				a.margin("insertion_sexe_age", k, "insertion_sexe_age", func(q []string) bool { return q[0] == y && q[1] == "" && q[2] != "" }, block...)
			}
		}
		// Funder types.
		for _, k := range a.keys["insertion_financeur"] {
			if p := strings.Split(k, "|"); p[0] == y && p[2] == "" {
				a.margin("insertion_financeur", k, "insertion_financeur", func(q []string) bool { return q[0] == y && q[1] == p[1] && q[2] != "" }, block...)
			}
		}
		// Quarters × schemes, and schemes' years by quarter.
		for _, k := range a.keys["insertion_trimestre"] {
			if p := strings.Split(k, "|"); p[0] == y && p[2] == "" {
				a.margin("insertion_trimestre", k, "insertion_trimestre", func(q []string) bool { return q[0] == y && q[1] == p[1] && q[2] != "" }, block...)
			}
		}
		for _, k := range a.keys["insertion_dispositif_region"] {
			if p := strings.Split(k, "|"); p[0] == y && p[2] == "" {
				a.margin("insertion_dispositif_region", k, "insertion_trimestre", func(q []string) bool { return q[0] == y && q[2] == p[1] }, block...)
				a.margin("insertion_dispositif_region", k, "insertion_certification", func(q []string) bool { return q[0] == y && q[1] == p[1] }, block...)
			}
		}
		// Certification × scheme.
		for _, k := range a.keys["insertion_certification"] {
			if p := strings.Split(k, "|"); p[0] == y && p[1] == "" {
				a.margin("insertion_certification", k, "insertion_certification", func(q []string) bool { return q[0] == y && q[2] == p[2] && q[1] != "" }, block...)
			}
		}
		// Before/after margins.
		aa := []string{"nb_observes_avant_apres", "nb_emploi_avant", "nb_emploi_apres_6m"}
		for _, k := range a.keys["avant_apres"] {
			p := strings.Split(k, "|")
			if p[0] != y {
				continue
			}
			if p[2] == "" {
				a.margin("avant_apres", k, "avant_apres", func(q []string) bool { return q[0] == y && q[1] == p[1] && q[2] != "" }, aa...)
			}
			if p[1] == "" {
				a.margin("avant_apres", k, "avant_apres", func(q []string) bool { return q[0] == y && q[2] == p[2] && q[1] != "" }, aa...)
			}
		}
		// Coherence: margins, and employed at 6 months = with + without correspondence.
		co := []string{"nb_emploi_6m_correspondance", "nb_emploi_coherent_6m", "nb_emploi_6m_hors_correspondance"}
		for _, k := range a.keys["coherence_formation_emploi"] {
			p := strings.Split(k, "|")
			if p[0] != y {
				continue
			}
			if p[2] == "" {
				a.margin("coherence_formation_emploi", k, "coherence_formation_emploi", func(q []string) bool { return q[0] == y && q[1] == p[1] && q[2] != "" }, co...)
				total := ref{"insertion_dispositif_region", y + "|" + p[1] + "|", "nb_emploi_6m"}
				if p[1] == "" {
					total = ref{"insertion_sexe_age", yk, "nb_emploi_6m"}
				}
				a.eq([]ref{total}, []ref{{"coherence_formation_emploi", k, "nb_emploi_6m_correspondance"}, {"coherence_formation_emploi", k, "nb_emploi_6m_hors_correspondance"}})
			}
			if p[1] == "" {
				a.margin("coherence_formation_emploi", k, "coherence_formation_emploi", func(q []string) bool { return q[0] == y && q[2] == p[2] && q[1] != "" }, co...)
			}
		}
		// Monthly exits add up to the year, for each scheme and region.
		for _, k := range a.keys["insertion_dispositif_region"] {
			p := strings.Split(k, "|")
			if p[0] != y {
				continue
			}
			var parts []ref
			for _, fk := range a.keys["flux_mensuels"] {
				q := strings.Split(fk, "|")
				if strings.HasPrefix(q[0], y+"-") && q[1] == p[1] && q[2] == p[2] {
					parts = append(parts, ref{"flux_mensuels", fk, "nb_sorties"})
				}
			}
			if len(parts) > 0 {
				a.eq([]ref{{"insertion_dispositif_region", k, "nb_sortants"}}, parts)
			}
		}
		// Funding: by funder type, the NSF domains add up to the funders' lines.
		for _, tf := range []string{dictionary.FunderRegion, dictionary.FunderFranceTravail, dictionary.FunderCDC} {
			var left, right []ref
			for _, k := range a.keys["cout_domaine_nsf"] {
				if q := strings.Split(k, "|"); q[0] == y && q[2] == tf {
					left = append(left, ref{"cout_domaine_nsf", k, "montant_engage"})
				}
			}
			for _, k := range a.keys["financement_dispositif"] {
				q := strings.Split(k, "|")
				if c, _ := dictionary.Financeurs.Lookup(q[1]); q[0] == y && c.Group == tf {
					right = append(right, ref{"financement_dispositif", k, "montant_engage"})
				}
			}
			if len(left) > 0 && len(right) > 0 {
				a.eq(left, right)
			}
		}
	}
	// Flows: regions add up to the scheme, schemes to the month; stocks follow flows.
	fl := []string{"nb_entrees", "nb_sorties", "nb_en_formation"}
	for _, k := range a.keys["flux_mensuels"] {
		p := strings.Split(k, "|")
		switch {
		case p[1] != "" && p[2] == "":
			a.margin("flux_mensuels", k, "flux_mensuels", func(q []string) bool { return q[0] == p[0] && q[1] == p[1] && q[2] != "" }, fl...)
		case p[1] == "" && p[2] == "":
			a.margin("flux_mensuels", k, "flux_mensuels", func(q []string) bool { return q[0] == p[0] && q[1] != "" && q[2] == "" }, fl...)
		}
	}
	series := map[string][]string{}
	for _, k := range a.keys["flux_mensuels"] {
		p := strings.SplitN(k, "|", 2)
		series[p[1]] = append(series[p[1]], p[0])
	}
	for s, months := range series {
		sort.Strings(months)
		for i, m := range months {
			cur := m + "|" + s
			if i == 0 {
				a.eq([]ref{{"flux_mensuels", cur, "nb_en_formation"}, {"flux_mensuels", cur, "nb_sorties"}}, []ref{{"flux_mensuels", cur, "nb_entrees"}})
				continue
			}
			prev := months[i-1] + "|" + s
			a.eq([]ref{{"flux_mensuels", cur, "nb_en_formation"}, {"flux_mensuels", cur, "nb_sorties"}},
				[]ref{{"flux_mensuels", prev, "nb_en_formation"}, {"flux_mensuels", cur, "nb_entrees"}})
		}
	}

	if len(a.eqs) < 200 {
		t.Fatalf("only %d equations: the attack is not wired", len(a.eqs))
	}
	if got := a.solve(); len(got) > 0 {
		t.Errorf("%d hidden values recomputable from the published files, e.g. %v", len(got), got[:min(len(got), 10)])
	}
}

// TestAttackerFindsLeaks checks the attacker on a leaky table: it must recover
// a hidden region from its national row.
func TestAttackerFindsLeaks(t *testing.T) {
	a := &attacker{t: t, files: map[string]map[string]map[string]string{}, keys: map[string][]string{}}
	a.files["x"] = map[string]map[string]string{
		"2024|CPF|":   {"nb_sortants": "30"},
		"2024|CPF|11": {"nb_sortants": "25"},
		"2024|CPF|84": {"nb_sortants": ""},
	}
	a.keys["x"] = []string{"2024|CPF|", "2024|CPF|11", "2024|CPF|84"}
	a.margin("x", "2024|CPF|", "x", func(q []string) bool { return q[2] != "" }, "nb_sortants")
	got := a.solve()
	if len(got) != 1 || got[0].key != "2024|CPF|84" {
		t.Fatalf("attacker missed the leak: %v", got)
	}
}
