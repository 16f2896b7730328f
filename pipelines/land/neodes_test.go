package land

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
)

// The quarantine shows a NEODeS value as the file writes it, so that the user
// finds it there: the contract start 32072024 of line 14, not the 2024-07-32
// the parser converts it to; so for an unconvertible date (3112202, line 17)
// and an impossible contract end (31062024, line 23). A NIR stays masked,
// with its reason (line 19's contract, employee of line 18 whose key is 94
// instead of 93). The valid contract of line 10 lands with its dates
// converted: 01072024 → 2024-07-01, 31122024 → 2024-12-31.
func TestNEODeSQuarantineShowsWrittenValue(t *testing.T) {
	e := newEnv(t)
	data := strings.Join([]string{
		"S20.G00.05.001,'01'", // 1
		"S20.G00.05.002,'01'",
		"S20.G00.05.004,'1'",
		"S20.G00.05.005,'01072024'",
		"S20.G00.05.007,'05082024'",
		"S21.G00.06.001,'123456782'",
		"S21.G00.11.001,'00010'",
		"S21.G00.11.002,'4711F'",
		"S21.G00.30.001,'" + nir1 + "'", // 9
		"S21.G00.40.001,'01072024'",     // 10: valid contract
		"S21.G00.40.007,'01'",
		"S21.G00.40.009,'C1'",
		"S21.G00.40.010,'31122024'",
		"S21.G00.40.001,'32072024'", // 14: day 32
		"S21.G00.40.007,'02'",
		"S21.G00.40.009,'C2'",
		"S21.G00.40.010,'3112202'",         // 17: seven digits
		"S21.G00.30.001,'295109912611194'", // 18: key 94 instead of 93
		"S21.G00.40.001,'01072024'",        // 19
		"S21.G00.40.007,'01'",
		"S21.G00.40.009,'C3'",
		"S21.G00.30.001,'" + nir2 + "'", // 22
		"S21.G00.40.001,'01072024'",     // 23
		"S21.G00.40.007,'01'",
		"S21.G00.40.009,'C4'",
		"S21.G00.62.001,'31062024'", // 26: 31 June
	}, "\n") + "\n"
	s := e.land(Options{}, e.write("decl.dsn", []byte(data)))
	require.Equal(t, 1, s.Count(StatusLanded), "%+v", s)
	f := s.Files[0]
	assert.Equal(t, int64(4), f.Read)
	assert.Equal(t, int64(1), f.Landed)
	assert.Equal(t, map[string]int64{dictionary.RuleBadDate: 2, dictionary.RuleBadNIR: 1}, f.ByRule)

	db := e.db()
	assert.Equal(t, [][]string{
		{"14", "BAD_DATE", "date_debut_contrat", "32072024"},
		{"14", "BAD_DATE", "date_fin_prevue", "3112202"},
		{"19", "BAD_NIR", "nir", "*************** (clé incorrecte)"},
		{"23", "BAD_DATE", "date_fin_reelle", "31062024"},
	}, rows(t, db, "SELECT ligne::VARCHAR, regle, colonne, valeur FROM quarantaine WHERE fichier = 'decl.dsn' ORDER BY ALL"))
	assert.Equal(t, [][]string{
		{pseudoOf(t, nir1), "2024-07-01", "C1", "2024-07-01", "2024-12-31", "∅", "10"},
	}, rows(t, db, `SELECT pseudo::VARCHAR, mois::VARCHAR, id_contrat, date_debut_contrat::VARCHAR,
		date_fin_prevue::VARCHAR, date_fin_reelle::VARCHAR, _ligne::VARCHAR FROM dsn_extrait`))
}
