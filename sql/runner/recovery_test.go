package runner

import (
	"context"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/agora-formation/agora/warehouse"
)

// TestRecovery builds a generated sample and checks that the planted truth
// is recovered: each scheme's employment rate at 6 months, per exit year,
// inside the Wilson interval the marts publish for large cells; organisation
// value added ranking like the planted organisation effects (Spearman ≥ 0.8
// over organisations with at least 200 exits observed at M+6).
//
// It needs a large sample, so it runs only with AGORA_RECOVERY=1:
//
//	AGORA_RECOVERY=1 AGORA_RECOVERY_DOSSIERS=1000000 AGORA_SAMPLE_DIR=/tmp/agora-samples \
//	  go test ./sql/runner -run TestRecovery -v -timeout 2h
func TestRecovery(t *testing.T) {
	if os.Getenv("AGORA_RECOVERY") == "" {
		t.Skip("échantillon de grande taille : lancez avec AGORA_RECOVERY=1 (voir le commentaire du test)")
	}
	ctx := context.Background()
	smp := prepareSample(t, envInt("AGORA_RECOVERY_DOSSIERS", 1_000_000))
	s, err := warehouse.Open(ctx, warehouse.Options{Path: smp.root.Warehouse() + ".recovery", TempDir: smp.root.Temp()})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close(); os.Remove(smp.root.Warehouse() + ".recovery") }()
	if _, err := Mount(ctx, s, smp.root.Lake(), ""); err != nil {
		t.Fatal(err)
	}
	var progress strings.Builder
	rep, err := Build(ctx, s.DB(), Options{Progress: &progress})
	if err != nil {
		t.Fatalf("%v\n%s", err, progress.String())
	}
	t.Logf("construction : %.1f s, %d modèles, %d tests", rep.Seconds, len(rep.Models), len(rep.Tests))

	// 1. Scheme × exit year rates at 6 months (scheme "" = all schemes).
	type cell struct {
		n, k     int64
		lo, hi   float64
		rate     float64
		observed bool
	}
	got := map[string]cell{}
	rows, err := s.DB().QueryContext(ctx, `
		SELECT coalesce(code_dispositif, '') || '/' || annee_sortie, nb_observes_6m, nb_emploi_6m,
		       coalesce(taux_emploi_6m, 0), coalesce(taux_emploi_6m_ic_bas, 0), coalesce(taux_emploi_6m_ic_haut, 0)
		FROM insertion_dispositif_region
		WHERE code_region IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var key string
		var c cell
		if err := rows.Scan(&key, &c.n, &c.k, &c.rate, &c.lo, &c.hi); err != nil {
			t.Fatal(err)
		}
		c.observed = true
		got[key] = c
	}
	rows.Close()
	const large = 1000
	var cells, inside int
	var countsOff []string
	for _, e := range smp.truth.Expected {
		key := e.Scheme + "/" + strconv.Itoa(e.Year)
		c := got[key]
		// Observed exits must match exactly. The truth's employed count is the
		// generator's planted draw for each dossier; the marts read the DSN,
		// where a person with several dossiers can hold, that month, a contract
		// of another of their trajectories: a few more employed are expected.
		if d := c.k - e.Employed; e.Observed != c.n || d < 0 || d > max(3, e.Observed/1000) {
			countsOff = append(countsOff, key)
		}
		if e.Observed != c.n || e.Employed != c.k {
			t.Logf("%s : vérité %d observés / %d en emploi, marts %d / %d", key, e.Observed, e.Employed, c.n, c.k)
		}
		if c.n < large {
			continue
		}
		cells++
		ok := e.Expected >= c.lo && e.Expected <= c.hi
		if ok {
			inside++
		}
		t.Logf("%-12s n=%7d  taux %5.1f %%  IC [%5.1f ; %5.1f]  attendu %5.2f %%  %s", key, c.n, c.rate, c.lo, c.hi, e.Expected, map[bool]string{true: "dedans", false: "DEHORS"}[ok])
	}
	if cells == 0 {
		t.Fatalf("aucune cellule dispositif × année d'au moins %d observés", large)
	}
	// A 95 % interval misses the truth 5 % of the time: demand 90 % of the cells.
	t.Logf("taux par dispositif et année : %d cellules d'au moins %d observés, %d contiennent le taux planté (%.1f %%)", cells, large, inside, 100*float64(inside)/float64(cells))
	if float64(inside) < 0.9*float64(cells) {
		t.Errorf("seulement %d cellules sur %d contiennent le taux planté", inside, cells)
	}
	if len(countsOff) > 0 {
		t.Errorf("%d cellules dont les effectifs s'écartent de la vérité du générateur : %v", len(countsOff), countsOff)
	}

	// 2. Organisation value added against the planted effects, over all exit years.
	va := map[string][2]float64{} // siret → (observed, value added)
	rows, err = s.DB().QueryContext(ctx, `
		SELECT siret_of, sum(nb_observes_6m),
		       100 * (sum(nb_emploi_6m) - sum(nb_observes_6m * taux_emploi_6m_attendu / 100)) / sum(nb_observes_6m)
		FROM insertion_organisme
		WHERE nb_observes_6m > 0
		GROUP BY siret_of`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var siret string
		var n, v float64
		if err := rows.Scan(&siret, &n, &v); err != nil {
			t.Fatal(err)
		}
		va[siret] = [2]float64{n, v}
	}
	rows.Close()
	var planted, measured []float64
	for _, o := range smp.truth.Model.Orgs {
		m, ok := va[o.SIRET]
		if !ok || m[0] < 200 {
			continue
		}
		planted = append(planted, o.Effect)
		measured = append(measured, m[1])
	}
	if len(planted) < 10 {
		t.Fatalf("seulement %d organismes d'au moins 200 sortants observés à 6 mois : échantillon trop petit", len(planted))
	}
	rho := spearman(planted, measured)
	t.Logf("valeur ajoutée : Spearman = %.3f sur %d organismes d'au moins 200 observés", rho, len(planted))
	if rho < 0.8 {
		t.Errorf("Spearman(effet planté, valeur ajoutée) = %.3f < 0.8", rho)
	}
}

// spearman returns the rank correlation of x and y (average ranks for ties).
func spearman(x, y []float64) float64 {
	rx, ry := ranks(x), ranks(y)
	var mx, my float64
	for i := range rx {
		mx += rx[i]
		my += ry[i]
	}
	mx /= float64(len(rx))
	my /= float64(len(ry))
	var sxy, sxx, syy float64
	for i := range rx {
		sxy += (rx[i] - mx) * (ry[i] - my)
		sxx += (rx[i] - mx) * (rx[i] - mx)
		syy += (ry[i] - my) * (ry[i] - my)
	}
	return sxy / math.Sqrt(sxx*syy)
}

func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return v[idx[a]] < v[idx[b]] })
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		for k := i; k <= j; k++ {
			r[idx[k]] = float64(i+j)/2 + 1
		}
		i = j + 1
	}
	return r
}

func TestSpearman(t *testing.T) {
	if r := spearman([]float64{1, 2, 3, 4}, []float64{10, 20, 30, 40}); math.Abs(r-1) > 1e-12 {
		t.Errorf("monotone: %v", r)
	}
	if r := spearman([]float64{1, 2, 3, 4}, []float64{4, 3, 2, 1}); math.Abs(r+1) > 1e-12 {
		t.Errorf("reversed: %v", r)
	}
	// Ranks with ties: x = (1, 2, 2, 3) → (1, 2.5, 2.5, 4).
	if r := ranks([]float64{1, 2, 2, 3}); r[1] != 2.5 || r[2] != 2.5 || r[3] != 4 {
		t.Errorf("ranks = %v", r)
	}
	// A hand example: x = 1..5, y = (2, 1, 4, 3, 5): Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8.
	if r := spearman([]float64{1, 2, 3, 4, 5}, []float64{2, 1, 4, 3, 5}); math.Abs(r-0.8) > 1e-12 {
		t.Errorf("hand example: %v, want 0.8", r)
	}
}
