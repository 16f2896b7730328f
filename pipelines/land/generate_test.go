package land

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/generate"
)

// truth is the part of the generator's truth.json the landing checks.
type truth struct {
	Defects []struct {
		File   string `json:"fichier"`
		Line   int64  `json:"ligne"`
		Rule   string `json:"regle"`
		Column string `json:"colonne"`
	} `json:"defauts"`
	NEODeS struct {
		Files  int `json:"fichiers"`
		ByType []struct {
			Code  string `json:"code"`
			Count int64  `json:"nombre"`
		} `json:"declarations_par_type"`
		EventReports int64 `json:"signalements"`
		Rows         int64 `json:"lignes_dsn_attendues"`
	} `json:"neodes"`
}

// generated is a small generated sample, made once for the tests that use it.
var generated = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "agora-land-generate-*")
	if err != nil {
		return "", err
	}
	opts := generate.DefaultOptions()
	opts.Dossiers, opts.Seed, opts.Out, opts.DefectRate = 1500, 11, dir, 0.01
	_, err = generate.Run(context.Background(), opts, nil)
	return dir, err
})

func generatedSample(t *testing.T) (string, truth) {
	if testing.Short() {
		t.Skip("génère un échantillon")
	}
	dir, err := generated()
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	require.NoError(t, err)
	var tr truth
	require.NoError(t, json.Unmarshal(data, &tr))
	return dir, tr
}

// Exactly the generator's planted defects end in quarantine, with their rule,
// line and file; every file lands; rows read = landed + quarantined.
func TestGeneratedDefects(t *testing.T) {
	dir, tr := generatedSample(t)
	e := newEnv(t)
	s := e.land(Options{}, dir)
	require.Equal(t, len(s.Files), s.Count(StatusLanded), "every delivery lands")
	require.NotEmpty(t, tr.Defects)

	// Quarantine rows name files by base name: map them back to relative paths.
	rel := map[string]string{}
	for _, f := range s.Files {
		r, err := filepath.Rel(dir, f.Path)
		require.NoError(t, err)
		require.NotContains(t, rel, f.Name, "base names are unique")
		rel[f.Name] = filepath.ToSlash(r)
	}
	type key struct {
		file string
		line int64
		rule string
	}
	var want, got []key
	for _, d := range tr.Defects {
		want = append(want, key{d.File, d.Line, d.Rule})
	}
	for _, r := range rows(t, e.db(), "SELECT DISTINCT fichier, ligne, regle FROM quarantaine") {
		n, _ := strconv.ParseInt(r[1], 10, 64)
		got = append(got, key{rel[r[0]], n, r[2]})
	}
	cmp := func(a, b key) int {
		return strings.Compare(a.file+"\x00"+strconv.FormatInt(a.line, 10)+a.rule, b.file+"\x00"+strconv.FormatInt(b.line, 10)+b.rule)
	}
	slices.SortFunc(want, cmp)
	slices.SortFunc(got, cmp)
	assert.Equal(t, want, got)
	assert.Equal(t, int64(len(tr.Defects)), s.Quarantined, "one planted defect per quarantined row")
}

// NEODeS round trip: the generator's declarations parse into what it meant —
// its files, its declarations by type and its event reports, and, after the
// cancellations and replacements the models apply, its rows.
func TestGeneratedNEODeS(t *testing.T) {
	dir, tr := generatedSample(t)
	e := newEnv(t)
	s := e.land(Options{}, filepath.Join(dir, "dsn"))
	assert.Equal(t, tr.NEODeS.Files, s.Count(StatusLanded))
	db := e.db()
	var byType [][]string
	for _, c := range tr.NEODeS.ByType {
		byType = append(byType, []string{c.Code, strconv.FormatInt(c.Count, 10)})
	}
	assert.Equal(t, byType, rows(t, db, "SELECT type_declaration, count(*) FROM dsn_declarations WHERE nature = '01' GROUP BY ALL ORDER BY 1"))
	assert.Equal(t, [][]string{{strconv.FormatInt(tr.NEODeS.EventReports, 10)}}, rows(t, db, "SELECT count(*) FROM dsn_declarations WHERE nature <> '01'"))
	// The surviving declaration of each establishment and month (the rule of
	// dictionary.md 1.6, as sql/staging/stg_dsn_declarations applies it).
	got := rows(t, db, `
		WITH retenues AS (
			SELECT declaration_id, type_declaration FROM dsn_declarations WHERE nature = '01'
			QUALIFY row_number() OVER (PARTITION BY siret, mois ORDER BY date_fichier DESC, numero_ordre DESC, _landing DESC, declaration_id DESC) = 1)
		SELECT count(*) FROM dsn_extrait JOIN retenues USING (declaration_id) WHERE type_declaration IN ('01', '03')`)
	assert.Equal(t, [][]string{{strconv.FormatInt(tr.NEODeS.Rows, 10)}}, got)
}

// After landing the generated sample, no file under the data root holds any
// NIR of the deliveries, in its 15-character or raw 13-digit form.
func TestGeneratedNoNIR(t *testing.T) {
	dir, _ := generatedSample(t)
	e := newEnv(t)
	s := e.land(Options{}, dir)
	require.Positive(t, s.Landed)

	// Every NIR of the deliveries: the nir column of the CSV feeds, and the
	// S21.G00.30.001 rubric of the NEODeS files.
	bodies := map[string]bool{}
	files, err := Collect([]string{dir})
	require.NoError(t, err)
	for _, p := range files {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		if strings.HasSuffix(p, ".dsn") {
			for _, l := range bytes.Split(data, []byte("\n")) {
				if v, ok := bytes.CutPrefix(bytes.TrimRight(l, "\r"), []byte("S21.G00.30.001,'")); ok {
					addNIR(bodies, strings.TrimSuffix(string(v), "'"))
				}
			}
			continue
		}
		info, err := delivery.Inspect(bytes.NewReader(data), p)
		require.NoError(t, err)
		rd, err := delivery.NewReader(delivery.NewDecoder(bytes.NewReader(data), info.Encoding), p, nil)
		require.NoError(t, err)
		col := rd.Feed().Index("nir")
		for col >= 0 && rd.Next() {
			addNIR(bodies, rd.Row().Fields[col])
		}
	}
	require.Greater(t, len(bodies), 100)

	n := 0
	require.NoError(t, filepath.WalkDir(e.root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		f, err := os.Open(p)
		require.NoError(t, err)
		defer f.Close()
		if found := scanNIRs(bufio.NewReader(f), bodies); found != "" {
			t.Errorf("%s holds the NIR beginning %s", p, found[:5])
		}
		return nil
	}))
	assert.Greater(t, n, 5)
}

// addNIR keeps the 13-character body of a NIR (normalised), which both its
// full and its raw forms contain.
func addNIR(set map[string]bool, v string) {
	v = dictionary.NormalizeNIR(strings.TrimSpace(v))
	if len(v) >= 13 {
		set[v[:13]] = true
	}
}

// scanNIRs reads every byte and returns the first NIR body found in a run of
// digits and Corsican letters.
func scanNIRs(r *bufio.Reader, bodies map[string]bool) string {
	var run []byte
	check := func() string {
		for i := 0; i+13 <= len(run); i++ {
			if b := strings.ToUpper(string(run[i : i+13])); bodies[b] {
				return b
			}
		}
		return ""
	}
	for {
		c, err := r.ReadByte()
		if err != nil {
			return check()
		}
		if c >= '0' && c <= '9' || c == 'A' || c == 'B' || c == 'a' || c == 'b' {
			run = append(run, c)
			continue
		}
		if len(run) >= 13 {
			if b := check(); b != "" {
				return b
			}
		}
		run = run[:0]
	}
}
