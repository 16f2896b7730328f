package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompactUnknownDataset checks that a mistyped --jeux is refused, with
// the datasets of the lake, instead of « Rien à compacter ».
func TestCompactUnknownDataset(t *testing.T) {
	out, msgs, err := runAgora("--data", t.TempDir(), "compact", "--dry-run", "--jeux", "dsn_extrait,inexistant")
	ue := asUserError(err)
	require.NotNil(t, ue, err)
	assert.Equal(t, "--jeux : jeu de données inconnu : « inexistant » ; les jeux du lac sont dossiers, dsn_declarations, dsn_extrait, enveloppes, evenements, financements, quarantaine", ue.msg)
	assert.Empty(t, out)
	assert.Empty(t, msgs)
}
