package site

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
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
	return cell{Text: fmtDec(lo.v, 1) + " à " + u.text(hi), CSV: u.csv(lo) + " - " + u.csv(hi), Sort: lo.v}
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
			"Les taux sur moins de 20 sortants observés sont couverts par le secret statistique."}

	// An organisation whose every figure is hidden tells a buyer nothing: it
	// is counted, not listed.
	codes := make([]string, 0, f.len())
	unlisted := 0
	for i := 0; i < f.len(); i++ {
		c := f.code(i, "organisme")
		if c == "" {
			continue
		}
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
			"Intervalle de confiance à 95 %", "Taux attendu", "Valeur ajoutée", "Intervalle de la valeur ajoutée (points)", "Coût par heure"},
		Keys: []string{"siret_of", "nb_sortants", "taux_achevement", "taux_certification", "taux_emploi_6m",
			"taux_emploi_6m_ic", "taux_emploi_6m_attendu", "valeur_ajoutee_6m", "valeur_ajoutee_6m_ic", "cout_par_heure"},
		Numeric: []bool{false, true, true, true, true, true, true, true, true, true},
	}
	// The CSV gives the interval bounds in columns of their own.
	export := table{Keys: []string{"siret_of", "nb_sortants", "nb_observes_6m", "taux_achevement", "taux_certification", "taux_emploi_6m",
		"taux_emploi_6m_ic_bas", "taux_emploi_6m_ic_haut", "taux_emploi_6m_attendu", "valeur_ajoutee_6m",
		"valeur_ajoutee_6m_ic_bas", "valeur_ajoutee_6m_ic_haut", "cout_par_heure"}}
	var pts []point
	above, below := 0, 0
	for _, c := range codes {
		i := f.find("organisme", c)
		rate, obs := f.fig(i, "taux_emploi_6m"), f.fig(i, "nb_observes_6m")
		t.Rows = append(t.Rows, []cell{codeCell(fmtSIRET(c), c),
			figCell(f.fig(i, "nb_sortants"), unitCount), figCell(f.fig(i, "taux_achevement"), unitPct),
			figCell(f.fig(i, "taux_certification"), unitPct), figCell(rate, unitPct),
			interval(f.fig(i, "taux_emploi_6m_ic_bas"), f.fig(i, "taux_emploi_6m_ic_haut"), unitPct),
			figCell(f.fig(i, "taux_emploi_6m_attendu"), unitPct), figCell(f.fig(i, "valeur_ajoutee_6m"), unitPoints),
			intervalPoints(f.fig(i, "valeur_ajoutee_6m_ic_bas"), f.fig(i, "valeur_ajoutee_6m_ic_haut")),
			figCell(f.fig(i, "cout_par_heure"), unitEuroCents)})
		export.Rows = append(export.Rows, []cell{textCell(c), figCell(f.fig(i, "nb_sortants"), unitCount), figCell(obs, unitCount),
			figCell(f.fig(i, "taux_achevement"), unitPct), figCell(f.fig(i, "taux_certification"), unitPct), figCell(rate, unitPct),
			figCell(f.fig(i, "taux_emploi_6m_ic_bas"), unitPct), figCell(f.fig(i, "taux_emploi_6m_ic_haut"), unitPct),
			figCell(f.fig(i, "taux_emploi_6m_attendu"), unitPct), figCell(f.fig(i, "valeur_ajoutee_6m"), unitPoints),
			figCell(f.fig(i, "valeur_ajoutee_6m_ic_bas"), unitPoints), figCell(f.fig(i, "valeur_ajoutee_6m_ic_haut"), unitPoints),
			figCell(f.fig(i, "cout_par_heure"), unitEuroCents)})
		if rate.ok() && obs.ok() && obs.v > 0 {
			pts = append(pts, point{Name: fmtSIRET(c), X: obs.v, Y: rate.v})
			if national.ok() {
				lim := 3.090232 * math.Sqrt(national.v*(100-national.v)/obs.v)
				switch {
				case rate.v > national.v+lim:
					above++
				case rate.v < national.v-lim:
					below++
				}
			}
		}
	}
	tb := &tableBlock{ID: "organismes", Caption: fmt.Sprintf("Résultats des organismes de formation, sortants de %d", b.year),
		Search: "Rechercher un organisme (SIRET)", CSV: true, Table: t,
		Note:   "Cliquez sur un en-tête de colonne pour trier. « secret » : valeur couverte par le secret statistique ; « n.d. » : non disponible.",
		Export: &export}

	var funnelChart *chart
	if national.ok() {
		ft := table{Head: []string{"Organisme (SIRET)", "Sortants observés à 6 mois", "Taux d'emploi à 6 mois"},
			Keys: []string{"siret_of", "nb_observes_6m", "taux_emploi_6m"}, Numeric: []bool{false, true, true}}
		sort.SliceStable(pts, func(a, z int) bool { return pts[a].X > pts[z].X })
		for _, pt := range pts {
			// The CSV gives the bare SIRET, as the open data does.
			ft.Rows = append(ft.Rows, []cell{codeCell(pt.Name, strings.ReplaceAll(pt.Name, nnbsp, "")), figCell(shown(pt.X), unitCount), figCell(shown(pt.Y), unitPct)})
		}
		summary := fmt.Sprintf("Taux d'emploi à six mois de %s organismes selon leur nombre de sortants observés, autour du taux national de %s. "+
			"Les courbes sont les limites de contrôle à 95 %% et 99,8 %% : un organisme hors des limites à 99,8 %% s'écarte du taux national plus que le hasard ne l'explique. "+
			"Au-dessus : %s ; en dessous : %s.", fmtInt(int64(len(pts))), fmtPct(national.v), countOrgs(above), countOrgs(below))
		funnelChart = funnel("organismes-entonnoir", fmt.Sprintf("Taux d'emploi à six mois selon le volume, sortants de %d", b.year), summary, national.v, pts, ft)
	}
	if funnelChart != nil {
		p.Blocks = append(p.Blocks, block{Heading: "Graphique en entonnoir", ID: "entonnoir",
			Paras: []string{"Plus un organisme a de sortants, plus son taux est précis : les limites se resserrent. " +
				"Le graphique compare les taux bruts au taux national ; la valeur ajoutée du tableau tient compte du public formé."},
			Chart: funnelChart})
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
	return fmtInt(int64(n)) + " organismes"
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
