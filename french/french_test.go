package french

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// plain turns the narrow no-break spaces into « _ » and the minus signs into
// « - » so that the expected strings below are easy to read.
func plain(s string) string {
	return strings.NewReplacer(NarrowNoBreakSpace, "_", Minus, "-").Replace(s)
}

func TestInt(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{0, "0"},
		{7, "7"},
		{999, "999"},
		{1000, "1_000"},
		{12345, "12_345"},
		{812400, "812_400"},
		{18900000, "18_900_000"},
		{-1, "-1"},
		{-999, "-999"},
		{-1000, "-1_000"},
		{-12345, "-12_345"},
		{math.MaxInt64, "9_223_372_036_854_775_807"},
		{math.MinInt64, "-9_223_372_036_854_775_808"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, plain(Int(c.n)), "Int(%d)", c.n)
	}
	// The real characters, once, not through plain.
	assert.Equal(t, "\u2212"+"1\u202f000", Int(-1000))
}

func TestDec(t *testing.T) {
	cases := []struct {
		x    float64
		d    int
		want string
	}{
		{0, 0, "0"},
		{0, 1, "0,0"},
		{0, 2, "0,00"},
		{1234.56, 1, "1_234,6"},
		{1234.56, 0, "1_235"},
		{1234.56, -1, "1_234,56"}, // negative decimals: as many as x needs
		{0.005, -1, "0,005"},
		{-0.001, -1, "-0,001"},
		{1e-7, -1, "0,0000001"},
		{20, -1, "20"},
		{-1234567.5, -1, "-1_234_567,5"},
		{math.Copysign(0, -1), -1, "0"},
		{0.04, 1, "0,0"},
		{-0.04, 1, "0,0"}, // rounds to zero: no « −0,0 »
		{math.Copysign(0, -1), 1, "0,0"},
		{-0.4, 0, "0"},
		{-0.5, 0, "-1"}, // halves away from zero
		{0.5, 0, "1"},
		{2.5, 0, "3"},      // not to even
		{61.25, 1, "61,3"}, // 61.25 is exact in binary: a half, away from zero
		{-61.25, 1, "-61,3"},
		{-2.25, 2, "-2,25"},
		{12.345, 2, "12,35"}, // 12.345 × 100 is 1234.5 in float64, as the site always rounded it
		{-12345.678, 2, "-12_345,68"},
		{999.96, 1, "1_000,0"}, // rounding carries into a new group
		{-999999.5, 0, "-1_000_000"},
		{1e15, 2, "1_000_000_000_000_000,00"},
		{1.8e19, 0, "18_000_000_000_000_000_000"}, // beyond int64
	}
	for _, c := range cases {
		assert.Equal(t, c.want, plain(Dec(c.x, c.d)), "Dec(%v, %d)", c.x, c.d)
	}
	assert.Equal(t, "\u2212"+"1\u202f234,50", Dec(-1234.5, 2))

	// Too large to scale by 10^d: written as it is, digits grouped, no « Inf ».
	huge := plain(Dec(1e300, 2))
	assert.Regexp(t, `^1(_\d{3}){100},00$`, huge)
	assert.Equal(t, "0,"+strings.Repeat("0", 400), Dec(0, 400))

	assert.Equal(t, "NaN", Dec(math.NaN(), 1))
	assert.Equal(t, "∞", Dec(math.Inf(1), 1))
	assert.Equal(t, Minus+"∞", Dec(math.Inf(-1), 1))
}

func TestRound(t *testing.T) {
	cases := []struct {
		x    float64
		d    int
		want float64
	}{
		{61.25, 1, 61.3},
		{-61.25, 1, -61.3},
		{2.5, 0, 3},
		{-0.5, 0, -1},
		{12.345, 2, 12.35},
		{0.04, 1, 0},
		{1234.56, -1, 1235},
		{1e300, 2, 1e300},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Round(c.x, c.d), "Round(%v, %d)", c.x, c.d)
	}
	// What Dec writes is Round's value.
	for _, x := range []float64{61.25, -2.25, 12.345, 999.96, 0.05, -0.05} {
		assert.Equal(t, strconv.FormatFloat(Round(x, 1), 'f', 1, 64), unformat(Dec(x, 1)), "Dec(%v, 1)", x)
	}
}

func TestDate(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		paris = time.FixedZone("CEST", 2*3600)
	}
	cases := []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), "1er juillet 2025"},
		{time.Date(2025, 7, 2, 0, 0, 0, 0, time.UTC), "2 juillet 2025"},
		{time.Date(2025, 7, 31, 23, 59, 59, 0, time.UTC), "31 juillet 2025"},
		{time.Date(2024, 1, 11, 0, 0, 0, 0, time.UTC), "11 janvier 2024"},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "29 février 2024"},
		{time.Date(2024, 8, 21, 0, 0, 0, 0, time.UTC), "21 août 2024"}, // 21, not « 21er »
		{time.Date(2023, 12, 1, 0, 0, 0, 0, time.UTC), "1er décembre 2023"},
		// The day of t in its own location: 30 June 23:30 UTC is 1 July in Paris.
		{time.Date(2025, 6, 30, 23, 30, 0, 0, time.UTC), "30 juin 2025"},
		{time.Date(2025, 6, 30, 23, 30, 0, 0, time.UTC).In(paris), "1er juillet 2025"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, Date(c.t), "Date(%v)", c.t)
	}
}

func TestMonth(t *testing.T) {
	want := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre"}
	for m := time.January; m <= time.December; m++ {
		assert.Equal(t, want[m-1]+" 2025", Month(time.Date(2025, m, 1, 0, 0, 0, 0, time.UTC)))
		assert.Equal(t, want[m-1]+" 2025", Month(time.Date(2025, m, 28, 12, 0, 0, 0, time.UTC)))
	}
}

func TestMonthISO(t *testing.T) {
	cases := []struct {
		in   string
		want string
		ok   bool
	}{
		{"2025-07", "juillet 2025", true},
		{"2025-01", "janvier 2025", true},
		{"2024-12", "décembre 2024", true},
		{"2025-08", "août 2025", true},
		{"2025-00", "", false},
		{"2025-13", "", false},
		{"2025-7", "", false},
		{"2025-07-01", "", false},
		{"2025/07", "", false},
		{"20250-7", "", false},
		{"+025-07", "", false},
		{"2025-+7", "", false},
		{"2025-٠٧", "", false}, // Arabic-Indic digits
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := MonthISO(c.in)
		assert.Equal(t, c.ok, ok, "MonthISO(%q)", c.in)
		assert.Equal(t, c.want, got, "MonthISO(%q)", c.in)
	}
}

var reMonthISO = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// FuzzMonthISO checks MonthISO against a regular expression of AAAA-MM and a
// month built with package time.
func FuzzMonthISO(f *testing.F) {
	for _, s := range []string{"2025-07", "0000-01", "9999-12", "2025-00", "2025-13", "2025-7", "", "2025-07\n", "-2025-07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ym string) {
		got, ok := MonthISO(ym)
		if ok != reMonthISO.MatchString(ym) {
			t.Fatalf("MonthISO(%q): ok = %v", ym, ok)
		}
		if !ok {
			if got != "" {
				t.Fatalf("MonthISO(%q) = %q, not ok", ym, got)
			}
			return
		}
		year, _ := strconv.Atoi(ym[:4])
		month, _ := strconv.Atoi(ym[5:])
		if want := Month(time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)); got != want {
			t.Fatalf("MonthISO(%q) = %q, Month gives %q", ym, got, want)
		}
	})
}

// unformat reads back what Int and Dec write, as Go would write it.
func unformat(s string) string {
	return strings.NewReplacer(NarrowNoBreakSpace, "", Minus, "-", ",", ".").Replace(s)
}

var reGrouped = regexp.MustCompile(`^(\x{2212})?[0-9]{1,3}(\x{202f}[0-9]{3})*(,[0-9]+)?$`)

// FuzzInt checks that Int groups by three and reads back to n.
func FuzzInt(f *testing.F) {
	for _, n := range []int64{0, 1, -1, 999, 1000, -1000, 123456789, math.MaxInt64, math.MinInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		s := Int(n)
		if !reGrouped.MatchString(s) || strings.Contains(s, ",") {
			t.Fatalf("Int(%d) = %q: not grouped by three", n, s)
		}
		if back := unformat(s); back != strconv.FormatInt(n, 10) {
			t.Fatalf("Int(%d) = %q reads back as %s", n, s, back)
		}
	})
}

// FuzzDec checks that Dec writes d decimals, groups by three, and reads back
// to x within half a unit of its last decimal, or exactly when d < 0.
func FuzzDec(f *testing.F) {
	for _, c := range []struct {
		x float64
		d uint8
	}{{0, 2}, {-0.04, 2}, {61.25, 2}, {-2.25, 3}, {999.96, 2}, {1e15, 3}, {-1e14, 1}, {123456.789, 4}, {0.005, 0}} { // d8 = decimals + 1
		f.Add(c.x, c.d)
	}
	f.Fuzz(func(t *testing.T, x float64, d8 uint8) {
		d := int(d8%8) - 1 // -1: as many decimals as x needs
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) > 1e15 {
			t.Skip() // beyond 15 digits a float has no decimals to check
		}
		s := Dec(x, d)
		if !reGrouped.MatchString(s) {
			t.Fatalf("Dec(%v, %d) = %q: not grouped by three", x, d, s)
		}
		_, frac, comma := strings.Cut(s, ",")
		if d >= 0 && (comma != (d > 0) || len(frac) != d) {
			t.Fatalf("Dec(%v, %d) = %q: not %d decimals", x, d, s, d)
		}
		back, err := strconv.ParseFloat(unformat(s), 64)
		if err != nil {
			t.Fatalf("Dec(%v, %d) = %q: %v", x, d, s, err)
		}
		if d < 0 {
			if back != x {
				t.Fatalf("Dec(%v, %d) = %q reads back as %v", x, d, s, back)
			}
			return
		}
		half := 0.5 * math.Pow10(-d)
		if diff := math.Abs(back - x); diff > half*(1+1e-9)+1e-9*math.Abs(x) {
			t.Fatalf("Dec(%v, %d) = %q is %g away", x, d, s, diff)
		}
		if back == 0 && strings.HasPrefix(s, Minus) {
			t.Fatalf("Dec(%v, %d) = %q: a signed zero", x, d, s)
		}
	})
}
