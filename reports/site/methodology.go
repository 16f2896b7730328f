package site

import (
	"fmt"
	"html/template"
	"strings"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
)

// methodology builds the page that defines every indicator of the catalogue,
// states the publication rules and the date of the data.
func (b *builder) methodology() (*page, error) {
	p := &page{File: "methodologie.html", Current: "methodologie.html", Title: "Méthodologie"}
	st := b.state
	p.Lead = []string{"D'où viennent les chiffres de ce site, comment ils sont calculés et ce qui n'est pas publié."}

	date := []string{fmt.Sprintf("Date des données : %s.", st.Date())}
	first, okFirst := french.MonthISO(st.FirstMonth)
	last, okLast := french.MonthISO(st.LastMonth)
	if okFirst && okLast {
		date = append(date, fmt.Sprintf("La DSN chargée couvre les mois de %s à %s : une sortie dont le mois + k n'est pas couvert n'est pas observée à k mois, "+
			"et elle est retirée du dénominateur du taux à k mois (elle n'est jamais comptée comme sans emploi).", first, last))
	}
	date = append(date, fmt.Sprintf("Année de référence des pages : %d, dernière année de sortie dont toutes les sorties sont observées six mois après. "+
		"L'entrepôt compte %s dossiers non annulés et %s sorties de formation.", b.year, french.Int(st.Dossiers), french.Int(st.Exits)))
	if st.NSFNAFVersion != "" {
		date = append(date, "Table de correspondance entre domaines de formation (NSF) et secteurs d'activité (NAF) : version "+st.NSFNAFVersion+".")
	}
	p.Blocks = append(p.Blocks, block{Heading: "Sources et date des données", ID: "sources", Paras: append([]string{
		"Les organismes de formation déclarent aux financeurs chaque entrée, interruption et sortie de formation ; les financeurs partagent ces dossiers " +
			"(article L6353-10 du Code du travail). Les déclarations sociales nominatives (DSN) des employeurs disent, mois par mois, qui est salarié, " +
			"sous quel contrat. Les deux sont rapprochées par le numéro de sécurité sociale, pseudonymisé dès l'arrivée : aucun identifiant personnel n'est publié.",
	}, date...)})

	p.Blocks = append(p.Blocks, block{Heading: "Règles de publication (secret statistique)", ID: "secret", Paras: secretRules()})

	cat := b.r.cat
	defs, err := cat.Describe(b.r.ctx, b.r.db)
	if err != nil {
		return nil, err
	}
	dims := map[string]string{}
	for _, d := range cat.Dimensions() {
		dims[d.ID] = d.Label
	}
	p.Blocks = append(p.Blocks, block{Heading: "Définition des indicateurs", ID: "indicateurs",
		Paras: []string{fmt.Sprintf("Les %d indicateurs publiés, avec leur identifiant (nom de colonne dans les données ouvertes et l'API), leur unité, "+
			"les ventilations possibles et les tables de l'entrepôt dont ils sont lus.", len(defs))},
		HTML: definitionList(defs, dims)})

	p.Blocks = append(p.Blocks, block{Heading: "Valeur ajoutée des organismes", ID: "valeur-ajoutee", Paras: []string{
		"Le taux attendu d'un organisme est le taux d'emploi à six mois qu'il aurait si chacun de ses sortants observés avait le taux national de sa strate : " +
			"même année de sortie, même dispositif, même situation avant l'entrée, même tranche d'âge (moins de 26 ans, 26 à 44 ans, 45 ans ou plus) et même sexe.",
		"La valeur ajoutée est l'écart, en points, entre le taux observé et le taux attendu ; son intervalle est celui du taux observé (intervalle de Wilson à 95 %) moins le taux attendu.",
		"Un organisme est dit au-dessus (en dessous) de ce que son public laisse attendre quand tout l'intervalle de sa valeur ajoutée est au-dessus (en dessous) de 0, " +
			"dans la marge d'incertitude sinon ; un organisme dont la valeur ajoutée est couverte par le secret statistique est compté à part (« non publié »).",
		"Le graphique en entonnoir place chaque organisme selon son nombre n de sortants observés et sa valeur ajoutée ; ses courbes, à ± 1,96 √(p (100 − p) / n) points " +
			"pour p le taux national (égal à la moyenne des taux attendus pondérée par les sortants observés quand chaque sortie a un organisme), sont l'intervalle de Wilson retourné : " +
			"un organisme dont le taux attendu est p en sort exactement quand l'intervalle de sa valeur ajoutée exclut 0. " +
			"Sur des organismes qui feraient tous exactement ce qu'on attend, environ un sur vingt en sortirait par hasard.",
	}})
	return p, nil
}

// secretRules states the publication rules. Every threshold is written from
// the constants of package disclosure that apply it, never as a literal, so
// that the page follows the rules when they change.
func secretRules() []string {
	const (
		minCount = disclosure.MinCount
		minDen   = disclosure.MinDenominator
	)
	smallest := minCount - 1 - disclosure.MinHiddenWidth // lowest of the values a hidden small count keeps, below minCount
	return []string{
		fmt.Sprintf("Un effectif de personnes ou de dossiers inférieur à %d n'est pas publié.", minCount),
		fmt.Sprintf("Un taux n'est publié que si son dénominateur compte au moins %d personnes ; le nombre de personnes derrière le taux est masqué avec lui.", minDen),
		fmt.Sprintf("Dans les tableaux de financement, une ligne de moins de %d dossiers masque tous ses montants.", minCount),
		"Secret secondaire : quand un tableau publie des totaux ou des sous-totaux, d'autres cases sont masquées pour qu'aucune valeur cachée ne puisse être retrouvée par soustraction, ni par aucune combinaison des totaux publiés. " +
			fmt.Sprintf("Ce que chacun sait d'une case masquée (jamais négative, au plus %d quand elle est « %s », au moins %d sinon, au moins 1 quand la ligne existe, sauf pour les parcours du diagramme de l'accueil) ne doit pas non plus la cerner : ",
				minCount-1, disclosure.ReasonCount, minCount) +
			fmt.Sprintf("un effectif de moins de %d garde au moins %s valeurs possibles (par exemple de %d à %d), un montant d'une ligne de moins de %d dossiers un intervalle d'au moins %s de sa valeur. ",
				minCount, numberWord(disclosure.MinHiddenWidth+1), smallest, minCount-1, minCount, french.Dec(100*disclosure.RowAmountWidth, 0)+nnbsp+"%") +
			"Les cases masquées en plus sont les moins coûteuses : les plus petites, et une partie plutôt que son total ; un total national n'est jamais sensible par lui-même.",
		"Une case que la construction des tableaux suffit à connaître (le nombre de personnes encore en formation le dernier mois d'une série qui s'arrête, forcément zéro) n'entraîne pas d'autre masquage : aucun ne la protégerait.",
		"Une valeur masquée est écrite « secret » : elle n'est jamais remplacée par zéro. « n.d. » signale une valeur qui n'existe pas (par exemple une enveloppe qui n'a pas été transmise, ou un taux dont aucune sortie n'est encore observée).",
		"Les mêmes règles, appliquées une seule fois, valent pour ce site, les données ouvertes et l'API : un chiffre y est publié ou masqué de la même façon.",
		"Dans les fichiers CSV des graphiques, les nombres ont un point décimal et une valeur masquée est écrite « secret ».",
		"Les pages de qualité des données décrivent les livraisons des partenaires (lignes rejetées, colonnes renseignées, délais) et non des personnes ; leurs nombres de dossiers relèvent du secret des effectifs. " +
			fmt.Sprintf("Un partenaire de moins de %d dossiers masque aussi ses nombres de lignes, d'événements et de corrections, qui donneraient ce nombre, et ses taux calculés sur moins de %d lignes ; ses lignes rejetées restent publiées.",
				minCount, minDen),
	}
}

// definitionList writes the catalogue as an HTML definition list; every text
// is escaped.
func definitionList(defs []indicators.Indicator, dims map[string]string) template.HTML {
	esc := template.HTMLEscapeString
	var s strings.Builder
	s.WriteString("<dl>\n")
	for _, d := range defs {
		fmt.Fprintf(&s, "<dt id=\"i-%s\">%s <code>%s</code></dt>\n<dd><p>%s</p><p class=\"meta\">Unité : %s.",
			esc(d.ID), esc(d.Label), esc(d.ID), esc(d.Definition), esc(string(d.Unit)))
		if len(d.Dimensions) > 0 {
			labels := make([]string, len(d.Dimensions))
			for i, id := range d.Dimensions {
				labels[i] = id
				if l := dims[id]; l != "" {
					labels[i] = lowerFirst(l)
				}
			}
			fmt.Fprintf(&s, " Par %s.", esc(strings.Join(labels, ", ")))
		}
		if len(d.Sources) > 0 {
			fmt.Fprintf(&s, " Tables : %s.", esc(strings.Join(d.Sources, ", ")))
		}
		s.WriteString("</p></dd>\n")
	}
	s.WriteString("</dl>")
	return template.HTML(s.String())
}

// lowerFirst lower-cases the first letter of s (« Région » → « région »).
func lowerFirst(s string) string {
	for i, r := range s {
		return strings.ToLower(string(r)) + s[i+len(string(r)):]
	}
	return s
}
