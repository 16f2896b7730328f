package site

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The quality figures of testdata/marts.sql (qualite_* tables, written by hand).
func TestQuality(t *testing.T) {
	db := testWarehouse(t)
	rep, err := Quality(context.Background(), db, "")
	require.NoError(t, err)
	var codes []string
	for _, p := range rep.Partners {
		codes = append(codes, p.Funder)
	}
	assert.Equal(t, []string{"CDC", "FT", "INCONNU", "REG-11", "REG-84"}, codes)

	ft := rep.Partners[1]
	assert.Equal(t, "France Travail", ft.Label)
	require.NotNil(t, ft.Dossiers)
	assert.Equal(t, int64(9800), *ft.Dossiers)
	assert.Equal(t, int64(60), ft.RejectedLines)
	assert.Equal(t, 12.0, *ft.DelayMedian)
	assert.Equal(t, 81.5, *ft.Within30Days)
	// Rejections: most lines first.
	require.Len(t, ft.Rejections, 4)
	assert.Equal(t, Rejection{Feed: "dossiers", Rule: "BAD_DATE", Label: "Date ou horodatage invalide", Lines: 41}, ft.Rejections[0])
	assert.Equal(t, "ORPHAN_FUNDING", ft.Rejections[3].Rule)
	assert.Len(t, ft.Completeness, 6)

	// REG-84 has 8 cancelled dossiers: a count below 11, hidden.
	reg84 := rep.Partners[4]
	assert.Nil(t, reg84.Cancelled)
	assert.Equal(t, "nb_dossiers_annules : effectif < 11", reg84.Secret)
	require.NotNil(t, reg84.Dossiers)
	assert.Equal(t, int64(1500), *reg84.Dossiers)

	// The lines no partner can be named for: DSN lines (sent by employers)
	// and a partners' line whose sender could not be read. Not a partner:
	// no dossier can be its, so nothing is hidden and nothing is « secret ».
	unknown := rep.Partners[2]
	assert.Equal(t, "Lignes sans partenaire identifié", unknown.Label)
	assert.True(t, unknown.Unattributed)
	assert.Empty(t, unknown.Secret)
	assert.Equal(t, int64(427), unknown.RejectedLines)
	assert.Len(t, unknown.Rejections, 4)
	// Lines, not lines by rule: 40 lines of the DSN extract count under
	// MISSING_VALUE and BAD_DATE both, once among the lines of DSN.
	dsn, other := unknown.unattributedLines()
	assert.Equal(t, int64(3+234+225-40), dsn) // dsn_neodes + dsn_extrait
	assert.Equal(t, int64(5), other)          // evenements BAD_LINE
	// Hence the note under its rules, and not under FT's (41 + 12 + 7 = 60 lines).
	assert.True(t, unknown.severalRules())
	assert.False(t, ft.severalRules())
	for _, p := range rep.Partners {
		assert.Equal(t, p.Funder == "INCONNU", p.Unattributed, p.Funder)
	}

	one, err := Quality(context.Background(), db, "FT")
	require.NoError(t, err)
	require.Len(t, one.Partners, 1)
	assert.Equal(t, ft, one.Partners[0])
	none, err := Quality(context.Background(), db, "OPCO-07")
	require.NoError(t, err)
	assert.Empty(t, none.Partners)
}

// TestQualityText: the terminal report (agora quality), compared with
// testdata/golden/quality.txt (-update rewrites it).
func TestQualityText(t *testing.T) {
	db := testWarehouse(t)
	rep, err := Quality(context.Background(), db, "")
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, rep.WriteText(&b))
	golden := filepath.Join("testdata", "golden", "quality.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, b.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

// TestPublishedFiguresFollowMarts reads the CSV of the Auvergne-Rhône-Alpes
// page's chart by scheme and checks each figure against the mart: a count
// below 11 or a rate on fewer than 20 is « secret »; any other figure equals
// the mart's, unless secondary suppression hid it too.
func TestPublishedFiguresFollowMarts(t *testing.T) {
	dir, _ := writeTestSite(t)
	db := testWarehouse(t)
	rows, err := db.Query(`SELECT code_dispositif, nb_sortants, nb_observes_6m, taux_emploi_6m
		FROM insertion_dispositif_region WHERE annee_sortie = 2024 AND code_region = '84' AND code_dispositif IS NOT NULL`)
	require.NoError(t, err)
	type mart struct {
		n, obs int64
		rate   float64
	}
	want := map[string]mart{}
	for rows.Next() {
		var code string
		var m mart
		require.NoError(t, rows.Scan(&code, &m.n, &m.obs, &m.rate))
		want[code] = m
	}
	require.NoError(t, rows.Err())
	require.NotEmpty(t, want)

	f, err := os.Open(filepath.Join(dir, "donnees", "region-84-dispositifs.csv"))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"code_dispositif", "nb_sortants", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_ic_bas",
		"taux_emploi_6m_ic_haut", "taux_emploi_durable_6m", "taux_emploi_6m_france"}, recs[0])
	secrets, published := 0, 0
	for _, r := range recs[1:] {
		m, ok := want[r[0]]
		require.True(t, ok, r[0])
		switch {
		case m.n < 11:
			assert.Equal(t, "secret", r[1], "%s : %d sortants", r[0], m.n)
			secrets++
		case r[1] != "secret":
			assert.Equal(t, strconv.FormatInt(m.n, 10), r[1], r[0])
		}
		switch {
		case m.obs < 20:
			assert.Equal(t, "secret", r[3], "%s : taux sur %d observés", r[0], m.obs)
		case r[3] != "secret":
			assert.Equal(t, strconv.FormatFloat(m.rate, 'f', 1, 64), r[3], r[0])
			published++
		}
		assert.NotEqual(t, "0", r[1])
	}
	assert.Positive(t, secrets, "le test n'a vu aucun effectif masqué")
	assert.Positive(t, published, "le test n'a vu aucun taux publié")
}

// smallPartnerSQL is a warehouse with the quality marts of two partners,
// written by hand: TP-02 has 5 dossiers (below 11: hidden), OPCO-03 has 40.
//
//	TP-02    dossiers·id_dossier           5 lines,  5 filled  (= its 5 dossiers)
//	         evenements·motif_sortie       5 lines,  4 filled  (= its 5 exits) 80 %
//	         evenements·type_evenement    12 lines, 12 filled  (an entry and an exit per dossier, 2 more)
//	         financements·montant_realise 24 lines, 18 filled  75 % = 18 / 24, on 20 lines or more
//	         12 events, 3 within 30 days → 25 %, on fewer than 20 events
//	         9 corrections (new versions of its lines), all late
//	OPCO-03  dossiers·id_dossier          40 lines, 40 filled
//	         evenements·motif_sortie      38 lines, 30 filled  78,9 % = 30 / 38
//	         financements·montant_realise  9 lines,  6 filled  66,7 % = 6 / 9
//	         85 events, 80 % within 30 days
const smallPartnerSQL = `
CREATE TABLE etat_donnees AS SELECT DATE '2021-01-01' AS premier_mois_couvert, DATE '2025-06-01' AS dernier_mois_couvert,
	TIMESTAMP '2025-07-03 08:15:00' AS derniere_transmission, 45::BIGINT AS nb_dossiers, 43::BIGINT AS nb_sortants,
	'v1' AS version_correspondance_nsf_naf;
CREATE TABLE qualite_partenaire AS SELECT * FROM (VALUES
	('OPCO-03', 40::BIGINT, 12::BIGINT, 3::BIGINT, 0::BIGINT, 1::BIGINT, 0::BIGINT, 85::BIGINT, 14.0::DOUBLE, 40.0::DOUBLE, 80.0::DOUBLE, 20::BIGINT, 4::BIGINT),
	('TP-02', 5, 1, 2, 0, 0, 0, 12, 138.0, 349.3, 25.0, 9, 9)
) v(code_financeur, nb_dossiers, nb_dossiers_annules, nb_lignes_rejetees, nb_lignes_rejetees_dsn, nb_evenements_orphelins,
	nb_financements_orphelins, nb_evenements, delai_transmission_median_jours, delai_transmission_p90_jours,
	part_transmis_30j, nb_corrections, nb_corrections_tardives);
CREATE TABLE qualite_rejets AS SELECT * FROM (VALUES
	('OPCO-03', 'dossiers', 'BAD_NIR', 3::BIGINT), ('TP-02', 'dossiers', 'BAD_DATE', 2)
) v(code_financeur, flux, regle, nb_lignes);
CREATE TABLE qualite_completude AS SELECT * FROM (VALUES
	('OPCO-03', 'dossiers', 'id_dossier', 40::BIGINT, 40::BIGINT, 100.0::DOUBLE),
	('OPCO-03', 'evenements', 'motif_sortie', 38, 30, 30 * 100.0 / 38),
	('OPCO-03', 'financements', 'montant_realise', 9, 6, 6 * 100.0 / 9),
	('TP-02', 'dossiers', 'id_dossier', 5, 5, 100.0),
	('TP-02', 'evenements', 'motif_sortie', 5, 4, 80.0),
	('TP-02', 'evenements', 'type_evenement', 12, 12, 100.0),
	('TP-02', 'financements', 'montant_realise', 24, 18, 75.0)
) v(code_financeur, flux, colonne, nb_lignes, nb_renseignes, taux_completude);
`

// TestQualitySmallPartner: a partner whose number of dossiers is secret
// publishes no count of lines or events it could be read from (5 lines of
// id_dossier are its 5 dossiers), on its page, in the CSV of its tables, in
// `agora quality` (text and JSON); its rates only on 20 lines or more. A
// partner with 40 dossiers keeps every figure.
func TestQualitySmallPartner(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(smallPartnerSQL)
	require.NoError(t, err)
	ctx := context.Background()

	b := &builder{r: &reader{ctx: ctx, db: db}}
	pages, err := b.quality()
	require.NoError(t, err)
	for _, p := range pages {
		p.dropEmpty()
	}
	dir := t.TempDir()
	_, err = writeFiles(dir, pages, layout{})
	require.NoError(t, err)
	read := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return string(data)
	}

	// The CSV of the completeness chart: rows by rate, hidden ones first.
	assert.Equal(t, `colonne,flux,nb_lignes,nb_renseignes,taux_completude
id_dossier,dossiers,secret,secret,secret
motif_sortie,evenements,secret,secret,secret
type_evenement,evenements,secret,secret,secret
montant_realise,financements,secret,secret,75.0
`, read("donnees/qualite-TP-02-completude.csv"))
	assert.Equal(t, `colonne,flux,nb_lignes,nb_renseignes,taux_completude
montant_realise,financements,9,6,66.7
motif_sortie,evenements,38,30,78.9
id_dossier,dossiers,40,40,100.0
`, read("donnees/qualite-OPCO-03-completude.csv"))
	// Events and corrections hidden, and the share within 30 days (on 12
	// events); the delays are not counts and stay, nor the rejected lines.
	assert.Equal(t, `mesure,valeur
nb_evenements,secret
delai_transmission_median_jours,138.0
delai_transmission_p90_jours,349.3
part_transmis_30j,secret
nb_corrections,secret
nb_corrections_tardives,secret
nb_evenements_orphelins,0
nb_financements_orphelins,0
nb_dossiers_annules,secret
`, read("donnees/qualite-TP-02-delais.csv"))
	assert.Contains(t, read("donnees/qualite-OPCO-03-delais.csv"), "nb_evenements,85\n")
	assert.Equal(t, `code_financeur,nb_dossiers,nb_lignes_rejetees,nb_evenements_orphelins,delai_transmission_median_jours,part_transmis_30j,nb_corrections_tardives
OPCO-03,40,3,1,14.0,80.0,4
TP-02,secret,2,0,138.0,secret,secret
`, read("donnees/qualite-partenaires.csv"))

	// The page: the same cells, and not one of the hidden counts.
	page := pageText(read("qualite-TP-02.html"))
	for _, row := range []string{
		"id_dossier | dossiers | secret | secret | secret",
		"motif_sortie | événements | secret | secret | secret",
		"montant_realise | financements | secret | secret | 75,0\u202f%",
		"Événements transmis | secret",
		"Événements transmis sous 30 jours | secret",
		"Ce partenaire compte moins de 11 dossiers : ses nombres de lignes sont couverts par le secret statistique",
	} {
		assert.Contains(t, page, row)
	}
	assert.Contains(t, page, "Date ou horodatage invalide | dossiers | 2 | BAD_DATE")
	for _, n := range []string{"5", "4", "12", "24", "18", "9"} {
		assert.NotContains(t, page, "| "+n+" |", n)
		assert.NotRegexp(t, `\| `+n+`\n`, page, n)
	}
	assert.Contains(t, pageText(read("qualite-OPCO-03.html")), "id_dossier | dossiers | 40 | 40 | 100,0\u202f%")

	// agora quality: the same figures, and why they are hidden.
	rep, err := Quality(ctx, db, "")
	require.NoError(t, err)
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	for _, line := range []string{
		"  Délai de transmission des événements (nombre secret) : médiane 138,0\u202fj, 90e centile 349,3\u202fj ; transmis sous 30 jours : secret\n",
		"  Secret statistique : nb_dossiers : effectif < 11 ; nb_dossiers_annules : effectif < 11 ; " +
			"nb_evenements, nb_corrections, nb_corrections_tardives, nb_lignes, nb_renseignes : moins de 11 dossiers ; " +
			"part_transmis_30j, taux_completude : dénominateur < 20\n",
		"  Corrections : secret, dont tardives (plus de 30 jours après la première transmission) : secret\n",
		"  Délai de transmission des 85 événements : médiane 14,0\u202fj",
	} {
		assert.Contains(t, text.String(), line)
	}
	assert.Regexp(t, `id_dossier\s+dossiers\s+secret\s+secret\s+secret`, text.String())
	assert.Regexp(t, `montant_realise\s+financements\s+secret\s+secret\s+75,0\x{202f}%`, text.String())
	assert.Regexp(t, `id_dossier\s+dossiers\s+40\s+40\s+100,0\x{202f}%`, text.String())

	js, err := json.Marshal(rep)
	require.NoError(t, err)
	assert.Contains(t, string(js), `{"flux":"dossiers","colonne":"id_dossier","nb_lignes":null,"nb_renseignes":null,"taux_completude":null,`+
		`"secret":"nb_lignes, nb_renseignes : moins de 11 dossiers ; taux_completude : dénominateur \u003c 20"}`)
	assert.Contains(t, string(js), `"nb_evenements":null`)
	assert.Contains(t, string(js), `"nb_evenements":85`)
}
