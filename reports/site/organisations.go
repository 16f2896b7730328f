package site

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// organisationIDs are the figures of the buyers' table.
var organisationIDs = []string{"nb_sortants", "nb_observes_6m", "taux_achevement", "taux_certification",
	"taux_emploi_6m", "taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut", "taux_emploi_6m_attendu",
	"valeur_ajoutee_6m", "valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut", "cout_par_heure"}

// fmtSIRET groups a SIRET as SIREN and NIC: 356 000 000 00048.
func fmtSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return s[0:3] + nnbsp + s[3:6] + nnbsp + s[6:9] + nnbsp + s[9:]
}

// interval writes « 55,1 – 61,3 % ».
func interval(lo, hi fig, u unit) cell {
	if lo.secret() || hi.secret() {
		return figCell(secretFig, u)
	}
	if !lo.ok() || !hi.ok() {
		return figCell(missingFig, u)
	}
	return cell{Text: french.Dec(lo.v, 1) + " à " + u.text(hi), CSV: u.csv(lo) + " - " + u.csv(hi), Sort: lo.v}
}

// organisations builds the page for buyers: every training organisation's
// outcomes in a searchable, sortable table, and the funnel plot.
func (b *builder) organisations() (*page, error) {
	y := strconv.Itoa(b.year)
	f, err := b.r.query(organisationIDs, []string{"organisme"}, "annee", y)
	if err != nil {
		return nil, err
	}
	nat, err := b.r.query([]string{"taux_emploi_6m"}, nil, "annee", y)
	if err != nil {
		return nil, err
	}
	national := missingFig
	if nat.len() > 0 {
		national = nat.fig(0, "taux_emploi_6m")
	}
	p := &page{File: "organismes.html", Current: "organismes.html", Title: "Organismes de formation"}
	p.Lead = []string{fmt.Sprintf("Résultats des organismes de formation pour leurs sortants de %d : achèvement, certification, "+
		"emploi six mois après, et valeur ajoutée, c'est-à-dire l'écart entre le taux d'emploi observé et le taux attendu "+
		"compte tenu du public formé (dispositif, situation avant l'entrée, âge, sexe).", b.year),
		"Un organisme qui forme surtout des publics dont le taux d'emploi national est plus bas (par exemple des demandeurs d'emploi plutôt que des salariés) " +
			"n'est pas désavantagé : son taux attendu est plus bas. " +
			"L'ancienneté au chômage et le niveau de diplôme ne sont pas connus : ils ne sont pas pris en compte. " +
			fmt.Sprintf("Les taux sur moins de %d sortants observés sont couverts par le secret statistique.", disclosure.MinDenominator)}

	// An organisation whose every figure is hidden tells a buyer nothing: it
	// is counted, not listed. Every organisation of the year is also counted
	// by its place, listed or not: one whose value added is hidden is « non
	// publié », never left out.
	codes := make([]string, 0, f.len())
	unlisted := 0
	var count [posCount]int
	for i := 0; i < f.len(); i++ {
		c := f.code(i, "organisme")
		if c == "" {
			continue
		}
		count[placeOf(f.fig(i, "valeur_ajoutee_6m"), f.fig(i, "valeur_ajoutee_6m_ic_bas"), f.fig(i, "valeur_ajoutee_6m_ic_haut"))]++
		listed := false
		for _, id := range organisationIDs {
			listed = listed || f.fig(i, id).ok()
		}
		if !listed {
			unlisted++
			continue
		}
		codes = append(codes, c)
	}
	sortByFig(f, "organisme", codes, "nb_sortants")
	t := table{
		Head: []string{"Organisme (SIRET)", "Sortants", "Taux d'achèvement", "Taux de certification", "Taux d'emploi à 6 mois",
			"Intervalle de confiance à 95 %", "Taux attendu", "Valeur ajoutée", "Intervalle de la valeur ajoutée (points)", "Par rapport à l'attendu", "Coût par heure"},
		Keys: []string{"siret_of", "nb_sortants", "taux_achevement", "taux_certification", "taux_emploi_6m",
			"taux_emploi_6m_ic", "taux_emploi_6m_attendu", "valeur_ajoutee_6m", "valeur_ajoutee_6m_ic", "position", "cout_par_heure"},
		Numeric: []bool{false, true, true, true, true, true, true, true, true, true, true},
	}
	// The CSV gives the interval bounds in columns of their own.
	export := table{Keys: []string{"siret_of", "nb_sortants", "nb_observes_6m", "taux_achevement", "taux_certification", "taux_emploi_6m",
		"taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut", "taux_emploi_6m_attendu", "valeur_ajoutee_6m",
		"valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut", "position", "cout_par_heure"}}
	// The organisations drawn on the funnel, with their row of its table.
	type dot struct {
		pt  vaPoint
		row []cell
	}
	var drawn []dot
	for _, c := range codes {
		i := f.find("organisme", c)
		rate, obs := f.fig(i, "taux_emploi_6m"), f.fig(i, "nb_observes_6m")
		va, lo, hi := f.fig(i, "valeur_ajoutee_6m"), f.fig(i, "valeur_ajoutee_6m_ic_bas"), f.fig(i, "valeur_ajoutee_6m_ic_haut")
		pos := placeOf(va, lo, hi)
		t.Rows = append(t.Rows, []cell{codeCell(fmtSIRET(c), c),
			figCell(f.fig(i, "nb_sortants"), unitCount), figCell(f.fig(i, "taux_achevement"), unitPct),
			figCell(f.fig(i, "taux_certification"), unitPct), figCell(rate, unitPct),
			interval(f.fig(i, "taux_emploi_6m_ic_bas"), f.fig(i, "taux_emploi_6m_ic_haut"), unitPct),
			figCell(f.fig(i, "taux_emploi_6m_attendu"), unitPct), figCell(va, unitPoints),
			intervalPoints(lo, hi), pos.cell(),
			figCell(f.fig(i, "cout_par_heure"), unitEuroCents)})
		export.Rows = append(export.Rows, []cell{textCell(c), figCell(f.fig(i, "nb_sortants"), unitCount), figCell(obs, unitCount),
			figCell(f.fig(i, "taux_achevement"), unitPct), figCell(f.fig(i, "taux_certification"), unitPct), figCell(rate, unitPct),
			figCell(f.fig(i, "taux_emploi_6m_ic_bas"), unitPct), figCell(f.fig(i, "taux_emploi_6m_ic_haut"), unitPct),
			figCell(f.fig(i, "taux_emploi_6m_attendu"), unitPct), figCell(va, unitPoints),
			figCell(lo, unitPoints), figCell(hi, unitPoints), pos.cell(),
			figCell(f.fig(i, "cout_par_heure"), unitEuroCents)})
		if pos.classed() && obs.ok() && obs.v > 0 {
			expected := f.fig(i, "taux_emploi_6m_attendu")
			drawn = append(drawn, dot{vaPoint{Name: fmtSIRET(c), N: obs.v, VA: va.v, Pos: pos, Tip: []string{
				"sortants observés à 6 mois : " + french.Int(int64(obs.v)),
				"taux d'emploi : " + unitPct.text(rate) + ", attendu : " + unitPct.text(expected),
				"valeur ajoutée : " + fmtPoints(va.v) + " (" + intervalPoints(lo, hi).Text + ")",
				pos.label()}},
				// The CSV gives the bare SIRET, as the open data does.
				[]cell{codeCell(fmtSIRET(c), c), figCell(obs, unitCount), figCell(rate, unitPct), figCell(expected, unitPct),
					figCell(va, unitPoints), figCell(lo, unitPoints), figCell(hi, unitPoints), pos.cell()}})
		}
	}
	tb := &tableBlock{ID: "organismes", Caption: fmt.Sprintf("Résultats des organismes de formation, sortants de %d", b.year),
		Search: "Rechercher un organisme (SIRET)", CSV: true, Table: t,
		Note:   "Cliquez sur un en-tête de colonne pour trier. « secret » : valeur couverte par le secret statistique ; « n.d. » : non disponible.",
		Export: &export}

	if classed := count[posAbove] + count[posWithin] + count[posBelow]; classed > 0 {
		ft := table{Head: []string{"Organisme (SIRET)", "Sortants observés à 6 mois", "Taux d'emploi à 6 mois", "Taux attendu",
			"Valeur ajoutée", "Borne basse de l'intervalle", "Borne haute de l'intervalle", "Par rapport à l'attendu"},
			Keys: []string{"siret_of", "nb_observes_6m", "taux_emploi_6m", "taux_emploi_6m_attendu",
				"valeur_ajoutee_6m", "valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut", "position"},
			Numeric: []bool{false, true, true, true, true, true, true, true}}
		sort.SliceStable(drawn, func(a, z int) bool { return drawn[a].pt.N > drawn[z].pt.N })
		pts := make([]vaPoint, len(drawn))
		for k, d := range drawn {
			pts[k] = d.pt
			ft.Rows = append(ft.Rows, d.row)
		}
		summary := fmt.Sprintf("Valeur ajoutée à six mois de %s selon leur nombre de sortants observés. "+
			"Au-dessus de ce que leur public laisse attendre : %s ; en dessous : %s ; dans la marge d'incertitude : %s.",
			countOrgs(classed), countOrgs(count[posAbove]), countOrgs(count[posBelow]), countOrgs(count[posWithin]))
		if n := count[posSecret]; n > 0 {
			summary += fmt.Sprintf(" Non publié (secret statistique) : %s.", countOrgs(n))
		}
		if n := count[posMissing]; n > 0 {
			summary += fmt.Sprintf(" Non disponible (aucun sortant observé à six mois) : %s.", countOrgs(n))
		}
		if n := classed - len(pts); n > 0 {
			summary += fmt.Sprintf(" Non dessinés (nombre de sortants observés couvert par le secret statistique)"+nbsp+": %s.", countOrgs(n))
		}
		if national.ok() {
			summary += fmt.Sprintf(" Les courbes sont tracées pour un taux attendu égal au taux national (%s) ; "+
				"chaque organisme est classé d'après son propre intervalle.", fmtPct(national.v))
		}
		p.Blocks = append(p.Blocks, block{Heading: "Valeur ajoutée selon le nombre de sortants", ID: "entonnoir",
			Paras: []string{"Chaque point est un organisme ; sa hauteur est sa valeur ajoutée : l'écart entre son taux d'emploi à six mois " +
				"et le taux attendu compte tenu de son public. Un organisme n'est dit au-dessus ou en dessous de l'attendu que si tout son " +
				"intervalle de confiance à 95 % est du même côté de zéro : les courbes montrent cette marge, plus large quand il a peu de sortants, " +
				"et, par le seul hasard, environ un organisme sur vingt en sort."},
			Chart: funnel("organismes-entonnoir", fmt.Sprintf("Valeur ajoutée à six mois selon le nombre de sortants observés, sortants de %d", b.year),
				summary, national, pts, ft)})
	}
	if len(codes) == 0 {
		msg := fmt.Sprintf("Aucun organisme n'a de sortant connu en %d.", b.year)
		if unlisted > 0 {
			msg = fmt.Sprintf("Aucun organisme n'a de chiffre publiable pour ses sortants de %d : les chiffres de %s sont tous couverts par le secret statistique.",
				b.year, countOrgs(unlisted))
		}
		p.Blocks = append(p.Blocks, block{Heading: "Tous les organismes", ID: "tableau", Paras: []string{msg}})
		return p, nil
	}
	p.Blocks = append(p.Blocks, block{Heading: "Tous les organismes", ID: "tableau", Table: tb})
	return p, nil
}

func countOrgs(n int) string {
	switch n {
	case 0:
		return "aucun organisme"
	case 1:
		return "un organisme"
	}
	return french.Int(int64(n)) + " organismes"
}

// intervalPoints writes the interval of a value added: « −3,2 à +4,1 points ».
func intervalPoints(lo, hi fig) cell {
	if lo.secret() || hi.secret() {
		return figCell(secretFig, unitPoints)
	}
	if !lo.ok() || !hi.ok() {
		return figCell(missingFig, unitPoints)
	}
	return cell{Text: signed(lo.v, 1) + " à " + signed(hi.v, 1), CSV: unitPoints.csv(lo) + " - " + unitPoints.csv(hi), Sort: lo.v}
}

// position is where an organisation stands against what its public
// predicts: the side of 0 on which its published value-added interval lies.
type position uint8

const (
	posMissing position = iota // no value added (nobody observed at six months)
	posSecret                  // value added hidden by disclosure control
	posWithin                  // the interval contains 0
	posAbove                   // the whole interval is above 0
	posBelow                   // the whole interval is below 0
	posCount
)

// placeOf classes a value added by its interval, as published (rounded to
// a tenth of a point): a bound of exactly 0 leaves the organisation within.
// Any hidden part hides the place.
func placeOf(va, lo, hi fig) position {
	switch {
	case va.secret() || lo.secret() || hi.secret():
		return posSecret
	case !va.ok() || !lo.ok() || !hi.ok():
		return posMissing
	case lo.v > 0:
		return posAbove
	case hi.v < 0:
		return posBelow
	}
	return posWithin
}

// classed reports whether the place is known: above, within or below.
func (p position) classed() bool { return p == posAbove || p == posWithin || p == posBelow }

// label is the place in words, for a sentence or a tooltip.
func (p position) label() string {
	switch p {
	case posAbove:
		return "au-dessus de l'attendu"
	case posBelow:
		return "en dessous de l'attendu"
	case posWithin:
		return uncertainNote
	case posSecret:
		return secretText
	}
	return missingText
}

// cell writes the place in a table, under the heading « Par rapport à
// l'attendu »: a few unbreakable words on the page, a code in the CSV
// (au_dessus, en_dessous, dans_la_marge; « secret » when hidden, empty when
// there is none). It sorts as +1, 0 and −1, above first in descending order.
func (p position) cell() cell {
	c := codeCell(missingText, "")
	switch p {
	case posAbove:
		c = cell{Text: "au-dessus", CSV: "au_dessus", Sort: 1}
	case posBelow:
		c = cell{Text: "en\u00a0dessous", CSV: "en_dessous", Sort: -1}
	case posWithin:
		c = cell{Text: "dans\u00a0la\u00a0marge", CSV: "dans_la_marge", Sort: 0}
	case posSecret:
		c = codeCell(secretText, secretText)
	}
	return c
}
