package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	models "github.com/agora-formation/agora/sql"
)

// Layers in build order. A model's layer comes from its folder.
var Layers = []string{"staging", "intermediate", "marts"}

// TestsDir is the folder of the custom data tests.
const TestsDir = "tests"

// Materialisations a model header may ask for.
const (
	Table = "table" // CREATE OR REPLACE TABLE … AS (the default)
	View  = "view"  // CREATE OR REPLACE VIEW … AS: inlined by its readers
)

// Model is one SQL model: a SELECT whose result becomes a table (or view)
// named after its file.
type Model struct {
	Name         string   // file name without .sql
	Layer        string   // staging, intermediate or marts
	Path         string   // path inside the models' file system
	SQL          string   // the file as written
	Doc          string   // the first comment lines of the header, joined
	Materialized string   // Table or View
	Deps         []string // models it reads, sorted
	Sources      []string // other relations it reads (lake_* views, ref_* tables), sorted
	Tests        []Test   // generic tests declared in its header
	// Incremental is the predicate of an incremental build, from the header
	// line "-- incremental: <predicate>": a SQL condition on the model's own
	// columns, calling mois_modifie, dossier_modifie or pseudo_modifie, that
	// selects every row the changes can change, the other rows being
	// unchanged. See Changes.
	Incremental string
}

// IsMart reports whether the model is published (written as Parquet too).
func (m *Model) IsMart() bool { return m.Layer == "marts" }

// Project is the set of models and custom tests found in a file system.
type Project struct {
	Models map[string]*Model
	Order  []string // every model in build order
	Tests  []Test   // custom tests of the tests folder
}

var (
	modelName  = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	headerLine = regexp.MustCompile(`^--\s*([a-zéè_]+)\s*:\s*(.*)$`)
)

// ErrUnknownModel is matched (errors.Is) by the error of a selection naming no model.
var ErrUnknownModel = errors.New("modèle inconnu")

// Load reads the models of fsys (nil: the embedded models of package sql) (folders staging, intermediate, marts) and the
// custom tests (folder tests), finds what each reads from its SQL and orders
// them. It fails on a duplicate name, an unreadable header or a cycle.
func Load(fsys fs.FS) (*Project, error) {
	if fsys == nil {
		fsys = models.FS
	}
	p := &Project{Models: map[string]*Model{}}
	for _, layer := range Layers {
		files, err := fs.Glob(fsys, layer+"/*.sql")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".sql")
			if !modelName.MatchString(name) {
				return nil, fmt.Errorf("modèle %s : nom invalide (minuscules, chiffres et _ seulement)", f)
			}
			if prev, dup := p.Models[name]; dup {
				return nil, fmt.Errorf("modèle %s défini deux fois : %s et %s", name, prev.Path, f)
			}
			src, err := fs.ReadFile(fsys, f)
			if err != nil {
				return nil, err
			}
			m := &Model{Name: name, Layer: layer, Path: f, SQL: string(src), Materialized: Table}
			if err := parseHeader(m.SQL, f, func(key, val string) error {
				switch key {
				case "materialized":
					if val != Table && val != View {
						return fmt.Errorf("materialized : « %s » inconnu (table ou view)", val)
					}
					m.Materialized = val
				case "incremental":
					if !strings.Contains(val, "_modifie(") {
						return fmt.Errorf("incremental : une condition sur les colonnes du modèle qui appelle %s (ou une macro qui les appelle)", changeMacros)
					}
					m.Incremental = val
				case "test":
					ts, err := parseTests(val)
					if err != nil {
						return err
					}
					for i := range ts {
						ts[i].Model = name
					}
					m.Tests = append(m.Tests, ts...)
				default:
					return fmt.Errorf("clé d'en-tête « %s » inconnue (materialized, incremental, test)", key)
				}
				return nil
			}, &m.Doc); err != nil {
				return nil, err
			}
			if m.Incremental == "" && m.Materialized == Table && strings.Contains(stripComments(m.SQL), "_modifie(") {
				return nil, fmt.Errorf("modèle %s : appelle %s sans en-tête « -- incremental: » : une construction incrémentale le filtrerait sans le savoir", f, changeMacros)
			}
			if m.Incremental != "" && m.Materialized == View {
				return nil, fmt.Errorf("modèle %s : une vue ne se construit pas de façon incrémentale (retirez « incremental » ou « materialized: view »)", f)
			}
			if strings.TrimSpace(stripComments(m.SQL)) == "" {
				return nil, fmt.Errorf("modèle %s : aucune requête", f)
			}
			p.Models[name] = m
		}
	}
	for _, m := range p.Models {
		for _, r := range relations(m.SQL) {
			switch {
			case r == m.Name:
				return nil, fmt.Errorf("modèle %s : se lit lui-même", m.Path)
			case p.Models[r] != nil:
				m.Deps = append(m.Deps, r)
			case strings.HasPrefix(r, "lake_") || strings.HasPrefix(r, "ref_"):
				m.Sources = append(m.Sources, r)
			}
		}
		// A relationships test reads its target: build the target first.
		for _, t := range m.Tests {
			if t.Kind == "relationships" && p.Models[t.RefModel] != nil && !slices.Contains(m.Deps, t.RefModel) {
				if t.RefModel == m.Name {
					continue
				}
				m.Deps = append(m.Deps, t.RefModel)
			}
		}
		sort.Strings(m.Deps)
		sort.Strings(m.Sources)
	}
	// A view calling a change macro is inlined into its readers: each must be
	// incremental, or an incremental build would filter it unknowingly.
	for _, m := range p.Models {
		for _, d := range m.Deps {
			v := p.Models[d]
			if v.Materialized == View && strings.Contains(stripComments(v.SQL), "_modifie(") && m.Incremental == "" {
				return nil, fmt.Errorf("modèle %s : lit la vue %s qui appelle %s, sans en-tête « -- incremental: »", m.Path, v.Name, changeMacros)
			}
		}
	}
	order, err := topoSort(p.Models)
	if err != nil {
		return nil, err
	}
	p.Order = order

	files, err := fs.Glob(fsys, TestsDir+"/*.sql")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		t := Test{Name: strings.TrimSuffix(path.Base(f), ".sql"), Kind: "custom", SQL: string(src), Path: f}
		if err := parseHeader(t.SQL, f, func(key, val string) error {
			switch key {
			case "severity", "sévérité":
				if val != "error" && val != "warn" {
					return fmt.Errorf("severity : « %s » inconnue (error ou warn)", val)
				}
				t.Warn = val == "warn"
			default:
				return fmt.Errorf("clé d'en-tête « %s » inconnue (severity)", key)
			}
			return nil
		}, &t.Doc); err != nil {
			return nil, err
		}
		for _, r := range relations(t.SQL) {
			if p.Models[r] != nil {
				t.Deps = append(t.Deps, r)
			}
		}
		sort.Strings(t.Deps)
		t.Model = strings.Join(t.Deps, ", ")
		if len(t.Deps) == 0 {
			t.Model = "lac" // reads only lake_* views: runs before the models
		}
		p.Tests = append(p.Tests, t)
	}
	return p, nil
}

// parseHeader reads the leading comment lines of a SQL file: "-- key: value"
// lines go to set, other comment lines make the documentation.
func parseHeader(src, file string, set func(key, val string) error, doc *string) error {
	var docs []string
	for i, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "--") {
			break
		}
		if m := headerLine.FindStringSubmatch(line); m != nil && isHeaderKey(m[1]) {
			if err := set(m[1], strings.TrimSpace(m[2])); err != nil {
				return fmt.Errorf("%s, ligne %d : %w", file, i+1, err)
			}
			continue
		}
		docs = append(docs, strings.TrimSpace(strings.TrimPrefix(line, "--")))
	}
	*doc = strings.TrimSpace(strings.Join(docs, " "))
	return nil
}

func isHeaderKey(k string) bool {
	switch k {
	case "test", "materialized", "incremental", "severity", "sévérité":
		return true
	}
	return false
}

// stripComments removes SQL comments (for the empty-model check).
func stripComments(src string) string {
	var b strings.Builder
	for _, t := range tokenize(src) {
		b.WriteString(t.text)
	}
	return b.String()
}

// topoSort orders the models so that each comes after what it reads: by
// layer, then by name among the models whose dependencies are all placed.
// A cycle is an error naming the models in it.
func topoSort(models map[string]*Model) ([]string, error) {
	layerRank := map[string]int{}
	for i, l := range Layers {
		layerRank[l] = i
	}
	indeg := map[string]int{}
	users := map[string][]string{}
	for name, m := range models {
		indeg[name] += 0
		for _, d := range m.Deps {
			indeg[name]++
			users[d] = append(users[d], name)
		}
	}
	less := func(a, b string) bool {
		ra, rb := layerRank[models[a].Layer], layerRank[models[b].Layer]
		if ra != rb {
			return ra < rb
		}
		return a < b
	}
	var ready, order []string
	for name, n := range indeg {
		if n == 0 {
			ready = append(ready, name)
		}
	}
	for len(ready) > 0 {
		sort.Slice(ready, func(i, j int) bool { return less(ready[i], ready[j]) })
		next := ready[0]
		ready = ready[1:]
		order = append(order, next)
		for _, u := range users[next] {
			indeg[u]--
			if indeg[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	if len(order) < len(models) {
		return nil, cycleError(models, indeg)
	}
	return order, nil
}

// cycleError finds one cycle among the models left unordered and names it.
func cycleError(models map[string]*Model, indeg map[string]int) error {
	var start string
	for name, n := range indeg {
		if n > 0 && (start == "" || name < start) {
			start = name
		}
	}
	// Walk dependencies that are themselves unordered until a model repeats.
	pos := map[string]int{}
	var path []string
	for cur := start; ; {
		if i, ok := pos[cur]; ok {
			cycle := append(path[i:], cur)
			return fmt.Errorf("cycle entre modèles : %s ; un modèle ne peut pas lire, même indirectement, un modèle qui le lit", strings.Join(cycle, " → "))
		}
		pos[cur] = len(path)
		path = append(path, cur)
		next := ""
		for _, d := range models[cur].Deps {
			if indeg[d] > 0 {
				next = d
				break
			}
		}
		if next == "" { // cannot happen: an unordered model has an unordered dependency
			return fmt.Errorf("cycle entre modèles autour de %s", start)
		}
		cur = next
	}
}

// Plan returns, in build order, the selected models and every model they
// read, directly or not. An empty selection means every model.
func (p *Project) Plan(selected []string) ([]*Model, error) {
	want := map[string]bool{}
	var visit func(string)
	visit = func(name string) {
		if want[name] {
			return
		}
		want[name] = true
		for _, d := range p.Models[name].Deps {
			visit(d)
		}
	}
	for _, s := range selected {
		if p.Models[s] == nil {
			return nil, fmt.Errorf("%w : « %s »%s", ErrUnknownModel, s, suggest(s, p.Order))
		}
		visit(s)
	}
	var out []*Model
	for _, name := range p.Order {
		if len(selected) == 0 || want[name] {
			out = append(out, p.Models[name])
		}
	}
	return out, nil
}

// suggest proposes the closest model names to a misspelt one.
func suggest(name string, names []string) string {
	var close []string
	for _, n := range names {
		if (len(name) >= 4 && strings.Contains(n, name)) || editDistance(n, name) <= max(1, len(name)/4) {
			close = append(close, n)
		}
	}
	if len(close) == 0 {
		return " ; `agora build --list` donne la liste des modèles"
	}
	if len(close) > 5 {
		close = close[:5]
	}
	return " ; vouliez-vous dire : " + strings.Join(close, ", ") + " ?"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
