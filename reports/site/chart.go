package site

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"

	"github.com/agora-formation/agora/indicators/disclosure"
)

// chart is one figure of a page: the ECharts option (built with go-echarts),
// its French text alternative, and the table of its figures, shown under the
// chart and offered as a CSV file.
type chart struct {
	ID      string // unique on the site: HTML id and CSV file name
	Title   string
	Summary string // French text alternative: ECharts aria description and visible text
	// Height is in pixels; the page script sets the height of a bar chart
	// from the lines its labels actually wrap on (see hbar).
	Height int
	Unit   unit // unit of the value axis and tooltips
	Option map[string]any
	Table  table
	// Points is the number of figures drawn; a chart without any (every
	// figure hidden) is not drawn, its table says why.
	Points int
}

// Drawable reports whether the chart has at least one figure to draw.
func (c *chart) Drawable() bool { return c.Points > 0 }

// published counts the published figures of series.
func published(ss []series) int {
	n := 0
	for _, s := range ss {
		for _, f := range s.Values {
			if f.ok() {
				n++
			}
		}
	}
	return n
}

// table is a small table of figures: the visible alternative of a chart, the
// content of its CSV, or a table of its own.
type table struct {
	Head []string // French column headings
	Keys []string // CSV column names (snake_case, no accents)
	Rows [][]cell
	// Numeric tells which columns hold numbers (right-aligned, sorted as numbers).
	Numeric []bool
}

// cell is one table cell: what the page shows, what the CSV holds, and the
// number used to sort it (NaN when hidden or missing).
type cell struct {
	Text string
	CSV  string
	Sort float64
}

// textCell is a cell of words.
func textCell(s string) cell { return cell{Text: s, CSV: s, Sort: math.NaN()} }

// codeCell shows a label and writes the code in the CSV.
func codeCell(label, code string) cell { return cell{Text: label, CSV: code, Sort: math.NaN()} }

// figCell writes a figure in a unit.
func figCell(f fig, u unit) cell {
	c := cell{Text: u.text(f), CSV: u.csv(f), Sort: math.NaN()}
	if f.ok() {
		c.Sort = f.v
	}
	return c
}

// SortAttr is the data-v attribute of a cell: its number, or empty.
func (c cell) SortAttr() string {
	if math.IsNaN(c.Sort) {
		return ""
	}
	return fmt.Sprint(c.Sort)
}

// IsSecret reports whether the cell is a hidden figure.
func (c cell) IsSecret() bool { return c.Text == secretText }

// CSVFile is the path of the chart's CSV, relative to the site root.
func (c *chart) CSVFile() string { return "donnees/" + c.ID + ".csv" }

// Payload is the JSON the page's script reads: the option and how to write numbers.
func (c *chart) Payload() (template.JS, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true) // the JSON sits in a <script> element: no "</script>" may appear
	err := enc.Encode(map[string]any{
		"option":   c.Option,
		"suffix":   c.Unit.suffix(),
		"decimals": c.Unit.decimals(),
		"secret":   secretText,
		"missing":  missingText,
	})
	return template.JS(strings.TrimSpace(b.String())), err
}

// palette: colours distinguishable by colour-blind readers and dark enough on
// white (contrast ≥ 3:1 for graphical objects, WCAG 1.4.11).
var palette = []string{"#1d4e89", "#c0392b", "#2e7d5b", "#7b4f9e", "#b35c00", "#4f5d6b"}

// common are the options every chart shares: accessibility (aria with our
// French description), colours, no animation, an axis tooltip.
func common(summary string) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true), Label: &opts.AriaLabel{Description: summary}}),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithAnimation(false),
		// A plain legend wraps on as many lines as it needs (the page script
		// makes room for them above the plot); a scrolling one hides series
		// behind « 1/2 » on a phone.
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Top: "0", Type: "plain"}),
	}
}

// optionOf renders a go-echarts chart as a plain JSON option map, without
// the empty components go-echarts adds, ready for small adjustments (set).
func optionOf(c interface {
	Validate()
	JSON() map[string]interface{}
}) map[string]any {
	c.Validate()
	m, err := toMap(c.JSON())
	if err != nil {
		// go-echarts options are plain data: marshalling them cannot fail.
		panic("site: option ECharts illisible : " + err.Error())
	}
	for _, k := range []string{"title", "toolbox"} {
		if v, ok := m[k].(map[string]any); ok && len(v) == 0 {
			delete(m, k)
		}
	}
	return m
}

// set sets a value deep in an option: path elements are map keys, or "0"
// for the first element of a list (ECharts axes and series are lists).
func set(opt map[string]any, value any, path ...string) {
	var cur any = opt
	for i, k := range path {
		last := i == len(path)-1
		switch node := cur.(type) {
		case map[string]any:
			if last {
				node[k] = value
				return
			}
			next, ok := node[k]
			if !ok || next == nil {
				next = map[string]any{}
				node[k] = next
			}
			cur = next
		case []any:
			idx := 0
			fmt.Sscan(k, &idx)
			if idx >= len(node) {
				return
			}
			if last {
				node[idx] = value
				return
			}
			cur = node[idx]
		default:
			return
		}
	}
}

// series is a named list of figures, one per category.
type series struct {
	Name   string
	Values []fig
}

// barData turns figures into bar items: hidden ones are ECharts' empty value.
func barData(fs []fig) []opts.BarData {
	out := make([]opts.BarData, len(fs))
	for i, f := range fs {
		out[i] = opts.BarData{Value: f.echartsValue()}
	}
	return out
}

// secretLabels marks the categories with hidden figures, so that the chart
// itself says « secret » where no bar is drawn: « AIF (secret) » when every
// series is hidden, « AIF (secret : Corse) » when some are.
func secretLabels(cats []string, ss []series) []string {
	out := append([]string(nil), cats...)
	for i := range cats {
		var hidden []string
		for _, s := range ss {
			if s.Values[i].secret() {
				hidden = append(hidden, s.Name)
			}
		}
		switch {
		case len(hidden) == 0:
		case len(hidden) == len(ss):
			out[i] += " (" + secretText + ")"
		default:
			out[i] += " (" + secretText + " : " + strings.Join(hidden, ", ") + ")"
		}
	}
	return out
}

// maxHiddenRows is how many categories whose first series is hidden a bar
// chart still draws (as « secret » labels); beyond it they are left to the
// chart's table, which lists them all.
const maxHiddenRows = 5

// compact drops from a bar chart the categories whose first series is hidden,
// when there are more than maxHiddenRows of them, and returns how many it dropped.
func compact(cats []string, ss []series) ([]string, []series, int) {
	if len(ss) == 0 {
		return cats, ss, 0
	}
	hidden := 0
	for _, f := range ss[0].Values {
		if f.secret() {
			hidden++
		}
	}
	if hidden <= maxHiddenRows {
		return cats, ss, 0
	}
	var keep []int
	for i, f := range ss[0].Values {
		if !f.secret() {
			keep = append(keep, i)
		}
	}
	outCats := make([]string, len(keep))
	outSS := make([]series, len(ss))
	for j := range ss {
		outSS[j] = series{Name: ss[j].Name, Values: make([]fig, len(keep))}
	}
	for k, i := range keep {
		outCats[k] = cats[i]
		for j := range ss {
			outSS[j].Values[k] = ss[j].Values[i]
		}
	}
	return outCats, outSS, hidden
}

// hbar is a horizontal bar chart: one bar per category and series. Categories
// run top to bottom in the given order and are named in words (a scheme's
// label, not its code). The page script wraps the labels at spaces and
// hyphens to the width of the axis, never inside a word, and sets the
// chart's height from the lines they take: Height is its estimate before the
// script runs, with the same rule (see barBand).
func hbar(id, title, summary string, u unit, cats []string, ss []series, t table) *chart {
	cats, ss, dropped := compact(cats, ss)
	if dropped > 0 && published(ss) > 0 {
		summary += " Les lignes couvertes par le secret statistique ne sont pas dessinées : " +
			"elles figurent, marquées « secret », dans le tableau des chiffres."
	}
	labels := secretLabels(cats, ss)
	longest := 0
	for i := range labels {
		longest = max(longest, utf8.RuneCountInString(labels[i]))
	}
	bar := charts.NewBar()
	g := append(common(summary),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "16", Right: "24", Top: "36", Bottom: "8"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "value"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Data: labels, Inverse: opts.Bool(true),
			AxisLabel: &opts.AxisLabel{Interval: "0"}}),
	)
	bar.SetGlobalOptions(g...)
	for _, s := range ss {
		bar.AddSeries(s.Name, barData(s.Values))
	}
	opt := optionOf(bar)
	set(opt, 15, "yAxis", "0", "axisLabel", "lineHeight")
	if m, ok := pctAxisMax(u, ss); ok {
		set(opt, m, "xAxis", "0", "max")
	}
	for i := range ss {
		set(opt, 22, "series", fmt.Sprint(i), "barMaxWidth")
	}
	// About 24 characters a line at the 165 px of the axis labels.
	return &chart{ID: id, Title: title, Summary: summary, Unit: u, Height: 60 + barBand(len(ss), (longest+23)/24)*len(cats),
		Option: opt, Table: t, Points: published(ss)}
}

// barBand is the height in pixels of one category of a bar chart with n
// series and labels of at most lines lines (15 px a line). The page script
// (site.js, bandHeight) applies the same rule to the lines it wraps.
func barBand(n, lines int) int { return max(26, 16+12*n, 12+15*lines) }

// pctAxisMax is the end of a percentage axis: the published values rounded
// up to twenty (ticks of 10 or 20 then end on it; the page script picks them
// on a phone), never beyond 100 % when no value exceeds it (an axis running
// to 120 % suggests rates can). A percentage that can exceed 100 (envelope
// consumption) keeps the axis ECharts chooses.
func pctAxisMax(u unit, ss []series) (float64, bool) {
	if u != unitPct {
		return 0, false
	}
	top := 0.0
	for _, s := range ss {
		for _, f := range s.Values {
			if f.ok() {
				top = math.Max(top, f.v)
			}
		}
	}
	if top > 100 {
		return 0, false
	}
	return math.Max(20, math.Min(100, math.Ceil(top/20)*20)), true
}

// lines is a line chart over ordered categories (quarters, months); a hidden
// figure leaves a gap in its line.
func lines(id, title, summary string, u unit, cats []string, ss []series, t table) *chart {
	line := charts.NewLine()
	g := append(common(summary),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "2%", Right: "4%", Top: "40", Bottom: "8"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "category"}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Scale: opts.Bool(u == unitPct)}),
	)
	line.SetGlobalOptions(g...)
	line.SetXAxis(cats)
	for _, s := range ss {
		data := make([]opts.LineData, len(s.Values))
		for i, f := range s.Values {
			data[i] = opts.LineData{Value: f.echartsValue()}
		}
		line.AddSeries(s.Name, data, charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(len(cats) <= 24)}))
	}
	opt := optionOf(line)
	if m, ok := pctAxisMax(u, ss); ok {
		set(opt, m, "yAxis", "0", "max")
	}
	return &chart{ID: id, Title: title, Summary: summary, Unit: u, Height: 340, Option: opt, Table: t, Points: published(ss)}
}

// flow is one link of a Sankey diagram.
type flow struct {
	From, To string
	N        fig
}

// sankey draws flows between labelled nodes in columns (depth 0, 1, 2…),
// under a header per column. Node names are « Column : label » so that they
// are unique. Hidden flows are not drawn: the summary and the table say so.
// A node's size is its published total when totals has one (its flows then
// fill only part of it when some are hidden), else the sum of its drawn
// flows; a node with neither is left out.
func sankey(id, title, summary string, headers []string, nodes [][]string, totals map[string]fig, flows []flow, t table) *chart {
	s := charts.NewSankey()
	s.SetGlobalOptions(append(common(summary),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}))...)
	var ls []opts.SankeyLink
	used := map[string]bool{}
	for _, f := range flows {
		if f.N.ok() && f.N.v > 0 {
			ls = append(ls, opts.SankeyLink{Source: f.From, Target: f.To, Value: float32(f.N.v)})
			used[f.From], used[f.To] = true, true
		}
	}
	var ns []opts.SankeyNode
	var values []any // numeric node sizes, set after optionOf (go-echarts types them as text)
	for depth, col := range nodes {
		for _, n := range col {
			total := totals[n] // the zero fig is not ok
			known := total.ok() && total.v > 0
			if used[n] || known {
				d := depth
				ns = append(ns, opts.SankeyNode{Name: n, Depth: &d})
				if known {
					values = append(values, total.v)
				} else {
					values = append(values, nil)
				}
			}
		}
	}
	s.AddSeries(title, ns, ls, charts.WithLabelOpts(opts.Label{Show: opts.Bool(true)}))
	opt := optionOf(s)
	for i, v := range values {
		if v != nil {
			set(opt, v, "series", "0", "data", strconv.Itoa(i), "value")
		}
	}
	// Each column's labels sit at the right of its nodes, in the gap before
	// the next column (the last one in the right margin); the page script
	// shortens them to what follows « : », the column headers saying the rest.
	for k, v := range map[string]any{
		"left": "1%", "right": "24%", "top": "28", "bottom": "8", "nodeGap": 10, "layoutIterations": 0,
		"emphasis":  map[string]any{"focus": "adjacency"},
		"lineStyle": map[string]any{"color": "source", "opacity": 0.3},
	} {
		set(opt, v, "series", "0", k)
	}
	var graphic []any
	for i, h := range headers {
		g := map[string]any{"type": "text", "top": 4, "style": map[string]any{"text": h, "fontWeight": "bold", "fill": "#1e1e1e", "fontSize": 12}}
		switch {
		case i == 0:
			g["left"] = "1%"
		case i == len(headers)-1:
			g["left"] = "76%"
		default:
			g["left"] = fmt.Sprintf("%d%%", 1+75*i/(len(headers)-1))
		}
		graphic = append(graphic, g)
	}
	opt["graphic"] = graphic
	return &chart{ID: id, Title: title, Summary: summary, Unit: unitCount, Height: 460, Option: opt, Table: t, Points: len(ls)}
}

// toMap turns a go-echarts value into a generic JSON map.
func toMap(v any) (map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}

// vaPoint is one organisation of the value-added funnel: its observed exits
// at six months, its value added in points, the side of 0 its published
// interval lies on, and the lines of its tooltip (already written in French).
type vaPoint struct {
	Name  string
	N, VA float64
	Pos   position
	Tip   []string
}

// zFunnel is the z of the 95 % limits, that of the published intervals.
const zFunnel = 1.959964

// funnelMinN is the left end of the funnel, in observed exits: below
// disclosure.MinDenominator an organisation's rates are hidden, so it has no
// dot.
const funnelMinN = float64(disclosure.MinDenominator)

// funnelLimit is the half-width, in points, of the funnel at n observed exits
// around an expected rate p (percent): z √(p (100 − p) / n). The Wilson
// interval of an observed rate is the set of rates q with
// |observed − q| ≤ z √(q (100 − q) / n), so an organisation whose expected
// rate is p lies outside the funnel exactly when its value-added interval
// (Wilson bounds minus p) excludes 0.
func funnelLimit(p, n float64) float64 {
	return zFunnel * math.Sqrt(p*(100-p)/n)
}

// funnelSeries are the three kinds of dots of the funnel: name, colour and
// symbol. Shapes tell them apart without colour (triangles point the way).
var funnelSeries = []struct {
	pos    position
	name   string
	color  string
	symbol string
	rotate int
}{
	{posAbove, "Au-dessus de l'attendu", "#1d4e89", "triangle", 0},
	{posWithin, "Dans la marge d'incertitude", "#7a8591", "circle", 0},
	{posBelow, "En dessous de l'attendu", "#b35c00", "triangle", 180},
}

// funnel is the fair funnel plot of the organisations: each one's value
// added (observed rate − rate expected from its public, in points) against
// its observed exits, around 0, with the 95 % limits of funnelLimit for an
// expected rate p (the national rate, which is the mean of the expected
// rates weighted by observed exits when every exit has an organisation).
// Without a published p no limit is drawn.
// The dots are grouped by pos, that is by each organisation's own published
// interval, so that a dot near a curve is classed by its own expected rate.
func funnel(id, title, summary string, p fig, pts []vaPoint, t table) *chart {
	maxN := 100.0
	top := 10.0
	for _, pt := range pts {
		maxN = math.Max(maxN, pt.N)
		top = math.Max(top, math.Abs(pt.VA))
	}
	right := math.Round(maxN * 1.05)
	if p.ok() {
		top = math.Max(top, funnelLimit(p.v, funnelMinN))
	}
	top = math.Ceil(top/10) * 10

	sc := charts.NewScatter()
	sc.SetGlobalOptions(append(common(summary),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithGridOpts(opts.Grid{ContainLabel: opts.Bool(true), Left: "2%", Right: "4%", Top: "56", Bottom: "30"}),
		charts.WithXAxisOpts(opts.XAxis{Type: "log", Name: "sortants observés (échelle logarithmique)", NameLocation: "middle", NameGap: 24,
			Min: funnelMinN, Max: right}),
		charts.WithYAxisOpts(opts.YAxis{Type: "value", Name: "valeur ajoutée (points)", Min: -top, Max: top}),
	)...)
	// Each kind of dot is a series of its own (none when it has no dot);
	// the data, with each dot's tooltip lines, is set after optionOf.
	var kinds [][]any
	var styles []int
	for k, s := range funnelSeries {
		var data []any
		for _, pt := range pts {
			if pt.Pos == s.pos {
				data = append(data, map[string]any{"name": pt.Name, "value": []float64{pt.N, pt.VA}, "tip": pt.Tip})
			}
		}
		if len(data) == 0 {
			continue
		}
		sc.AddSeries(s.name, nil, charts.WithItemStyleOpts(opts.ItemStyle{Color: s.color}))
		kinds = append(kinds, data)
		styles = append(styles, k)
	}
	line := charts.NewLine()
	line.AddSeries("Égal à l'attendu (valeur ajoutée nulle)", []opts.LineData{{Value: []float64{funnelMinN, 0}}, {Value: []float64{right, 0}}}, lineStyle("#1e1e1e", "solid"))
	if p.ok() {
		var ns []float64
		for n := funnelMinN; n < right; n *= 1.08 {
			ns = append(ns, math.Round(n))
		}
		ns = append(ns, right)
		limitLine := func(sign float64) []opts.LineData {
			out := make([]opts.LineData, len(ns))
			for i, n := range ns {
				out[i] = opts.LineData{Value: []float64{n, math.Round(sign*funnelLimit(p.v, n)*10) / 10}}
			}
			return out
		}
		line.AddSeries("Marge d'incertitude à 95 %", limitLine(1), lineStyle("#4f5d6b", "dashed"))
		line.AddSeries("Marge d'incertitude à 95 %", limitLine(-1), lineStyle("#4f5d6b", "dashed"))
	}
	sc.Overlap(line)
	opt := optionOf(sc)
	for i, data := range kinds {
		s := funnelSeries[styles[i]]
		k := strconv.Itoa(i)
		set(opt, data, "series", k, "data")
		set(opt, s.symbol, "series", k, "symbol")
		set(opt, 9, "series", k, "symbolSize")
		if s.rotate != 0 {
			set(opt, s.rotate, "series", k, "symbolRotate")
		}
	}
	set(opt, map[string]any{"align": "left"}, "yAxis", "0", "nameTextStyle")
	return &chart{ID: id, Title: title, Summary: summary, Unit: unitPoints, Height: 460, Option: opt, Table: t, Points: len(pts)}
}

func lineStyle(color, typ string) charts.SeriesOpts {
	return func(s *charts.SingleSeries) {
		charts.WithLineStyleOpts(opts.LineStyle{Color: color, Type: typ, Width: 1.5})(s)
		charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(false), Smooth: opts.Bool(true)})(s)
		charts.WithItemStyleOpts(opts.ItemStyle{Color: color})(s)
	}
}

// csv writes the table as CSV: UTF-8, comma-separated, one header line of
// snake_case names, numbers with a dot, hidden figures as « secret ».
func (t table) csv() ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(t.Keys); err != nil {
		return nil, err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = c.CSV
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}
