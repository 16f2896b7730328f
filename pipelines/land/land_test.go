package land

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

func pseudoOf(t testing.TB, nir string) string {
	u := testKey(t).Pseudonym(nir)
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// Typed values land exactly: dates in both formats, amounts in cents, empty =
// NULL (and 0 is not NULL), pseudonyms = HMAC of the normalised NIR, lineage.
func TestLandedValues(t *testing.T) {
	e := newEnv(t)
	paths := []string{
		e.write("dossiers.csv", csvFile(header("dossiers"),
			row("dossiers", map[string]string{"date_naissance": "01/10/1995", "code_certification": ""}),
			row("dossiers", map[string]string{"id_dossier": "D2", "nir": "2 53 07 2b 073 004 70", "heures_prevues": "4000"}))),
		e.write("financements.csv", csvFile(header("financements"),
			row("financements", nil),
			row("financements", map[string]string{"type_cout": "ANNEXE", "montant_engage": "0", "montant_realise": "0,00"}),
			row("financements", map[string]string{"type_cout": "REMUNERATION", "montant_engage": "12.5", "montant_realise": "", "date_realisation": ""}))),
		e.write("dsn.csv", csvFile(header("dsn_extrait"),
			row("dsn_extrait", nil),
			row("dsn_extrait", map[string]string{"nir": nir2, "mois": "2024-04", "id_contrat": "C2", "heures_mois": "0", "date_fin_prevue": "30/06/2024", "date_fin_reelle": "2024-05-31"}),
			row("dsn_extrait", map[string]string{"nir": nir3, "id_contrat": "C3", "heures_mois": ""}))),
		e.write("enveloppes.csv", csvFile(header("enveloppes"), row("enveloppes", map[string]string{"montant": "2500000,5"}))),
		e.write("evenements.csv", csvFile(header("evenements"),
			row("evenements", nil),
			row("evenements", map[string]string{"type_evenement": "SORTIE", "date_evenement": "28/06/2024", "motif_sortie": "FIN", "certification_obtenue": "O"}))),
	}
	s := e.land(Options{}, paths...)
	require.Equal(t, 5, s.Count(StatusLanded), "%+v", s)
	assert.Equal(t, int64(11), s.Landed)
	db := e.db()
	landing := rows(t, db, "SELECT DISTINCT _landing FROM dossiers")[0][0]
	assert.Regexp(t, `^20[0-9]{6}T[0-9]{6}\.[0-9]{6}Z-`+tokenOf(s.Files[0].Manifest)+`$`, landing, "begin time, then the manifest's token")

	assert.Equal(t, [][]string{
		{"D1", "FT", pseudoOf(t, nir1), "2", "1995-10-01", "∅", "400", "2024-07-01 10:00:00", landing, "2"},
		{"D2", "FT", pseudoOf(t, nir2), "2", "1995-10-01", "RNCP1234", "4000", "2024-07-01 10:00:00", landing, "3"},
	}, rows(t, db, `SELECT id_dossier, code_financeur, pseudo::VARCHAR, sexe, date_naissance::VARCHAR, code_certification,
		heures_prevues::VARCHAR, date_transmission::VARCHAR, _landing, _ligne::VARCHAR FROM dossiers ORDER BY _ligne`))

	assert.Equal(t, [][]string{
		{"PEDAGOGIQUE", "1500.50", "1500.50", "2024-06-30"},
		{"ANNEXE", "0.00", "0.00", "2024-06-30"},
		{"REMUNERATION", "12.50", "∅", "∅"},
	}, rows(t, db, `SELECT type_cout, montant_engage::VARCHAR, montant_realise::VARCHAR, date_realisation::VARCHAR FROM financements ORDER BY _ligne`))

	assert.Equal(t, [][]string{
		{pseudoOf(t, nir1), "2024-03-01", "4711D", "01", "2024-01-01", "∅", "∅", "151.67", "C1", "∅"},
		{pseudoOf(t, nir2), "2024-04-01", "4711D", "01", "2024-01-01", "2024-06-30", "2024-05-31", "0.0", "C2", "∅"},
		{pseudoOf(t, nir3), "2024-03-01", "4711D", "01", "2024-01-01", "∅", "∅", "∅", "C3", "∅"},
	}, rows(t, db, `SELECT pseudo::VARCHAR, mois::VARCHAR, code_naf, nature_contrat, date_debut_contrat::VARCHAR,
		date_fin_prevue::VARCHAR, date_fin_reelle::VARCHAR, heures_mois::VARCHAR, id_contrat, declaration_id FROM dsn_extrait ORDER BY _ligne`))

	assert.Equal(t, [][]string{{"FT", "AIF", "2024", "2500000.50"}},
		rows(t, db, `SELECT code_financeur, code_dispositif, annee::VARCHAR, montant::VARCHAR FROM enveloppes`))
	assert.Equal(t, [][]string{{"ENTREE", "2024-01-08", "∅", "∅"}, {"SORTIE", "2024-06-28", "FIN", "O"}},
		rows(t, db, `SELECT type_evenement, date_evenement::VARCHAR, motif_sortie, certification_obtenue FROM evenements ORDER BY _ligne`))

	// Two months of dsn_extrait: two partitions.
	var parts []string
	for _, f := range parquetFiles(e) {
		if strings.HasPrefix(f, "dsn_extrait/") {
			parts = append(parts, filepath.Dir(f))
		}
	}
	assert.Equal(t, []string{"dsn_extrait/mois=2024-03-01", "dsn_extrait/mois=2024-04-01"}, parts)

	// Each Parquet file is sorted on the join keys.
	got := rows(t, db, `SELECT pseudo::VARCHAR FROM read_parquet('`+e.lake.Root()+`/dsn_extrait/mois=2024-03-01/*.parquet')`)
	assert.True(t, got[0][0] < got[1][0], "sorted on pseudo: %v", got)
}

func TestExitBeforeEntry(t *testing.T) {
	e := newEnv(t)
	ev := func(id, typ, date string) []string {
		set := map[string]string{"id_dossier": id, "type_evenement": typ, "date_evenement": date}
		if typ == "SORTIE" {
			set["motif_sortie"] = "FIN"
		}
		return row("evenements", set)
	}
	p := e.write("ev.csv", csvFile(header("evenements"),
		ev("A", "ENTREE", "2024-03-01"), // 2
		ev("A", "SORTIE", "2024-02-01"), // 3: before the entry → quarantine
		ev("B", "SORTIE", "2024-01-15"), // 4: before the entry of line 5 → quarantine
		ev("B", "ENTREE", "2024-02-01"), // 5
		ev("C", "ENTREE", "2024-01-01"), // 6
		ev("C", "SORTIE", "2024-01-01"), // 7: same day: fine
		ev("D", "SORTIE", "2024-01-01"), // 8: no entry in this file: lands (the models test it)
		ev("E", "ENTREE", "2024-05-01"), // 9
		ev("E", "ENTREE", "2024-01-01"), // 10: an earlier entry counts
		ev("E", "SORTIE", "2024-02-01"), // 11: after the earliest entry: fine
		ev("F", "ENTREE", "2024-05-01"), // 12
		ev("F", "SORTIE", "2024-02-30"), // 13: bad date: BAD_DATE only
	))
	s := e.land(Options{}, p)
	f := s.Files[0]
	assert.Equal(t, int64(12), f.Read)
	assert.Equal(t, int64(9), f.Landed)
	assert.Equal(t, map[string]int64{dictionary.RuleExitBeforeEntry: 2, dictionary.RuleBadDate: 1}, f.ByRule)
	assert.Equal(t, []want{{3, dictionary.RuleExitBeforeEntry, "date_evenement"}, {4, dictionary.RuleExitBeforeEntry, "date_evenement"},
		{13, dictionary.RuleBadDate, "date_evenement"}}, e.quarantine("ev.csv"))
	assert.Equal(t, [][]string{{"2024-02-01 (entrée le 2024-03-01)", "FT"}},
		rows(t, e.db(), "SELECT valeur, code_financeur FROM quarantaine WHERE ligne = 3"))
}

func TestWholeFileErrors(t *testing.T) {
	e := newEnv(t)
	noNIR := slicesWithout(header("dossiers"), "nir")
	cases := []struct {
		name, file string
		data       []byte
		opts       Options
		feed, rule string
		msg        []string
	}{
		{"missing column", "sans_nir.csv", csvFile(noNIR, row("dossiers", nil)[:len(noNIR)]), Options{Feed: "dossiers"}, "dossiers", dictionary.RuleMissingColumn,
			[]string{"sans_nir.csv", "colonne(s) obligatoire(s) absente(s) pour le flux dossiers : nir", "Ajoutez ces colonnes"}},
		{"unknown header", "inconnu.csv", []byte("a;b\n1;2\n"), Options{}, UnknownFeed, dictionary.RuleMissingColumn,
			[]string{"inconnu.csv", "en-tête non reconnu", "--feed"}},
		{"utf-16", "utf16.csv", []byte{0xFF, 0xFE, 'a', 0, '\n', 0}, Options{}, UnknownFeed, dictionary.RuleBadEncoding,
			[]string{"utf16.csv", "UTF-16", "Exportez-le en UTF-8"}},
		{"mixed encodings", "mixte.csv", []byte(strings.Join(header("evenements"), ";") + "\nRégion;FT;ENTREE;2024-01-01;;;2024-02-01T00:00:00\nR\xe9gion;FT;ENTREE;2024-01-01;;;2024-02-01T00:00:00\n"),
			Options{}, UnknownFeed, dictionary.RuleBadEncoding, []string{"mixte.csv", "mélange"}},
		{"empty", "vide.csv", nil, Options{}, UnknownFeed, dictionary.RuleMissingColumn, []string{"vide.csv", "fichier vide"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := e.write(c.file, c.data)
			s := e.land(c.opts, p)
			f := s.Files[0]
			assert.Equal(t, StatusRefused, f.Status)
			assert.Equal(t, c.feed, f.Feed)
			assert.Equal(t, c.rule, f.Rule)
			for _, m := range c.msg {
				assert.Contains(t, f.Error, m)
			}
			assert.Contains(t, f.Error, "rien n'a été chargé")
			assert.Zero(t, f.Read+f.Landed+f.Quarantined)
			assert.NotEmpty(t, f.Manifest, "the refusal is recorded")
			assert.Equal(t, [][]string{{c.feed, "0", c.rule}}, rows(t, e.db(), "SELECT feed, ligne::VARCHAR, regle FROM quarantaine WHERE fichier = ?", c.file))

			// Again: refused again, from the record, and nothing is added.
			before := e.lakeFiles()
			again := e.land(c.opts, p).Files[0]
			assert.Equal(t, StatusRefused, again.Status)
			assert.Equal(t, f.Manifest, again.Manifest)
			assert.Contains(t, again.Error, "déjà refusé")
			assert.Equal(t, before, e.lakeFiles())
		})
	}
	// Nothing but the quarantine rows landed.
	assert.Equal(t, [][]string{{"0"}}, rows(t, e.db(), "SELECT count(*) FROM dossiers"))

	// The missing column file, forced to another feed it does match, would land:
	// the refusal is per feed.
}

func slicesWithout(s []string, drop string) []string {
	var out []string
	for _, x := range s {
		if x != drop {
			out = append(out, x)
		}
	}
	return out
}

func TestNEODeS(t *testing.T) {
	e := newEnv(t)
	data, err := os.ReadFile("../dsn/testdata/mensuelle.dsn")
	require.NoError(t, err)
	sum := sha256.Sum256(data)
	sha := hex.EncodeToString(sum[:])
	// The same declaration with a bad NIR for the second employee, in
	// Windows-1252 with CRLF, under a name without the .dsn extension.
	bad := strings.ReplaceAll(strings.ReplaceAll(string(data), nir2, "253072B07300471"), "\n", "\r\n")
	bad = string(cp1252([]byte(strings.ReplaceAll(bad, "Hélène", "Hélène"))))
	signalement := "S20.G00.05.001,'02'\nS20.G00.05.002,'01'\nS21.G00.30.001,'" + nir1 + "'\nS21.G00.40.001,'01012024'\n"
	s := e.land(Options{}, e.write("mensuelle.dsn", []byte(data)), e.write("corrigee.txt.csv", []byte(bad)), e.write("signalement.dsn", []byte(signalement)))
	require.Equal(t, 3, s.Count(StatusLanded), "%+v", s)
	// The files land in the lexical order of their paths.
	require.Equal(t, []string{"corrigee.txt.csv", "mensuelle.dsn", "signalement.dsn"}, []string{s.Files[0].Name, s.Files[1].Name, s.Files[2].Name})
	f := s.Files[1]
	assert.Equal(t, NEODeS, f.Feed)
	assert.Equal(t, int64(5), f.Read, "3 rows + 2 bad lines")
	assert.Equal(t, int64(3), f.Landed)
	assert.Equal(t, map[string]int64{dictionary.RuleBadDSNLine: 2}, f.ByRule)
	assert.Equal(t, int64(1), f.Declarations)
	g := s.Files[0]
	assert.Equal(t, NEODeS, g.Feed, "recognised from its content")
	assert.Equal(t, "Windows-1252", g.Encoding)
	assert.Equal(t, int64(2), g.Landed)
	assert.Equal(t, map[string]int64{dictionary.RuleBadDSNLine: 2, dictionary.RuleBadNIR: 1}, g.ByRule)
	h := s.Files[2]
	assert.Equal(t, int64(0), h.Read)
	assert.Equal(t, int64(1), h.Skipped)

	db := e.db()
	assert.Equal(t, [][]string{
		{pseudoOf(t, nir1), "2024-03-01", "12345678200010", "4711F", "02", "2024-01-01", "2024-06-30", "2024-03-20", "162.17", "C001", sha, "15"},
		{pseudoOf(t, nir1), "2024-03-01", "12345678200010", "4711F", "01", "2024-02-15", "∅", "∅", "35.25", "C002", sha, "22"},
		{pseudoOf(t, nir2), "2024-03-01", "12345678200010", "4711F", "03", "2024-03-01", "2024-03-31", "∅", "∅", "C001", sha, "42"},
	}, rows(t, db, `SELECT pseudo::VARCHAR, mois::VARCHAR, siret_employeur, code_naf, nature_contrat, date_debut_contrat::VARCHAR,
		date_fin_prevue::VARCHAR, date_fin_reelle::VARCHAR, heures_mois::VARCHAR, id_contrat, declaration_id, _ligne::VARCHAR
		FROM dsn_extrait WHERE declaration_id = ? ORDER BY _ligne`, sha))
	assert.Equal(t, [][]string{
		{"12345678200010", "2024-03-01", "01", "01", "3", "2024-04-05", "3"},
		{"12345678200010", "2024-03-01", "01", "01", "3", "2024-04-05", "3"},
		{"∅", "∅", "02", "01", "∅", "∅", "0"},
	}, rows(t, db, `SELECT nullif(siret, ''), mois::VARCHAR, nature, type_declaration, numero_ordre::VARCHAR, date_fichier::VARCHAR, nb_lignes::VARCHAR
		FROM dsn_declarations ORDER BY nature, declaration_id = ? DESC`, sha))
	assert.Equal(t, []want{{40, dictionary.RuleBadDSNLine, ""}, {46, dictionary.RuleBadDSNLine, ""}}, e.quarantine("mensuelle.dsn"))
	assert.Equal(t, []want{{40, dictionary.RuleBadDSNLine, ""}, {42, dictionary.RuleBadNIR, "nir"}, {46, dictionary.RuleBadDSNLine, ""}}, e.quarantine("corrigee.txt.csv"))
}

// After landing deliveries full of NIRs (valid, invalid, in the wrong
// column, in a header, in NEODeS), no file under the data root holds any of
// them, in its 15-character or raw 13-digit form; nor do the summary, its JSON
// or the log.
func TestNoNIRLeaks(t *testing.T) {
	e := newEnv(t)
	nirs := []string{nir1, nir2, nir3, nir4, "295109912611194", "185077512345699", "199999999999999", "2 53 07 2B 073 004 70", "1.85.07.75.123.456.08"}
	var paths []string
	paths = append(paths, e.write("dossiers.csv", csvFile(header("dossiers"),
		row("dossiers", map[string]string{"nir": nir1}),
		row("dossiers", map[string]string{"id_dossier": "D2", "nir": "295109912611194"}),                         // bad key
		row("dossiers", map[string]string{"id_dossier": nir3, "nir": nir3}),                                      // NIR as the dossier id
		row("dossiers", map[string]string{"id_dossier": "D4", "nir": nir4, "date_debut_prevue": "2024-02-30"}),   // other defect
		row("dossiers", map[string]string{"id_dossier": "D5", "nir": "2 95 10 99 126 111 93", "siret_of": nir2}), // NIR as a SIRET
		row("dossiers", map[string]string{"id_dossier": "D6", "nir": "185077512345699"})[:5],                     // bad line
		row("dossiers", map[string]string{"nir": nir1}),                                                          // duplicate
		row("dossiers", map[string]string{"id_dossier": "D 2 53 07 2B 073 004 70", "nir": nir2}),                 // spaced NIR as the id
	)))
	paths = append(paths, e.write("dsn.csv", csvFile(header("dsn_extrait"),
		row("dsn_extrait", map[string]string{"nir": nir2}),
		row("dsn_extrait", map[string]string{"nir": "199999999999999", "id_contrat": "C2"}),
		row("dsn_extrait", map[string]string{"nir": nir4, "id_contrat": nir4}),
		row("dsn_extrait", map[string]string{"nir": nir3, "id_contrat": "C-1.85.07.75.123.456.08"}))))
	paths = append(paths, e.write("sansentete.csv", []byte(strings.Join(row("dossiers", map[string]string{"nir": nir2}), ";")+"\n")))
	data, err := os.ReadFile("../dsn/testdata/mensuelle.dsn")
	require.NoError(t, err)
	paths = append(paths, e.write("m.dsn", append(data, "S21.G00.30.001,'"+nir4+"\n"+nir3+"\nS21.G00.30.001,'185077512345699'\nS21.G00.40.001,'01012024'\n"...)))

	var logBuf bytes.Buffer
	s, err := Run(context.Background(), e.lake, e.key, paths, Options{Log: slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	require.NoError(t, err)
	require.Equal(t, 3, s.Count(StatusLanded))
	require.Equal(t, 1, s.Count(StatusRefused))
	var table bytes.Buffer
	require.NoError(t, s.WriteTable(&table))
	js, err := json.Marshal(s)
	require.NoError(t, err)

	assert.Equal(t, [][]string{{"dossiers.csv", "4", "BAD_FORMAT", "id_dossier", "***************"}, {"dossiers.csv", "9", "BAD_FORMAT", "id_dossier", "D * ** ** ** *** *** **"},
		{"dsn.csv", "4", "BAD_FORMAT", "id_contrat", "***************"}, {"dsn.csv", "5", "BAD_FORMAT", "id_contrat", "C-*.**.**.**.***.***.**"}},
		rows(t, e.db(), "SELECT fichier, ligne::VARCHAR, regle, colonne, valeur FROM quarantaine WHERE regle = 'BAD_FORMAT' ORDER BY ALL"))
	var outputs = map[string][]byte{"journal": logBuf.Bytes(), "tableau": table.Bytes(), "json": js}
	require.NoError(t, filepath.WalkDir(e.root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, err := os.ReadFile(p)
			require.NoError(t, err)
			outputs[p] = b
		}
		return nil
	}))
	assert.Greater(t, len(outputs), 10)
	for name, b := range outputs {
		for _, n := range nirs {
			for _, form := range []string{n, n[:13]} {
				if len(n) > 15 {
					form = n
				}
				assert.False(t, bytes.Contains(b, []byte(form)), "%s contains NIR %s", name, form)
			}
		}
	}
}

func TestKeyMismatch(t *testing.T) {
	e := newEnv(t)
	e.land(Options{}, e.write("env.csv", csvFile(header("enveloppes"), row("enveloppes", nil))))
	other, err := pseudo.NewKey([]byte(strings.Repeat("k", 40)))
	require.NoError(t, err)
	_, err = Run(context.Background(), e.lake, other, []string{e.write("env2.csv", csvFile(header("enveloppes"), row("enveloppes", map[string]string{"annee": "2025"})))}, Options{})
	require.ErrorContains(t, err, "n'est pas celle des chargements précédents")
	assert.ErrorContains(t, err, "rien n'a été chargé")
}

func TestCollectAndOptions(t *testing.T) {
	e := newEnv(t)
	e.write("a/2.csv", nil)
	e.write("a/1.CSV", nil)
	e.write("a/b/x.dsn", nil)
	e.write("a/truth.json", nil)
	e.write("a/.cache/y.csv", nil)
	e.write("z.txt", nil)
	got, err := Collect([]string{filepath.Join(e.in, "a"), filepath.Join(e.in, "z.txt"), filepath.Join(e.in, "a", "2.csv")})
	require.NoError(t, err)
	for i := range got {
		got[i], _ = filepath.Rel(e.in, got[i])
	}
	assert.Equal(t, []string{"a/1.CSV", "a/2.csv", "a/b/x.dsn", "z.txt"}, got)

	_, err = Collect([]string{filepath.Join(e.in, "absent")})
	require.ErrorContains(t, err, "livraison introuvable")
	_, err = Run(context.Background(), e.lake, e.key, []string{e.in}, Options{Feed: "inconnu"})
	require.ErrorContains(t, err, "flux « inconnu » inconnu : choisissez parmi dossiers, evenements, financements, enveloppes, dsn_extrait, dsn_neodes")
	require.NoError(t, os.MkdirAll(filepath.Join(e.in, "vide"), 0o755))
	_, err = Run(context.Background(), e.lake, e.key, []string{filepath.Join(e.in, "vide")}, Options{})
	require.ErrorContains(t, err, "aucune livraison")
}

// --feed forces the feed: a dsn_extrait header landed as such, and a NEODeS
// file under any name.
func TestForcedFeed(t *testing.T) {
	e := newEnv(t)
	data, err := os.ReadFile("../dsn/testdata/mensuelle.dsn")
	require.NoError(t, err)
	s := e.land(Options{Feed: NEODeS}, e.write("declaration.txt", data))
	assert.Equal(t, NEODeS, s.Files[0].Feed)
	assert.Equal(t, int64(3), s.Files[0].Landed)
	// A CSV with the columns of two feeds: forced to the smaller one.
	h := append(header("enveloppes"), "commentaire")
	s = e.land(Options{Feed: "enveloppes"}, e.write("env.csv", csvFile(h, append(row("enveloppes", nil), "x"))))
	assert.Equal(t, "enveloppes", s.Files[0].Feed)
	assert.Equal(t, int64(1), s.Files[0].Landed)
}

// An optional text left empty lands as NULL, never as "", whatever the
// pattern of empty and filled values (parquet-go v0.32 writes the nulls that
// follow a run of y values starting at bit y of a 64-row word as "" when the
// field is a non-pointer "optional": issue parquet-go#154; the rows use
// pointers). Here, sorted by dossier, row 1 of each file is the only SORTIE:
// rows 2-63 were written as "".
func TestOptionalTextNull(t *testing.T) {
	e := newEnv(t)
	var rs [][]string
	for i := range 70 {
		set := map[string]string{"id_dossier": fmt.Sprintf("E%02d", i)}
		if i == 1 {
			set["type_evenement"], set["motif_sortie"], set["certification_obtenue"] = "SORTIE", "FIN", "O"
		}
		rs = append(rs, row("evenements", set))
	}
	s := e.land(Options{PartRows: 70}, e.write("ev.csv", csvFile(header("evenements"), rs...)))
	require.Equal(t, int64(70), s.Files[0].Landed)
	assert.Equal(t, [][]string{{"70", "1", "1", "0", "0"}}, rows(t, e.db(), `SELECT count(*), count(motif_sortie), count(certification_obtenue),
		count(*) FILTER (motif_sortie = ''), count(*) FILTER (certification_obtenue = '') FROM evenements`))
	// Quarantine: an empty column or value is NULL too.
	assert.Equal(t, [][]string{{"0", "0"}}, rows(t, e.db(), `SELECT count(*) FILTER (colonne = ''), count(*) FILTER (valeur = '') FROM quarantaine`))
}

// A device or a FIFO named explicitly is refused before any reading:
// /dev/zero would be hashed for ever.
func TestCollectRefusesNonRegular(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "tube.csv")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	for _, p := range []string{"/dev/zero", fifo} {
		_, err := Collect([]string{p})
		require.Error(t, err)
		assert.Equal(t, p+" n'est pas un fichier ordinaire (périphérique, tube ou socket) : donnez un fichier .csv ou .dsn, ou un dossier", err.Error())
	}
}

// endless is an endless file of "a;" that cancels its context after 3 reads.
type endless struct {
	reads  *int
	cancel context.CancelFunc
}

func (e endless) Read(p []byte) (int, error) {
	if *e.reads++; *e.reads == 3 {
		e.cancel()
	}
	for i := range p {
		p[i] = "a;"[i%2]
	}
	return len(p), nil
}

// The first pass stops reading when the context is cancelled (Ctrl-C on a
// huge file or a slow mount): at the fourth read, not at the end.
func TestInspectStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	reads := 0
	_, err := delivery.Inspect(ctxReader{ctx, endless{&reads, cancel}}, "sans_fin.csv")
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 3, reads)
}

// A refused file whose feed was recognised (a required column missing, or
// the wrong separator) is filed under that feed, and under the partner its
// rows all name, so that the refusal reaches that partner's quality page.
// When the rows name two partners, or none, the sender stays unknown.
func TestRefusedFileKeepsFeedAndSender(t *testing.T) {
	e := newEnv(t)
	drop := func(h []string, col string) []string {
		i := slices.Index(header("dossiers"), col)
		return append(slices.Clone(h[:i]), h[i+1:]...)
	}
	sansSiret := csvFile(drop(header("dossiers"), "siret_of"),
		drop(row("dossiers", map[string]string{"code_financeur": "REG-53"}), "siret_of"),
		drop(row("dossiers", map[string]string{"id_dossier": "D2", "code_financeur": "REG-53"}), "siret_of"))
	deux := csvFile(drop(header("dossiers"), "siret_of"),
		drop(row("dossiers", map[string]string{"code_financeur": "REG-53"}), "siret_of"),
		drop(row("dossiers", map[string]string{"id_dossier": "D2"}), "siret_of"))
	virgule := []byte(strings.ReplaceAll(string(csvFile(header("evenements"), row("evenements", map[string]string{"code_financeur": "REG-53"}))), ";", ","))
	s := e.land(Options{}, e.write("sans_siret.csv", sansSiret), e.write("deux.csv", deux), e.write("virgule.csv", virgule),
		e.write("inconnu.csv", []byte("a;b\n1;2\n")))
	require.Equal(t, 4, s.Count(StatusRefused))
	assert.Equal(t, [][]string{
		{"deux.csv", "dossiers", "MISSING_COLUMN", ""},
		{"inconnu.csv", "inconnu", "MISSING_COLUMN", ""},
		{"sans_siret.csv", "dossiers", "MISSING_COLUMN", "REG-53"},
		{"virgule.csv", "evenements", "BAD_LINE", "REG-53"},
	}, rows(t, e.db(), "SELECT fichier, feed, regle, coalesce(code_financeur, '') FROM quarantaine ORDER BY fichier"))
	for _, f := range s.Files {
		want := map[string]string{"deux.csv": "dossiers", "inconnu.csv": UnknownFeed, "sans_siret.csv": "dossiers", "virgule.csv": "evenements"}[f.Name]
		assert.Equal(t, want, f.Feed, f.Name)
	}
}
