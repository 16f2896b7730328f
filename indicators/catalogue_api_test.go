package indicators

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Amounts by organisation and exit year, from the fixture (cells.sql): a
// dossier i of a cell plans 100 + 10 (i mod 5) hours, so a cell of n exits, n a
// multiple of 5, plans 100 n + 10 × (n / 5) × (0+1+2+3+4) = 120 n hours; the
// amount is hours × 12.50 €.
//
//	12345678200010, 2024: cells 1 and 4, n = 120 + 60: 120 × 180 = 21 600 h, 270 000 €
//	45678901500017, 2024: cells 7 and 8, n = 30 + 50:  120 × 80  =  9 600 h, 120 000 €
//	34567890800012, 2024: cell 3, n = 40: 4 800 h; cell 9, n = 8: 800 + 10 × (1+2+3+4+0+1+2+3) = 960 h;
//	                      5 760 h, 72 000 €
var exitYearAmounts = map[string][2]float64{ // siret → hours, euros
	"12345678200010": {21600, 270000},
	"45678901500017": {9600, 120000},
	"34567890800012": {5760, 72000},
}

func TestExitYearHasItsOwnName(t *testing.T) {
	// The catalogue: the funding figures published by organisation name that
	// year annee_sortie; the insertion figures, whose annee is the exit year
	// already, and the funding figures not published by organisation do not.
	for id, want := range map[string]bool{"montant_engage": true, "heures_prevues": true, "cout_par_heure": true,
		"nb_sortants": false, "taux_emploi_6m": false, "cout_par_stagiaire": false, "montant_realise": false} {
		in, ok := testCat.Indicator(id)
		require.True(t, ok, id)
		assert.Equal(t, want, contains(in.Dimensions, "annee_sortie"), id)
		assert.True(t, contains(in.Dimensions, "annee"), id)
	}
	d, ok := testCat.Dimension("annee_sortie")
	require.True(t, ok)
	assert.Equal(t, "Année de sortie", d.Label)
	assert.Contains(t, d.Definition, "par organisme")
	assert.NoError(t, d.Check("2024"))

	// annee_sortie gives the amounts of the dossiers that left in the year.
	q, err := testCat.ParseQuery("montant_engage", url.Values{"par": {"organisme"}, "annee_sortie": {"2024"}})
	require.NoError(t, err)
	assert.Equal(t, Query{Indicators: []string{"montant_engage"}, By: []string{"organisme"},
		Filters: map[string]string{"annee_sortie": "2024"}}, q)
	tb := run(t, q, Public)
	for siret, want := range exitYearAmounts {
		v, secret := cellOf(t, tb, "montant_engage", siret)
		assert.Equal(t, want[1], v, siret)
		assert.Empty(t, secret, siret)
	}
	for _, id := range []string{"heures_prevues", "cout_par_heure"} {
		q, err := testCat.ParseQuery(id, url.Values{"par": {"annee_sortie,organisme"}})
		require.NoError(t, err, id)
		tb := run(t, q, Public)
		assert.Equal(t, Column{Name: "annee_sortie", Label: "Année de sortie", Type: TypeInteger, Dimension: "annee_sortie",
			Description: "Année du mois de la sortie finale de formation.", Decimals: -1}, tb.Columns[0], id)
		for siret, want := range exitYearAmounts {
			v, _ := cellOf(t, tb, id, int64(2024), siret)
			if id == "heures_prevues" {
				assert.Equal(t, int64(want[0]), v, siret)
			} else {
				assert.Equal(t, 12.5, v, siret) // 12.50 € an hour in every organisation of the fixture
			}
		}
	}

	// annee is the year of commitment of montant_engage: by organisation it
	// is refused, saying what to ask instead.
	for _, tc := range []struct {
		params url.Values
		how    string
	}{
		{url.Values{"par": {"organisme"}, "annee": {"2024"}}, "(annee_sortie=2024)"},
		{url.Values{"par": {"annee,organisme"}}, "(par=annee_sortie,organisme)"},
		{url.Values{"organisme": {"12345678200010"}, "par": {"annee"}}, "(par=annee_sortie)"},
	} {
		_, err := testCat.ParseQuery("montant_engage", tc.params)
		require.ErrorIs(t, err, ErrBadParam, tc.params)
		var pe *ParamError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "annee", pe.Param)
		assert.Equal(t, "« annee » est l'année d'engagement pour montant_engage, mais par organisme montant_engage n'est publié que "+
			"par année de sortie (dossiers sortis dans l'année, table insertion_organisme) : demandez « annee_sortie » au lieu de « annee » "+
			tc.how+" ; par année d'engagement, montant_engage est publié par financeur, dispositif ou domaine de formation, pas par organisme",
			pe.Message, tc.params)
	}
	// Without organisation, annee keeps its meaning (year of commitment) and
	// annee_sortie is refused.
	q, err = testCat.ParseQuery("montant_engage", url.Values{"par": {"annee"}})
	require.NoError(t, err)
	assert.Equal(t, "financement_dispositif", mustPlan(t, q).src.table)
	for _, tc := range []struct {
		q   Query
		msg string
	}{
		{Query{Indicators: []string{"montant_engage"}, By: []string{"annee_sortie"}},
			"« annee_sortie » : montant_engage n'est publié par année de sortie que ventilé ou filtré par organisme ; " +
				"sans organisme, son année est l'année d'engagement : utilisez « annee »"},
		{Query{Indicators: []string{"montant_engage"}, By: []string{"organisme"}, Filters: map[string]string{"annee": "2024", "annee_sortie": "2024"}},
			"« annee » et « annee_sortie » ne peuvent être donnés ensemble : ce sont deux années différentes (engagement ou sortie) ; gardez-en une"},
	} {
		err := testCat.Check(tc.q, Public)
		require.ErrorIs(t, err, ErrBadParam)
		assert.Equal(t, tc.msg, err.Error())
	}
	// The breakdowns a refusal lists name the year as it is asked.
	err = testCat.Check(Query{Indicators: []string{"montant_engage"}, By: []string{"region"}}, Public)
	require.ErrorIs(t, err, ErrBadParam)
	assert.Equal(t, "ventilation non disponible pour montant_engage ; ventilations possibles (dimensions de « par » et des filtres) : "+
		"annee_sortie+organisme ; annee+financeur+dispositif ; annee+financeur ; annee+type_financeur+dispositif ; annee+type_financeur ; "+
		"annee+dispositif ; annee ; annee+domaine_nsf+type_financeur", err.Error())
	err = testCat.Check(Query{Indicators: []string{"nb_sortants"}, By: []string{"sexe", "region"}}, Public)
	require.ErrorIs(t, err, ErrBadParam)
	assert.Contains(t, err.Error(), "annee+organisme", "nb_sortants: annee is the exit year already")

	// Go callers (the site) may still name the exit year annee, as the marts
	// do: the same figures.
	legacy := run(t, Query{Indicators: []string{"montant_engage"}, By: []string{"organisme"}, Filters: map[string]string{"annee": "2024"}}, Public)
	assert.Equal(t, tb.Rows, legacy.Rows)
}

func mustPlan(t *testing.T, q Query) *plan {
	t.Helper()
	p, _, err := testCat.planNamed(q, Public)
	require.NoError(t, err)
	return p
}

func TestDefaultBreakdown(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    Query
		mode Mode
		by   []string // nil: the query is left as it is
	}{
		{"national rate per exit year", Query{Indicators: []string{"taux_emploi_6m"}}, Public, []string{"annee"}},
		{"within a filter", Query{Indicators: []string{"taux_emploi_6m"}, Filters: map[string]string{"dispositif": "CPF"}}, Public, []string{"annee"}},
		{"amounts per year of commitment", Query{Indicators: []string{"montant_engage"}}, Public, []string{"annee"}},
		{"monthly flows", Query{Indicators: []string{"nb_entrees"}}, Public, []string{"mois"}},
		{"an organisation's amounts per exit year", Query{Indicators: []string{"montant_engage"}, Filters: map[string]string{"organisme": "12345678200010"}}, Public, []string{"annee_sortie"}},
		{"a year asked: one national row", Query{Indicators: []string{"taux_emploi_6m"}, Filters: map[string]string{"annee": "2024"}}, Public, nil},
		{"a breakdown without the year: per year", Query{Indicators: []string{"taux_emploi_6m"}, By: []string{"region"}}, Public, []string{"annee", "region"}},
		{"a breakdown within a year: as asked", Query{Indicators: []string{"taux_emploi_6m"}, By: []string{"region"}, Filters: map[string]string{"annee": "2024"}}, Public, nil},
		{"a breakdown with the year: as asked", Query{Indicators: []string{"taux_emploi_6m"}, By: []string{"annee", "region"}}, Public, nil},
		{"monthly flows by scheme", Query{Indicators: []string{"nb_entrees"}, By: []string{"dispositif"}}, Public, []string{"mois", "dispositif"}},
		{"amounts by organisation: per exit year", Query{Indicators: []string{"montant_engage"}, By: []string{"organisme"}}, Public, []string{"annee_sortie", "organisme"}},
		{"no national level: distinct dossiers by funder only", Query{Indicators: []string{"nb_dossiers_finances"}}, Public, nil},
		{"no national level: hours by funder only", Query{Indicators: []string{"cout_par_heure"}}, Public, nil},
		{"partner: the funder's total", Query{Indicators: []string{"nb_sortants"}, Funder: "FT"}, Partner, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := testCat.DefaultBreakdown(tc.q, tc.mode)
			want := tc.q
			if tc.by != nil {
				want.By = tc.by
			}
			assert.Equal(t, want, got)
		})
	}

	// National employment rate at 6 months per exit year (cells.sql):
	// 2024: employed 60+2+22+30+7+12+16+25+5 = 179 of observed 100+4+36+55+15+24+28+45+8 = 315: 56.8 %
	// 2023: employed 45+4+22+17+14 = 102 of observed 80+7+42+33+28 = 190: 53.7 %
	tb := run(t, testCat.DefaultBreakdown(Query{Indicators: []string{"taux_emploi_6m"}}, Public), Public)
	require.Len(t, tb.Rows, 2)
	v, secret := cellOf(t, tb, "taux_emploi_6m", int64(2024))
	assert.Equal(t, 56.8, v)
	assert.Empty(t, secret)
	v, _ = cellOf(t, tb, "taux_emploi_6m", int64(2023))
	assert.Equal(t, 53.7, v)

	err := testCat.Check(testCat.DefaultBreakdown(Query{Indicators: []string{"nb_dossiers_finances"}}, Public), Public)
	require.ErrorIs(t, err, ErrBadParam)
	assert.Equal(t, "ventilation non disponible pour nb_dossiers_finances ; ventilations possibles (dimensions de « par » et des filtres) : "+
		"annee+financeur+dispositif ; annee+financeur ; annee+domaine_nsf+type_financeur", err.Error(),
		"only the breakdowns that answer: distinct dossiers do not add up over funders")
}

func TestColumnsDescribeSecret(t *testing.T) {
	q := Query{Indicators: []string{"taux_emploi_6m"}, By: []string{"dispositif"}, Filters: map[string]string{"annee": "2024"}}
	for _, mode := range []Mode{Public, Partner} {
		q.Funder = "CDC"
		tb := run(t, q, mode)
		b, err := json.Marshal(tb)
		require.NoError(t, err)
		var out struct {
			Columns []Column         `json:"colonnes"`
			Rows    []map[string]any `json:"lignes"`
		}
		require.NoError(t, json.Unmarshal(b, &out))
		var names []string
		for _, c := range out.Columns {
			names = append(names, c.Name)
		}
		// The columns are the CSV header, and every row has exactly them.
		assert.Equal(t, tb.Header(), names, mode)
		for _, r := range out.Rows {
			assert.Len(t, r, len(names), mode)
			for _, n := range names {
				assert.Contains(t, r, n, mode)
			}
		}
		if mode == Public {
			assert.Equal(t, []string{"code_dispositif", "taux_emploi_6m", "secret"}, names)
			last := out.Columns[len(out.Columns)-1]
			assert.Equal(t, "Secret statistique", last.Label)
			assert.Equal(t, TypeString, last.Type)
			assert.Contains(t, last.Description, "effectif < 11, dénominateur < 20")
		} else {
			assert.Equal(t, []string{"code_dispositif", "taux_emploi_6m"}, names)
		}
	}
}
