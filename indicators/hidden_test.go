package indicators

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestHiddenPerValue: each nil value of a public row says why it is missing,
// on its own: the reasons of the disclosure control when it is hidden ("secret"
// on the site), nothing when it does not exist ("n.d."), even in a row where
// another value is hidden. The row's secret column is the union.
func TestHiddenPerValue(t *testing.T) {
	cell := func(tb *Table, key string, id string) (any, string, string) {
		t.Helper()
		j := tb.ColumnIndex(id)
		require.GreaterOrEqual(t, j, 0, id)
		for _, r := range tb.Rows {
			var codes []string
			for k, c := range tb.Columns {
				if c.Dimension != "" {
					codes = append(codes, textOf(r.Values[k]))
				}
			}
			if strings.Join(codes, ",") == key {
				require.Len(t, r.Hidden, len(r.Values))
				return r.Values[j], r.Hidden[j], r.Secret
			}
		}
		t.Fatalf("no row %s", key)
		return nil, "", ""
	}
	budget := run(t, Query{Indicators: []string{"montant_engage", "taux_consommation_enveloppe"}, By: []string{"annee", "type_financeur"}}, Public)
	// The CDC has no envelope: its consumption rate does not exist (n.d.),
	// even in a row whose committed amount is hidden (secondary suppression,
	// see testdata/golden/budget_type.csv).
	v, h, s := cell(budget, "2024,CDC", "taux_consommation_enveloppe")
	assert.Nil(t, v)
	assert.Equal(t, "", h, "no envelope: n.d., not secret")
	assert.Equal(t, "secret secondaire", s)
	v, h, _ = cell(budget, "2024,CDC", "montant_engage")
	assert.Nil(t, v)
	assert.Equal(t, "secret secondaire", h)
	// France Travail's 2024 rate is hidden by secondary suppression.
	v, h, _ = cell(budget, "2024,FRANCE_TRAVAIL", "taux_consommation_enveloppe")
	assert.Nil(t, v)
	assert.Equal(t, "secret secondaire", h)
	// 2023: every value published, no reason.
	v, h, s = cell(budget, "2023,FRANCE_TRAVAIL", "montant_engage")
	assert.Equal(t, 90000.0, v)
	assert.Equal(t, "", h+s)

	// FT/PRF 2024 has 8 dossiers: the row rule hides every figure it has,
	// but it has no envelope, and that absence is published (n.d.), while
	// REG-11/AIF 2024 (0 dossiers, an envelope of 50000) hides its envelope.
	lines := run(t, Query{Indicators: []string{"montant_engage", "enveloppe"}, By: []string{"annee", "financeur", "dispositif"}}, Public)
	v, h, s = cell(lines, "2024,FT,PRF", "enveloppe")
	assert.Nil(t, v)
	assert.Equal(t, "", h, "no envelope: n.d., even on a row of fewer than 11 dossiers")
	assert.Equal(t, "moins de 11 dossiers", s)
	v, h, _ = cell(lines, "2024,FT,PRF", "montant_engage")
	assert.Nil(t, v)
	assert.Equal(t, "moins de 11 dossiers", h)
	v, h, _ = cell(lines, "2024,REG-11,AIF", "enveloppe")
	assert.Nil(t, v)
	assert.Equal(t, "moins de 11 dossiers", h)

	// Every public row of every level: published values have no reason, the
	// row's secret column joins the reasons of its values.
	for _, q := range []Query{
		{Indicators: []string{"nb_sortants", "taux_achevement", "taux_certification", "cout_par_heure", "valeur_ajoutee_6m_ic_bas"}, By: []string{"annee", "organisme"}},
		{Indicators: []string{"nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_12m"}, By: []string{"annee", "dispositif", "region"}},
		{Indicators: []string{"montant_engage", "montant_realise", "taux_realisation", "taux_consommation_enveloppe"}, By: []string{"annee", "financeur", "dispositif"}},
	} {
		tb := run(t, q, Public)
		for _, r := range tb.Rows {
			require.Len(t, r.Hidden, len(r.Values))
			var all []string
			for i, x := range r.Values {
				if x != nil {
					assert.Empty(t, r.Hidden[i], "%v: a published value has no reason", r.Values)
				} else if r.Hidden[i] != "" {
					all = append(all, strings.Split(r.Hidden[i], " ; ")...)
				}
			}
			assert.Equal(t, r.Secret, joinReasons(all), "%v", r.Values)
		}
	}
}

func textOf(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// TestUnobservableHorizonRules: a count of observed exits of 0 says only that
// the row's horizon is beyond the DSN coverage (public): it is published, and
// the rates on it are n.d. (no reason) rather than secret. Any other small
// count, and a small nonzero observed count, keep the contract's rules. On the
// demo (DSN to 2025-12), the 2025 exits' nb_observes_12m were all « effectif
// < 11 », and secondary suppression protecting those zeros hid the observable
// 3-month rate of the third quarter (1 649 observed).
func TestUnobservableHorizonRules(t *testing.T) {
	observed := &quantity{name: "nb_observes_12m", key: "nb_observes_12m", rule: ruleCount}
	exits := &quantity{name: "nb_sortants", key: "nb_sortants", rule: ruleCount}
	for _, tc := range []struct {
		q           *quantity
		v           float64
		count, rate string
	}{
		{observed, 0, "", ""},
		{observed, 1, "effectif < 11", "dénominateur < 20"},
		{observed, 10, "effectif < 11", "dénominateur < 20"},
		{observed, 19, "", "dénominateur < 20"},
		{observed, 20, "", ""},
		{exits, 0, "effectif < 11", "dénominateur < 20"},
		{exits, 10, "effectif < 11", "dénominateur < 20"},
		{exits, 11, "", "dénominateur < 20"},
	} {
		assert.Equal(t, tc.count, countReason(tc.q, tc.v), "count %s = %v", tc.q.name, tc.v)
		assert.Equal(t, tc.rate, rateReason(tc.q, tc.v), "rate on %s = %v", tc.q.name, tc.v)
	}
}
