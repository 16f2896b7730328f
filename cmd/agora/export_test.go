package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/indicators/fixture"
)

// exportRoot makes a data root whose warehouse holds the fixture marts.
func exportRoot(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := sql.Open("duckdb", filepath.Join(dir, "warehouse.duckdb"))
	require.NoError(t, err)
	require.NoError(t, fixture.Build(context.Background(), db))
	require.NoError(t, db.Close())
	return dir
}

func runExport(dir string, args ...string) (string, error) {
	var out bytes.Buffer
	a := &app{out: &out, errOut: &out, root: dataroot.Root{Dir: dir}}
	cmd := exportCmd(a)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetContext(context.Background())
	err := cmd.Execute()
	return out.String(), err
}

func TestExportPartner(t *testing.T) {
	dir := exportRoot(t)
	out, err := runExport(dir, "partenaire", "--financeur", "FT")
	require.NoError(t, err, out)
	path := filepath.Join(dir, "prive", "partenaires", "FT", "resultats_dossiers_FT.csv")
	assert.Contains(t, out, path)
	assert.Contains(t, out, "(123 sorties).\nIl contient des données personnelles") // fixture: FT sends cells 7, 8, 9 (30 + 50 + 8) and 13 (35)
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())

	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(b, []byte("\ufeff")), "UTF-8 BOM for spreadsheet software")
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	require.NoError(t, err)
	header := recs[0]
	assert.Equal(t, []string{"id_dossier", "code_dispositif", "siret_of", "code_region", "date_entree", "date_sortie",
		"motif_sortie", "certification_obtenue"}, header[:8])
	assert.Contains(t, header, "emploi_6m")
	assert.Contains(t, header, "code_naf_12m")
	assert.Contains(t, header, "multi_emploi_sortie")
	assert.NotContains(t, header, "secret")
	col := func(name string) int {
		for i, h := range header {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	// Only FT's dossiers (AIF cells 7, 8, 9 in 2024 and 13 in 2023: 30 + 50 + 8 + 35).
	require.Len(t, recs, 1+123)
	for _, rec := range recs[1:] {
		assert.Equal(t, "AIF", rec[col("code_dispositif")])
	}
	// Dossier AIF-7-001: first exit of cell 7, observed and employed at 6 months
	// (i = 1 ≤ emp6 = 16), durable (1 ≤ 8): CDI, 151,67 hours with a decimal comma.
	var found bool
	for _, rec := range recs[1:] {
		if rec[col("id_dossier")] == "AIF-7-001" {
			found = true
			assert.Equal(t, "O", rec[col("observe_6m")])
			assert.Equal(t, "O", rec[col("emploi_6m")])
			assert.Equal(t, "O", rec[col("emploi_durable_6m")])
			assert.Equal(t, "CDI", rec[col("famille_contrat_6m")])
			assert.Equal(t, "151,67", rec[col("heures_6m")])
			assert.Equal(t, "8610Z", rec[col("code_naf_6m")])
			assert.Equal(t, "2024-02-15", rec[col("date_sortie")]) // month 1 + 1 mod 12
		}
		if rec[col("id_dossier")] == "AIF-7-030" {
			// i = 30 > obs12 = 22: not observed at 12 months, every 12-month cell empty.
			assert.Equal(t, "N", rec[col("observe_12m")])
			assert.Equal(t, "", rec[col("emploi_12m")])
			assert.Equal(t, "", rec[col("multi_emploi_12m")])
		}
	}
	assert.True(t, found)
}

func TestExportPartnerRefusesPublicFolders(t *testing.T) {
	dir := exportRoot(t)
	for _, out := range []string{
		filepath.Join(dir, "opendata"),
		filepath.Join(dir, "site", "partenaires"),
		filepath.Join(dir, "site", "..", "site", "x"),
	} {
		msg, err := runExport(dir, "partenaire", "--financeur", "FT", "--out", out)
		require.Error(t, err, out)
		assert.Contains(t, err.Error(), "données personnelles", msg)
		assert.Contains(t, err.Error(), "refus")
	}
	// A symbolic link to the site is followed.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "site"), 0o755))
	link := filepath.Join(t.TempDir(), "lien")
	require.NoError(t, os.Symlink(filepath.Join(dir, "site"), link))
	_, err := runExport(dir, "partenaire", "--financeur", "FT", "--out", filepath.Join(link, "fichiers"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refus")
	// Nothing was written under the public folders.
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			assert.False(t, strings.Contains(p, "resultats_dossiers"), p)
		}
		return nil
	})
}

func TestExportPartnerErrors(t *testing.T) {
	dir := exportRoot(t)
	_, err := runExport(dir, "partenaire")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--financeur")
	_, err = runExport(dir, "partenaire", "--financeur", "XYZ")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "financeur inconnu")
	_, err = runExport(t.TempDir(), "partenaire", "--financeur", "FT")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "agora build")

	// A funder without dossiers gets a file with the header only, and a
	// warning saying why it may be empty; the command succeeds.
	out := t.TempDir()
	msg, err := runExport(dir, "partenaire", "--financeur", "OPCO-03", "--out", out)
	require.NoError(t, err, msg)
	path := filepath.Join(out, "resultats_dossiers_OPCO-03.csv")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(b), "\n"))
	const warning = "aucune sortie de dossier du financeur OPCO-03 dans l'entrepôt : le fichier ne contient que l'en-tête. " +
		"Soit il n'a encore rien transmis, ou ses fichiers n'ont pas été chargés (« agora quality --financeur OPCO-03 » le dit), soit aucun de ses dossiers n'est encore sorti."
	assert.Equal(t, "Fichier du financeur OPCO-03 : "+path+" (0 sortie).\nAttention : "+warning+"\n", msg)
	msg, err = runCmd(dir, true, exportCmd, "partenaire", "--financeur", "OPCO-03", "--out", out)
	require.NoError(t, err, msg)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(msg), &got), msg)
	assert.Equal(t, map[string]any{"financeur": "OPCO-03", "fichier": path, "lignes": 0.0, "avertissement": warning}, got)
}
