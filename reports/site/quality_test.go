package site

import (
	"bytes"
	"context"
	"encoding/csv"
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

	// The unknown sender has rejections only.
	unknown := rep.Partners[2]
	assert.Equal(t, "Émetteur inconnu (fichier illisible)", unknown.Label)
	assert.Len(t, unknown.Rejections, 1)

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
