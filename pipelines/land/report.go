package land

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the summary as a French table: one line per file (feed,
// status, rows read, landed, quarantined, by rule), the totals, then the
// full message of every refused or failed file.
func (s Summary) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "fichier\tflux\tstatut\tlues\tchargées\tquarantaine\t\tdétail par règle")
	for _, f := range s.Files {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t\t%s\n", f.Name, f.Feed, f.Status,
			groupDigits(f.Read), groupDigits(f.Landed), groupDigits(f.Quarantined), byRule(f))
	}
	fmt.Fprintf(tw, "total (%d fichier%s)\t\t\t%s\t%s\t%s\t\t\n", len(s.Files), plural(len(s.Files)),
		groupDigits(s.Read), groupDigits(s.Landed), groupDigits(s.Quarantined))
	if err := tw.Flush(); err != nil {
		return err
	}
	var counts []string
	for _, st := range []Status{StatusLanded, StatusAlready, StatusRefused, StatusFailed} {
		if n := s.Count(st); n > 0 {
			counts = append(counts, fmt.Sprintf("%d %s", n, st))
		}
	}
	rate := ""
	if s.Seconds > 0 && s.Read > 0 {
		rate = fmt.Sprintf(", %s lignes/s", groupDigits(int64(float64(s.Read)/s.Seconds)))
	}
	fmt.Fprintf(w, "\n%s en %.1f s%s.\n", strings.Join(counts, ", "), s.Seconds, rate)
	for _, f := range s.Files {
		if f.Error != "" {
			fmt.Fprintf(w, "\n%s %s : %s\n", strings.ToUpper(string(f.Status[:1]))+string(f.Status[1:]), f.Name, f.Error)
		}
	}
	return nil
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
