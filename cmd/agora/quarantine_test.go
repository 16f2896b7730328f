package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

// clearNIR is the NIR of the fixture's people: 1930669123001, key
// 97 − (1930669123001 mod 97) = 23. It must never appear in any output.
const clearNIR = "193066912300123"

// quarantineDossiers is a dossiers delivery of REG-84 with one good line (2)
// and four rejected lines, five rules broken (line 1 is the header):
//
//	3  date_debut_prevue 15-01-2024: neither AAAA-MM-JJ nor JJ/MM/AAAA → BAD_DATE
//	4  nir with key 24 instead of 23 → BAD_NIR, kept masked
//	5  sexe 3 (1 or 2) and code_dispositif XYZ → UNKNOWN_CODE twice;
//	   code_certification holding a NIR → BAD_FORMAT, the NIR masked
//	6  code_dispositif empty → MISSING_VALUE
const quarantineDossiers = "id_dossier;code_financeur;nir;sexe;date_naissance;situation_avant;code_dispositif;siret_of;formacode;code_nsf;code_certification;region_formation;heures_prevues;date_debut_prevue;date_fin_prevue;date_transmission\n" +
	"PRF-D01;REG-84;" + clearNIR + ";1;1993-06-15;DE;PRF;41234567000019;22435;233;RNCP35001;84;420;2023-09-04;2024-01-31;2023-08-15T09:00:00\n" +
	"PRF-D02;REG-84;299116912300249;2;1999-11-20;DE;PRF;52345678800018;22435;233;RNCP35001;84;380;15-01-2024;2024-02-29;2023-09-12T09:00:00\n" +
	"PRF-D03;REG-84;193066912300124;1;1993-06-15;DE;PRF;41234567000019;22435;233;RNCP35001;84;420;2023-09-04;2024-01-31;2023-08-15T09:00:00\n" +
	"PRF-D04;REG-84;" + clearNIR + ";3;1993-06-15;DE;XYZ;41234567000019;22435;233;" + clearNIR + ";84;420;2023-09-04;2024-01-31;2023-08-15T09:00:00\n" +
	"PRF-D05;REG-84;" + clearNIR + ";1;1993-06-15;DE;;41234567000019;22435;233;RNCP35001;84;420;2023-09-04;2024-01-31;2023-08-15T09:00:00\n"

// quarantineLake lands three deliveries into a data root and returns it with
// its landing manifests by file name: dossiers_REG-84.csv (above),
// env.csv (envelopes: line 3, montant -5 → OUT_OF_RANGE) and mauvais.csv
// (no column of any feed: refused, MISSING_COLUMN at line 0). It checks the
// summary of agora land ends with the command that lists the rejected lines.
func quarantineLake(t *testing.T) (string, map[string]lake.Manifest) {
	t.Helper()
	t.Setenv("HOME", t.TempDir())
	t.Setenv(pseudo.EnvKeyFile, "")
	t.Setenv(pseudo.EnvKey, "0123456789abcdef0123456789abcdef")
	dir := t.TempDir()
	in := filepath.Join(t.TempDir(), "livraisons")
	require.NoError(t, os.MkdirAll(in, 0o755))
	for name, data := range map[string]string{
		"dossiers_REG-84.csv": quarantineDossiers,
		"env.csv":             envelopes,
		"mauvais.csv":         "a;b\n1;2\n",
	} {
		require.NoError(t, os.WriteFile(filepath.Join(in, name), []byte(data), 0o644))
	}
	out, msgs, err := runAgora("--data", dir, "land", in)
	var ue *userError
	require.ErrorAs(t, err, &ue, msgs) // mauvais.csv is refused
	// The refused file is left out: its own message says why.
	assert.True(t, strings.HasSuffix(out, "\nLignes rejetées, avec leur colonne, leur valeur et la correction : agora quarantaine --data "+shellQuote(dir)+" --fichier dossiers_REG-84.csv,env.csv\n"), out)
	assert.NotContains(t, out+msgs, clearNIR)

	lk, err := lake.Open(filepath.Join(dir, "lake"))
	require.NoError(t, err)
	ms, err := lk.Manifests()
	require.NoError(t, err)
	byFile := map[string]lake.Manifest{}
	for _, m := range ms {
		require.Len(t, m.Sources, 1)
		byFile[m.Sources[0].Name] = m
	}
	require.Len(t, byFile, 3)
	return dir, byFile
}

// heading is the line that opens a file's rows in the listing.
func heading(name, feed string, m lake.Manifest) string {
	return name + " — flux " + feed + ", chargement " + m.ID + " du " + m.FinishedAt.Local().Format("02/01/2006 15:04") + "\n" +
		"      ligne  colonne                 règle              valeur\n"
}

func TestQuarantineCommand(t *testing.T) {
	dir, ms := quarantineLake(t)
	dossiers, env, refused := ms["dossiers_REG-84.csv"], ms["env.csv"], ms["mauvais.csv"]

	const (
		fixBadDate    = "  BAD_DATE           Date ou horodatage invalide : Écrivez les dates AAAA-MM-JJ ou JJ/MM/AAAA et les horodatages AAAA-MM-JJTHH:MM:SS.\n"
		fixOutOfRange = "  OUT_OF_RANGE       Valeur hors des bornes admises : Vérifiez la valeur : elle sort des bornes fixées par le dictionnaire.\n"
		refusal       = "mauvais.csv : en-tête non reconnu (« a;b ») : aucune colonne d'un flux du dictionnaire (dossiers, evenements, financements, enveloppes, dsn_extrait) ; rien n'a été chargé. Vérifiez que la première ligne donne les noms des colonnes, séparés par « ; », ou forcez le flux avec --feed."
		dossiersRows  = "          3  date_debut_prevue       BAD_DATE           15-01-2024\n" +
			"          4  nir                     BAD_NIR            *************** (clé incorrecte)\n" +
			"          5  code_certification      BAD_FORMAT         ***************\n" +
			"          5  code_dispositif         UNKNOWN_CODE       XYZ\n" +
			"          5  sexe                    UNKNOWN_CODE       3\n" +
			"          6  code_dispositif         MISSING_VALUE      (vide)\n"
	)

	// Everything: the files in the order of their landings (dossiers_…,
	// env, mauvais: the lexical order of their paths), then how to correct
	// each rule broken, in the dictionary's order. 4 + 1 + 1 = 6 lines.
	out, err := runCmd(dir, false, quarantineCmd)
	require.NoError(t, err, out)
	assert.Equal(t, "6 lignes rejetées dans 3 fichiers (règles enfreintes : MISSING_COLUMN 1, BAD_DATE 1, BAD_NIR 1, UNKNOWN_CODE 2, MISSING_VALUE 1, OUT_OF_RANGE 1, BAD_FORMAT 1).\n"+
		"\n"+heading("dossiers_REG-84.csv", "dossiers", dossiers)+dossiersRows+
		"\n"+heading("env.csv", "enveloppes", env)+
		"          3  montant                 OUT_OF_RANGE       -5\n"+
		"\n"+heading("mauvais.csv", "inconnu", refused)+
		"    fichier                          MISSING_COLUMN     "+refusal+"\n"+
		"\nComment corriger :\n"+
		"  MISSING_COLUMN     Colonne obligatoire absente de l'en-tête : Ajoutez la colonne à la première ligne du fichier (les noms exacts sont dans le dictionnaire) et renvoyez le fichier.\n"+
		fixBadDate+
		"  BAD_NIR            NIR invalide (format ou clé) : Vérifiez le numéro de sécurité sociale : 13 caractères et une clé de 2 chiffres.\n"+
		"  UNKNOWN_CODE       Code absent de la liste de référence : Utilisez un code des listes de référence du dictionnaire.\n"+
		"  MISSING_VALUE      Valeur obligatoire manquante : Renseignez la valeur : un champ vide signifie « inconnu ».\n"+
		fixOutOfRange+
		"  BAD_FORMAT         Valeur au format invalide : Respectez le format décrit dans le dictionnaire pour cette colonne.\n", out)

	// One file, by its path: its line only.
	out, err = runCmd(dir, false, quarantineCmd, "--fichier", "/ailleurs/env.csv")
	require.NoError(t, err, out)
	assert.Equal(t, "1 ligne rejetée dans 1 fichier (règles enfreintes : OUT_OF_RANGE 1).\n"+
		"\n"+heading("env.csv", "enveloppes", env)+
		"          3  montant                 OUT_OF_RANGE       -5\n"+
		"\nComment corriger :\n"+fixOutOfRange, out)

	// A rule in lower case, with a funder: BAD_DATE of REG-84 only.
	out, err = runCmd(dir, false, quarantineCmd, "--regle", "bad_date", "--financeur", "reg-84")
	require.NoError(t, err, out)
	assert.Equal(t, "1 ligne rejetée dans 1 fichier (règles enfreintes : BAD_DATE 1).\n"+
		"\n"+heading("dossiers_REG-84.csv", "dossiers", dossiers)+
		"          3  date_debut_prevue       BAD_DATE           15-01-2024\n"+
		"\nComment corriger :\n"+fixBadDate, out)

	// A landing: the envelopes' (FT) only. The refused file has no
	// readable sender: INCONNU.
	out, err = runCmd(dir, false, quarantineCmd, "--chargement", env.ID)
	require.NoError(t, err, out)
	assert.Contains(t, out, "1 ligne rejetée dans 1 fichier (règles enfreintes : OUT_OF_RANGE 1).\n")
	out, err = runCmd(dir, false, quarantineCmd, "--financeur", "INCONNU")
	require.NoError(t, err, out)
	assert.Contains(t, out, "1 ligne rejetée dans 1 fichier (règles enfreintes : MISSING_COLUMN 1).\n")
	out, err = runCmd(dir, false, quarantineCmd, "--financeur", "CDC")
	require.NoError(t, err, out)
	assert.Equal(t, "Aucune ligne en quarantaine pour ces critères.\n", out)

	// A limit counts rejected lines: line 5's three rules are one line.
	// 2 lines shown (3, 4) of 6: 4 others.
	out, err = runCmd(dir, false, quarantineCmd, "--limite", "2")
	require.NoError(t, err, out)
	assert.Contains(t, out, "\n"+heading("dossiers_REG-84.csv", "dossiers", dossiers)+
		"          3  date_debut_prevue       BAD_DATE           15-01-2024\n"+
		"          4  nir                     BAD_NIR            *************** (clé incorrecte)\n"+
		"\n… et 4 autres lignes : --toutes pour les afficher, ou --csv FICHIER pour les écrire dans un fichier à renvoyer au partenaire.\n"+
		"\nComment corriger :\n")
	out, err = runCmd(dir, false, quarantineCmd, "--limite", "3", "--fichier", "dossiers_REG-84.csv")
	require.NoError(t, err, out)
	assert.Contains(t, out, "          5  sexe                    UNKNOWN_CODE       3\n\n… et 1 autre ligne : --toutes")
	out, err = runCmd(dir, false, quarantineCmd, "--limite", "1", "--toutes")
	require.NoError(t, err, out)
	assert.NotContains(t, out, "autre")
	assert.Contains(t, out, "    fichier ")

	// --json: the same rows, with the correction of each and the limit.
	out, err = runCmd(dir, true, quarantineCmd, "--limite", "1", "--fichier", "dossiers_REG-84.csv,env.csv")
	require.NoError(t, err, out)
	var rep struct {
		Lines   int64            `json:"lignes_rejetees"`
		Entries int64            `json:"regles_enfreintes"`
		Files   int64            `json:"fichiers"`
		ByRule  map[string]int64 `json:"par_regle"`
		Detail  []map[string]any `json:"detail"`
		More    int64            `json:"autres_lignes"`
		Rules   []map[string]any `json:"regles"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep), out)
	assert.Equal(t, int64(5), rep.Lines)   // 4 in the dossiers, 1 in env.csv
	assert.Equal(t, int64(7), rep.Entries) // 6 + 1 rules broken
	assert.Equal(t, int64(2), rep.Files)
	assert.Equal(t, map[string]int64{"BAD_DATE": 1, "BAD_NIR": 1, "UNKNOWN_CODE": 2, "MISSING_VALUE": 1, "BAD_FORMAT": 1, "OUT_OF_RANGE": 1}, rep.ByRule)
	assert.Equal(t, int64(4), rep.More)
	assert.Equal(t, []map[string]any{{
		"chargement": dossiers.ID, "fichier": "dossiers_REG-84.csv", "flux": "dossiers", "code_financeur": "REG-84",
		"ligne": 3.0, "colonne": "date_debut_prevue", "regle": "BAD_DATE", "valeur": "15-01-2024",
		"correction": "Écrivez les dates AAAA-MM-JJ ou JJ/MM/AAAA et les horodatages AAAA-MM-JJTHH:MM:SS.",
	}}, rep.Detail)
	require.Len(t, rep.Rules, 6)
	assert.Equal(t, "BAD_DATE", rep.Rules[0]["code"])

	// --csv: every row, for a spreadsheet, readable by its owner only.
	csvPath := filepath.Join(dir, "prive", "rejets.csv")
	require.NoError(t, os.MkdirAll(filepath.Dir(csvPath), 0o700))
	out, err = runCmd(dir, false, quarantineCmd, "--csv", csvPath, "--limite", "1")
	require.NoError(t, err, out)
	assert.Equal(t, "6 lignes rejetées dans 3 fichiers (règles enfreintes : MISSING_COLUMN 1, BAD_DATE 1, BAD_NIR 1, UNKNOWN_CODE 2, MISSING_VALUE 1, OUT_OF_RANGE 1, BAD_FORMAT 1), écrites dans "+csvPath+".\n"+
		"Les valeurs rejetées peuvent être des données personnelles : ne publiez pas ce fichier.\n", out)
	data, err := os.ReadFile(csvPath)
	require.NoError(t, err)
	const (
		dateFix    = "Date ou horodatage invalide;Écrivez les dates AAAA-MM-JJ ou JJ/MM/AAAA et les horodatages AAAA-MM-JJTHH:MM:SS."
		nirFix     = "NIR invalide (format ou clé);Vérifiez le numéro de sécurité sociale : 13 caractères et une clé de 2 chiffres."
		formatFix  = "Valeur au format invalide;Respectez le format décrit dans le dictionnaire pour cette colonne."
		codeFix    = "Code absent de la liste de référence;Utilisez un code des listes de référence du dictionnaire."
		missingFix = "Valeur obligatoire manquante;Renseignez la valeur : un champ vide signifie « inconnu »."
	)
	d, e, r := ";dossiers;REG-84;"+dossiers.ID, ";enveloppes;FT;"+env.ID, ";inconnu;INCONNU;"+refused.ID
	assert.Equal(t, "\ufefffichier;ligne;colonne;regle;valeur;libelle;correction;message;flux;code_financeur;chargement\n"+
		"dossiers_REG-84.csv;3;date_debut_prevue;BAD_DATE;15-01-2024;"+dateFix+";"+d+"\n"+
		"dossiers_REG-84.csv;4;nir;BAD_NIR;*************** (clé incorrecte);"+nirFix+";"+d+"\n"+
		"dossiers_REG-84.csv;5;code_certification;BAD_FORMAT;***************;"+formatFix+";"+d+"\n"+
		"dossiers_REG-84.csv;5;code_dispositif;UNKNOWN_CODE;XYZ;"+codeFix+";"+d+"\n"+
		"dossiers_REG-84.csv;5;sexe;UNKNOWN_CODE;3;"+codeFix+";"+d+"\n"+
		"dossiers_REG-84.csv;6;code_dispositif;MISSING_VALUE;;"+missingFix+";"+d+"\n"+
		"env.csv;3;montant;OUT_OF_RANGE;-5;Valeur hors des bornes admises;Vérifiez la valeur : elle sort des bornes fixées par le dictionnaire.;"+e+"\n"+
		"mauvais.csv;0;;MISSING_COLUMN;;Colonne obligatoire absente de l'en-tête;Ajoutez la colonne à la première ligne du fichier (les noms exacts sont dans le dictionnaire) et renvoyez le fichier.;"+
		"\""+strings.ReplaceAll(refusal, `"`, `""`)+"\""+r+"\n", string(data))
	info, err := os.Stat(csvPath)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	assert.NotContains(t, string(data), clearNIR)

	// Never under the public folders.
	_, err = runCmd(dir, false, quarantineCmd, "--csv", filepath.Join(dir, "site", "rejets.csv"))
	var ue *userError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "est dans le dossier public")
}

// TestQuarantineRefusals checks the filters a user can mistype.
func TestQuarantineRefusals(t *testing.T) {
	dir, ms := quarantineLake(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--fichier", "absent.csv"}, "aucun fichier nommé \"absent.csv\" n'a été chargé dans le lac " + filepath.Join(dir, "lake") + " ; donnez le nom du fichier livré, sans son dossier, tel que « agora land » l'affiche"},
		{[]string{"--regle", "BAD_DATES"}, "règle inconnue : \"BAD_DATES\" ; les codes sont MISSING_COLUMN, BAD_ENCODING, BAD_DATE, BAD_NUMBER, BAD_NIR, BAD_SIRET, UNKNOWN_CODE, MISSING_VALUE, OUT_OF_RANGE, EXIT_BEFORE_ENTRY, DUPLICATE_IN_FILE, BAD_DSN_LINE, BAD_FORMAT, BAD_LINE (docs/dictionnaire.md, « Règles de quarantaine »)"},
		{[]string{"--financeur", "XX"}, "financeur inconnu : \"XX\" ; les codes admis sont ceux de la liste des financeurs (docs/dictionnaire.md), par exemple FT, CDC, REG-84, OPCO-03, ou INCONNU"},
		{[]string{"--limite", "0"}, "--limite 0 invalide : donnez un nombre de lignes d'au moins 1 (défaut 50), ou --toutes"},
	} {
		_, err := runCmd(dir, false, quarantineCmd, c.args...)
		var ue *userError
		if assert.ErrorAs(t, err, &ue, c.args) {
			assert.Equal(t, c.want, ue.msg, c.args)
		}
	}
	_, err := runCmd(dir, false, quarantineCmd, "--chargement", "00000099-deadbeef")
	var ue *userError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "--chargement : chargement « 00000099-deadbeef » inconnu dans le lac ")
	assert.Contains(t, ue.msg, ms["mauvais.csv"].ID) // the latest are named

	// No lake: how to make one.
	_, err = runCmd(t.TempDir(), false, quarantineCmd)
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, ue.msg, "aucun lac dans ")
}

// TestQuarantineHint checks the line that ends agora land's summary.
func TestQuarantineHint(t *testing.T) {
	file := func(name, manifest string, st land.Status, quarantined int64) land.FileResult {
		return land.FileResult{Name: name, Manifest: manifest, Status: st, Quarantined: quarantined}
	}
	a := &app{prog: "./bin/agora"}
	assert.Empty(t, quarantineHint(a, land.Summary{Files: []land.FileResult{file("a.csv", "00000001-aaaaaaaa", land.StatusLanded, 0)}}))
	assert.Empty(t, quarantineHint(a, land.Summary{Files: []land.FileResult{file("a.csv", "00000001-aaaaaaaa", land.StatusRefused, 0)}}))
	three := []land.FileResult{
		file("a.csv", "00000001-aaaaaaaa", land.StatusLanded, 2),
		file("b.csv", "00000001-aaaaaaaa", land.StatusLanded, 0),
		file("mon fichier.csv", "00000002-bbbbbbbb", land.StatusLanded, 1),
		file("d.csv", "00000003-cccccccc", land.StatusLanded, 1),
	}
	assert.Equal(t, "\nLignes rejetées, avec leur colonne, leur valeur et la correction : ./bin/agora quarantaine --fichier 'a.csv,mon fichier.csv,d.csv'",
		quarantineHint(a, land.Summary{Files: three}))
	// Past three files, by landing; the data root when --data gave it.
	four := append(three, file("e.csv", "00000003-cccccccc", land.StatusLanded, 1))
	a.dataFlag, a.root.Dir = "d", "/donnees/agora"
	assert.Equal(t, "\nLignes rejetées, avec leur colonne, leur valeur et la correction : ./bin/agora quarantaine --data /donnees/agora --chargement 00000001-aaaaaaaa,00000002-bbbbbbbb,00000003-cccccccc",
		quarantineHint(a, land.Summary{Files: four}))
}
