package land

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/agora-formation/agora/french"
)

// WriteTable writes the summary as French tables: one line per file (feed,
// status, rows read, landed, quarantined, by rule), the totals per feed, then
// the full message of every refused or failed file. Numbers are written the
// French way (package french). A row that breaks several rules counts once
// among the quarantined rows but under each of its rules: when a file's rule
// detail adds up to more than its quarantined rows, a note says so.
func (s Summary) WriteTable(w io.Writer) error {
	t := table2{align: "lllrrrl"}
	t.add("fichier", "flux", "statut", "lues", "chargées", "quarantaine", "détail par règle")
	type total struct {
		files                     int
		read, landed, quarantined int64
		byRule                    map[string]int64
	}
	feeds := map[string]*total{}
	var order []string
	overlap := false
	for _, f := range s.Files {
		overlap = overlap || ruleSum(f) > f.Quarantined
		t.add(f.Name, f.Feed, string(f.Status), french.Int(f.Read), french.Int(f.Landed), french.Int(f.Quarantined), byRule(f))
		tot := feeds[f.Feed]
		if tot == nil {
			tot = &total{byRule: map[string]int64{}}
			feeds[f.Feed] = tot
			order = append(order, f.Feed)
		}
		tot.files++
		tot.read += f.Read
		tot.landed += f.Landed
		tot.quarantined += f.Quarantined
		for r, n := range f.ByRule {
			tot.byRule[r] += n
		}
	}
	t.write(w)
	if overlap {
		fmt.Fprintln(w, "Une ligne peut enfreindre plusieurs règles : elle compte sous chacune dans le détail par règle.")
	}

	fmt.Fprintln(w)
	t = table2{align: "lrrrrl"}
	t.add("flux", "fichiers", "lues", "chargées", "quarantaine", "détail par règle")
	slices.Sort(order)
	for _, feed := range order {
		tot := feeds[feed]
		t.add(feed, french.Int(int64(tot.files)), french.Int(tot.read), french.Int(tot.landed), french.Int(tot.quarantined),
			byRule(FileResult{ByRule: tot.byRule}))
	}
	t.add("total", french.Int(int64(len(s.Files))), french.Int(s.Read), french.Int(s.Landed), french.Int(s.Quarantined), "")
	t.write(w)

	var counts []string
	for _, st := range []Status{StatusLanded, StatusAlready, StatusRefused, StatusFailed} {
		if n := s.Count(st); n > 0 {
			label := string(st)
			switch {
			case st == StatusFailed:
				label = "en erreur"
			case n > 1:
				label += "s"
			}
			counts = append(counts, french.Int(int64(n))+" "+label)
		}
	}
	rate := ""
	if s.Seconds > 0 && s.Read > 0 {
		rate = fmt.Sprintf(", %s lignes/s", french.Int(int64(float64(s.Read)/s.Seconds)))
	}
	fmt.Fprintf(w, "\nFichiers : %s, en %s s%s.\n", strings.Join(counts, ", "), french.Dec(s.Seconds, 1), rate)
	for _, f := range s.Files {
		if f.Error != "" {
			fmt.Fprintf(w, "\n%s — %s\n", strings.ToUpper(string(f.Status[:1]))+string(f.Status[1:]), f.Error)
		}
	}
	return nil
}

// table2 aligns cells in columns: 'l' left, 'r' right (widths in characters).
type table2 struct {
	align string
	rows  [][]string
}

func (t *table2) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table2) write(w io.Writer) {
	widths := make([]int, len(t.align))
	for _, r := range t.rows {
		for i, c := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	for _, r := range t.rows {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if t.align[i] == 'r' {
				b.WriteString(pad + c)
			} else if i < len(r)-1 {
				b.WriteString(c + pad)
			} else {
				b.WriteString(c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

func byRule(f FileResult) string {
	if f.Rule != "" {
		return f.Rule + " (fichier entier)"
	}
	rules := make([]string, 0, len(f.ByRule))
	for r := range f.ByRule {
		rules = append(rules, r)
	}
	slices.Sort(rules)
	var parts []string
	for _, r := range rules {
		parts = append(parts, r+" "+french.Int(f.ByRule[r]))
	}
	if f.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%s déclaration%s de nature autre que 01 ignorée%s", french.Int(f.Skipped), plural(int(f.Skipped)), plural(int(f.Skipped))))
	}
	if len(f.Extra) > 0 {
		parts = append(parts, "colonnes ignorées : "+strings.Join(f.Extra, ", "))
	}
	return strings.Join(parts, ", ")
}

func plural(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

// ruleSum adds up the rule detail of f: more than f.Quarantined when some
// rows break several rules.
func ruleSum(f FileResult) int64 {
	var n int64
	for _, c := range f.ByRule {
		n += c
	}
	return n
}
