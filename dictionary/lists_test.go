package dictionary

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRegionIn(t *testing.T) {
	want := map[string]string{
		"01": "en Guadeloupe",
		"02": "en Martinique",
		"03": "en Guyane",
		"04": "à La Réunion",
		"06": "à Mayotte",
		"11": "en Île-de-France",
		"24": "en Centre-Val de Loire",
		"27": "en Bourgogne-Franche-Comté",
		"28": "en Normandie",
		"32": "dans les Hauts-de-France",
		"44": "dans le Grand Est",
		"52": "dans les Pays de la Loire",
		"53": "en Bretagne",
		"75": "en Nouvelle-Aquitaine",
		"76": "en Occitanie",
		"84": "en Auvergne-Rhône-Alpes",
		"93": "en Provence-Alpes-Côte d'Azur",
		"94": "en Corse",
	}
	// Every region of the dictionary has its expected phrase written above.
	require.Len(t, Regions.Codes, len(want))
	for _, r := range Regions.Codes {
		t.Run(r.Code, func(t *testing.T) {
			w, ok := want[r.Code]
			require.True(t, ok, "région %s (%s) sans phrase attendue", r.Code, r.Label)
			assert.Equal(t, w, RegionIn(r.Code))
		})
	}
	// An unknown code falls back on « en » and the code.
	assert.Equal(t, "en 99", RegionIn("99"))
}
