package indicators

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDataStateDate(t *testing.T) {
	cases := []struct {
		name string
		st   DataState
		want string
	}{
		{"first of the month", DataState{LastMonth: "2025-06", LastTransmission: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)},
			"DSN couverte jusqu'à juin 2025, transmissions reçues jusqu'au 1er juillet 2025"},
		{"other day", DataState{LastMonth: "2025-06", LastTransmission: time.Date(2025, 7, 2, 23, 59, 0, 0, time.UTC)},
			"DSN couverte jusqu'à juin 2025, transmissions reçues jusqu'au 2 juillet 2025"},
		{"no transmission", DataState{LastMonth: "2024-12"},
			"DSN couverte jusqu'à décembre 2024"},
		{"no DSN", DataState{LastTransmission: time.Date(2025, 8, 15, 0, 0, 0, 0, time.UTC)},
			"DSN couverte jusqu'à (aucune DSN chargée), transmissions reçues jusqu'au 15 août 2025"},
		{"nothing", DataState{}, "DSN couverte jusqu'à (aucune DSN chargée)"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.st.Date(), c.name)
	}
}
