package serve

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
)

// TestPartnerQueriesOfOneFunderShareItsRows asks one build for several
// breakdowns of the same funder: the first reads the funder's rows from the
// warehouse, the next ones are summed from the rows kept by the build's
// catalogue. Each must equal the same query run alone on a fresh catalogue;
// and the fixture's hand-counted cells come out: France Travail's AIF exits of
// 2024 in region 93 are 8, 5 employed of 8 observed at 6 months (62.5 %), and
// its 115 AIF exits at organisation 45678901500017 (30 + 50 + 35).
func TestPartnerQueriesOfOneFunderShareItsRows(t *testing.T) {
	e := newEnv(t)
	queries := []struct {
		id     string
		params url.Values
	}{
		{"nb_sortants", url.Values{"par": {"organisme,dispositif"}}},
		{"taux_emploi_6m", url.Values{"par": {"annee,dispositif,region"}}},
		{"nb_sortants", url.Values{"par": {"annee"}, "dispositif": {"AIF"}}},
		{"taux_emploi_12m", url.Values{"par": {"region"}, "totaux": {"region"}}},
		{"montant_engage", url.Values{"par": {"annee,dispositif"}}},
	}
	bodies := map[int]string{}
	for i, q := range queries {
		want, err := json.Marshal(expected(t, q.id, q.params, indicators.Partner, "FT"))
		require.NoError(t, err)
		rec := e.get("/api/v1/partenaires/FT/indicateurs/"+q.id+"?"+q.params.Encode(), e.tokens["FT"])
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		assert.JSONEq(t, string(want), rec.Body.String(), q.id+" "+q.params.Encode())
		bodies[i] = rec.Body.String()
	}
	var byOrg, byCell tableDoc
	require.NoError(t, json.Unmarshal([]byte(bodies[0]), &byOrg))
	require.NoError(t, json.Unmarshal([]byte(bodies[1]), &byCell))
	found := 0
	for _, r := range byOrg.Rows {
		if r["siret_of"] == "45678901500017" && r["code_dispositif"] == "AIF" {
			assert.EqualValues(t, 115, r["nb_sortants"])
			found++
		}
	}
	for _, r := range byCell.Rows {
		if r["annee_sortie"] == float64(2024) && r["code_dispositif"] == "AIF" && r["code_region"] == "93" {
			assert.EqualValues(t, 62.5, r["taux_emploi_6m"])
			found++
		}
	}
	assert.Equal(t, 2, found, "hand-counted cells present")

	// A filter keeps the rows of the unfiltered breakdown that match it
	// (partner rows are filtered before they are summed).
	rec := e.get("/api/v1/partenaires/FT/indicateurs/taux_emploi_6m?par=dispositif,region&annee=2024", e.tokens["FT"])
	filtered := tableOf(t, rec)
	var want []map[string]any
	for _, r := range byCell.Rows {
		if r["annee_sortie"] == float64(2024) {
			delete(r, "annee_sortie")
			want = append(want, r)
		}
	}
	require.NotEmpty(t, want)
	var got []map[string]any
	for _, r := range filtered.Rows {
		got = append(got, map[string]any{"code_dispositif": r["code_dispositif"], "code_region": r["code_region"],
			"taux_emploi_6m": r["taux_emploi_6m"]})
	}
	for _, r := range want {
		for k := range r {
			if k != "code_dispositif" && k != "code_region" && k != "taux_emploi_6m" {
				delete(r, k)
			}
		}
	}
	assert.ElementsMatch(t, want, got)
}
