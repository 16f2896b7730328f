package lake

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDate(t *testing.T) {
	for _, c := range []struct {
		d    Date
		want int32
		text string
	}{
		{NewDate(1970, 1, 1), 0, "1970-01-01"},
		{NewDate(1969, 12, 31), -1, "1969-12-31"},
		// 2024-03-15: 54 years × 365 + 13 leap days (1972…2020) + 74 days (31+29+14) = 19797.
		{NewDate(2024, 3, 15), 19797, "2024-03-15"},
		{NewDate(2024, 2, 30), 19783, "2024-03-01"}, // normalised like time.Date
		{DateOf(time.Date(2024, 3, 15, 23, 30, 0, 0, time.FixedZone("Réunion", 4*3600))), 19797, "2024-03-15"},
	} {
		assert.Equal(t, c.want, int32(c.d), c.text)
		assert.Equal(t, c.text, c.d.String())
		assert.Equal(t, c.d, DateOf(c.d.Time()))
	}
}
