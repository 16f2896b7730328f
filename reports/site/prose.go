package site

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/agora-formation/agora/french"
)

// Figures written into French sentences. Each sentence says what a hidden
// figure is (« couvert par le secret statistique ») rather than leaving a hole.

const secretPhrase = "couvert par le secret statistique"

// fmtMEuros writes an amount in millions of euros for a key figure: 123,4 M€.
func fmtMEuros(f fig) string {
	switch f.state {
	case figSecret:
		return secretText
	case figMissing:
		return missingText
	}
	if math.Abs(f.v) < 1e6 {
		return french.Dec(f.v, 0) + nnbsp + "€"
	}
	return french.Dec(f.v/1e6, 1) + nnbsp + "M€"
}

// changeText is « +1,2 point sur un an » or « −3,4 % sur un an », empty when
// the change cannot be published.
func changeText(f fig, u unit) string {
	if !f.ok() {
		return ""
	}
	if u == unitPoints {
		return fmtPoints(f.v) + " sur un an"
	}
	return fmtChangePct(f.v) + " sur un an"
}

// inParens is « (text) » with a leading space, or nothing.
func inParens(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// changeNote is the change of a rate in a sentence: « +1,2 point sur un
// an », followed by « dans la marge d'incertitude » when it may be chance.
func changeNote(c rateChange) string {
	s := changeText(c.change(), unitPoints)
	if s != "" && c.uncertain() {
		s += ", " + uncertainNote
	}
	return s
}

// exitsSentence: « En 2024, 812 400 personnes sont sorties de formation ;
// six mois après, 58,3 % étaient en emploi (+1,2 point sur un an). »
func exitsSentence(where string, year int, exits fig, rate rateChange) string {
	var b strings.Builder
	fmt.Fprintf(&b, "En %d%s, ", year, where)
	switch {
	case exits.ok() && exits.v >= 2:
		fmt.Fprintf(&b, "%s personnes sont sorties de formation", french.Int(int64(exits.v)))
	case exits.ok():
		fmt.Fprintf(&b, "%s personne est sortie de formation", french.Int(int64(exits.v)))
	case exits.secret():
		b.WriteString("le nombre de sorties de formation est " + secretPhrase)
	default:
		b.WriteString("aucune sortie de formation n'est connue")
	}
	switch r := rate.cur; {
	case r.ok():
		fmt.Fprintf(&b, " ; six mois après, %s étaient en emploi%s.", fmtPct(r.v), inParens(changeNote(rate)))
	case r.secret():
		b.WriteString(" ; leur taux d'emploi six mois après est " + secretPhrase + ".")
	default:
		b.WriteString(" ; leur situation six mois après n'est pas encore connue.")
	}
	return b.String()
}

// durableSentence: « Six mois après, 41,2 % étaient en emploi durable (…). »
func durableSentence(rate rateChange) string {
	switch r := rate.cur; {
	case r.ok():
		return fmt.Sprintf("Six mois après leur sortie, %s étaient en emploi durable, en CDI ou en contrat d'au moins six mois%s.",
			fmtPct(r.v), inParens(changeNote(rate)))
	case r.secret():
		return "Le taux d'emploi durable six mois après la sortie est " + secretPhrase + "."
	}
	return ""
}

// fundingSentence: « En 2024, les financeurs ont engagé 85,0 millions
// d'euros (+0,1 % sur un an) ; 64,9 millions en sont déjà payés, les
// paiements se poursuivant les années suivantes. »
func fundingSentence(year int, committed, change, realised fig) string {
	switch {
	case committed.ok():
		s := fmt.Sprintf("En %d, les financeurs ont engagé %s%s", year, fmtEuros(committed.v), inParens(changeText(change, unitPct)))
		if realised.ok() {
			s += fmt.Sprintf(" ; %s en sont déjà payés, les paiements se poursuivant les années suivantes", fmtEuros(realised.v))
		}
		return s + "."
	case committed.secret():
		return fmt.Sprintf("Le montant engagé en %d est %s.", year, secretPhrase)
	}
	return ""
}

// beforeAfterSentence: « Parmi les sortants de 2024 observés avant et après,
// 35,2 % étaient en emploi le mois avant leur entrée en formation et 60,1 %
// six mois après leur sortie (+24,9 points). »
func beforeAfterSentence(year int, before, after, diff fig) string {
	if !before.ok() || !after.ok() {
		if before.secret() || after.secret() {
			return fmt.Sprintf("La comparaison avant/après des sortants de %d est couverte par le secret statistique.", year)
		}
		return ""
	}
	return fmt.Sprintf("Parmi les sortants de %d observés avant et après, %s étaient en emploi le mois précédant leur entrée en formation, et %s six mois après leur sortie%s.",
		year, fmtPct(before.v), fmtPct(after.v), inParens(fmtPointsIf(diff)))
}

func fmtPointsIf(f fig) string {
	if !f.ok() {
		return ""
	}
	return fmtPoints(f.v)
}

// rankSummary describes a bar chart in a sentence: the highest and lowest
// published values, and how many are hidden.
func rankSummary(intro string, labels []string, vals []fig, u unit, ref string) string {
	type lv struct {
		label string
		v     float64
	}
	var pub []lv
	hidden := 0
	for i, f := range vals {
		switch {
		case f.ok():
			pub = append(pub, lv{labels[i], f.v})
		case f.secret():
			hidden++
		}
	}
	var b strings.Builder
	b.WriteString(intro)
	if len(pub) == 0 {
		b.WriteString(" : aucune valeur publiable.")
	} else {
		sort.SliceStable(pub, func(i, j int) bool { return pub[i].v > pub[j].v })
		hi, lo := pub[0], pub[len(pub)-1]
		switch {
		case len(pub) == 1:
			fmt.Fprintf(&b, " : %s pour %s", u.text(shown(hi.v)), hi.label)
		case u.text(shown(hi.v)) == u.text(shown(lo.v)):
			// Every published value reads the same: « de 100,0 % (a) à
			// 100,0 % (b) » would name two of them as if they differed.
			where := "partout"
			if hidden > 0 {
				where = "pour toutes les valeurs publiées"
			}
			fmt.Fprintf(&b, " : %s %s", u.text(shown(hi.v)), where)
		default:
			fmt.Fprintf(&b, " : de %s (%s) à %s (%s)", u.text(shown(lo.v)), lo.label, u.text(shown(hi.v)), hi.label)
		}
		if ref != "" {
			b.WriteString(" ; " + ref)
		}
		b.WriteString(".")
	}
	switch {
	case hidden == 1:
		b.WriteString(" Une valeur est couverte par le secret statistique.")
	case hidden > 1:
		fmt.Fprintf(&b, " %s valeurs sont couvertes par le secret statistique.", capitalize(numberWord(hidden)))
	}
	return b.String()
}
