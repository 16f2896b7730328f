package land

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteTable writes the summary as French tables: one line per file (feed,
// status, rows read, landed, quarantined, by rule), the totals per feed, then
// the full message of every refused or failed file.
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
	for _, f := range s.Files {
		t.add(f.Name, f.Feed, string(f.Status), groupDigits(f.Read), groupDigits(f.Landed), groupDigits(f.Quarantined), byRule(f))
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

	fmt.Fprintln(w)
	t = table2{align: "lrrrrl"}
	t.add("flux", "fichiers", "lues", "chargées", "quarantaine", "détail par règle")
	slices.Sort(order)
	for _, feed := range order {
		tot := feeds[feed]
		t.add(feed, groupDigits(int64(tot.files)), groupDigits(tot.read), groupDigits(tot.landed), groupDigits(tot.quarantined),
			byRule(FileResult{ByRule: tot.byRule}))
	}
	t.add("total", groupDigits(int64(len(s.Files))), groupDigits(s.Read), groupDigits(s.Landed), groupDigits(s.Quarantined), "")
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
			counts = append(counts, fmt.Sprintf("%d %s", n, label))
		}
	}
	rate := ""
	if s.Seconds > 0 && s.Read > 0 {
		rate = fmt.Sprintf(", %s lignes/s", groupDigits(int64(float64(s.Read)/s.Seconds)))
	}
	fmt.Fprintf(w, "\nFichiers : %s, en %s s%s.\n", strings.Join(counts, ", "), strings.Replace(fmt.Sprintf("%.1f", s.Seconds), ".", ",", 1), rate)
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
		parts = append(parts, r+" "+groupDigits(f.ByRule[r]))
	}
	if f.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d déclaration%s de nature autre que 01 ignorée%s", f.Skipped, plural(int(f.Skipped)), plural(int(f.Skipped))))
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

// groupDigits writes n with a space every three digits, as French does.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
