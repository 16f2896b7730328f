package site

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExitsSentence(t *testing.T) {
	cases := []struct {
		exits, rate, change fig
		want                string
	}{
		{shown(812400), shown(58.3), shown(1.2),
			"En 2024, 812_400 personnes sont sorties de formation ; six mois après, 58,3_% étaient en emploi (+1,2 point sur un an)."},
		{shown(812400), shown(58.3), shown(-2.04),
			"En 2024, 812_400 personnes sont sorties de formation ; six mois après, 58,3_% étaient en emploi (-2,0 points sur un an)."},
		// No change published (previous year hidden): no parenthesis.
		{shown(15), shown(40), secretFig,
			"En 2024, 15 personnes sont sorties de formation ; six mois après, 40,0_% étaient en emploi."},
		{secretFig, secretFig, secretFig,
			"En 2024, le nombre de sorties de formation est couvert par le secret statistique ; leur taux d'emploi six mois après est couvert par le secret statistique."},
		{shown(1), missingFig, missingFig,
			"En 2024, 1 personne est sortie de formation ; leur situation six mois après n'est pas encore connue."},
	}
	for i, c := range cases {
		assert.Equal(t, c.want, plain(exitsSentence("", 2024, c.exits, withChange(c.rate, c.change))), "cas %d", i)
	}
	assert.Equal(t, "En 2024 en Corse, 107 personnes sont sorties de formation ; six mois après, 61,7_% étaient en emploi.",
		plain(exitsSentence(" en Corse", 2024, shown(107), rateChange{cur: shown(61.7), prev: missingFig})))
}

// withChange is a rate and the previous year's, change points lower (no
// intervals: never uncertain).
func withChange(rate, change fig) rateChange {
	if !change.ok() {
		return rateChange{cur: rate, prev: change}
	}
	return rateChange{cur: rate, prev: shown(rate.v - change.v)}
}

// A change whose two 95 % intervals overlap is flagged, on the key figure
// and in the sentence; one whose intervals are apart is not. Mayotte in the
// demo: 34 exits, 47,1 % [31,5 ; 63,3] after 38,2 % [23,9 ; 55,0] (+8,8
// points, the intervals overlap from 31,5 to 55,0).
func TestUncertainChange(t *testing.T) {
	mayotte := rateChange{cur: shown(47.1), prev: shown(38.3), curLow: shown(31.5), curHigh: shown(63.3), prevLow: shown(23.9), prevHigh: shown(55.0)}
	assert.True(t, mayotte.uncertain())
	k := rateKey("En emploi six mois après", mayotte)
	assert.Equal(t, "+8,8 points sur un an", k.Change)
	assert.Equal(t, "up", k.Trend)
	assert.Equal(t, "Écart dans la marge d'incertitude : les intervalles de confiance à 95_% des deux années se recouvrent.", plain(k.Caveat))
	assert.Equal(t, "En 2024 à Mayotte, 34 personnes sont sorties de formation ; six mois après, 47,1_% étaient en emploi (+8,8 points sur un an, dans la marge d'incertitude).",
		plain(exitsSentence(" à Mayotte", 2024, shown(34), mayotte)))
	assert.Equal(t, "Six mois après leur sortie, 47,1_% étaient en emploi durable, en CDI ou en contrat d'au moins six mois (+8,8 points sur un an, dans la marge d'incertitude).",
		plain(durableSentence(mayotte)))

	// 8 000 exits a year: 64,1 % [63,1 ; 65,1] after 60,0 % [58,9 ; 61,1]:
	// the intervals are apart, the change stands without a caveat.
	apart := rateChange{cur: shown(64.1), prev: shown(60.0), curLow: shown(63.1), curHigh: shown(65.1), prevLow: shown(58.9), prevHigh: shown(61.1)}
	assert.False(t, apart.uncertain())
	assert.Empty(t, rateKey("x", apart).Caveat)
	// Touching intervals count as overlapping.
	assert.True(t, rateChange{cur: shown(64), prev: shown(60), curLow: shown(62), curHigh: shown(66), prevLow: shown(58), prevHigh: shown(62)}.uncertain())
	// No change, or an interval not published: no caveat.
	assert.False(t, rateChange{cur: shown(60), prev: shown(60), curLow: shown(50), curHigh: shown(70), prevLow: shown(50), prevHigh: shown(70)}.uncertain())
	assert.False(t, rateChange{cur: shown(64), prev: shown(60), curLow: secretFig, curHigh: shown(66), prevLow: shown(58), prevHigh: shown(62)}.uncertain())
	assert.False(t, rateChange{cur: shown(64), prev: secretFig}.uncertain())
}

func TestFundingAndBeforeAfterSentences(t *testing.T) {
	assert.Equal(t, "En 2024, les financeurs ont engagé 85,0 millions d'euros (+0,1_% sur un an) ; 64,9 millions d'euros en sont déjà payés, les paiements se poursuivant les années suivantes.",
		plain(fundingSentence(2024, shown(85e6), shown(0.1), shown(64.9e6))))
	assert.Equal(t, "En 2024, les financeurs ont engagé 85,0 millions d'euros (+0,1_% sur un an).",
		plain(fundingSentence(2024, shown(85e6), shown(0.1), secretFig)))
	assert.Equal(t, "Le montant engagé en 2024 est couvert par le secret statistique.",
		plain(fundingSentence(2024, secretFig, missingFig, missingFig)))
	// 60,1 − 35,2 = 24,9 points.
	assert.Equal(t, "Parmi les sortants de 2024 observés avant et après, 35,2_% étaient en emploi le mois précédant leur entrée en formation, et 60,1_% six mois après leur sortie (+24,9 points).",
		plain(beforeAfterSentence(2024, shown(35.2), shown(60.1), shown(24.9))))
	assert.Equal(t, "", beforeAfterSentence(2024, missingFig, shown(60), missingFig))
	assert.Equal(t, "La comparaison avant/après des sortants de 2024 est couverte par le secret statistique.",
		plain(beforeAfterSentence(2024, secretFig, shown(60), missingFig)), "« comparaison » is feminine")
}

func TestRankSummary(t *testing.T) {
	got := rankSummary("Taux par dispositif", []string{"A", "B", "C", "D", "E"},
		[]fig{shown(50), shown(70.25), secretFig, shown(40), secretFig}, unitPct, "ensemble : 55,0 %")
	assert.Equal(t, "Taux par dispositif : de 40,0_% (D) à 70,3_% (B) ; ensemble : 55,0 %. Deux valeurs sont couvertes par le secret statistique.", plain(got))
	assert.Equal(t, "Rien : aucune valeur publiable. Une valeur est couverte par le secret statistique.",
		plain(rankSummary("Rien", []string{"A"}, []fig{secretFig}, unitPct, "")))
	// Every value reads the same (99,96 rounds to 100,0): no « de 100,0 % (a) à 100,0 % (b) ».
	assert.Equal(t, "Complétude : 100,0_% partout.",
		plain(rankSummary("Complétude", []string{"a", "b", "c"}, []fig{shown(100), shown(99.96), shown(100)}, unitPct, "")))
	assert.Equal(t, "Complétude : 100,0_% pour toutes les valeurs publiées. Une valeur est couverte par le secret statistique.",
		plain(rankSummary("Complétude", []string{"a", "b", "c"}, []fig{shown(100), secretFig, shown(100)}, unitPct, "")))
	assert.Equal(t, "Complétude : de 99,9_% (b) à 100,0_% (a).",
		plain(rankSummary("Complétude", []string{"a", "b"}, []fig{shown(100), shown(99.94)}, unitPct, "")))
}

func TestReferenceYear(t *testing.T) {
	years := []int{2021, 2022, 2023, 2024, 2025}
	cases := []struct {
		last string
		want int
	}{
		{"2025-06", 2024}, // December 2024 + 6 months = June 2025: covered
		{"2025-05", 2023}, // June 2025 not covered: 2024 is not complete
		{"2026-01", 2024}, // June 2026 not covered yet
		{"2026-06", 2025},
		{"2020-03", 2025}, // no year complete: the latest
		{"", 2025},        // no DSN at all
	}
	for _, c := range cases {
		assert.Equal(t, c.want, referenceYear(years, c.last), c.last)
	}
}

func TestFigures(t *testing.T) {
	assert.Equal(t, "secret", unitPct.text(secretFig))
	assert.Equal(t, "n.d.", unitPct.text(missingFig))
	assert.Equal(t, "secret", unitPct.csv(secretFig))
	assert.Equal(t, "", unitPct.csv(missingFig))
	assert.Equal(t, "58.3", unitPct.csv(shown(58.26)))
	assert.Equal(t, "12.35", unitEuroCents.csv(shown(12.3456)))
	assert.Equal(t, "-", secretFig.echartsValue())
	assert.Nil(t, missingFig.echartsValue())
	assert.Equal(t, secretFig, shown(3).minus(secretFig))
	assert.Equal(t, missingFig, shown(3).minus(missingFig))
	assert.Equal(t, shown(1.5), shown(3).minus(shown(1.5)))
	assert.Equal(t, secretFig, pctOf(shown(3), secretFig))
	assert.Equal(t, shown(25), pctOf(shown(3), shown(12)))
	assert.Equal(t, missingFig, changePct(shown(3), shown(0)))
}

// TestHbarSecret: a hidden figure is « - » for ECharts (no bar, never a zero),
// « secret » in the chart's labels, its table and its CSV.
func TestHbarSecret(t *testing.T) {
	tb := table{Keys: []string{"code", "taux"}, Head: []string{"Code", "Taux"},
		Rows: [][]cell{{textCell("A"), figCell(shown(61.25), unitPct)}, {textCell("B"), figCell(secretFig, unitPct)}}}
	c := hbar("x", "Titre", "Résumé.", unitPct, []string{"A", "B"},
		[]series{{"Taux", []fig{shown(61.25), secretFig}}, {"Durable", []fig{shown(40), secretFig}}}, tb)
	b, err := json.Marshal(c.Option)
	require.NoError(t, err)
	var opt struct {
		Aria struct {
			Enabled bool
			Label   struct{ Description string }
		}
		YAxis  []struct{ Data []string }
		Series []struct {
			Data []struct {
				Value any `json:"value"`
			}
		}
	}
	require.NoError(t, json.Unmarshal(b, &opt))
	assert.True(t, opt.Aria.Enabled)
	assert.Equal(t, "Résumé.", opt.Aria.Label.Description)
	assert.Equal(t, []string{"A", "B (secret)"}, opt.YAxis[0].Data)
	assert.Equal(t, 61.25, opt.Series[0].Data[0].Value)
	assert.Equal(t, "-", opt.Series[0].Data[1].Value)
	assert.Equal(t, "-", opt.Series[1].Data[1].Value)
	csv, err := c.Table.csv()
	require.NoError(t, err)
	assert.Equal(t, "code,taux\nA,61.3\nB,secret\n", string(csv))
	assert.Equal(t, "secret", c.Table.Rows[1][1].Text)
}

// TestCompact: beyond maxHiddenRows hidden categories, a bar chart leaves them
// to its table and says so.
func TestCompact(t *testing.T) {
	cats := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	vals := []fig{shown(1), secretFig, secretFig, secretFig, secretFig, secretFig, secretFig, shown(2)}
	c := hbar("x", "T", "S.", unitCount, cats, []series{{"n", vals}}, table{})
	b, _ := json.Marshal(c.Option["yAxis"])
	assert.JSONEq(t, `["a","h"]`, string(mustField(t, b, "data")))
	assert.Contains(t, c.Summary, "ne sont pas dessinées")
	few := hbar("x", "T", "S.", unitCount, cats[:3], []series{{"n", vals[:3]}}, table{})
	b, _ = json.Marshal(few.Option["yAxis"])
	assert.JSONEq(t, `["a","b (secret)","c (secret)"]`, string(mustField(t, b, "data")))
}

func mustField(t *testing.T, list []byte, field string) json.RawMessage {
	t.Helper()
	var axes []map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(list, &axes))
	require.NotEmpty(t, axes)
	return axes[0][field]
}
