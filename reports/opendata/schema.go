package opendata

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// Licence of the open data.
const (
	LicenceName  = "etalab-2.0"
	LicenceTitle = "Licence Ouverte / Open Licence version 2.0"
	LicenceURL   = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)

// Package is a frictionless tabular data package (schema.json).
type Package struct {
	Profile     string        `json:"profile"`
	Name        string        `json:"name"`
	Title       string        `json:"title"`
	Description string        `json:"description"`
	Created     string        `json:"created"`
	DataDate    string        `json:"date_donnees"`
	Licenses    []License     `json:"licenses"`
	Publisher   []Contributor `json:"contributors"`
	Resources   []Resource    `json:"resources"`
}

// License of a data package.
type License struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Path  string `json:"path"`
}

// Contributor of a data package.
type Contributor struct {
	Title string `json:"title"`
	Role  string `json:"role"`
	Email string `json:"email,omitempty"`
}

// Resource is one file of the package.
type Resource struct {
	Profile     string  `json:"profile"`
	Name        string  `json:"name"`
	Path        string  `json:"path"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Format      string  `json:"format"`
	Mediatype   string  `json:"mediatype"`
	Encoding    string  `json:"encoding"`
	Dialect     Dialect `json:"dialect"`
	Schema      Schema  `json:"schema"`
}

// Dialect of a CSV file.
type Dialect struct {
	Delimiter string `json:"delimiter"`
	Header    bool   `json:"header"`
}

// Schema is a Table Schema.
type Schema struct {
	Fields     []Field  `json:"fields"`
	PrimaryKey []string `json:"primaryKey,omitempty"`
	// UniqueKeys (Table Schema 2) identifies the rows of files with total rows,
	// whose breakdown cells may be empty ("all") and so cannot be a primary key.
	UniqueKeys    [][]string `json:"uniqueKeys,omitempty"`
	MissingValues []string   `json:"missingValues"`
}

// Field is a column of a Table Schema.
type Field struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Description string `json:"description"`
	Unit        string `json:"unite,omitempty"`
	// TrueValues and FalseValues spell a boolean field (O/N).
	TrueValues  []string     `json:"trueValues,omitempty"`
	FalseValues []string     `json:"falseValues,omitempty"`
	Constraints *Constraints `json:"constraints,omitempty"`
}

// Constraints of a field.
type Constraints struct {
	Required bool     `json:"required,omitempty"`
	Unique   bool     `json:"unique,omitempty"`
	Minimum  *float64 `json:"minimum,omitempty"`
	Maximum  *float64 `json:"maximum,omitempty"`
	Enum     []any    `json:"enum,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
}

func num(f float64) *float64 { return &f }

func dataPackage(ps []published, meta Meta, state indicators.DataState) Package {
	pkg := Package{
		Profile:     "tabular-data-package",
		Name:        "agora-donnees-ouvertes",
		Title:       "Formation professionnelle : insertion dans l'emploi et financements (données ouvertes agora)",
		Description: "Indicateurs d'insertion dans l'emploi après une formation professionnelle et de financement, soumis au secret statistique. Voir README.md.",
		Created:     meta.Generated.UTC().Format("2006-01-02T15:04:05Z"),
		DataDate:    state.Date(),
		Licenses:    []License{{Name: LicenceName, Title: LicenceTitle, Path: LicenceURL}},
		Publisher:   []Contributor{{Title: meta.Producer, Role: "publisher", Email: meta.Contact}},
	}
	cat := meta.Catalogue
	if cat == nil {
		cat = indicators.New()
	}
	for _, p := range ps {
		pkg.Resources = append(pkg.Resources, resource(p, cat))
	}
	return pkg
}

func resource(p published, cat *indicators.Catalogue) Resource {
	r := Resource{
		Profile: "tabular-data-resource", Name: p.file.name, Path: p.file.name + ".csv",
		Title: p.file.title, Description: p.file.doc,
		Format: "csv", Mediatype: "text/csv", Encoding: "utf-8",
		Dialect: Dialect{Delimiter: ",", Header: true},
		Schema:  Schema{MissingValues: []string{""}},
	}
	var keys []string
	for _, c := range p.table.Columns {
		f := Field{Name: c.Name, Title: c.Label, Type: string(c.Type), Description: c.Description, Unit: string(c.Unit)}
		if c.Type == indicators.TypeBoolean {
			f.TrueValues, f.FalseValues = []string{"O"}, []string{"N"}
			f.Constraints = &Constraints{Required: true}
		}
		if c.Dimension != "" {
			f.Constraints = dimConstraints(c, cat, p.file)
			keys = append(keys, c.Name)
		} else if in, ok := cat.Indicator(indicatorID(p.file, c.Name)); ok && f.Constraints == nil {
			f.Constraints = figureConstraints(in)
		}
		r.Schema.Fields = append(r.Schema.Fields, f)
	}
	r.Schema.Fields = append(r.Schema.Fields, Field{Name: "secret", Title: "Secret statistique", Type: "string",
		Description: "Vide quand toutes les valeurs de la ligne sont publiées ; sinon les raisons, séparées par « ; », pour lesquelles des valeurs sont masquées (laissées vides, jamais mises à zéro). " +
			"Une cellule vide sur une ligne dont secret est vide est une valeur qui n'existe pas (pas d'enveloppe, taux sans sortant observé), non une valeur masquée.",
		Constraints: &Constraints{Pattern: secretPattern()}})
	if len(p.file.query.Totals) == 0 && len(p.file.more) == 0 {
		r.Schema.PrimaryKey = keys
	} else {
		r.Schema.UniqueKeys = [][]string{keys}
		r.Description += " Les colonnes " + strings.Join(keys, ", ") + " identifient chaque ligne (une cellule vide y vaut « tous »)."
	}
	return r
}

// indicatorID undoes a file's renaming of an indicator column.
func indicatorID(f file, column string) string {
	for id, name := range f.rename {
		if name == column {
			return id
		}
	}
	return column
}

func dimConstraints(c indicators.Column, cat *indicators.Catalogue, f file) *Constraints {
	k := &Constraints{Required: !slices.Contains(f.query.Totals, c.Dimension)}
	for _, q := range f.more {
		if !slices.Contains(q.By, c.Dimension) {
			k.Required = false
		}
	}
	d, _ := cat.Dimension(c.Dimension)
	switch {
	case c.Dimension == "annee":
		k.Minimum, k.Maximum = num(1990), num(2100)
	case len(d.Values) > 0:
		for _, v := range d.Values {
			if c.Type == indicators.TypeInteger {
				n, _ := strconv.Atoi(v.Code)
				k.Enum = append(k.Enum, n)
			} else {
				k.Enum = append(k.Enum, v.Code)
			}
		}
	case c.Dimension == "mois":
		k.Pattern = "[0-9]{4}-(0[1-9]|1[0-2])"
	case c.Dimension == "organisme":
		k.Pattern = "[0-9]{14}"
	case c.Dimension == "domaine_nsf":
		k.Pattern = "[0-9]{2}|INCONNU"
	}
	return k
}

func figureConstraints(in indicators.Indicator) *Constraints {
	switch in.Kind {
	case indicators.KindCount:
		if indicators.ObservedCount(in.ID) {
			return &Constraints{Minimum: num(0)} // 0: horizon not covered yet
		}
		return &Constraints{Minimum: num(disclosure.MinCount)}
	case indicators.KindNumerator, indicators.KindAmount, indicators.KindRatio:
		return &Constraints{Minimum: num(0)}
	case indicators.KindRate:
		if in.Unit == indicators.UnitPoints {
			return &Constraints{Minimum: num(-100), Maximum: num(100)}
		}
		return &Constraints{Minimum: num(0), Maximum: num(100)}
	}
	return nil
}

// secretPattern matches an empty secret or reasons joined by " ; ".
func secretPattern() string {
	var alts []string
	for _, r := range disclosure.Reasons() {
		alts = append(alts, regexp.QuoteMeta(r))
	}
	one := "(" + strings.Join(alts, "|") + ")"
	return "(" + one + "( ; " + one + ")*)?"
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
