package opendata

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/agora-formation/agora/french"
	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/indicators/disclosure"
)

func readme(ps []published, meta Meta, state indicators.DataState) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Données ouvertes agora : formation professionnelle, insertion dans l'emploi et financements\n\n")
	p("- **Producteur** : %s\n", meta.Producer)
	if meta.Contact != "" {
		p("- **Contact** : %s\n", meta.Contact)
	}
	p("- **Date des données** : %s.\n", state.Date())
	p("- **Date de publication** : %s.\n", french.Date(meta.Generated))
	p("- **Licence** : [%s](%s) (Etalab). Vous pouvez réutiliser ces données librement, y compris à des fins commerciales, "+
		"en mentionnant leur source (« %s ») et la date de leur dernière mise à jour.\n\n", LicenceTitle, LicenceURL, meta.Producer)
	p("Ces fichiers décrivent les sorties de formation professionnelle financées par les Régions, France Travail, la Caisse des Dépôts (CPF), " +
		"les OPCO, Transitions Pro, l'État et l'Agefiph, l'emploi salarié des sortants 3, 6 et 12 mois après leur sortie (d'après les déclarations " +
		"sociales nominatives, DSN) et les montants engagés et payés.\n\n")

	p("## Fichiers\n\n")
	p("Chaque fichier existe en CSV et en Parquet (mêmes colonnes, mêmes valeurs). `schema.json` les décrit au format Table Schema " +
		"(paquet de données frictionless).\n\n")
	p("| fichier | contenu | lignes |\n|---|---|---|\n")
	for _, x := range ps {
		p("| `%s.csv`, `%s.parquet` | %s | %d |\n", x.file.name, x.file.name, x.file.title, len(x.table.Rows))
	}
	p("\n## Format\n\n")
	p("- Encodage UTF-8, séparateur virgule `,`, une ligne d'en-tête, noms de colonnes en minuscules sans accents (snake_case).\n")
	p("- Une valeur manquante ou masquée est une cellule **vide** : jamais un zéro.\n")
	p("- Point `.` comme séparateur décimal ; taux en pourcentage à une décimale ; montants en euros au centime.\n")
	p("- Une cellule vide dans une colonne de regroupement (`code_region`, `code_dispositif`…) signifie « tous » : par exemple la ligne " +
		"d'un dispositif avec `code_region` vide porte sur la France entière.\n\n")

	p("## Secret statistique\n\n")
	p("Les règles sont appliquées une seule fois, de la même manière aux données ouvertes, au site et à l'API publique :\n\n")
	p("- un effectif de personnes ou de dossiers inférieur à %d n'est pas publié (`%s`) ; seule exception, un nombre de sortants observés "+
		"(`nb_observes_3m`, `nb_observes_6m`, `nb_observes_12m`) égal à 0 est publié : il dit seulement qu'aucune sortie de la ligne ne "+
		"peut encore être observée à cet horizon (la DSN ne couvre pas encore ces mois) ; les taux correspondants sont alors vides, "+
		"sans raison dans `secret`, car ils n'existent pas ;\n", disclosure.MinCount, disclosure.ReasonCount)
	p("- un taux n'est publié que si son dénominateur atteint %d personnes (`%s`) ; le nombre sur lequel il repose "+
		"(par exemple `nb_emploi_6m`) est publié et masqué avec lui, de même que son intervalle de confiance, le taux attendu et la valeur ajoutée ; "+
		"quand le dénominateur lui-même est masqué, les taux qui en dépendent le sont aussi (`%s`) ;\n",
		disclosure.MinDenominator, disclosure.ReasonDenominator, disclosure.ReasonLinked)
	p("- dans les financements, une ligne de moins de %d dossiers a toutes ses valeurs masquées (`%s`) ;\n",
		disclosure.MinCount, disclosure.ReasonRow)
	p("- secret secondaire (`%s`) : là où un total ou un sous-total est publié (ligne nationale et lignes régionales, total annuel et "+
		"organismes, mois et année…), d'autres cellules, les plus petites, sont masquées jusqu'à ce qu'aucune valeur masquée ne puisse être "+
		"recalculée par soustraction ni par aucune combinaison des totaux publiés, dans ce fichier comme entre les fichiers ; "+
		"ni même cernée de trop près avec ce que chacun sait d'une cellule masquée (jamais négative, au plus %d quand elle est `%s`, "+
		"au moins %d pour un effectif masqué pour une autre raison, au moins 1 pour le nombre de sortants d'une ligne qui existe, ou son nombre de dossiers dans `cout_domaine_nsf.csv`) : "+
		"un effectif `%s` garde au moins %d valeurs possibles, un montant d'une ligne `%s` un intervalle d'au moins %.0f %% de sa valeur.\n\n",
		disclosure.ReasonSecondary, disclosure.MinCount-1, disclosure.ReasonCount, disclosure.MinCount,
		disclosure.ReasonCount, disclosure.MinHiddenWidth+1, disclosure.ReasonRow, 100*disclosure.RowAmountWidth)
	p("Chaque fichier se termine par une colonne `secret` qui donne, pour chaque ligne, les raisons des valeurs masquées " +
		"(vide si rien n'est masqué). Une cellule vide sur une ligne dont `secret` est vide est une valeur qui n'existe pas, " +
		"non une valeur masquée. Sur une ligne où d'autres valeurs sont masquées, `secret` ne dit pas lesquelles : dans " +
		"`financement_dispositif.csv`, la colonne `enveloppe_transmise` dit si une enveloppe a été transmise pour ce financeur, ce dispositif et " +
		"cette année (`O` : une `enveloppe` vide est masquée ; `N` : il n'y en a pas). L'absence d'enveloppe n'est jamais masquée.\n\n")
	p("Aucun fichier ne contient de donnée personnelle : ni NIR, ni pseudonyme, ni date de naissance, ni identifiant de dossier.\n\n")

	p("## Définitions\n\n")
	p("- **Sortant** : un dossier de formation non annulé, avec une entrée et une sortie finale (la dernière sortie non suivie d'une reprise). " +
		"L'unité est la sortie : une personne qui quitte deux formations compte deux fois. Dispositif, organisme et région sont les dernières valeurs transmises.\n")
	p("- **Année de sortie** : l'année du mois de la sortie finale.\n")
	p("- **Observé à k mois** : le mois de sortie + k est couvert par la DSN chargée. Un sortant non observé est exclu du dénominateur, jamais compté sans emploi.\n")
	p("- **En emploi** : au moins un contrat CDI, CDD ou intérim déclaré ce mois-là.\n")
	p("- **Meilleur emploi** du mois : famille de contrat d'abord (CDI, puis CDD, puis intérim), puis le plus d'heures, puis le début le plus récent.\n")
	p("- **Emploi durable** : meilleur emploi en CDI, ou CDD ou intérim d'au moins 6 mois (fin réelle, sinon prévue, moins début).\n")
	p("- **Intervalle de confiance** : intervalle de Wilson à 95 %%.\n\n")

	for _, x := range ps {
		p("### `%s.csv`\n\n%s\n\n", x.file.name, x.file.doc)
		p("| colonne | type | unité | définition |\n|---|---|---|---|\n")
		for _, c := range x.table.Columns {
			p("| `%s` | %s | %s | %s |\n", c.Name, typeFR(c.Type), c.Unit, cell(c.Label+". "+c.Description))
		}
		p("| `secret` | texte | | Raisons des valeurs masquées de la ligne, séparées par « ; » ; vide si rien n'est masqué. |\n")
		p("\n")
	}
	return b.Bytes()
}

func typeFR(t indicators.ColumnType) string {
	switch t {
	case indicators.TypeInteger:
		return "entier"
	case indicators.TypeNumber:
		return "nombre"
	case indicators.TypeYearMonth:
		return "mois (AAAA-MM)"
	case indicators.TypeBoolean:
		return "O ou N"
	default:
		return "texte"
	}
}

func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "/")
	return strings.ReplaceAll(s, "..", ".")
}
