package dictionary

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestParseInteger(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2024", 2024, true},
		{"0", 0, true},
		{"007", 7, true},
		{"-5", -5, true},
		{"-0", 0, true},
		{"999999999999999999", 999999999999999999, true},   // 18 digits, the most
		{"-999999999999999999", -999999999999999999, true}, // sign + 18 digits
		{"1000000000000000000", 0, false},                  // 19 digits
		{"--5", 0, false},                                  // was 5: a double minus cancelled out
		{"--2024", 0, false},
		{"-", 0, false},
		{"+5", 0, false},
		{"5-", 0, false},
		{"- 5", 0, false},
		{"1 000", 0, false},
		{"1.0", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseInteger(tt.in)
		if tt.ok {
			assert.NoError(t, err, tt.in)
			assert.Equal(t, tt.want, got, tt.in)
		} else {
			assert.Error(t, err, tt.in)
		}
	}
	// Through a column: "--2024" goes to quarantine instead of landing as 2024.
	c, _ := Enveloppes.Column("annee")
	_, rule := c.Parse("--2024")
	assert.Equal(t, RuleBadNumber, rule)
}

// integerText is the whole language ParseInteger accepts.
var integerText = regexp.MustCompile(`^-?[0-9]{1,18}$`)

func FuzzParseInteger(f *testing.F) {
	for _, s := range []string{"2024", "-5", "--5", "007", "-0", "+5", "", "-", "999999999999999999", "1000000000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseInteger(s)
		if (err == nil) != integerText.MatchString(s) {
			t.Fatalf("ParseInteger(%q): error %v, but the text is %s", s, err, map[bool]string{true: "an integer", false: "no integer"}[integerText.MatchString(s)])
		}
		if err != nil {
			return
		}
		// Round trip: the value written back is the text without its leading zeros.
		digits, neg := strings.CutPrefix(s, "-")
		want := strings.TrimLeft(digits, "0")
		if want == "" {
			want = "0"
		} else if neg {
			want = "-" + want
		}
		if got := strconv.FormatInt(n, 10); got != want {
			t.Fatalf("ParseInteger(%q) = %d, written back %q, want %q", s, n, got, want)
		}
	})
}

// inRange reports whether t is within the years the parsers accept.
func inRange(t time.Time) bool { return t.Year() >= 1900 && t.Year() <= 2199 }

// fuzzTime checks a time parser against the standard library: what it accepts
// is written back exactly (one of layouts, possibly with suffix), at midnight
// for dates; and every text that the standard library reads in one of the
// layouts and writes back the same, within the years accepted, is accepted.
func fuzzTime(t *testing.T, name string, parse func(string) (time.Time, error), s string, suffixes []string, layouts ...string) {
	got, err := parse(s)
	if err == nil {
		ok := false
		for _, l := range layouts {
			for _, suffix := range suffixes {
				ok = ok || got.Format(l)+suffix == s
			}
		}
		if !ok || got.Location() != time.UTC || !inRange(got) {
			t.Fatalf("%s(%q) = %v: not a round trip", name, s, got)
		}
		if len(layouts[0]) <= len("2006-01-02") && (got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0) {
			t.Fatalf("%s(%q) = %v: not at midnight", name, s, got)
		}
	}
	for _, l := range layouts {
		for _, suffix := range suffixes {
			body, ok := strings.CutSuffix(s, suffix)
			if !ok {
				continue
			}
			want, werr := time.Parse(l, body)
			if werr == nil && want.Format(l) == body && inRange(want) {
				if err != nil {
					t.Fatalf("%s(%q): %v, but it is %v", name, s, err, want)
				}
				if !got.Equal(want) {
					t.Fatalf("%s(%q) = %v, want %v", name, s, got, want)
				}
			}
		}
	}
}

func FuzzParseDSNDate(f *testing.F) {
	for _, s := range []string{"29022024", "29022023", "01011900", "31122199", "31121899", "00012024", "1502202", "15-02-2024", "+1022024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzTime(t, "ParseDSNDate", ParseDSNDate, s, []string{""}, "02012006")
	})
}

func FuzzParseTimestamp(f *testing.F) {
	for _, s := range []string{"2024-03-15T08:30:05", "2024-03-15 08:30:05Z", "2024-03-15T24:00:00", "2024-02-30T00:00:00", "2024-03-15T8:30:05", "2024-03-15T08:30:05ZZ", "2024-03-15T08:30:60"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzTime(t, "ParseTimestamp", ParseTimestamp, s, []string{"", "Z"}, "2006-01-02T15:04:05", "2006-01-02 15:04:05")
	})
}

func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2024-11", "2024-13", "2024-00", "1899-12", "2200-01", "2024-1", "2024/11", "-2024-1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fuzzTime(t, "ParseMonth", ParseMonth, s, []string{""}, "2006-01")
	})
}
