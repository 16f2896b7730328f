package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dataroot"
)

// siteRoot makes a data root whose warehouse holds the test marts of the
// site (reports/site/testdata/marts.sql), small size.
func siteRoot(t *testing.T) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("..", "..", "reports", "site", "testdata", "marts.sql"))
	require.NoError(t, err)
	dir := t.TempDir()
	db, err := sql.Open("duckdb", filepath.Join(dir, "warehouse.duckdb"))
	require.NoError(t, err)
	_, err = db.Exec("SET VARIABLE nb_sorties = 2000; SET VARIABLE nb_organismes = 20;\n" + string(script))
	require.NoError(t, err)
	require.NoError(t, db.Close())
	return dir
}

func runCmd(dir string, jsonOut bool, build func(*app) *cobra.Command, args ...string) (string, error) {
	var out bytes.Buffer
	a := &app{out: &out, errOut: &out, root: dataroot.Root{Dir: dir}, jsonOut: jsonOut}
	cmd := build(a)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetContext(context.Background())
	err := cmd.Execute()
	return out.String(), err
}

func TestQualityCommand(t *testing.T) {
	dir := siteRoot(t)
	out, err := runCmd(dir, false, qualityCmd, "--financeur", "FT")
	require.NoError(t, err, out)
	assert.Contains(t, out, "France Travail (FT)")
	assert.Contains(t, out, "BAD_DATE")
	assert.Contains(t, out, "Date ou horodatage invalide")
	assert.NotContains(t, out, "(CDC)", "un seul partenaire demandé")

	out, err = runCmd(dir, true, qualityCmd)
	require.NoError(t, err, out)
	var rep struct {
		Partners []struct {
			Funder   string `json:"code_financeur"`
			Dossiers *int64 `json:"nb_dossiers"`
			Rejets   []struct {
				Rule  string `json:"regle"`
				Lines int64  `json:"nb_lignes"`
			} `json:"rejets"`
		} `json:"partenaires"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	require.Len(t, rep.Partners, 5)
	assert.Equal(t, "FT", rep.Partners[1].Funder)
	assert.Equal(t, int64(9800), *rep.Partners[1].Dossiers)
	assert.Equal(t, "BAD_DATE", rep.Partners[1].Rejets[0].Rule)
	assert.Equal(t, int64(41), rep.Partners[1].Rejets[0].Lines)
}

func TestQualityCommandErrors(t *testing.T) {
	dir := siteRoot(t)
	_, err := runCmd(dir, false, qualityCmd, "--financeur", "XYZ")
	var ue *userError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "financeur inconnu")

	_, err = runCmd(dir, false, qualityCmd, "--financeur", "OPCO-07")
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "aucune livraison du financeur OPCO-07")

	_, err = runCmd(t.TempDir(), false, qualityCmd)
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "agora build")
}

func TestReportCommandWithoutWarehouse(t *testing.T) {
	_, err := runCmd(t.TempDir(), false, reportCmd)
	var ue *userError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "entrepôt introuvable")
	assert.Contains(t, ue.msg, "agora build")
}
