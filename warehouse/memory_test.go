package warehouse

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseMemoryLimit(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"8GB", "8GB"},
		{"8Go", "8GB"},
		{"8 Go", "8GB"},
		{"8go", "8GB"},
		{"8GO", "8GB"},
		{"8gb", "8GB"},
		{"8\u00a0Go", "8GB"}, // no-break space, as French typography writes it
		{"8\u202fGo", "8GB"}, // narrow no-break space
		{"  8Go\n", "8GB"},
		{"512MB", "512MB"},
		{"512Mo", "512MB"},
		{"512 mo", "512MB"},
		{"100Mo", "100MB"}, // the smallest accepted
		{"1.5GB", "1.5GB"},
		{"1,5Go", "1.5GB"},
		{"1,5 go", "1.5GB"},
		{"0,25Go", "0.25GB"},
		{"2To", "2TB"},
		{"1tb", "1TB"},
		{"1000To", "1000TB"}, // the largest accepted
		{"", ""},             // the default
		{"   ", ""},
	} {
		got, err := ParseMemoryLimit(c.in)
		if assert.NoError(t, err, "%q", c.in) {
			assert.Equal(t, c.want, got, "%q", c.in)
		}
	}
}

func TestParseMemoryLimitRefuses(t *testing.T) {
	for _, in := range []string{
		"2Gio", "2GiB", "2gib", // binary units: refused rather than guessed
		"8", "8G", "8g", "8M", "8o", "8B", "8 octets", "8KB", "8Ko",
		"60%", "-1", "-8GB", "+8GB",
		"8GBs", "8 Go 2", "8Go.", "Go", "GB8", "huit Go",
		".5GB", "1.GB", "1,GB", "1.5.5GB", "1,5,Go", "1e1GB", "0x10GB",
		"8 G o", "8Go\x00", "８Go", // fullwidth digit
		"1001To", "1000000000000GB", // a typing mistake, or past DuckDB's 2^64 bytes
	} {
		got, err := ParseMemoryLimit(in)
		var me *MemoryLimitError
		if assert.True(t, errors.As(err, &me), "%q is refused, got %q", in, got) {
			assert.False(t, me.TooSmall, in)
			assert.Equal(t, "valeur de --memoire invalide : « "+in+" » ; écrivez par exemple 8GB, 8Go ou 512Mo", err.Error())
		}
	}
	for _, in := range []string{"0Go", "0GB", "0,09Go", "99Mo", "0.0999GB", "0000MB"} {
		_, err := ParseMemoryLimit(in)
		var me *MemoryLimitError
		if assert.True(t, errors.As(err, &me), in) {
			assert.True(t, me.TooSmall, in)
			assert.Equal(t, "valeur de --memoire trop petite : « "+in+" » ; DuckDB a besoin d'au moins 100Mo, écrivez par exemple 8GB, 8Go ou 512Mo", err.Error())
		}
	}
}

// duckdbMemory matches what ParseMemoryLimit hands to DuckDB.
var duckdbMemory = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?(MB|GB|TB)$`)

func FuzzParseMemoryLimit(f *testing.F) {
	for _, s := range []string{"8GB", "8 Go", "1,5Go", "512Mo", "2Gio", "", "99Mo", "1e1GB", "8\u00a0go", "1000To", "00000000000000000000001GB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseMemoryLimit(s)
		if err != nil {
			var me *MemoryLimitError
			require.True(t, errors.As(err, &me), "every refusal is a MemoryLimitError: %v", err)
			require.Equal(t, s, me.Value)
			require.Empty(t, got)
			return
		}
		if got == "" {
			return // blank: the default
		}
		require.Regexp(t, duckdbMemory, got)
		again, err := ParseMemoryLimit(got)
		require.NoError(t, err, "its own output is accepted")
		require.Equal(t, got, again, "and unchanged")
	})
}

// TestOpenReadsFrenchUnits: the French value reaches DuckDB as the English
// one would.
func TestOpenReadsFrenchUnits(t *testing.T) {
	ctx := context.Background()
	for in, want := range map[string]string{
		"1,5 Go": "1.3 GiB", // 1.5e9 bytes
		"512Mo":  "488.2 MiB",
	} {
		s, err := Open(ctx, Options{MemoryLimit: in, Threads: 1})
		require.NoError(t, err, in)
		assert.Equal(t, want, setting(t, s, "memory_limit"), in)
		require.NoError(t, s.Close())
	}
}

// TestOpenRefusesBadMemoryBeforeAnyFile: an invalid limit is the French
// message, and nothing is written (no database, no spill directory).
func TestOpenRefusesBadMemoryBeforeAnyFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "warehouse.duckdb.build")
	_, err := Open(context.Background(), Options{Path: path, MemoryLimit: "2Gio"})
	assert.EqualError(t, err, "valeur de --memoire invalide : « 2Gio » ; écrivez par exemple 8GB, 8Go ou 512Mo")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
	_, err = Open(context.Background(), Options{MemoryLimit: "8"})
	assert.ErrorContains(t, err, "« 8 »", "in memory too")
}

// TestOpenBlankMemoryIsDefault: a blank limit (« --memoire " " ») is the
// default, as an empty one is.
func TestOpenBlankMemoryIsDefault(t *testing.T) {
	s, err := Open(context.Background(), Options{MemoryLimit: "  ", Threads: 1})
	require.NoError(t, err)
	assert.Equal(t, DefaultMemoryLimit, s.Options().MemoryLimit)
	require.NoError(t, s.Close())
}
