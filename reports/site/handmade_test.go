package site

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/fixture"
)

// handmadeMarts holds the marts the models build from their hand-made
// deliveries (about 30 dossiers), figures worked out by hand.
const handmadeMarts = "../../testdata/handmade/expected"

// TestHandmadeMarts writes the site from the models' own marts: the site's
// queries (through the catalogue, and its direct reads of the quality marts
// and labels) fit the real columns and types. With so few exits every count
// is hidden: charts give way to their tables, and the pages still build.
func TestHandmadeMarts(t *testing.T) {
	db := fixture.OpenMarts(t, handmadeMarts)
	dir := filepath.Join(t.TempDir(), "site")
	if out := os.Getenv("AGORA_SITE_OUT"); out != "" {
		dir = out // keep it, for the browser tests (AGORA_SITE_DIR)
	}
	var sum Summary
	require.NoError(t, Write(context.Background(), db, dir, Options{Now: publishedAt, Summary: &sum, Catalogue: indicators.New()}))
	for _, p := range []string{"index.html", "budget.html", "organismes.html", "regions.html", "qualite.html", "qualite-FT.html", "methodologie.html"} {
		assert.Contains(t, sum.Pages, p)
	}
	// qualite_partenaire: FT 13 dossiers (published), 1 rejected line, 95,8 %
	// of events within 30 days; CDC 7 dossiers (below 11: hidden).
	page := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return pageText(string(b))
	}
	// FT: 1 line rejected (AIF-D31, bad NIR key) and 1 orphan funding line
	// set aside (AIF-999, file 10).
	assert.Contains(t, page("qualite-FT.html"),
		"France Travail a transmis 13 dossiers ; 1 ligne a été rejetée et 1 ligne orpheline mise à l'écart, et 95,8\u202f% des événements sont arrivés au plus 30 jours après leur date.")
	assert.Contains(t, page("qualite-CDC.html"), "Caisse des Dépôts (CPF) a transmis un nombre de dossiers couvert par le secret statistique")
	assert.Contains(t, page("organismes.html"), "Aucun organisme n'a de chiffre publiable pour ses sortants de 2023")
	// Données : the date of the data of etat_donnees.
	assert.Contains(t, page("index.html"), "Données : DSN couverte jusqu'à mars 2025")
}
