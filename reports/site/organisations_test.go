package site

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/fixture"
)

// An organisation is above or below what its public predicts only when its
// whole published value-added interval is on one side of 0; a bound of
// exactly 0 (as published, to a tenth) leaves it within; any hidden part
// hides its place.
func TestPlaceOf(t *testing.T) {
	for _, tc := range []struct {
		va, lo, hi fig
		want       position
	}{
		{shown(8.1), shown(0.2), shown(15.5), posAbove},
		{shown(-5.0), shown(-8.5), shown(-1.5), posBelow},
		{shown(6.2), shown(-5.2), shown(17.0), posWithin},
		{shown(5.1), shown(0), shown(10.3), posWithin},
		{shown(-4.9), shown(-9.8), shown(0), posWithin},
		{secretFig, secretFig, secretFig, posSecret},
		{shown(3.0), secretFig, shown(9.0), posSecret},
		{missingFig, missingFig, missingFig, posMissing},
	} {
		assert.Equal(t, tc.want, placeOf(tc.va, tc.lo, tc.hi), "%v [%v ; %v]", tc.va, tc.lo, tc.hi)
	}
	assert.Equal(t, cell{Text: "en\u00a0dessous", CSV: "en_dessous", Sort: -1}, posBelow.cell())
	assert.Equal(t, "secret", posSecret.cell().CSV)
	assert.Equal(t, "", posMissing.cell().CSV)
}

// wilsonBounds is the 95 % Wilson interval of k out of n, in percent
// (docs/methodologie.md §6), written out again here.
func wilsonBounds(k, n float64) (float64, float64) {
	p, z := k/n, 1.959964
	centre := (p + z*z/(2*n)) / (1 + z*z/n)
	half := z * math.Sqrt(p*(1-p)/n+z*z/(4*n*n)) / (1 + z*z/n)
	return 100 * (centre - half), 100 * (centre + half)
}

// The funnel's limits are the Wilson intervals turned around: k employed
// out of n observed is outside z √(e (100 − e) / n) around an expected rate
// e exactly when the value-added interval (Wilson bounds − e) excludes 0.
// So a dot outside the curves drawn for its own expected rate is one the
// page classes above or below.
func TestFunnelLimitIsWilson(t *testing.T) {
	// z √(64,1 × 35,9 / 100) = 1,959964 × √23,0119 = 1,959964 × 4,79707 = 9,402
	assert.InDelta(t, 9.402, funnelLimit(64.1, 100), 0.001)
	// z √(50 × 50 / 24) = 1,959964 × 10,20621 = 20,004
	assert.InDelta(t, 20.004, funnelLimit(50, 24), 0.001)
	checked := 0
	for _, e := range []float64{12.5, 38.2, 50, 56.8, 64.1, 81.7, 95} {
		for n := 20.0; n <= 400; n += 7 {
			for k := 0.0; k <= n; k++ {
				lo, hi := wilsonBounds(k, n)
				d := 100*k/n - e
				lim := funnelLimit(e, n)
				if math.Abs(math.Abs(d)-lim) < 1e-6 {
					continue // on the curve itself
				}
				outside := math.Abs(d) > lim
				excludes := lo-e > 0 || hi-e < 0
				require.Equal(t, outside, excludes, "k=%v n=%v e=%v", k, n, e)
				checked++
			}
		}
	}
	assert.Greater(t, checked, 10000)
}

// TestOrganisationsValueAdded builds the organisations page from the
// indicators' hand-made fixture (indicators/fixture/cells.sql), whose
// expected rate is 50 % for everybody. Exits of 2024 at six months, by
// organisation (cells of cells.sql):
//
//	12345678200010  cells 1 + 4: 60 + 30 = 90 employed out of 100 + 55 = 155 observed: 58,06 %
//	                Wilson 50,19 – 65,54 %, value added +8,1 (+0,2 to +15,5): above
//	45678901500017  cells 7 + 8: 16 + 25 = 41 out of 28 + 45 = 73: 56,16 %
//	                Wilson 44,76 – 66,95 %, value added +6,2 (−5,2 to +17,0): within
//	34567890800012  cells 3 + 9: 22 + 5 = 27 out of 36 + 8 = 44: 61,36 %
//	                Wilson 46,62 – 74,28 %, value added +11,4 (−3,4 to +24,3): within
//	23456789900013  cells 2 + 5: 4 + 15 = 19 observed, below 20: hidden
//	56789012400017  cell 6: 12 out of 24, hidden by secondary suppression (with
//	                the one above, else recomputable from the national total)
//
// National: 179 employed out of 315 observed = 56,83 %, published 56,8 %.
// The curves at 20 observed exits: 1,959964 × √(56,8 × 43,2 / 20) = 21,7
// points, so the axis runs from −30 to +30 points.
func TestOrganisationsValueAdded(t *testing.T) {
	db := fixture.Open(t)
	b := &builder{r: &reader{ctx: context.Background(), db: db, cat: indicators.New()}, year: 2024}
	p, err := b.organisations()
	require.NoError(t, err)
	html, err := render(p, layout{})
	require.NoError(t, err)
	text := pageText(string(html))
	assert.Contains(t, text, "Valeur ajoutée à six mois de 3 organismes selon leur nombre de sortants observés. "+
		"Au-dessus de ce que leur public laisse attendre : un organisme ; en dessous : aucun organisme ; "+
		"dans la marge d'incertitude : 2 organismes. Non publié (secret statistique) : 2 organismes. "+
		"Les courbes sont tracées pour un taux attendu égal au taux national (56,8\u202f%) ; chaque organisme est classé d'après son propre intervalle.\n")
	assert.Contains(t, text, "567\u202f890\u202f124\u202f00017 | 25 | 60,0\u202f% | secret | secret | secret | secret | secret | secret | secret | 12,50\u202f€\n")
	assert.NotContains(t, text, "Au-dessus : ", "the raw-rate summary is gone")

	var funnelChart *chart
	for _, bl := range p.Blocks {
		if bl.Chart != nil && bl.Chart.ID == "organismes-entonnoir" {
			funnelChart = bl.Chart
		}
	}
	require.NotNil(t, funnelChart)
	got, err := funnelChart.Table.csv()
	require.NoError(t, err)
	assert.Equal(t, "siret_of,nb_observes_6m,taux_emploi_6m,taux_emploi_6m_attendu,valeur_ajoutee_6m,valeur_ajoutee_6m_ic_bas,valeur_ajoutee_6m_ic_haut,position\n"+
		"12345678200010,155,58.1,50.0,8.1,0.2,15.5,au_dessus\n"+
		"45678901500017,73,56.2,50.0,6.2,-5.2,17.0,dans_la_marge\n"+
		"34567890800012,44,61.4,50.0,11.4,-3.4,24.3,dans_la_marge\n", string(got))

	// The option, as the page's script reads it.
	js, err := funnelChart.Payload()
	require.NoError(t, err)
	var payload struct {
		Option struct {
			YAxis  []struct{ Min, Max float64 } `json:"yAxis"`
			Series []struct {
				Name, Symbol string
				Data         []json.RawMessage
			} `json:"series"`
		} `json:"option"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &payload))
	assert.Equal(t, -30.0, payload.Option.YAxis[0].Min)
	assert.Equal(t, 30.0, payload.Option.YAxis[0].Max)
	var names []string
	for _, s := range payload.Option.Series {
		names = append(names, s.Name)
	}
	// No dot below: that series is left out.
	assert.Equal(t, []string{"Au-dessus de l'attendu", "Dans la marge d'incertitude", "Égal à l'attendu (valeur ajoutée nulle)",
		"Marge d'incertitude à 95 %", "Marge d'incertitude à 95 %"}, names)
	assert.Equal(t, "triangle", payload.Option.Series[0].Symbol)
	require.Len(t, payload.Option.Series[0].Data, 1)
	var dot struct {
		Name  string
		Value []float64
		Tip   []string
	}
	require.NoError(t, json.Unmarshal(payload.Option.Series[0].Data[0], &dot))
	assert.Equal(t, "123\u202f456\u202f782\u202f00010", dot.Name)
	assert.Equal(t, []float64{155, 8.1}, dot.Value)
	assert.Equal(t, []string{"sortants observés à 6 mois : 155", "taux d'emploi : 58,1\u202f%, attendu : 50,0\u202f%",
		"valeur ajoutée : +8,1 points (+0,2 à +15,5)", "au-dessus de l'attendu"}, dot.Tip)
	assert.Len(t, payload.Option.Series[1].Data, 2)
	var first struct{ Value []float64 }
	require.NoError(t, json.Unmarshal(payload.Option.Series[3].Data[0], &first))
	assert.Equal(t, []float64{20, 21.7}, first.Value)
	require.NoError(t, json.Unmarshal(payload.Option.Series[4].Data[0], &first))
	assert.Equal(t, []float64{20, -21.7}, first.Value)
}
