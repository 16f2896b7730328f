package runner

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/agora-formation/agora/pipelines/land"
	models "github.com/agora-formation/agora/sql"
	"github.com/agora-formation/agora/warehouse"
)

// Two versions of a row delivered in one run (one `agora land` of a folder,
// hence one landing) with the same date_transmission — or, for dsn_extrait,
// no date at all — are ordered by their file (_source: the lexical order of
// the paths), then their line: the version in the file named last wins.
//
// The losing version is on line 3 of its file and the winning one on line 2
// of the other: ordered by (_landing, _ligne) alone, the wrong one would win.
// The same contents under swapped names give the other winner.

const (
	sourceDossiersHeader = "id_dossier;code_financeur;nir;sexe;date_naissance;situation_avant;code_dispositif;siret_of;formacode;code_nsf;code_certification;region_formation;heures_prevues;date_debut_prevue;date_fin_prevue;date_transmission\n"
	// Another dossier, so that the disputed one is on line 3.
	sourceOther = "PRF-D02;REG-84;299116912300249;2;1999-11-20;DE;PRF;52345678800018;22435;233;RNCP35001;84;380;2023-10-02;2024-02-29;2023-09-12T09:00:00\n"
	// PRF-D01 with 420 or 500 planned hours, transmitted at the same time.
	sourceD01v420 = "PRF-D01;REG-84;193066912300123;1;1993-06-15;DE;PRF;41234567000019;22435;233;RNCP35001;84;420;2023-09-04;2024-01-31;2023-08-15T09:00:00\n"
	sourceD01v500 = "PRF-D01;REG-84;193066912300123;1;1993-06-15;DE;PRF;41234567000019;22435;233;RNCP35001;84;500;2023-09-04;2024-01-31;2023-08-15T09:00:00\n"

	sourceEvenements = "id_dossier;code_financeur;type_evenement;date_evenement;motif_sortie;certification_obtenue;date_transmission\n" +
		"PRF-D01;REG-84;ENTREE;2023-09-04;;;2023-09-14T08:00:00\n" +
		"PRF-D01;REG-84;SORTIE;2024-01-31;FIN;O;2024-02-10T08:00:00\n"

	sourceDSNHeader = "nir;mois;siret_employeur;code_naf;nature_contrat;date_debut_contrat;date_fin_prevue;date_fin_reelle;heures_mois;id_contrat\n"
	// Another contract of the same person, so that the disputed one is on line 3.
	sourceDSNOther = "193066912300123;2024-01;70000002900012;4321A;01;2015-05-01;;;151.67;C99\n"
	// The contract C01 of January 2024 (the month of exit, horizon 0) with 100 or 151.67 hours.
	sourceDSNv100 = "193066912300123;2024-01;70000002900012;4321A;01;2024-01-02;;;100;C01\n"
	sourceDSNv151 = "193066912300123;2024-01;70000002900012;4321A;01;2024-01-02;;;151.67;C01\n"
)

// buildSourceOrder lands the files (name → contents) of one folder in one run
// and builds every model.
func buildSourceOrder(t *testing.T, files map[string]string) *warehouse.Session {
	t.Helper()
	root, lk, key := testLake(t)
	in := filepath.Join(t.TempDir(), "livraisons")
	if err := os.MkdirAll(in, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(in, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum, err := land.Run(context.Background(), lk, key, []string{in}, land.Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count(land.StatusLanded) != len(files) || sum.Quarantined != 0 {
		t.Fatalf("landing: %+v", sum.Files)
	}
	s, _ := buildRoot(t, root)
	return s
}

func TestSourceOrderDossiers(t *testing.T) {
	for _, c := range []struct {
		name       string
		a, b       string // the disputed version in a.csv (after sourceOther) and in b.csv
		wantHeures string
	}{
		{"b.csv l'emporte", sourceD01v420, sourceD01v500, "500"},
		{"noms échangés", sourceD01v500, sourceD01v420, "420"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := buildSourceOrder(t, map[string]string{
				"a.csv": sourceDossiersHeader + sourceOther + c.a, // PRF-D01 on line 3
				"b.csv": sourceDossiersHeader + c.b,               // PRF-D01 on line 2
			})
			db := s.DB()
			// In the lake: one landing, the files numbered in path order.
			assert.Equal(t, [][]string{{"1"}}, values(t, db, "SELECT count(DISTINCT _landing) FROM lake_dossiers"))
			assert.Equal(t, [][]string{{"1", "3", field(c.a, 12)}, {"2", "2", field(c.b, 12)}},
				values(t, db, "SELECT _source, _ligne, heures_prevues FROM lake_dossiers WHERE id_dossier = 'PRF-D01' ORDER BY _source"))
			// The version of the file named last wins.
			assert.Equal(t, [][]string{{c.wantHeures, "2"}},
				values(t, db, "SELECT heures_prevues, nb_transmissions FROM stg_dossiers WHERE id_dossier = 'PRF-D01'"))
		})
	}
}

func TestSourceOrderDSNExtrait(t *testing.T) {
	for _, c := range []struct {
		name       string
		a, b       string // the disputed version in a.csv (after sourceDSNOther) and in b.csv
		wantHeures string
	}{
		{"b.csv l'emporte", sourceDSNv100, sourceDSNv151, "151.67"},
		{"noms échangés", sourceDSNv151, sourceDSNv100, "100"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := buildSourceOrder(t, map[string]string{
				"0_dossiers.csv":   sourceDossiersHeader + sourceD01v420,
				"0_evenements.csv": sourceEvenements,
				"a.csv":            sourceDSNHeader + sourceDSNOther + c.a, // C01 on line 3
				"b.csv":            sourceDSNHeader + c.b,                  // C01 on line 2
			})
			db := s.DB()
			// stg_dsn exposes the lineage: _landing (both versions in one), _source, _ligne.
			assert.Equal(t, [][]string{{"2", "1", "3", field(c.a, 8)}, {"2", "2", "2", field(c.b, 8)}},
				values(t, db, `SELECT count(*) OVER (PARTITION BY _landing), _source, _ligne, heures_mois
					FROM stg_dsn WHERE id_contrat = 'C01' ORDER BY _landing, _source, _ligne`))

			got := values(t, db, "SELECT heures_mois FROM int_contrats_mois WHERE id_contrat = 'C01'")
			assert.Equal(t, [][]string{{c.wantHeures}}, got)
		})
	}
}

// values runs q and returns its rows as text (queryStrings without the header).
func values(t *testing.T, db *sql.DB, q string) [][]string {
	t.Helper()
	return queryStrings(t, db, q)[1:]
}

// field returns the i-th field of a CSV line.
func field(line string, i int) string {
	return strings.Split(strings.TrimSuffix(line, "\n"), ";")[i]
}

// The version key orders (transmission, landing rank, source, line) over the
// whole of each range, and a NULL source (a lake landed before the column)
// counts as 0 instead of making the key NULL, which arg_max would skip.
func TestVersionMacro(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(models.Macros); err != nil {
		t.Fatal(err)
	}
	const late, early = "TIMESTAMP '2199-12-31 23:59:59'", "TIMESTAMP '2024-01-01 00:00:00'"
	for _, c := range []struct{ expr, want string }{
		// Each field decides when the ones before are equal, whatever the ones after.
		{"version(" + early + ", 999999, 999999, 9999999999) < version(" + early + " + INTERVAL 1 MICROSECOND, 1, 1, 1)", "true"},
		{"version(" + early + ", 1, 999999, 9999999999) < version(" + early + ", 2, 1, 1)", "true"},
		{"version(" + early + ", 7, 1, 9999999999) < version(" + early + ", 7, 2, 1)", "true"},
		{"version(" + early + ", 7, 2, 1) < version(" + early + ", 7, 2, 2)", "true"},
		// NULL source: 0, before source 1 of the same landing.
		{"version(" + early + ", 7, NULL, 5) IS NOT NULL", "true"},
		{"version(" + early + ", 7, NULL, 5) = version(" + early + ", 7, 0, 5)", "true"},
		// The largest key fits a HUGEINT (< 1.7 · 10³⁸): 2199-12-31 23:59:59 is
		// 7 258 118 399 s after 1970, 7258118399000000 µs, then 22 digits:
		// rang 999999 | source 999999 | ligne 9999999999.
		{"version(" + late + ", 999999, 999999, 9999999999)::VARCHAR", "7258118399000000" + "999999" + "999999" + "9999999999"},
		{"typeof(version(" + early + ", 1, 1, 1))", "HUGEINT"},
	} {
		var got sql.NullString
		if err := db.QueryRow("SELECT (" + c.expr + ")::VARCHAR").Scan(&got); err != nil {
			t.Fatalf("%s: %v", c.expr, err)
		}
		if got.String != c.want {
			t.Errorf("%s = %q, want %q", c.expr, got.String, c.want)
		}
	}
}
