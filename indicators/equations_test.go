package indicators

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators/disclosure"
)

// A row of financement_dispositif whose committed amount is hidden (here by
// hand, as secondary suppression would) while its envelope is published:
// the committed amount under the envelope, the consumption rate's numerator,
// is the same money and must be hidden too, or envelope × rate gives it back.
// A row without an envelope ties nothing (its amount under envelope is 0).
func TestFundingEquationsTieRateToAmount(t *testing.T) {
	var s *source
	for _, x := range sources() {
		if x.table == "financement_dispositif" {
			s = x
		}
	}
	require.NotNil(t, s)
	require.NotNil(t, s.equations, "financement_dispositif declares its equations")

	b := &gridBuilder{g: &disclosure.Grid{}}
	// Quantities in fundingQuants order: nb_dossiers, nb_dossiers_cofinances,
	// montant_engage, montant_realise, enveloppe, montant_engage_sous_enveloppe,
	// heures_prevues.
	row := func(q ...float64) prow {
		require.Len(t, q, len(s.quants))
		r := prow{q: q, cell: make([]int, len(q))}
		for i, v := range q {
			r.cell[i] = b.g.Cell(v)
		}
		return r
	}
	withEnvelope := row(40, 3, 247846.59, 200000, 355000, 247846.59, 12000)
	without := row(30, 0, 90000, 80000, 0, 0, 9000)
	s.equations(b, s, []prow{withEnvelope, without})

	engaged, under := s.quantIndex("montant_engage"), s.quantIndex("montant_engage_sous_enveloppe")
	b.g.Suppress(withEnvelope.cell[engaged], disclosure.ReasonSecondary)
	b.g.Suppress(without.cell[engaged], disclosure.ReasonSecondary)
	b.g.Protect()
	assert.True(t, b.g.Hidden(withEnvelope.cell[under]), "247 846,59 € = 355 000 € × 69,8 % if the rate's numerator stays published")
	assert.False(t, b.g.Hidden(without.cell[under]), "no envelope: the 0 under envelope reveals nothing")
}
