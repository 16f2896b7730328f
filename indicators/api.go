// Package indicators is agora's catalogue of public indicators and the one way
// reports, open data and the HTTP API read figures from the warehouse.
//
// Every figure comes from a mart of docs/marts.md. A Query names indicators of
// the catalogue, the dimensions to break them down by and filters on dimension
// values; Run checks it against the catalogue and the reference lists of package
// dictionary, reads the mart with SQL built only from catalogue entries (values
// are bound as placeholders), and returns a Table.
//
// In Public mode the table is disclosure-controlled by package
// indicators/disclosure, applied once to the whole warehouse: every published
// level of every mart (and the totals computed here, such as amounts over
// funders) becomes cells of one grid, a figure published by two marts being one
// cell; margins tie each level to the next (national = sum of regions, year =
// sum of organisations, of quarters, of months…) and identities tie marts
// together (stock of trainees and flows, employed = with + without NSF
// correspondence). Primary rules, links (a hidden denominator hides its rates)
// and secondary suppression run to a fixed point, so a figure is hidden or
// shown identically in the site, the open data and the API, and no hidden
// figure can be recomputed from all of them together. The result is cached per
// warehouse state (Prepare builds it ahead). In Partner mode the figures are
// those of one funder's own dossiers, unsuppressed.
package indicators

import (
	"errors"
	"fmt"
	"strings"

	"github.com/agora-formation/agora/indicators/disclosure"
)

// Mode selects the audience of a query.
type Mode int

const (
	// Public figures: disclosure-controlled, every funder together.
	Public Mode = iota
	// Partner figures: one funder's own dossiers (Query.Funder), unsuppressed.
	// Only for authenticated partners and private exports.
	Partner
)

// String returns the French name of the mode.
func (m Mode) String() string {
	if m == Partner {
		return "partenaire"
	}
	return "public"
}

// Unit is the French unit of an indicator.
type Unit string

// Units of the catalogue.
const (
	UnitPercent  Unit = "%"
	UnitPoints   Unit = "points de pourcentage"
	UnitPersons  Unit = "personnes"
	UnitDossiers Unit = "dossiers"
	UnitEuros    Unit = "euros"
	UnitEuroHour Unit = "euros par heure"
	UnitHours    Unit = "heures"
)

// Indicator is one public indicator of the catalogue.
type Indicator struct {
	// ID is the snake_case identifier, also the column name in tables and files.
	ID string `json:"id"`
	// Label is the short French label, Definition the French definition.
	Label      string `json:"libelle"`
	Definition string `json:"definition"`
	Unit       Unit   `json:"unite"`
	// Dimensions are the ids of the dimensions the indicator can be broken down
	// by or filtered on (union over its sources).
	Dimensions []string `json:"dimensions"`
	// Sources are the marts the indicator is read from (docs/marts.md).
	Sources []string `json:"sources"`
	// DataDate is the date of the data, set by Catalogue.Describe from the
	// warehouse (empty in the bare catalogue).
	DataDate string `json:"date_donnees,omitempty"`
	// Rate is true for percentages with a denominator: published only when the
	// denominator reaches disclosure.MinDenominator.
	Rate bool `json:"taux"`
	// Kind says which publication rule applies (KindCount, KindNumerator…).
	Kind Kind `json:"nature"`
}

// Kind is the nature of an indicator, which decides its publication rule.
type Kind string

// Kinds of indicators.
const (
	// KindCount: a count of people or dossiers, hidden below 11.
	KindCount Kind = "effectif"
	// KindNumerator: the count behind a rate, published and hidden with it.
	KindNumerator Kind = "numerateur"
	// KindRate: a rate on people, hidden when its denominator is below 20, with
	// its interval bounds, expected rates and value added.
	KindRate Kind = "taux"
	// KindAmount: euros or hours, hidden with the count of their row.
	KindAmount Kind = "montant"
	// KindRatio: a financial ratio (realisation, consumption, cost per unit),
	// hidden with the figures it divides.
	KindRatio Kind = "ratio"
)

// Dimension is a breakdown of indicators (year, scheme, region…).
type Dimension struct {
	ID         string `json:"id"`
	Label      string `json:"libelle"`
	Definition string `json:"definition"`
	// Values lists the admitted codes with their labels when the dimension has a
	// closed list; empty for formats (year, SIRET, month).
	Values []Value `json:"valeurs,omitempty"`
	// Format describes the admitted values in French when there is no list.
	Format string `json:"format,omitempty"`
	check  func(string) bool
}

// Value is an admitted value of a dimension.
type Value struct {
	Code  string `json:"code"`
	Label string `json:"libelle"`
}

// Check reports, as a French *ParamError, whether v is an admitted value.
func (d Dimension) Check(v string) error {
	if d.check(v) {
		return nil
	}
	if len(d.Values) > 0 {
		codes := make([]string, len(d.Values))
		for i, x := range d.Values {
			codes[i] = x.Code
		}
		return badParam(d.ID, "valeur inconnue pour « %s » : %s ; valeurs admises : %s", d.ID, quote(v), strings.Join(codes, ", "))
	}
	return badParam(d.ID, "valeur invalide pour « %s » : %s ; format attendu : %s", d.ID, quote(v), d.Format)
}

// LabelOf returns the French label of a code of the dimension, or the code.
func (d Dimension) LabelOf(code string) string {
	for _, x := range d.Values {
		if x.Code == code {
			return x.Label
		}
	}
	return code
}

// Query asks for indicators broken down by dimensions.
type Query struct {
	// Indicators are catalogue ids, computed side by side from one source mart.
	Indicators []string
	// By are the dimensions of the breakdown, in output column order.
	By []string
	// Totals are dimensions of By for which total rows are added (the
	// dimension's cell is then empty: "all"), e.g. national rows with
	// By = annee, dispositif, region and Totals = region.
	Totals []string
	// Filters restrict dimensions to one value each (dimension id → code). A
	// filtered dimension that is not in By is not a column of the result.
	Filters map[string]string
	// Funder is the code_financeur whose own dossiers a Partner query reads.
	// Required in Partner mode, ignored in Public mode.
	Funder string
}

// Errors returned by Run and Check, to be tested with errors.Is.
var (
	// ErrBadParam: a parameter of the query is unknown or invalid (HTTP 400).
	// The error text is a French message saying what is admitted.
	ErrBadParam = errors.New("paramètre invalide")
	// ErrUnknownIndicator: the indicator is not in the catalogue (HTTP 404).
	ErrUnknownIndicator = errors.New("indicateur inconnu")
	// ErrForbidden: a Partner query reaching another funder's data (HTTP 403).
	ErrForbidden = errors.New("accès refusé")
)

// ParamError is a French message about one parameter; it wraps ErrBadParam,
// ErrUnknownIndicator or ErrForbidden.
type ParamError struct {
	Param   string
	Message string
	kind    error
}

func (e *ParamError) Error() string { return e.Message }
func (e *ParamError) Unwrap() error { return e.kind }

func badParam(param, format string, args ...any) error {
	return &ParamError{Param: param, Message: fmt.Sprintf(format, args...), kind: ErrBadParam}
}

// ColumnType is the Table Schema type of a column.
type ColumnType string

// Column types.
const (
	TypeString  ColumnType = "string"
	TypeInteger ColumnType = "integer"
	TypeNumber  ColumnType = "number"
	TypeDate    ColumnType = "date"
	TypeBoolean ColumnType = "boolean"
	// TypeYearMonth is a month written AAAA-MM.
	TypeYearMonth ColumnType = "yearmonth"
)

// Column describes a column of a Table.
type Column struct {
	Name        string     `json:"nom"`
	Label       string     `json:"libelle"`
	Type        ColumnType `json:"type"`
	Unit        Unit       `json:"unite,omitempty"`
	Description string     `json:"description,omitempty"`
	// Dimension is the dimension id of a breakdown column, empty for figures.
	Dimension string `json:"dimension,omitempty"`
	// Decimals is the number of decimals a number is written with (1 for
	// rates, 2 for amounts); -1 for integers and strings.
	Decimals int `json:"-"`
}

// Table is the result of a query: columns, rows, and for each row the reason
// some of its values are hidden.
type Table struct {
	// Columns: the breakdown columns, then one per indicator. In Public mode the
	// CSV and JSON forms add a last column "secret" (secretColumn; described).
	Columns []Column
	Rows    []Row
	// DataDate is the date of the data (last DSN month covered, last transmission).
	DataDate string
	Mode     Mode
}

// secretColumn describes the column "secret" that Public tables end with in
// their CSV and JSON forms: why values of the row are hidden (dictionary.md 5).
var secretColumn = Column{Name: "secret", Label: "Secret statistique", Type: TypeString, Decimals: -1,
	Description: "Vide quand toutes les valeurs de la ligne sont publiées ; sinon les raisons, séparées par « ; », pour lesquelles des valeurs " +
		"sont masquées (laissées vides, jamais mises à zéro) : " + strings.Join(disclosure.Reasons(), ", ") + "."}

// described returns the columns of the CSV and JSON forms of the table, as
// Header names them: Columns, then secretColumn in Public mode.
func (t *Table) described() []Column {
	cols := append([]Column(nil), t.Columns...)
	if t.Mode == Public {
		cols = append(cols, secretColumn)
	}
	return cols
}

// Row is one line of a Table. Values[i] belongs to Columns[i]: string for
// codes and dates, int64 for counts, float64 for rates and amounts, bool for
// flags, nil for a missing or hidden value (never a zero).
type Row struct {
	Values []any
	// Secret is empty, or the French reasons why values of the row are hidden
	// ("effectif < 11", "dénominateur < 20", "secret secondaire"…), joined by " ; ".
	Secret string
	// Hidden, in Public mode, is aligned with Values: for each nil value, the
	// French reasons it is hidden (as in Secret), or "" when the value does not
	// exist (shown "n.d.": no envelope transmitted, a rate with no one
	// observed). Empty for published values; nil outside Public mode.
	Hidden []string
}
