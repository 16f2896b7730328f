package delivery

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
)

const envHeader = "code_financeur;code_dispositif;annee;montant;date_transmission"

// read inspects and reads a whole delivery, returning copies of its rows.
func read(t *testing.T, data []byte, forced *dictionary.Feed) (Info, *Reader, []Row, error) {
	t.Helper()
	info, err := Inspect(bytes.NewReader(data), "f.csv")
	if err != nil {
		return info, nil, nil, err
	}
	rd, err := NewReader(NewDecoder(bytes.NewReader(data), info.Encoding), "f.csv", forced)
	if err != nil {
		return info, nil, nil, err
	}
	var rows []Row
	for rd.Next() {
		r := rd.Row()
		rows = append(rows, Row{Line: r.Line, Bad: r.Bad, Fields: cloneAll(r.Fields)})
	}
	require.NoError(t, rd.Err())
	return info, rd, rows, nil
}

func cloneAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}

func TestInspectEncodings(t *testing.T) {
	cp1252 := []byte("id_dossier\nR\xe9gion \xceLE \x80\n") // é, Î, €
	for _, tc := range []struct {
		name string
		data []byte
		want Encoding
		bad  string // substring of the BAD_ENCODING message
	}{
		{"ascii", []byte("a;b\n1;2\n"), UTF8, ""},
		{"utf8", []byte("a;b\nRégion;Île\n"), UTF8, ""},
		{"utf8 bom", append(append([]byte{}, bom...), "a;b\nRégion;2\n"...), UTF8BOM, ""},
		{"cp1252", cp1252, Windows1252, ""},
		{"empty", nil, UTF8, ""},
		{"utf16 le", []byte{0xFF, 0xFE, 'a', 0, ';', 0}, 0, "UTF-16"},
		{"nul", []byte("a;b\n1\x002\n"), 0, "octet nul (ligne 2, colonne 2)"},
		{"bom then cp1252", append(append([]byte{}, bom...), "a\n\xe9\n"...), 0, "marque UTF-8 (BOM) mais contient des octets qui ne sont pas de l'UTF-8 (le premier ligne 2, colonne 1)"},
		{"bom, first line", append(append([]byte{}, bom...), "é\xe9\n"...), 0, "(le premier ligne 1, colonne 2)"}, // the BOM is no character
		{"mixed", []byte("a\nRégion\nR\xe9gion\n"), 0, "mélange UTF-8 (1 caractères accentués) et un autre encodage (1 octets invalides en UTF-8, le premier ligne 3, colonne 2)"},
		{"mixed, counts grouped", []byte("a\n" + strings.Repeat("é", 1000) + strings.Repeat("\xe9", 1234) + "\n"), 0, "(1\u202f000 caractères accentués) et un autre encodage (1\u202f234 octets invalides en UTF-8, le premier ligne 2, colonne 1001)"},
		{"mixed, accents before", []byte("a\nÉté \xe9\xe9\n"), 0, "(2 octets invalides en UTF-8, le premier ligne 2, colonne 5)"}, // É, t, é, space: 4 characters
		// A line of 1 MiB and more, read in two pieces, é split between them:
		// "a;b\n" (4 bytes) and 1 048 571 x fill the first MiB but the first byte of é.
		{"long line", []byte("a;b\n" + strings.Repeat("x", 1<<20-5) + "é\xe9\n"), 0, "le premier ligne 2, colonne 1048573)"},
		{"undefined byte", []byte("a\n\x81\n"), 0, "0x81 indéfini en Windows-1252, ligne 2, colonne 1)"},
		{"xlsx renamed", []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"), 0, "f.csv : fichier Excel (classeur .xlsx ou .xls renommé), pas un CSV ; rien n'a été chargé de ce fichier. Ouvrez-le dans Excel, enregistrez-le en « CSV UTF-8 » (séparateur « ; ») et renvoyez-le."},
		{"xls renamed", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, 0, "fichier Excel (classeur .xlsx ou .xls renommé)"},
		{"undefined byte after cp1252", []byte("a\n\xe9t\xe9 \x9d\n"), 0, "0x9D indéfini en Windows-1252, ligne 2, colonne 5)"}, // é, t, é, space
	} {
		t.Run(tc.name, func(t *testing.T) {
			info, err := Inspect(bytes.NewReader(tc.data), "f.csv")
			if tc.bad != "" {
				fe, ok := IsFileError(err)
				require.True(t, ok, "want a FileError, got %v", err)
				assert.Len(t, info.SHA256, 64, "hashed even when refused")
				assert.Equal(t, dictionary.RuleBadEncoding, fe.Rule)
				assert.Contains(t, fe.Msg, tc.bad)
				assert.Contains(t, fe.Msg, "f.csv")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, info.Encoding)
			assert.Equal(t, int64(len(tc.data)), info.Size)
			assert.Len(t, info.SHA256, 64)
		})
	}
}

// A multi-byte character split across Inspect's 1 MiB reads is still valid UTF-8.
func TestInspectSplitRune(t *testing.T) {
	data := bytes.Repeat([]byte("a"), 1<<20-1)
	data = append(data, "é€😀\n"...)
	info, err := Inspect(bytes.NewReader(data), "f.csv")
	require.NoError(t, err)
	assert.Equal(t, UTF8, info.Encoding)
}

func TestDecoderPreservesAccents(t *testing.T) {
	// "Région Île-de-France 12 €" in Windows-1252.
	raw := []byte("R\xe9gion \xcele-de-France 12 \x80")
	out, err := io.ReadAll(NewDecoder(bytes.NewReader(raw), Windows1252))
	require.NoError(t, err)
	assert.Equal(t, "Région Île-de-France 12 €", string(out))

	out, err = io.ReadAll(NewDecoder(bytes.NewReader(append(append([]byte{}, bom...), "Île"...)), UTF8BOM))
	require.NoError(t, err)
	assert.Equal(t, "Île", string(out))

	out, err = io.ReadAll(NewDecoder(bytes.NewReader([]byte("ab")), UTF8BOM)) // shorter than a BOM
	require.NoError(t, err)
	assert.Equal(t, "ab", string(out))
}

func TestReaderRows(t *testing.T) {
	data := []byte(envHeader + "\r\n" +
		"REG-11;PRF;2024;1000,50;2024-01-05T10:00:00\r\n" + // line 2
		"\r\n" + // line 3: empty, skipped
		"\"FT\";\"A;B\";\"2024\";\"say \"\"hi\"\"\";x\r\n" + // line 4: quoted separator and quotes
		"FT;AIF;2024\r\n" + // line 5: 3 fields instead of 5
		"FT;\"AIF;2024;1;x\r\n" + // line 6: quote never closed
		"FT;AI\"F;2024;1;x\r\n" + // line 7: quote inside a bare field
		"FT;\"AIF\"x;2024;1;x\r\n" + // line 8: text after a closing quote
		"FT;AIF;2024;1;x;\r\n" + // line 9: trailing separator = 6 fields
		"FT;AIF;2024;1;x") // line 10: no final newline
	_, rd, rows, err := read(t, data, nil)
	require.NoError(t, err)
	assert.Equal(t, dictionary.Enveloppes, rd.Feed())
	assert.Empty(t, rd.Extra())
	assert.Equal(t, int64(1), rd.Blank())
	require.Len(t, rows, 8)

	assert.Equal(t, Row{Line: 2, Fields: []string{"REG-11", "PRF", "2024", "1000,50", "2024-01-05T10:00:00"}}, rows[0])
	assert.Equal(t, Row{Line: 4, Fields: []string{"FT", "A;B", "2024", `say "hi"`, "x"}}, rows[1])
	assert.Equal(t, int64(5), rows[2].Line)
	assert.Equal(t, "3 champs au lieu de 5 (séparateur « ; »)", rows[2].Bad)
	assert.Equal(t, []string{"FT", "AIF", "2024", "", ""}, rows[2].Fields)
	assert.Equal(t, "guillemet ouvert et jamais refermé au champ 2 (colonne « code_dispositif »)", rows[3].Bad)
	assert.Equal(t, "guillemet au milieu d'un champ sans guillemets au champ 2 (colonne « code_dispositif »)", rows[4].Bad)
	assert.Equal(t, "caractères après un champ entre guillemets au champ 2 (colonne « code_dispositif »)", rows[5].Bad)
	assert.Equal(t, "6 champs au lieu de 5 (séparateur « ; »)", rows[6].Bad)
	assert.Equal(t, Row{Line: 10, Fields: []string{"FT", "AIF", "2024", "1", "x"}}, rows[7])
}

// A bad line names its first faulty field, by its position in the line and
// its column in the file's header; beyond the header, or in the header
// itself, by its position only.
func TestBadLineNamesField(t *testing.T) {
	data := []byte(envHeader + "\n" +
		"FT;AIF;2024;1;2024-01-05T10:00:00;\"x\n" + // line 2: a 6th field, open quote
		"FT;AIF;\"20\"24;1\"0;2024-01-05T10:00:00\n") // line 3: text after quotes (3), then a bare quote (4)
	_, _, rows, err := read(t, data, nil)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, "guillemet ouvert et jamais refermé au champ 6", rows[0].Bad)
	assert.Equal(t, "caractères après un champ entre guillemets au champ 3 (colonne « annee »)", rows[1].Bad)

	_, _, _, err = read(t, []byte("code_financeur;\"code_dispositif\"x;annee\n"), nil)
	fe, ok := IsFileError(err)
	require.True(t, ok, "%v", err)
	assert.Contains(t, fe.Msg, "ligne 1 (en-tête) : caractères après un champ entre guillemets au champ 2 ; rien n'a été chargé")
}

func TestReaderHeaderMapping(t *testing.T) {
	// Columns in another order, an unknown extra column, upper case and spaces in
	// the header, an optional column (date_realisation) absent.
	data := []byte("MONTANT_ENGAGE ; id_dossier;commentaire;code_financeur_dossier;code_financeur;type_cout;date_engagement;montant_realise;date_transmission\n" +
		"12,5;D1;libre;FT;FT;ANNEXE;2024-02-01;;2024-03-01T00:00:00\n")
	_, rd, rows, err := read(t, data, nil)
	require.NoError(t, err)
	assert.Equal(t, dictionary.Financements, rd.Feed())
	assert.Equal(t, []string{"commentaire"}, rd.Extra())
	require.Len(t, rows, 1)
	// Aligned with Financements.Columns: id_dossier, code_financeur_dossier,
	// code_financeur, type_cout, montant_engage, date_engagement, montant_realise,
	// date_realisation (absent), date_transmission.
	assert.Equal(t, []string{"D1", "FT", "FT", "ANNEXE", "12,5", "2024-02-01", "", "", "2024-03-01T00:00:00"}, rows[0].Fields)
}

func TestReaderWindows1252(t *testing.T) {
	data := []byte("id_dossier;code_financeur;type_evenement;date_evenement;motif_sortie;certification_obtenue;date_transmission\r\n" +
		"DOSSIER-\xe9t\xe9;FT;ENTREE;01/02/2024;;;2024-03-01T00:00:00\r\n")
	info, _, rows, err := read(t, data, nil)
	require.NoError(t, err)
	assert.Equal(t, Windows1252, info.Encoding)
	require.Len(t, rows, 1)
	assert.Equal(t, "DOSSIER-été", rows[0].Fields[0])
}

func TestReaderFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		data   string
		forced *dictionary.Feed
		rule   string
		column string
		msg    string
	}{
		{"empty", "", nil, dictionary.RuleMissingColumn, "", "fichier vide"},
		{"only blank lines", "\n\r\n", nil, dictionary.RuleMissingColumn, "", "fichier vide"},
		{"unknown header", "a;b;c\n1;2;3\n", nil, dictionary.RuleMissingColumn, "", "en-tête non reconnu"},
		{"missing required", "code_financeur;code_dispositif;montant;date_transmission\n", nil,
			dictionary.RuleMissingColumn, "annee", "pour le flux enveloppes : annee"},
		{"forced feed lacks columns", envHeader + "\n", dictionary.Dossiers,
			dictionary.RuleMissingColumn, "id_dossier,nir,sexe,date_naissance,situation_avant,siret_of,formacode,code_nsf,region_formation,heures_prevues,date_debut_prevue,date_fin_prevue", "pour le flux dossiers"},
		{"duplicate column", envHeader + ";annee\n", nil, dictionary.RuleBadLine, "annee", "figure deux fois"},
		{"broken header", "\"code_financeur;annee\n", nil, dictionary.RuleBadLine, "", "ligne 1 (en-tête)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := read(t, []byte(tc.data), tc.forced)
			fe, ok := IsFileError(err)
			require.True(t, ok, "want a FileError, got %v", err)
			assert.Equal(t, tc.rule, fe.Rule)
			assert.Equal(t, tc.column, fe.Column)
			assert.Contains(t, fe.Msg, tc.msg)
			assert.True(t, strings.HasPrefix(fe.Msg, "f.csv"), fe.Msg)
			assert.Contains(t, fe.Msg, "rien n'a été chargé")
		})
	}
}

// A line longer than the read buffer is read whole.
func TestReaderLongLine(t *testing.T) {
	long := strings.Repeat("x", 3<<20)
	data := []byte(envHeader + "\nFT;AIF;2024;" + long + ";y\nFT;AIF;2025;1;z\n")
	_, _, rows, err := read(t, data, nil)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, long, rows[0].Fields[3])
	assert.Equal(t, int64(3), rows[1].Line)
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disque illisible") }

func TestReaderIOError(t *testing.T) {
	_, err := Inspect(failingReader{}, "f.csv")
	require.EqualError(t, err, "disque illisible")
	_, err = NewReader(failingReader{}, "f.csv", nil)
	require.EqualError(t, err, "disque illisible")
}

// FuzzReader: any bytes either give a whole-file error or rows whose count,
// with the header and the blank lines, is the number of lines of the file.
func FuzzReader(f *testing.F) {
	f.Add([]byte(envHeader + "\nFT;AIF;2024;1;x\n"))
	f.Add([]byte(envHeader + "\r\n\"FT\";\"A;B\";\"\"\"\";1;x\r\n\r\nFT;\"open\n"))
	f.Add([]byte("\xef\xbb\xbf" + envHeader + "\nREG-11;PRF;2024;1;\xe9\n"))
	f.Add([]byte("id_dossier;code_financeur;type_evenement;date_evenement;motif_sortie;certification_obtenue;date_transmission\nR\xe9gion;;;;;;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		info, err := Inspect(bytes.NewReader(data), "f.csv")
		if err != nil {
			if _, ok := IsFileError(err); !ok {
				t.Fatalf("Inspect: %v", err)
			}
			return
		}
		rd, err := NewReader(NewDecoder(bytes.NewReader(data), info.Encoding), "f.csv", nil)
		if err != nil {
			if _, ok := IsFileError(err); !ok {
				t.Fatalf("NewReader: %v", err)
			}
			return
		}
		var rows int64
		last := int64(0)
		for rd.Next() {
			r := rd.Row()
			if r.Line <= last {
				t.Fatalf("line numbers not increasing: %d after %d", r.Line, last)
			}
			last = r.Line
			if len(r.Fields) != len(rd.Feed().Columns) {
				t.Fatalf("%d fields for %d columns", len(r.Fields), len(rd.Feed().Columns))
			}
			rows++
		}
		if rd.Err() != nil {
			t.Fatal(rd.Err())
		}
		lines := info.Lines
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++ // last line without a newline
		}
		if got := rows + rd.Blank() + 1; got != lines {
			t.Fatalf("rows %d + blank %d + header = %d, want %d lines", rows, rd.Blank(), got, lines)
		}
	})
}

func TestMaskNIRs(t *testing.T) {
	for in, want := range map[string]string{
		"295109912611193":                "***************",
		"2951099126111":                  "*************", // raw 13-digit form
		"253072B07300470":                "***************",
		"D-295109912611193-x":            "D-***************-x",
		"12345678200010":                 "12345678200010", // a SIRET (14 digits) stays readable
		"123456789012":                   "123456789012",
		"1234567890123456":               "****************",
		"ligne 12 : 3 champs au lieu de": "ligne 12 : 3 champs au lieu de",
		"":                               "",
	} {
		assert.Equal(t, want, MaskNIRs(in), in)
	}
}

// A header that is in fact a data line never shows its NIR in the message.
func TestUnknownHeaderMasksNIR(t *testing.T) {
	_, _, _, err := read(t, []byte("D1;FT;295109912611193;2\n"), nil)
	fe, ok := IsFileError(err)
	require.True(t, ok)
	assert.NotContains(t, fe.Msg, "2951099126111")
	assert.Contains(t, fe.Msg, "d1;ft;***************;2")
}

// The Windows-1252 decoder gives the same text whatever the size of the
// caller's reads, down to one byte.
func TestDecoderSmallReads(t *testing.T) {
	raw := bytes.Repeat([]byte("abc \x80 R\xe9gion \xce\n"), 100)
	want, err := io.ReadAll(NewDecoder(bytes.NewReader(raw), Windows1252))
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("abc € Région Î\n", 100), string(want))
	for _, size := range []int{1, 2, 3, 4, 7, 64} {
		d := NewDecoder(bytes.NewReader(raw), Windows1252)
		var got []byte
		buf := make([]byte, size)
		for {
			n, err := d.Read(buf)
			got = append(got, buf[:n]...)
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
		}
		assert.Equal(t, string(want), string(got), "reads of %d bytes", size)
	}
}

// The mistakes of spreadsheet exports get a message that names them, not
// « en-tête non reconnu » or columns « absentes » that are all there.
func TestReaderExportArtefacts(t *testing.T) {
	const (
		comma = "f.csv : le fichier utilise « , » comme séparateur ; rien n'a été chargé. Réexportez-le avec « ; » (Excel : « CSV (séparateur : point-virgule) » ou « CSV UTF-8 ») et renvoyez-le."
		tab   = "f.csv : le fichier utilise la tabulation comme séparateur ; rien n'a été chargé. Réexportez-le avec « ; » (Excel : « CSV (séparateur : point-virgule) » ou « CSV UTF-8 ») et renvoyez-le."
		mac   = "f.csv : fins de ligne Mac (CR seul) : le fichier se lit comme une seule ligne ; rien n'a été chargé. Réenregistrez-le en « CSV UTF-8 » (séparateur « ; ») et renvoyez-le."
	)
	envComma := strings.ReplaceAll(envHeader, ";", ",")
	for _, tc := range []struct {
		name   string
		data   string
		forced *dictionary.Feed
		msg    string
	}{
		{"comma", envComma + "\nREG-53,PRF,2024,100,2024-03-01\n", nil, comma},
		{"comma, quoted", `"` + strings.ReplaceAll(envHeader, ";", `","`) + "\"\n", nil, comma},
		{"comma, feed forced", envComma + "\n", dictionary.Enveloppes, comma},
		{"tab", strings.ReplaceAll(envHeader, ";", "\t") + "\n", nil, tab},
		{"tab, feed forced", strings.ReplaceAll(envHeader, ";", "\t") + "\n", dictionary.Enveloppes, tab},
		{"excel sep=,", "sep=,\n" + envComma + "\n", nil, comma},
		{"excel sep=tab", "sep=\t\r\n" + envHeader + "\n", nil, tab},
		{"mac", envHeader + "\rREG-53;PRF;2024;100;2024-03-01\r", nil, mac},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := read(t, []byte(tc.data), tc.forced)
			fe, ok := IsFileError(err)
			require.True(t, ok, "want a FileError, got %v", err)
			assert.Equal(t, dictionary.RuleBadLine, fe.Rule)
			assert.Equal(t, tc.msg, fe.Msg)
		})
	}
	// A comma that splits into no feed's columns stays « en-tête non reconnu ».
	_, _, _, err := read(t, []byte("a,b,c\n"), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "en-tête non reconnu (« a,b,c »)")
}

// Excel's « sep=; » first line says what the dictionary says: it is skipped.
// A ';' ending every line adds no column. CRLF files are no Mac files.
func TestReaderSepLineAndTrailingSeparator(t *testing.T) {
	for data, line := range map[string]int64{
		"sep=;\r\n" + envHeader + "\r\nREG-53;PRF;2024;100;2024-03-01\r\n": 3,
		envHeader + ";\nREG-53;PRF;2024;100;2024-03-01;\n":                 2,
		envHeader + ";\nREG-53;PRF;2024;100;2024-03-01\n":                  2,
	} {
		_, rd, rows, err := read(t, []byte(data), nil)
		require.NoError(t, err, "%q", data)
		assert.Equal(t, dictionary.Enveloppes, rd.Feed())
		assert.Empty(t, rd.Extra())
		require.Len(t, rows, 1)
		assert.Equal(t, "", rows[0].Bad)
		assert.Equal(t, line, rows[0].Line)
		assert.Equal(t, []string{"REG-53", "PRF", "2024", "100", "2024-03-01"}, rows[0].Fields)
	}
	// A line with one more, non-empty field is still a bad line.
	_, _, rows, err := read(t, []byte(envHeader+";\nREG-53;PRF;2024;100;2024-03-01;x\n"), nil)
	require.NoError(t, err)
	assert.Equal(t, "6 champs au lieu de 5 (séparateur « ; »)", rows[0].Bad)
}
