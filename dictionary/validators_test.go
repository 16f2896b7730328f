package dictionary

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidNIR(t *testing.T) {
	tests := []struct {
		nir  string
		want bool
	}{
		{"295109912611193", true}, // 97 - (2951099126111 mod 97) = 97 - 4 = 93
		{"253072B07300470", true}, // 2B → 18: 97 - (2530718073004 mod 97) = 70
		{"253072A07300443", true}, // 2A → 19: 97 - (2530719073004 mod 97) = 43
		{"295109912611194", false},
		{"253072B07300443", false}, // key of 2A on a 2B number
		{"395109912611193", false}, // first digit 3
		{"29510991261119", false},  // 14 characters
		{"2951099126111A3", false},
		{"29510A912611193", false}, // letter outside the department
		{"", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ValidNIR(tt.nir), tt.nir)
	}
	// Temporary numbers (7, 8) follow the same key.
	key, ok := NIRKey("7951099126111")
	require.True(t, ok)
	assert.True(t, ValidNIR("7951099126111"+key))
	assert.Equal(t, "253072A07300443", NormalizeNIR("2 53 07 2a 073 004 43"))
}

func TestNIRKey(t *testing.T) {
	for _, tt := range []struct{ body, key string }{
		{"2951099126111", "93"}, // 97 − (2951099126111 mod 97) = 97 − 4
		{"253072B073004", "70"}, // 2B → 18: 97 − (2530718073004 mod 97) = 97 − 27
		{"253072A073004", "43"}, // 2A → 19: 97 − (2530719073004 mod 97) = 97 − 54
		{"1000000000047", "97"}, // 1000000000047 = 97 × 10309278351: 97 − 0
		{"1000000000046", "01"}, // 97 − 96
	} {
		key, ok := NIRKey(tt.body)
		assert.True(t, ok, tt.body)
		assert.Equal(t, tt.key, key, tt.body)
	}
	for _, body := range []string{"", "295109912611", "29510991261119", "3951099126111", "2951099126A11", "2530731A07300", "25307 2B07300"} {
		_, ok := NIRKey(body)
		assert.False(t, ok, body)
	}
}

// nirBody is the language NIRKey accepts: first digit 1, 2, 7 or 8, the
// Corsican department 2A or 2B at characters 6 and 7.
var nirBody = regexp.MustCompile(`^[1278][0-9]{4}([0-9]{2}|2[AB])[0-9]{6}$`)

// keyOf computes a NIR key with strconv: 2A → 19, 2B → 18, then 97 − mod 97.
func keyOf(body string) string {
	switch body[5:7] {
	case "2A":
		body = body[:5] + "19" + body[7:]
	case "2B":
		body = body[:5] + "18" + body[7:]
	}
	n, err := strconv.ParseUint(body, 10, 64)
	if err != nil {
		panic(body)
	}
	return fmt.Sprintf("%02d", 97-n%97)
}

func TestValidSIRET(t *testing.T) {
	tests := []struct {
		siret string
		want  bool
	}{
		{"73282932000074", true},  // Luhn
		{"73282932000075", false}, // wrong check digit
		{"35600000000048", true},  // La Poste head office (Luhn as well)
		{"35600000049837", true},  // La Poste: digit sum 3+5+6+4+9+8+3+7 = 45, multiple of 5, Luhn fails
		{"35600000049838", false}, // digit sum 46
		{"7328293200007", false},
		{"7328293200007A", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ValidSIRET(tt.siret), tt.siret)
	}
	for _, c := range Financeurs.Codes {
		if c.SIRET != "" {
			assert.True(t, ValidSIRET(c.SIRET), c.Code)
		}
	}
}

func TestParseDate(t *testing.T) {
	want := time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"2024-03-15", "15/03/2024"} {
		d, err := ParseDate(s)
		require.NoError(t, err, s)
		assert.Equal(t, want, d)
	}
	for _, s := range []string{"2024-02-30", "31/04/2024", "2024/03/15", "15-03-2024", "2024-3-15", "", "2024-13-01", "00/01/2024"} {
		_, err := ParseDate(s)
		assert.Error(t, err, s)
	}
	d, err := ParseDSNDate("29022024")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), d)
	ts, err := ParseTimestamp("2024-03-15T08:30:05")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2024, 3, 15, 8, 30, 5, 0, time.UTC), ts)
	_, err = ParseTimestamp("2024-03-15T24:00:00")
	assert.Error(t, err)
	m, err := ParseMonth("2024-11")
	require.NoError(t, err)
	assert.Equal(t, time.Date(2024, 11, 1, 0, 0, 0, 0, time.UTC), m)
}

func TestParseNumbers(t *testing.T) {
	amounts := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"1234,56", 123456, true},
		{"1234.5", 123450, true},
		{"0", 0, true},
		{"12.500", 1250, true},
		{",5", 50, true},
		{"12.505", 0, false},
		{"1 234,56", 0, false},
		{"1.234,56", 0, false},
		{"abc", 0, false},
		{"", 0, false},
	}
	for _, a := range amounts {
		got, err := ParseAmount(a.in)
		if a.ok {
			require.NoError(t, err, a.in)
			assert.Equal(t, a.want, got, a.in)
		} else {
			assert.Error(t, err, a.in)
		}
	}
	x, err := ParseDecimal("151,67")
	require.NoError(t, err)
	assert.InDelta(t, 151.67, x, 1e-9)
}

func TestColumnParse(t *testing.T) {
	c, _ := Dossiers.Column("heures_prevues")
	_, rule := c.Parse("4001")
	assert.Equal(t, RuleOutOfRange, rule)
	v, rule := c.Parse("35")
	assert.Equal(t, "", rule)
	assert.Equal(t, int64(35), v.Int)
	cd, _ := Dossiers.Column("code_dispositif")
	_, rule = cd.Parse("XYZ")
	assert.Equal(t, RuleUnknownCode, rule)
	cc, _ := Dossiers.Column("code_certification")
	v, rule = cc.Parse("")
	assert.Equal(t, "", rule)
	assert.True(t, v.Null)
}

func TestParseRowConstraints(t *testing.T) {
	row := func(typ, motif string) []string {
		return []string{"D1", "FT", typ, "2024-05-02", motif, "", "2024-05-03T10:00:00"}
	}
	_, vs := Evenements.Parse(row("SORTIE", "FIN"), nil)
	assert.Empty(t, vs)
	_, vs = Evenements.Parse(row("SORTIE", ""), nil)
	assert.Equal(t, []Violation{{Rule: RuleMissingValue, Column: "motif_sortie", Value: ""}}, vs)
	_, vs = Evenements.Parse(row("ENTREE", "FIN"), nil)
	assert.Equal(t, []Violation{{Rule: RuleOutOfRange, Column: "motif_sortie", Value: "FIN"}}, vs)
	// A bad NIR is never shown in clear.
	fields := make([]string, len(Dossiers.Columns))
	fields[Dossiers.Index("nir")] = "295109912611194"
	_, vs = Dossiers.Parse(fields, nil)
	for _, v := range vs {
		if v.Column == "nir" {
			assert.Equal(t, Violation{Rule: RuleBadNIR, Column: "nir", Value: "*************** (clé incorrecte)"}, v)
		}
	}
}

func TestDetectFeed(t *testing.T) {
	for _, f := range Feeds() {
		var h []string
		for _, c := range f.Columns {
			h = append(h, c.Name)
		}
		got, err := DetectFeed(h)
		require.NoError(t, err)
		assert.Equal(t, f.Name, got.Name)
	}
	_, err := DetectFeed([]string{"a", "b"})
	assert.Error(t, err)
}

func TestContractFamily(t *testing.T) {
	for nature, fam := range map[string]string{"01": FamilyCDI, "50": FamilyCDI, "02": FamilyCDD, "93": FamilyCDD, "03": FamilyInterim, "29": FamilyNone} {
		got, ok := ContractFamily(nature)
		assert.True(t, ok)
		assert.Equal(t, fam, got, nature)
	}
	assert.Len(t, Dispositifs.Codes, 20)
	assert.Len(t, Regions.Codes, 18)
	assert.Len(t, Financeurs.Codes, 18+2+11+18+2+2)
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-03-15", "15/03/2024", "2024-02-30", "", "99/99/9999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err == nil && d.Format("2006-01-02") != s && d.Format("02/01/2006") != s {
			t.Fatalf("ParseDate(%q) = %v: not a round trip", s, d)
		}
	})
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"1234,56", "0.5", "-3", "12.505", ",", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseAmount(s)
		if err != nil {
			return
		}
		x, err := ParseDecimal(s)
		if err != nil {
			t.Fatalf("ParseAmount accepts %q, ParseDecimal does not", s)
		}
		if d := x*100 - float64(c); d > 0.5 || d < -0.5 {
			t.Fatalf("ParseAmount(%q) = %d cents, ParseDecimal = %v", s, c, x)
		}
	})
}

func FuzzValidNIR(f *testing.F) {
	for _, s := range []string{"295109912611193", "253072B07300470", "2A", "8888888888888888"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidNIR(s) {
			key, ok := NIRKey(s[:13])
			if !ok || key != s[13:] {
				t.Fatalf("ValidNIR(%q) but NIRKey gives %q", s, key)
			}
		}
		body := s[:min(13, len(s))]
		key, ok := NIRKey(body)
		if ok != nirBody.MatchString(body) {
			t.Fatalf("NIRKey(%q) ok = %v", body, ok)
		}
		if ok && key != keyOf(body) {
			t.Fatalf("NIRKey(%q) = %q, computed %q", body, key, keyOf(body))
		}
		if ok && len(s) == 15 && ValidNIR(s) != (s[13:] == key) {
			t.Fatalf("ValidNIR(%q) = %v with key %q", s, ValidNIR(s), key)
		}
		_ = ValidSIRET(s)
		_ = MaskNIR(s)
	})
}

// seedRows are valid rows of every feed, in the dictionary's column order.
var seedRows = []string{
	"D1;FT;295109912611193;2;1995-10-01;DE;AIF;12345678200010;31054;326;RNCP1234;11;400;2024-01-08;2024-06-28;2024-07-01T10:00:00",
	"D1;FT;SORTIE;2024-05-02;FIN;O;2024-05-03T10:00:00",
	"D1;FT;FT;PEDAGOGIQUE;1500,50;2024-01-05;1500.5;2024-06-30;2024-07-01T10:00:00",
	"FT;AIF;2024;1000000;2024-07-01T10:00:00",
	"295109912611193;2024-03;98765432400027;4711D;01;2024-01-01;;;151,67;C1",
	"D1;FT;ENTREE;2024-05-02;;;2024-05-03T10:00:00",
	" 2 53 07 2b 073 004 70 ;--5;-0;15/03/2024;2024-03-15 08:30:05Z;12.505;;N",
	"FT;AIF;--2024;1000000;2024-07-01T10:00:00", // landed as 2024 once
}

// FuzzParseRow parses a line with every feed: the record is aligned with the
// columns, every rule exists, a NIR never shows in a violation, and every
// value of a column without violation is its text read back (see accepted).
func FuzzParseRow(f *testing.F) {
	for _, s := range seedRows {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fields := splitSemicolon(line)
		for _, feed := range Feeds() {
			rec, vs := feed.Parse(fields, nil)
			if len(rec) != len(feed.Columns) {
				t.Fatalf("record of %d values for %d columns", len(rec), len(feed.Columns))
			}
			broken := map[string]bool{}
			for _, v := range vs {
				if _, ok := RuleByCode(v.Rule); !ok {
					t.Fatalf("unknown rule %q", v.Rule)
				}
				if c, ok := feed.Column(v.Column); ok && c.Kind == NIR {
					// Stars, then for BAD_NIR a reason that shows no digit of the value.
					raw := ""
					if i := feed.Index(v.Column); i < len(fields) {
						raw = fields[i]
					}
					stars, reason, _ := strings.Cut(v.Value, " (")
					if stars != MaskNIR(stars) || v.Rule != RuleBadNIR && reason != "" || leaks(raw, strings.TrimSuffix(reason, ")")) {
						t.Fatalf("%s: NIR shown in a violation: %+v", feed.Name, v)
					}
				}
				broken[v.Column] = true
			}
			for i, c := range feed.Columns {
				raw := ""
				if i < len(fields) {
					raw = fields[i]
				}
				if !broken[c.Name] {
					if err := accepted(c, raw, rec[i]); err != "" {
						t.Fatalf("%s.%s = %q: %s (%+v)", feed.Name, c.Name, raw, err, rec[i])
					}
				}
			}
		}
	})
}

// accepted checks that v is what column c reads from raw, written back
// independently of the parsers; it returns what is wrong, or "".
func accepted(c Column, raw string, v Value) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || v.Null {
		if raw != "" || !v.Null || c.Required {
			return "empty value and null disagree, or a required value is missing"
		}
		return ""
	}
	switch c.Kind {
	case NIR:
		if v.Str != NormalizeNIR(raw) || !ValidNIR(v.Str) {
			return "not the normalised, valid NIR"
		}
	case Text, CodeKind, SIRET, Pattern, Flag:
		if v.Str != raw {
			return "text changed"
		}
		if c.Kind == Text && c.MaxLen > 0 && utf8.RuneCountInString(raw) > c.MaxLen {
			return "text too long accepted"
		}
		if c.Kind == CodeKind && !c.List.Has(raw) || c.Kind == Flag && raw != "O" && raw != "N" ||
			c.Kind == Pattern && !c.Regexp.MatchString(raw) || c.Kind == SIRET && !ValidSIRET(raw) {
			return "value outside its list, pattern or check digit"
		}
	case Date:
		if v.Time.Format("2006-01-02") != raw && v.Time.Format("02/01/2006") != raw {
			return "date not read back"
		}
	case Timestamp:
		if s := strings.TrimSuffix(raw, "Z"); v.Time.Format("2006-01-02T15:04:05") != s && v.Time.Format("2006-01-02 15:04:05") != s {
			return "timestamp not read back"
		}
	case Month:
		if v.Time.Format("2006-01") != raw || v.Time.Day() != 1 {
			return "month not read back"
		}
	case Integer:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n != v.Int || raw[0] == '+' || float64(n) < c.Min || c.Max > 0 && float64(n) > c.Max {
			return "integer not read back, or out of its range"
		}
	case Amount:
		x, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
		if d := x*100 - float64(v.Int); err != nil || d > 0.5 || d < -0.5 {
			return "amount not read back"
		}
	case Decimal:
		x, err := strconv.ParseFloat(strings.Replace(raw, ",", ".", 1), 64)
		if err != nil || x != v.Num {
			return "decimal not read back"
		}
	}
	return ""
}

func splitSemicolon(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ';' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
