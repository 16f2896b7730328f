package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRegionPagesLocative checks the phrase that places a figure in a region
// on the region pages: « à Mayotte », « dans le Grand Est », never « en » before
// a region that does not take it.
func TestRegionPagesLocative(t *testing.T) {
	dir, _ := writeTestSite(t)
	for _, tc := range []struct {
		page  string
		wants []string
	}{
		{"region-04.html", []string{
			"En 2024 à La Réunion, ",
			"Écart entre le taux d'emploi à six mois à La Réunion et le taux national, sortants de 2024,",
			"sortants de 2024 à La Réunion, par dispositif",
		}},
		{"region-06.html", []string{"En 2024 à Mayotte, ", "sortants de 2024 à Mayotte, par dispositif"}},
		{"region-32.html", []string{"En 2024 dans les Hauts-de-France, "}},
		{"region-44.html", []string{"En 2024 dans le Grand Est, ", "taux d'emploi à six mois dans le Grand Est et le taux national"}},
		{"region-52.html", []string{"En 2024 dans les Pays de la Loire, "}},
		{"region-53.html", []string{"En 2024 en Bretagne, ", "sortants de 2024 en Bretagne, par dispositif"}},
	} {
		t.Run(tc.page, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.page))
			require.NoError(t, err)
			text := pageText(string(data))
			for _, w := range tc.wants {
				assert.Truef(t, strings.Contains(text, w), "%s : « %s » absent de la page", tc.page, w)
			}
		})
	}
	// No page of the site says « en » before a region that does not take it.
	pages, err := filepath.Glob(filepath.Join(dir, "*.html"))
	require.NoError(t, err)
	require.NotEmpty(t, pages)
	for _, p := range pages {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		text := strings.ToLower(pageText(string(data)))
		for _, wrong := range []string{"en la réunion", "en mayotte", "en hauts-de-france", "en grand est", "en pays de la loire"} {
			assert.Falsef(t, strings.Contains(text, wrong), "%s : « %s » sur la page", filepath.Base(p), wrong)
		}
	}
}
