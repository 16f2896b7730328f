package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"

	"github.com/agora-formation/agora/indicators/disclosure"
)

//go:embed templates/*.html
var templatesFS embed.FS

//go:embed assets/site.css assets/site.js
var assetsFS embed.FS

// page is one HTML page of the site. Pages sit side by side at the site root,
// so every link and asset path is relative and works from file:// too.
type page struct {
	File    string // file name at the site root
	Title   string // <title> and <h1>
	Current string // file of the navigation entry to mark as current
	Lead    []string
	Blocks  []block
}

// block is one part of a page: a heading with paragraphs, key figures, a
// chart, a table or a list of links. Exactly one of the fields after the
// paragraphs is set, or none for a heading with text.
type block struct {
	Heading string
	ID      string // anchor of the heading
	Paras   []string
	Keys    []keyFigure
	Chart   *chart
	Table   *tableBlock
	Links   []link
	HTML    template.HTML // trusted HTML produced by this package (methodology)
}

// keyFigure is one of the large figures of a page, with its sentence.
type keyFigure struct {
	Label    string
	Value    string
	Change   string // « +1,2 point sur un an », may be empty
	Trend    string // up, down or "" (for the arrow's colour)
	Sentence string // the same figure in a sentence
	// Caveat qualifies the change: it may be chance alone (rateChange.uncertain).
	Caveat string
}

// tableBlock is a table of its own, searchable and sortable when Search is set.
type tableBlock struct {
	ID      string
	Caption string
	Table   table
	Search  string // label of the search box; empty for no search
	CSV     bool   // offer the table as CSV (donnees/<ID>.csv)
	Note    string
	// Export, when set, is what the CSV holds instead of Table (more columns).
	Export *table
}

// CSVFile is the path of the table's CSV, relative to the site root.
func (t *tableBlock) CSVFile() string { return "donnees/" + t.ID + ".csv" }

// link is an entry of a list of links.
type link struct {
	Href, Text, Note string
}

// navItem is an entry of the site's navigation.
type navItem struct{ File, Text string }

var nav = []navItem{
	{"index.html", "Accueil"},
	{"budget.html", "Budget"},
	{"organismes.html", "Organismes"},
	{"regions.html", "Régions"},
	{"qualite.html", "Qualité des données"},
	{"methodologie.html", "Méthodologie"},
}

// layout holds what every page shows around its content.
type layout struct {
	DataDate  string // « DSN couverte jusqu'à juin 2025, transmissions reçues jusqu'au 1er juillet 2025 »
	Published string // date of publication, French
	Year      int    // reference year of the figures
	ECharts   string // version of the ECharts script shipped
}

// MinCount and MinDenominator are the thresholds of the secret the footer
// states, those of package disclosure.
func (layout) MinCount() int       { return disclosure.MinCount }
func (layout) MinDenominator() int { return disclosure.MinDenominator }

// pageView is what the page template receives.
type pageView struct {
	*page
	Layout layout
	Nav    []navItem
}

var funcs = template.FuncMap{
	"payload": func(c *chart) (template.JS, error) { return c.Payload() },
	"numeric": func(t table, i int) bool { return i < len(t.Numeric) && t.Numeric[i] },
	"join":    strings.Join,
}

var pageTmpl = template.Must(template.New("page.html").Funcs(funcs).ParseFS(templatesFS, "templates/*.html"))

// noData is said in place of a chart or a table that has no row at all.
const noData = "Aucune donnée à publier pour l'instant : les livraisons chargées ne contiennent encore rien pour ce tableau."

// dropEmpty replaces the charts and tables without any row by a sentence
// saying so: an empty table or chart would be read as a zero.
func (p *page) dropEmpty() {
	for i := range p.Blocks {
		b := &p.Blocks[i]
		switch {
		case b.Chart != nil && len(b.Chart.Table.Rows) == 0:
			b.Paras = append(b.Paras, b.Chart.Title+" : "+lowerFirst(noData))
			b.Chart = nil
		case b.Table != nil && len(b.Table.Table.Rows) == 0:
			b.Paras = append(b.Paras, b.Table.Caption+" : "+lowerFirst(noData))
			b.Table = nil
		}
	}
}

// render writes a page as HTML.
func render(p *page, l layout) ([]byte, error) {
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, "page.html", pageView{page: p, Layout: l, Nav: nav}); err != nil {
		return nil, fmt.Errorf("page %s : %w", p.File, err)
	}
	return b.Bytes(), nil
}
