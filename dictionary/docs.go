package dictionary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Version is the version of the data dictionary implemented here.
const Version = "1"

// Markdown renders the whole dictionary (feeds, constraints, lake datasets,
// reference lists, quarantine rules) as the French Markdown page docs/dictionnaire.md.
func Markdown() []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Dictionnaire des données agora (version %s)\n\n", Version)
	p("Page générée par `agora dictionnaire` à partir du code (paquet `dictionary`) : ne pas la modifier à la main.\n\n")
	p("## Règles communes des livraisons CSV\n\n")
	p("- Première ligne : les noms de colonnes ci-dessous, dans n'importe quel ordre ; une colonne inconnue est ignorée et signalée ; une colonne obligatoire absente fait rejeter tout le fichier.\n")
	p("- Séparateur `;`, guillemets `\"` possibles ; encodage UTF-8 (avec ou sans BOM) ou Windows-1252 ; fins de ligne LF ou CRLF.\n")
	p("- Dates `AAAA-MM-JJ` ou `JJ/MM/AAAA` ; horodatages `AAAA-MM-JJTHH:MM:SS` (UTC) ; montants avec `.` ou `,` comme marque décimale, sans séparateur de milliers.\n")
	p("- Un champ vide signifie « inconnu », jamais zéro. Une ligne qui enfreint une règle va en quarantaine avec le code de la règle ; le reste du fichier est chargé.\n\n")
	for _, f := range Feeds() {
		p("## Flux `%s` — %s\n\n%s\n\n", f.Name, f.Label, f.Doc)
		p("| colonne | type | obligatoire | règle |\n|---|---|---|---|\n")
		for _, c := range f.Columns {
			req := "non"
			if c.Required {
				req = "oui"
			}
			p("| %s | %s | %s | %s |\n", c.Name, c.typeText(), req, c.Doc)
		}
		p("\nClé : (%s).\n", strings.Join(f.Key, ", "))
		if len(f.Constraints) > 0 {
			p("\nContrôles entre colonnes :\n\n")
			for _, k := range f.Constraints {
				p("- %s (`%s` sur `%s`)\n", k.Doc, k.Rule, k.Column)
			}
		}
		p("\n")
	}
	p("## Déclarations DSN au format NEODeS\n\n")
	p("Une rubrique par ligne, `CODE,'valeur'` ; une déclaration par fichier (un établissement, un mois). ")
	p("Pour un même établissement et un même mois, la dernière déclaration (date du fichier, puis numéro d'ordre) l'emporte ; ")
	p("une annulation (type 04) laisse le mois sans données. Chaque salarié × contrat de la déclaration retenue donne une ligne `dsn_extrait`.\n\n")
	p("## Jeux de données du lac\n\n")
	p("Chaque flux est chargé dans le jeu de données du même nom (Parquet, partitions Hive), le NIR remplacé par son pseudonyme.\n\n")
	schemas := LakeSchemas()
	for _, name := range LakeDatasets() {
		p("### `%s`\n\n| colonne | type DuckDB | description |\n|---|---|---|\n", name)
		for _, c := range schemas[name] {
			p("| %s | %s | %s |\n", c.Name, c.Type, c.Doc)
		}
		p("\n")
	}
	p("## Listes de référence\n\n")
	for _, l := range Lists() {
		p("### %s (`%s`)\n\n", l.Label, l.Name)
		hasGroup, hasSIRET := false, false
		for _, c := range l.Codes {
			hasGroup = hasGroup || c.Group != ""
			hasSIRET = hasSIRET || c.SIRET != ""
		}
		head, sep := "| code | libellé", "|---|---"
		if hasGroup {
			head, sep = head+" | groupe", sep+"|---"
		}
		if hasSIRET {
			head, sep = head+" | SIRET (fictif)", sep+"|---"
		}
		p("%s |\n%s|\n", head, sep)
		for _, c := range l.Codes {
			row := "| " + c.Code + " | " + c.Label
			if hasGroup {
				row += " | " + c.Group
			}
			if hasSIRET {
				row += " | " + c.SIRET
			}
			p("%s |\n", row)
		}
		p("\n")
	}
	p("## Règles de quarantaine\n\n| code | règle | correction | fichier entier |\n|---|---|---|---|\n")
	for _, r := range Rules {
		whole := ""
		if r.WholeFile {
			whole = "oui"
		}
		p("| %s | %s | %s | %s |\n", r.Code, r.Label, r.Fix, whole)
	}
	return b.Bytes()
}

func (c Column) typeText() string {
	switch c.Kind {
	case CodeKind:
		return "code (liste `" + c.List.Name + "`)"
	case Text:
		if c.MaxLen > 0 {
			return fmt.Sprintf("texte (1 à %d caractères)", c.MaxLen)
		}
	case Integer:
		return fmt.Sprintf("entier (%g à %g)", c.Min, c.Max)
	case Pattern:
		return "motif `" + strings.ReplaceAll(c.Regexp.String(), "|", `\|`) + "`"
	}
	return c.Kind.String()
}

// LakeDatasets returns the lake dataset names in a stable order.
func LakeDatasets() []string {
	var names []string
	for _, f := range Feeds() {
		names = append(names, f.Name)
	}
	return append(names, "dsn_declarations", "quarantaine")
}

// TableSchema returns the Table Schema (frictionless, https://specs.frictionlessdata.io/table-schema/)
// of a CSV feed as indented JSON.
func TableSchema(f *Feed) []byte {
	type constraints struct {
		Required  bool     `json:"required,omitempty"`
		Enum      []string `json:"enum,omitempty"`
		Pattern   string   `json:"pattern,omitempty"`
		Minimum   *float64 `json:"minimum,omitempty"`
		Maximum   *float64 `json:"maximum,omitempty"`
		MaxLength int      `json:"maxLength,omitempty"`
	}
	type field struct {
		Name        string       `json:"name"`
		Type        string       `json:"type"`
		Format      string       `json:"format,omitempty"`
		Description string       `json:"description"`
		Constraints *constraints `json:"constraints,omitempty"`
	}
	var fields []field
	for _, c := range f.Columns {
		fd := field{Name: c.Name, Type: "string", Description: c.Doc}
		k := constraints{Required: c.Required, MaxLength: c.MaxLen}
		switch c.Kind {
		case CodeKind:
			for _, code := range c.List.Codes {
				k.Enum = append(k.Enum, code.Code)
			}
		case Flag:
			k.Enum = []string{"O", "N"}
		case Pattern:
			k.Pattern = strings.TrimSuffix(strings.TrimPrefix(c.Regexp.String(), "^"), "$")
		case NIR:
			k.Pattern = "[1278][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8}"
		case SIRET:
			k.Pattern = "[0-9]{14}"
		case Date:
			k.Pattern = `[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}`
		case Timestamp:
			fd.Type, fd.Format = "datetime", "%Y-%m-%dT%H:%M:%S"
		case Month:
			fd.Type = "yearmonth"
		case Integer:
			fd.Type = "integer"
			k.Minimum, k.Maximum = &c.Min, &c.Max
		case Amount, Decimal:
			fd.Type = "number"
			k.Minimum = &c.Min
		}
		if k.Required || k.Enum != nil || k.Pattern != "" || k.Minimum != nil || k.MaxLength > 0 {
			fd.Constraints = &k
		}
		fields = append(fields, fd)
	}
	ts := map[string]any{
		"name":          f.Name,
		"title":         f.Label,
		"description":   f.Doc + " Séparateur « ; », encodage UTF-8 ou Windows-1252, décimales « . » ou « , ».",
		"fields":        fields,
		"primaryKey":    f.Key,
		"missingValues": []string{""},
	}
	out, err := json.MarshalIndent(ts, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(out, '\n')
}
