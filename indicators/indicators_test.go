package indicators

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators/disclosure"
	"github.com/agora-formation/agora/indicators/fixture"
	models "github.com/agora-formation/agora/sql"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

var (
	testDB  *sql.DB
	testCat = New()
)

func TestMain(m *testing.M) {
	flag.Parse()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		panic(err)
	}
	if err := fixture.Build(context.Background(), db); err != nil {
		panic(err)
	}
	testDB = db
	code := m.Run()
	db.Close()
	os.Exit(code)
}

func run(t *testing.T, q Query, mode Mode) *Table {
	t.Helper()
	tb, err := testCat.Run(context.Background(), testDB, q, mode)
	require.NoError(t, err)
	return tb
}

// cellOf returns the value of a column in the row whose breakdown equals key.
func cellOf(t *testing.T, tb *Table, col string, key ...any) (any, string) {
	t.Helper()
	j := tb.ColumnIndex(col)
	require.GreaterOrEqual(t, j, 0, col)
	for _, r := range tb.Rows {
		match := true
		for i, k := range key {
			if r.Values[i] != k {
				match = false
				break
			}
		}
		if match {
			return r.Values[j], r.Secret
		}
	}
	t.Fatalf("no row %v", key)
	return nil, ""
}

func TestCatalogueComplete(t *testing.T) {
	ids := map[string]bool{}
	for _, in := range testCat.Indicators() {
		assert.False(t, ids[in.ID], "duplicate %s", in.ID)
		ids[in.ID] = true
		assert.Regexp(t, `^[a-z0-9_]+$`, in.ID)
		assert.NotEmpty(t, in.Label, in.ID)
		assert.Greater(t, len(in.Definition), 30, in.ID)
		assert.NotEmpty(t, in.Unit, in.ID)
		assert.NotEmpty(t, in.Dimensions, in.ID)
		assert.NotEmpty(t, in.Sources, in.ID)
		assert.NotEmpty(t, in.Kind, in.ID)
	}
	for _, want := range []string{"taux_emploi_6m", "nb_sortants", "taux_emploi_durable_6m", "taux_emploi_12m", "taux_emploi_3m",
		"valeur_ajoutee_6m", "montant_engage", "montant_realise", "taux_realisation", "taux_consommation_enveloppe", "cout_par_heure"} {
		assert.True(t, ids[want], want)
	}
	for _, d := range testCat.Dimensions() {
		assert.NotEmpty(t, d.Label)
		assert.True(t, len(d.Values) > 0 || d.Format != "", d.ID)
	}
	in, _ := testCat.Indicator("nb_emploi_6m")
	assert.Equal(t, KindNumerator, in.Kind)
	in, _ = testCat.Indicator("nb_sortants")
	assert.Equal(t, KindCount, in.Kind)
}

// TestEveryLevelRuns queries every indicator at every level of every source
// that offers it: the catalogue and the marts agree (columns exist, levels exist).
func TestEveryLevelRuns(t *testing.T) {
	n := 0
	for _, s := range testCat.sources {
		for id := range s.offers {
			def := testCat.def(id)
			for _, level := range s.levelsAll() {
				if !s.serves(def, level, levelIn(level, s.levels)) {
					continue
				}
				var by []string
				for _, d := range level {
					if s.implied[dimFinanceur] == d && contains(level, dimFinanceur) {
						continue
					}
					by = append(by, d)
				}
				tb, err := testCat.Run(context.Background(), testDB, Query{Indicators: []string{id}, By: by}, Public)
				if assert.NoError(t, err, "%s by %v", id, by) {
					assert.NotEmpty(t, tb.Rows, "%s by %v", id, by)
				}
				n++
			}
		}
	}
	assert.Greater(t, n, 300)
}

// TestPublicationLeaksNothing: after protection, no hidden figure of the whole
// publication (every mart, every level, every equation between them) can be
// recomputed, and every count below 11 is hidden.
func TestPublicationLeaksNothing(t *testing.T) {
	pub, err := testCat.publication(context.Background(), testDB)
	require.NoError(t, err)
	assert.Empty(t, pub.grid.Recomputable())
	assert.Empty(t, pub.grid.Narrowed())
	for _, s := range testCat.sources {
		for _, r := range pub.rows[s] {
			for qi, q := range s.quants {
				if id := r.cell[qi]; id >= 0 && q.rule == ruleCount && r.q[qi] < disclosure.MinCount {
					assert.True(t, pub.grid.Hidden(id), "%s %v %s = %v published", s.table, r.coords, q.name, r.q[qi])
				}
				if id := r.cell[qi]; id >= 0 && q.rule == ruleRate {
					den := r.cell[s.quantIndex(q.den)]
					if r.q[s.quantIndex(q.den)] < disclosure.MinDenominator {
						assert.True(t, pub.grid.Hidden(id), "%s %v %s on a denominator below 20", s.table, r.coords, q.name)
					}
					if pub.grid.Hidden(den) {
						assert.True(t, pub.grid.Hidden(id), "%s %v %s on a hidden denominator", s.table, r.coords, q.name)
					}
				}
			}
		}
	}
}

func TestRulesOnFixture(t *testing.T) {
	q := Query{Indicators: []string{"nb_sortants", "nb_observes_6m", "nb_emploi_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas",
		"taux_emploi_6m_ic_haut", "taux_emploi_12m"}, By: []string{"annee", "dispositif", "region"}, Totals: []string{"region"}}
	tb := run(t, q, Public)
	// 2024 CPF national: 165 exits, 84/140 employed at 6 months = 60.0 %, Wilson:
	//   p = 0.6, n = 140, z² = 3.84146, 1 + z²/n = 1.027439
	//   centre (0.6 + 0.013720)/1.027439 = 0.597330
	//   half 1.959964 × √(0.6·0.4/140 + 3.84146/78400)/1.027439
	//        = 1.959964 × 0.0419915/1.027439 = 0.080104  → [51.7, 67.7]
	v, secret := cellOf(t, tb, "nb_sortants", int64(2024), "CPF", nil)
	assert.Equal(t, int64(165), v)
	assert.Equal(t, "", secret)
	v, _ = cellOf(t, tb, "taux_emploi_6m", int64(2024), "CPF", nil)
	assert.Equal(t, 60.0, v)
	lo, _ := cellOf(t, tb, "taux_emploi_6m_ic_bas", int64(2024), "CPF", nil)
	hi, _ := cellOf(t, tb, "taux_emploi_6m_ic_haut", int64(2024), "CPF", nil)
	assert.Equal(t, []any{51.7, 67.7}, []any{lo, hi})
	// 2024 CPF 84: 5 exits: hidden, never zero.
	v, secret = cellOf(t, tb, "nb_sortants", int64(2024), "CPF", "84")
	assert.Nil(t, v)
	assert.Equal(t, "effectif < 11 ; dénominateur < 20", secret)
	// 2023 PRF 93 (cell 14): published as is: 30 exits, 14/28 = 50.0 %.
	v, secret = cellOf(t, tb, "taux_emploi_6m", int64(2023), "PRF", "93")
	assert.Equal(t, 50.0, v)
	assert.Equal(t, "", secret)

	// Same cells from another mart: the 2024 total of exits (353) is the same
	// figure in insertion_dispositif_region and insertion_sexe_age.
	a := run(t, Query{Indicators: []string{"nb_sortants"}, By: []string{"annee"}}, Public)
	b := run(t, Query{Indicators: []string{"nb_sortants"}, By: []string{"annee", "sexe"}, Totals: []string{"sexe"}}, Public)
	v, _ = cellOf(t, a, "nb_sortants", int64(2024))
	w, _ := cellOf(t, b, "nb_sortants", int64(2024), nil)
	assert.Equal(t, int64(353), v) // 120+5+40+60+15+25+30+50+8
	assert.Equal(t, v, w)
}

func TestFundingRules(t *testing.T) {
	tb := run(t, Query{Indicators: []string{"nb_dossiers_finances", "montant_engage", "taux_realisation", "enveloppe"},
		By: []string{"annee", "financeur", "dispositif"}}, Public)
	// FT/PRF 2024: 8 dossiers: the whole row is hidden, the reason given.
	v, secret := cellOf(t, tb, "montant_engage", int64(2024), "FT", "PRF")
	assert.Nil(t, v)
	assert.Contains(t, secret, "moins de 11 dossiers")
	// 2023 REG-11/PRF: 200000 / 220000 = 90.9 %.
	v, _ = cellOf(t, tb, "taux_realisation", int64(2023), "REG-11", "PRF")
	assert.Equal(t, 90.9, v)
	// Totals over funders exist for amounts (2023 PRF: 220000 + 130000 = 350000)...
	tot := run(t, Query{Indicators: []string{"montant_engage"}, By: []string{"annee", "dispositif"}}, Public)
	v, _ = cellOf(t, tot, "montant_engage", int64(2023), "PRF")
	assert.Equal(t, 350000.0, v)
	// ...but not for distinct dossiers, which do not add up over funders.
	_, err := testCat.Run(context.Background(), testDB, Query{Indicators: []string{"nb_dossiers_finances"}, By: []string{"annee", "dispositif"}}, Public)
	require.ErrorIs(t, err, ErrBadParam)
	assert.Contains(t, err.Error(), "ne s'additionnent pas")
}

func TestPartnerMode(t *testing.T) {
	// FT's own exits, unsuppressed: 2024 AIF 93 has 8 exits (hidden in public),
	// 5 employed of 8 observed at 6 months = 62.5 %.
	q := Query{Indicators: []string{"nb_sortants", "nb_emploi_6m", "taux_emploi_6m"}, By: []string{"annee", "dispositif", "region"}, Funder: "FT"}
	tb := run(t, q, Partner)
	assert.Equal(t, Partner, tb.Mode)
	v, secret := cellOf(t, tb, "nb_sortants", int64(2024), "AIF", "93")
	assert.Equal(t, int64(8), v)
	assert.Equal(t, "", secret)
	v, _ = cellOf(t, tb, "taux_emploi_6m", int64(2024), "AIF", "93")
	assert.Equal(t, 62.5, v)
	for _, r := range tb.Rows {
		assert.Equal(t, "AIF", r.Values[1], "only FT's dossiers")
	}
	// A breakdown the public marts do not have (organisation × scheme) is fine here.
	tb = run(t, Query{Indicators: []string{"nb_sortants"}, By: []string{"organisme", "dispositif"}, Funder: "FT"}, Partner)
	v, _ = cellOf(t, tb, "nb_sortants", "45678901500017", "AIF")
	assert.Equal(t, int64(30+50+35), v)
	// Funding: FT's PRF line of 2024 (8 dossiers) is visible to FT.
	tb = run(t, Query{Indicators: []string{"nb_dossiers_finances", "montant_engage"}, By: []string{"annee", "dispositif"}, Funder: "FT"}, Partner)
	v, _ = cellOf(t, tb, "nb_dossiers_finances", int64(2024), "PRF")
	assert.Equal(t, int64(8), v)
	// Another funder's data: forbidden.
	_, err := testCat.Run(context.Background(), testDB, Query{Indicators: []string{"nb_sortants"}, By: []string{"annee"},
		Filters: map[string]string{"financeur": "CDC"}, Funder: "FT"}, Partner)
	require.ErrorIs(t, err, ErrForbidden)
	_, err = testCat.Run(context.Background(), testDB, Query{Indicators: []string{"nb_sortants"}, By: []string{"annee"}}, Partner)
	require.ErrorIs(t, err, ErrBadParam)
	// Indicators without a partner computation are refused.
	_, err = testCat.Run(context.Background(), testDB, Query{Indicators: []string{"valeur_ajoutee_6m"}, By: []string{"annee"}, Funder: "FT"}, Partner)
	require.ErrorIs(t, err, ErrBadParam)
}

func TestParseQuery(t *testing.T) {
	q, err := testCat.ParseQuery("taux_emploi_6m", url.Values{"par": {"dispositif,region"}, "annee": {"2024"}})
	require.NoError(t, err)
	assert.Equal(t, Query{Indicators: []string{"taux_emploi_6m"}, By: []string{"dispositif", "region"},
		Filters: map[string]string{"annee": "2024"}}, q)
	tb := run(t, q, Public)
	assert.Equal(t, "code_dispositif", tb.Columns[0].Name)
	for _, r := range tb.Rows {
		assert.Len(t, r.Values, 3)
	}

	for _, tc := range []struct {
		id     string
		params url.Values
		is     error
		msg    string
	}{
		{"taux_emploi_6m", url.Values{"foo": {"1"}}, ErrBadParam, "paramètre inconnu : \"foo\" ; paramètres admis : par, totaux, annee"},
		{"taux_emploi_6m", url.Values{"par": {"region;DROP TABLE x"}}, ErrBadParam, "dimension inconnue"},
		{"taux_emploi_6m", url.Values{"annee": {"2024' OR '1'='1"}}, ErrBadParam, "format attendu : année sur 4 chiffres"},
		{"taux_emploi_6m", url.Values{"region": {"99"}}, ErrBadParam, "valeurs admises : 01, 02"},
		{"taux_emploi_6m", url.Values{"annee": {"2024", "2023"}}, ErrBadParam, "paramètre répété"},
		{"taux_emploi_6m", url.Values{"organisme": {"1234"}}, ErrBadParam, "SIRET sur 14 chiffres"},
		{"nb_entrees", url.Values{"sexe": {"1"}}, ErrBadParam, "paramètre inconnu"},
		{"inconnu", url.Values{}, ErrUnknownIndicator, "indicateur inconnu"},
		{"taux_emploi_6m; DROP", url.Values{}, ErrUnknownIndicator, "indicateurs disponibles"},
	} {
		_, err := testCat.ParseQuery(tc.id, tc.params)
		require.Error(t, err, tc.params)
		assert.ErrorIs(t, err, tc.is, tc.params)
		assert.Contains(t, err.Error(), tc.msg)
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		q    Query
		mode Mode
		msg  string
	}{
		{Query{}, Public, "aucun indicateur"},
		{Query{Indicators: []string{"nb_sortants"}, By: []string{"annee", "annee"}}, Public, "répétée"},
		{Query{Indicators: []string{"nb_sortants"}, By: []string{"annee"}, Totals: []string{"region"}}, Public, "totaux"},
		{Query{Indicators: []string{"nb_sortants"}, By: []string{"annee", "region"}, Filters: map[string]string{"region": "84"}}, Public, "à la fois"},
		{Query{Indicators: []string{"nb_sortants"}, By: []string{"annee", "region", "sexe"}}, Public, "ventilation non disponible"},
		{Query{Indicators: []string{"nb_sortants"}, By: []string{"pays"}}, Public, "dimension inconnue"},
		{Query{Indicators: []string{"nb_sortants", "montant_realise"}, By: []string{"annee"}}, Public, "ensemble"},
		{Query{Indicators: []string{"nb_sortants"}, By: []string{"annee"}, Funder: "XX"}, Partner, "financeur partenaire inconnu"},
	} {
		err := testCat.Check(tc.q, tc.mode)
		require.Error(t, err, "%+v", tc.q)
		assert.ErrorIs(t, err, ErrBadParam)
		assert.Contains(t, err.Error(), tc.msg)
	}
	assert.NoError(t, testCat.Check(Query{Indicators: []string{"nb_sortants"}, By: []string{"annee", "region"}}, Public))
}

// TestWilsonMatchesModels compares the Go Wilson bounds (computed levels and
// partner figures) with the models' SQL macros.
func TestWilsonMatchesModels(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(models.Macros)
	require.NoError(t, err)
	for _, kn := range [][2]float64{{0, 20}, {1, 20}, {12, 24}, {60, 100}, {84, 140}, {999, 1000}, {1000, 1000}, {3, 7}} {
		var lo, hi, rate float64
		require.NoError(t, db.QueryRow(`SELECT ic_bas(?, ?), ic_haut(?, ?), taux(?, ?)`, kn[0], kn[1], kn[0], kn[1], kn[0], kn[1]).Scan(&lo, &hi, &rate))
		l, h, ok := wilson(kn[0], kn[1])
		require.True(t, ok)
		assert.Equal(t, lo, round(l, 1), "%v", kn)
		assert.Equal(t, hi, round(h, 1), "%v", kn)
		assert.Equal(t, rate, round(100*kn[0]/kn[1], 1), "%v", kn)
	}
	_, _, ok := wilson(0, 0)
	assert.False(t, ok)
}

func TestTableFormats(t *testing.T) {
	tb := run(t, Query{Indicators: []string{"nb_sortants", "taux_emploi_6m"}, By: []string{"organisme"},
		Filters: map[string]string{"annee": "2024"}}, Public)
	var csv bytes.Buffer
	require.NoError(t, tb.WriteCSV(&csv, ','))
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	assert.Equal(t, "siret_of,nb_sortants,taux_emploi_6m,secret", lines[0])
	assert.Contains(t, lines, "23456789900013,20,,dénominateur < 20")
	assert.Contains(t, lines, "34567890800012,48,61.4,")
	b, err := json.Marshal(tb)
	require.NoError(t, err)
	var out struct {
		DataDate string           `json:"date_donnees"`
		Mode     string           `json:"mode"`
		Columns  []map[string]any `json:"colonnes"`
		Rows     []map[string]any `json:"lignes"`
	}
	require.NoError(t, json.Unmarshal(b, &out))
	assert.Equal(t, "public", out.Mode)
	assert.Equal(t, "DSN couverte jusqu'à juin 2025, transmissions reçues jusqu'au 2 juillet 2025", out.DataDate)
	assert.Equal(t, "siret_of", out.Columns[0]["nom"])
	found := false
	for _, r := range out.Rows {
		if r["siret_of"] == "23456789900013" {
			found = true
			assert.Nil(t, r["taux_emploi_6m"], "hidden is null, never 0")
			assert.Equal(t, 20.0, r["nb_sortants"])
			assert.Equal(t, "dénominateur < 20", r["secret"])
		}
	}
	assert.True(t, found)
}

// TestGoldenTables writes a few public tables as CSV and compares them with
// testdata/golden (-update rewrites).
func TestGoldenTables(t *testing.T) {
	for name, q := range map[string]Query{
		"parcours_sankey":      {Indicators: []string{"nb_sortants"}, By: []string{"annee", "situation_avant", "motif_sortie"}},
		"financeur_type":       {Indicators: []string{"nb_sortants", "taux_emploi_6m"}, By: []string{"annee", "type_financeur"}},
		"budget_type":          {Indicators: []string{"montant_engage", "montant_realise", "taux_realisation", "taux_consommation_enveloppe"}, By: []string{"annee", "type_financeur"}, Totals: []string{"type_financeur"}},
		"organismes_2024":      {Indicators: []string{"nb_sortants", "taux_achevement", "taux_certification", "cout_par_heure", "valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut"}, By: []string{"organisme"}, Filters: map[string]string{"annee": "2024"}},
		"avant_apres_national": {Indicators: []string{"taux_emploi_avant", "taux_emploi_apres_6m", "evolution_emploi_points"}, By: []string{"annee"}},
	} {
		tb := run(t, q, Public)
		var buf bytes.Buffer
		require.NoError(t, tb.WriteCSV(&buf, ','))
		path := filepath.Join("testdata", "golden", name+".csv")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, string(want), buf.String(), name)
	}
}

func TestDataState(t *testing.T) {
	st, err := ReadDataState(context.Background(), testDB)
	require.NoError(t, err)
	assert.Equal(t, "2025-06", st.LastMonth)
	assert.Equal(t, int64(560), st.Exits) // 2024: 353; 2023: 90 + 7 + 45 + 35 + 30 = 207
	ins, err := testCat.Describe(context.Background(), testDB)
	require.NoError(t, err)
	assert.Equal(t, st.Date(), ins[0].DataDate)
	_, err = ReadDataState(context.Background(), emptyDB(t))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "agora build")
}

func emptyDB(t *testing.T) *sql.DB {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestErrorsAreTyped(t *testing.T) {
	_, err := testCat.ParseQuery("x", nil)
	var pe *ParamError
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "indicateur", pe.Param)
}
