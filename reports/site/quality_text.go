package site

import (
	"bufio"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/agora-formation/agora/french"
)

// WriteText writes the report for a terminal, in French, with the figures
// written as on the site's quality pages.
func (r *QualityReport) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Qualité des données des partenaires (%s)\n", r.DataDate)
	if len(r.Partners) == 0 {
		fmt.Fprintln(bw, "\nAucune livraison n'est encore chargée.")
	}
	for i := range r.Partners {
		q := &r.Partners[i]
		fmt.Fprintf(bw, "\n%s (%s)\n", q.Label, q.Funder)
		fmt.Fprintf(bw, "  %s\n", qualitySentence(q))
		if q.Unattributed {
			dsn, other := q.unattributedLines()
			fmt.Fprintf(bw, "  Lignes rejetées : %s, dont DSN : %s, dont émetteur illisible : %s\n", french.Int(q.RejectedLines), french.Int(dsn), french.Int(other))
			fmt.Fprintf(bw, "  Dossiers, délais et corrections : %s\n", notApplicable)
		} else {
			fmt.Fprintf(bw, "  Dossiers connus : %s, dont annulés : %s\n", unitCount.text(intFig(q.Dossiers)), unitCount.text(intFig(q.Cancelled)))
			fmt.Fprintf(bw, "  Lignes rejetées : %s ; événements orphelins : %s ; financements orphelins : %s\n",
				french.Int(q.RejectedLines), french.Int(q.OrphanEvents), french.Int(q.OrphanFundings))
			events := "des événements (nombre " + secretText + ")"
			if q.Events != nil {
				events = "des " + french.Int(*q.Events) + " événements"
			}
			fmt.Fprintf(bw, "  Délai de transmission %s : médiane %s, 90e centile %s ; transmis %s : %s\n", events,
				unitDays.text(figOn(q.DelayMedian, q.Events)), unitDays.text(figOn(q.DelayP90, q.Events)), withinLateDays, unitPct.text(figOn(q.Within30Days, q.Events)))
			fmt.Fprintf(bw, "  Corrections : %s, dont tardives (%s) : %s\n",
				unitCount.text(intFig(q.Corrections)), lateCorrection, unitCount.text(intFig(q.LateCorrections)))
		}
		if q.Secret != "" {
			fmt.Fprintf(bw, "  Secret statistique : %s\n", q.Secret)
		}
		if len(q.Rejections) > 0 {
			fmt.Fprintln(bw, "  Rejets par règle :")
			tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "    règle\tflux\tlignes\t")
			for _, rj := range q.Rejections {
				fmt.Fprintf(tw, "    %s\t%s\t%s\t  %s\n", rj.Rule, rj.Feed, french.Int(rj.Lines), rj.Label)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if q.severalRules() {
				fmt.Fprintf(bw, "  %s\n", severalRulesNote(" "))
			}
		} else {
			fmt.Fprintln(bw, "  Aucune ligne rejetée.")
		}
		if len(q.Completeness) > 0 {
			fmt.Fprintln(bw, "  Complétude des colonnes :")
			tw := tabwriter.NewWriter(bw, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "    colonne\tflux\trenseignées\tlignes\ttaux\t")
			for _, c := range q.Completeness {
				fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\t\n", c.Column, c.Feed, unitCount.text(intFig(c.Filled)), unitCount.text(intFig(c.Lines)),
					unitPct.text(figOn(c.Rate, c.Lines)))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}
