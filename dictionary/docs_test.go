package dictionary

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the committed docs from the code")

// TestDocsUpToDate fails when docs/dictionnaire.md or docs/schemas drift from the
// code. Regenerate them with `agora dictionnaire` or `go test ./dictionary -update`.
func TestDocsUpToDate(t *testing.T) {
	docs := filepath.Join("..", "docs")
	if *update {
		_, err := WriteDocs(docs)
		require.NoError(t, err)
	}
	for rel, want := range DocFiles() {
		got, err := os.ReadFile(filepath.Join(docs, rel))
		require.NoError(t, err, "docs/%s is missing: run `agora dictionnaire`", rel)
		assert.Equal(t, string(want), string(got), "docs/%s differs from the code: run `agora dictionnaire`", rel)
	}
}

func TestTableSchema(t *testing.T) {
	var ts struct {
		Fields []struct {
			Name        string `json:"name"`
			Type        string `json:"type"`
			Constraints struct {
				Required bool     `json:"required"`
				Enum     []string `json:"enum"`
			} `json:"constraints"`
		} `json:"fields"`
		PrimaryKey []string `json:"primaryKey"`
	}
	require.NoError(t, json.Unmarshal(TableSchema(Dossiers), &ts))
	require.Len(t, ts.Fields, len(Dossiers.Columns))
	assert.Equal(t, "code_dispositif", ts.Fields[6].Name)
	assert.Len(t, ts.Fields[6].Constraints.Enum, 20)
	assert.Equal(t, "integer", ts.Fields[12].Type)
	assert.True(t, ts.Fields[0].Constraints.Required)
	assert.Equal(t, []string{"code_financeur", "id_dossier"}, ts.PrimaryKey)
}
