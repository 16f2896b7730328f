package opendata

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validate checks a CSV file against its Table Schema resource: the header
// equals the fields in order, every value parses as its field's type (the
// missing value "" aside), required fields are filled, minimum, maximum, enum
// and pattern hold (patterns match the whole value), the primary key is unique
// and, without one, so are the breakdown columns described as identifying.
func validate(res Resource, recs [][]string) []string {
	var errs []string
	bad := func(line int, format string, args ...any) {
		if len(errs) >= 20 {
			return
		}
		errs = append(errs, fmt.Sprintf("%s ligne %d : %s", res.Path, line, fmt.Sprintf(format, args...)))
	}
	var names []string
	for _, f := range res.Schema.Fields {
		names = append(names, f.Name)
	}
	if strings.Join(recs[0], ",") != strings.Join(names, ",") {
		bad(1, "en-tête %v, schéma %v", recs[0], names)
		return errs
	}
	missing := map[string]bool{}
	for _, m := range res.Schema.MissingValues {
		missing[m] = true
	}
	patterns := map[string]*regexp.Regexp{}
	for _, f := range res.Schema.Fields {
		if f.Constraints != nil && f.Constraints.Pattern != "" {
			patterns[f.Name] = regexp.MustCompile("^(?:" + f.Constraints.Pattern + ")$")
		}
	}
	keys := map[string]int{}
	for i, rec := range recs[1:] {
		line := i + 2
		if len(rec) != len(names) {
			bad(line, "%d valeurs pour %d colonnes", len(rec), len(names))
			continue
		}
		for j, f := range res.Schema.Fields {
			v := rec[j]
			c := f.Constraints
			if missing[v] {
				if c != nil && c.Required {
					bad(line, "%s obligatoire mais vide", f.Name)
				}
				continue
			}
			var n float64
			var isNum bool
			switch f.Type {
			case "integer":
				x, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					bad(line, "%s = %q n'est pas un entier", f.Name, v)
					continue
				}
				n, isNum = float64(x), true
			case "number":
				if !regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`).MatchString(v) {
					bad(line, "%s = %q n'est pas un nombre décimal à point", f.Name, v)
					continue
				}
				n, _ = strconv.ParseFloat(v, 64)
				isNum = true
			case "yearmonth":
				if !regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`).MatchString(v) {
					bad(line, "%s = %q n'est pas un mois AAAA-MM", f.Name, v)
				}
			case "boolean":
				if !slices.Contains(f.TrueValues, v) && !slices.Contains(f.FalseValues, v) {
					bad(line, "%s = %q n'est ni %v ni %v", f.Name, v, f.TrueValues, f.FalseValues)
				}
			case "string":
			default:
				bad(line, "type %s inconnu", f.Type)
			}
			if c == nil {
				continue
			}
			if isNum && c.Minimum != nil && n < *c.Minimum {
				bad(line, "%s = %s < minimum %v", f.Name, v, *c.Minimum)
			}
			if isNum && c.Maximum != nil && n > *c.Maximum {
				bad(line, "%s = %s > maximum %v", f.Name, v, *c.Maximum)
			}
			if len(c.Enum) > 0 {
				ok := false
				for _, e := range c.Enum {
					if fmt.Sprint(e) == v {
						ok = true
					}
				}
				if !ok {
					bad(line, "%s = %q hors de la liste %v", f.Name, v, c.Enum)
				}
			}
			if re := patterns[f.Name]; re != nil && !re.MatchString(v) {
				bad(line, "%s = %q ne suit pas le motif %s", f.Name, v, c.Pattern)
			}
		}
		key := res.Schema.PrimaryKey
		if len(key) == 0 && len(res.Schema.UniqueKeys) == 1 {
			key = res.Schema.UniqueKeys[0]
		}
		if len(key) == 0 {
			bad(line, "ni clé primaire ni clé unique")
		}
		var kv []string
		for _, k := range key {
			kv = append(kv, rec[indexOfName(names, k)])
		}
		ks := strings.Join(kv, "|")
		if prev, dup := keys[ks]; dup {
			bad(line, "clé %v répétée (déjà ligne %d)", kv, prev)
		}
		keys[ks] = line
	}
	return errs
}

func indexOfName(names []string, n string) int {
	for i, x := range names {
		if x == n {
			return i
		}
	}
	return -1
}

// TestSchemaValidatesCSV: every resource of schema.json validates its CSV.
func TestSchemaValidatesCSV(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtureDir, "schema.json"))
	require.NoError(t, err)
	var pkg Package
	require.NoError(t, json.Unmarshal(b, &pkg))
	assert.Equal(t, "etalab-2.0", pkg.Licenses[0].Name)
	var paths []string
	for _, res := range pkg.Resources {
		paths = append(paths, res.Path)
		assert.Equal(t, []string{""}, res.Schema.MissingValues)
		errs := validate(res, readCSV(t, res.Path))
		assert.Empty(t, errs, res.Path)
		for _, f := range res.Schema.Fields {
			assert.NotEmpty(t, f.Description, "%s.%s has no description", res.Path, f.Name)
			assert.Regexp(t, `^[a-z0-9_]+$`, f.Name)
		}
	}
	assert.Equal(t, Files(), paths, "one resource per published file")
}

// TestValidatorCatchesErrors makes sure the validator is not a rubber stamp.
func TestValidatorCatchesErrors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtureDir, "schema.json"))
	require.NoError(t, err)
	var pkg Package
	require.NoError(t, json.Unmarshal(b, &pkg))
	res := pkg.Resources[0] // insertion_dispositif_region
	good := readCSV(t, res.Path)
	mutate := func(col, v string) [][]string {
		out := [][]string{good[0]}
		r := append([]string(nil), good[1]...)
		r[indexOfName(good[0], col)] = v
		return append(out, r)
	}
	for _, tc := range []struct{ col, v, want string }{
		{"nb_sortants", "7", "minimum"},        // a count below 11 published
		{"taux_emploi_6m", "55,5", "point"},    // decimal comma
		{"taux_emploi_6m", "105.0", "maximum"}, // rate above 100
		{"code_dispositif", "XYZ", "liste"},    // unknown scheme
		{"annee_sortie", "", "obligatoire"},    // required
		{"nb_observes_6m", "12.5", "entier"},   // integer
		{"secret", "caché", "motif"},           // unknown reason
		{"code_region", "84 ", "liste"},        // trailing space
	} {
		errs := validate(res, mutate(tc.col, tc.v))
		if assert.NotEmpty(t, errs, tc) {
			assert.Contains(t, errs[0], tc.want)
		}
	}
	dup := append(append([][]string(nil), good...), good[1])
	assert.NotEmpty(t, validate(res, dup), "a repeated row")
	bad := append([][]string{append([]string{"x"}, good[0][1:]...)}, good[1:]...)
	assert.NotEmpty(t, validate(res, bad), "a wrong header")
}

func readAll(f *os.File) ([][]string, error) { return csv.NewReader(f).ReadAll() }
