package generate

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/dsn"
)

// NEODeS round trip: the same world generated with --dsn-format both and
// extrait. Parsing the NEODeS files with the DSN parser, keeping for each
// establishment and month its last declaration (by file date then order
// number: a cancellation or néant leaves nothing, a replacement its rows), and
// adding the dsn_extrait rows must give back exactly the rows of the extrait
// run: the same contract-months, none lost, none twice.

type collector struct {
	decls []*declRows
	cur   *declRows
	bad   []int64
}

type declRows struct {
	dsn.Declaration
	rows []string
}

func (c *collector) Row(d *dsn.Declaration, line int64, fields []string) {
	if c.cur == nil || c.cur.Line != d.Line {
		c.cur = &declRows{Declaration: *d}
		c.decls = append(c.decls, c.cur)
	}
	c.cur.rows = append(c.cur.rows, rowKey(fields))
}

func (c *collector) BadLine(line int64, reason string) { c.bad = append(c.bad, line) }

func (c *collector) Declaration(d *dsn.Declaration) {
	if c.cur == nil || c.cur.Line != d.Line {
		c.decls = append(c.decls, &declRows{Declaration: *d})
	} else {
		c.cur.Declaration = *d
	}
	c.cur = nil
}

// rowKey is a dsn_extrait row without its hours (declared in NEODeS, sometimes
// left empty in the extract).
func rowKey(f []string) string {
	k := append([]string(nil), f...)
	k[xHeures] = ""
	k[xNIR] = dictionary.NormalizeNIR(k[xNIR])
	return strings.Join(k, ";")
}

func extraitRows(t *testing.T, root string) []string {
	var out []string
	for _, rel := range deliveries(t, root, ".csv") {
		if !strings.HasPrefix(rel, "dsn_extrait/") {
			continue
		}
		_, bad, good := validate(t, root, rel)
		require.Empty(t, bad, rel)
		for _, r := range good {
			f := append([]string(nil), r.fields...)
			// dates as the parser writes them (AAAA-MM-JJ), whatever the file's style
			for _, i := range []int{xDebut, xFinPrev, xFinReel} {
				if f[i] != "" {
					f[i] = dictionary.DSNExtrait.Get(r.rec, dictionary.DSNExtrait.Columns[i].Name).Time.Format("2006-01-02")
				}
			}
			out = append(out, rowKey(f))
		}
	}
	return out
}

func TestNEODeSRoundTripThroughTheParser(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two worlds of 3000 dossiers")
	}
	both := smallOptions(3000, 8)
	both.DefectRate = 0
	extrait := both
	extrait.DSNFormat = DSNExtrait
	rootBoth, rootExtrait := generated(t, both), generated(t, extrait)

	type month struct{ siret, month string }
	last := map[month]*declRows{}
	var order []month
	files := deliveries(t, rootBoth, ".dsn")
	require.NotEmpty(t, files)
	declarations := 0
	for _, rel := range files {
		b, err := os.ReadFile(filepath.Join(rootBoth, rel))
		require.NoError(t, err)
		info, err := delivery.Inspect(strings.NewReader(string(b)), rel)
		require.NoError(t, err, rel)
		var c collector
		_, err = dsn.Parse(delivery.NewDecoder(strings.NewReader(string(b)), info.Encoding), &c)
		require.NoError(t, err)
		require.Empty(t, c.bad, "%s: no malformed line without defects", rel)
		require.Len(t, c.decls, 1, "%s: one declaration per file", rel)
		d := c.decls[0]
		declarations++
		if !d.Monthly() {
			continue // event reports are skipped
		}
		k := month{d.SIRET(), d.MonthISO()}
		if p, ok := last[k]; !ok {
			order = append(order, k)
		} else if later(p, d) {
			continue
		}
		last[k] = d
	}
	var got []string
	for _, k := range order {
		d := last[k]
		switch d.Type {
		case "01", "03":
			got = append(got, d.rows...)
		default: // 02, 05 néant; 04 cancelled
			assert.Empty(t, d.rows, "declaration of type %s with rows", d.Type)
		}
	}
	neodes := len(got)
	got = append(got, extraitRows(t, rootBoth)...)
	want := extraitRows(t, rootExtrait)
	sort.Strings(got)
	sort.Strings(want)
	require.Positive(t, neodes)
	assert.Equal(t, len(want), len(got))
	assert.Equal(t, want, got, "NEODeS + dsn_extrait of the both run = dsn_extrait of the extrait run")
	tr := readTruth(t, rootBoth)
	assert.Equal(t, tr.NEODeS.ContractMonths, int64(neodes), "truth.json: rows expected from NEODeS")
	t.Logf("%d NEODeS declarations, %d contract-months from NEODeS, %d in all", declarations, neodes, len(got))
}

// later reports whether declaration a comes after b: file date, then order number.
func later(a, b *declRows) bool {
	da, db := a.FileDate[4:8]+a.FileDate[2:4]+a.FileDate[0:2], b.FileDate[4:8]+b.FileDate[2:4]+b.FileDate[0:2]
	if da != db {
		return da > db
	}
	return len(a.Order) > len(b.Order) || len(a.Order) == len(b.Order) && a.Order > b.Order
}
