package site

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// plain turns the narrow no-break spaces and minus signs into ASCII so that the
// expected strings below are easy to read.
func plain(s string) string {
	return strings.NewReplacer(nnbsp, "_", minus, "-").Replace(s)
}

func TestFormat(t *testing.T) {
	cases := []struct{ got, want string }{
		{fmtPct(58.3), "58,3_%"},
		{fmtPct(100), "100,0_%"},
		{fmtPoints(1.2), "+1,2 point"},
		{fmtPoints(-0.44), "-0,4 point"},
		{fmtPoints(2.5), "+2,5 points"},
		{fmtPoints(-2), "-2,0 points"},
		{fmtPoints(0.01), "0,0 point"},
		{fmtChangePct(3.44), "+3,4_%"},
		{fmtEuros(12345.4), "12_345_€"},
		{fmtEuros(12.4e6), "12,4 millions d'euros"},
		{fmtEuros(1.5e6), "1,5 million d'euros"},
		{fmtEuros(1.254e9), "1,25 milliard d'euros"},
		{fmtEuros(3.2e9), "3,20 milliards d'euros"},
		{fmtEurosCents(12.345), "12,35_€"},
		{fmtPct(61.25), "61,3_%"}, // halves away from zero, as the indicators
		{fmtPct(-0.05), "-0,1_%"},
		{numberWord(6), "six"},
		{numberWord(12), "douze"},
		{numberWord(24), "24"},
		{capitalize("été"), "Été"},
	}
	for i, c := range cases {
		assert.Equal(t, c.want, plain(c.got), "case %d", i)
	}
}
