package dictionary

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// A code written in lower case stays UNKNOWN_CODE, with the upper-case code
// as a hint when it is one; any other unknown code is shown as it is.
func TestUnknownCodeCaseHint(t *testing.T) {
	const hint = " : vouliez-vous dire « %s » ? (les codes s'écrivent en majuscules)"
	for _, tc := range []struct {
		feed              *Feed
		column, raw, want string
	}{
		{Dossiers, "code_dispositif", "prf", "« prf »" + fmt.Sprintf(hint, "PRF")},
		{Dossiers, "code_dispositif", " Prf ", "« Prf »" + fmt.Sprintf(hint, "PRF")},
		{Evenements, "type_evenement", "sortie", "« sortie »" + fmt.Sprintf(hint, "SORTIE")},
		{Evenements, "certification_obtenue", "o", "« o »" + fmt.Sprintf(hint, "O")},
		{Dossiers, "code_dispositif", "xyz", "xyz"}, // XYZ is no code either
		{Dossiers, "code_dispositif", "XYZ", "XYZ"},
		{Evenements, "certification_obtenue", "oui", "oui"},
	} {
		t.Run(tc.column+"="+tc.raw, func(t *testing.T) {
			fields := make([]string, len(tc.feed.Columns))
			fields[tc.feed.Index(tc.column)] = tc.raw
			_, vs := tc.feed.Parse(fields, nil)
			var got []Violation
			for _, v := range vs {
				if v.Column == tc.column {
					got = append(got, v)
				}
			}
			assert.Equal(t, []Violation{{Rule: RuleUnknownCode, Column: tc.column, Value: tc.want}}, got)
		})
	}
}
