package dictionary

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Kind is the type of a column as partners write it.
type Kind int

const (
	Text      Kind = iota // free text, 1..MaxLen characters
	CodeKind              // a code of a reference list
	NIR                   // social security or temporary number (pseudonymised on landing)
	SIRET                 // 14-digit establishment number
	Date                  // AAAA-MM-JJ or JJ/MM/AAAA
	Timestamp             // AAAA-MM-JJTHH:MM:SS, UTC
	Month                 // AAAA-MM
	Integer               // whole number, within [Min, Max]
	Amount                // euros, '.' or ',' decimal mark, kept in cents
	Decimal               // decimal number, '.' or ',' decimal mark
	Flag                  // O or N
	Pattern               // text matching a regular expression
)

var kindNames = map[Kind]string{
	Text: "texte", CodeKind: "code", NIR: "nir", SIRET: "siret", Date: "date", Timestamp: "horodatage",
	Month: "mois", Integer: "entier", Amount: "montant", Decimal: "décimal", Flag: "O/N", Pattern: "motif",
}

// String returns the French name of the kind.
func (k Kind) String() string { return kindNames[k] }

// Column describes one column of a feed.
type Column struct {
	Name     string
	Kind     Kind
	Required bool
	MaxLen   int            // Text
	List     *List          // CodeKind
	Min, Max float64        // Integer, Amount, Decimal: bounds (Max 0 = none)
	MinOpen  bool           // Amount: strictly above Min
	Regexp   *regexp.Regexp // Pattern
	Doc      string         // French description
}

// Feed is one kind of delivery (dictionary.md section 1).
type Feed struct {
	Name        string
	Label       string
	Doc         string
	Columns     []Column
	Key         []string // columns identifying a row; a later transmission supersedes
	Constraints []Constraint
	index       map[string]int
}

// Constraint is a rule across columns of one row, such as an end date after a start date.
type Constraint struct {
	Rule   string
	Column string // the column reported as offending
	Doc    string // French description
	broken func(f *Feed, r Record) bool
}

// Value is one parsed field. Null means empty (unknown).
type Value struct {
	Null bool
	Str  string    // Text, CodeKind, NIR (normalised), SIRET, Pattern, Flag
	Int  int64     // Integer; Amount in cents
	Num  float64   // Decimal
	Time time.Time // Date, Timestamp, Month (first day)
}

// Record holds the parsed values of a row, aligned with Feed.Columns.
type Record []Value

// Violation is a broken rule in a row.
type Violation struct {
	Rule   string
	Column string
	Value  string // the offending raw value; masked when the column is a NIR, with NIRFault's reason for BAD_NIR
}

// Index returns the position of a column, or -1.
func (f *Feed) Index(name string) int {
	if i, ok := f.index[name]; ok {
		return i
	}
	return -1
}

// Column returns the column of that name.
func (f *Feed) Column(name string) (Column, bool) {
	i := f.Index(name)
	if i < 0 {
		return Column{}, false
	}
	return f.Columns[i], true
}

// Get returns the value of a named column in r (a zero null value when unknown).
func (f *Feed) Get(r Record, name string) Value {
	i := f.Index(name)
	if i < 0 || i >= len(r) {
		return Value{Null: true}
	}
	return r[i]
}

// Parse validates and parses one row. fields are the raw strings aligned with
// f.Columns (an absent optional column is ""); rec receives the values and is
// reused by the caller between rows. It returns every broken rule; a row with
// at least one violation goes to quarantine.
func (f *Feed) Parse(fields []string, rec Record) (Record, []Violation) {
	rec = rec[:0]
	var vs []Violation
	for i, c := range f.Columns {
		raw := ""
		if i < len(fields) {
			raw = fields[i]
		}
		v, rule := c.Parse(raw)
		if rule != "" {
			shown := raw
			if c.Kind == NIR {
				shown = MaskNIR(raw)
				if rule == RuleBadNIR {
					shown += " (" + NIRFault(raw) + ")"
				}
			}
			if rule == RuleUnknownCode {
				shown = c.caseHint(raw)
			}
			vs = append(vs, Violation{Rule: rule, Column: c.Name, Value: shown})
		}
		rec = append(rec, v)
	}
	if len(vs) > 0 {
		return rec, vs
	}
	for _, k := range f.Constraints {
		if k.broken(f, rec) {
			i := f.Index(k.Column)
			raw := ""
			if i < len(fields) {
				raw = fields[i]
			}
			vs = append(vs, Violation{Rule: k.Rule, Column: k.Column, Value: raw})
		}
	}
	return rec, vs
}

// caseHint returns raw, or, when raw is a code of c written in lower case
// (« prf »), a hint naming the code: the dictionary fixes the codes in upper
// case, so the row stays in quarantine, but the partner sees the fix.
func (c Column) caseHint(raw string) string {
	v := strings.TrimSpace(raw)
	up := strings.ToUpper(v)
	if up == v {
		return raw
	}
	if _, rule := c.Parse(up); rule != "" {
		return raw
	}
	return "« " + v + " » : vouliez-vous dire « " + up + " » ? (les codes s'écrivent en majuscules)"
}

// Parse validates one raw field and returns its value, or the code of the broken rule.
func (c Column) Parse(raw string) (Value, string) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		if c.Required {
			return Value{Null: true}, RuleMissingValue
		}
		return Value{Null: true}, ""
	}
	switch c.Kind {
	case Text:
		if c.MaxLen > 0 && len([]rune(raw)) > c.MaxLen {
			return Value{}, RuleOutOfRange
		}
		return Value{Str: raw}, ""
	case CodeKind:
		if !c.List.Has(raw) {
			return Value{}, RuleUnknownCode
		}
		return Value{Str: raw}, ""
	case NIR:
		n := NormalizeNIR(raw)
		if !ValidNIR(n) {
			return Value{}, RuleBadNIR
		}
		return Value{Str: n}, ""
	case SIRET:
		if !ValidSIRET(raw) {
			return Value{}, RuleBadSIRET
		}
		return Value{Str: raw}, ""
	case Date:
		t, err := ParseDate(raw)
		if err != nil {
			return Value{}, RuleBadDate
		}
		return Value{Time: t}, ""
	case Timestamp:
		t, err := ParseTimestamp(raw)
		if err != nil {
			return Value{}, RuleBadDate
		}
		return Value{Time: t}, ""
	case Month:
		t, err := ParseMonth(raw)
		if err != nil {
			return Value{}, RuleBadDate
		}
		return Value{Time: t}, ""
	case Integer:
		n, err := ParseInteger(raw)
		if err != nil {
			return Value{}, RuleBadNumber
		}
		if float64(n) < c.Min || (c.Max > 0 && float64(n) > c.Max) {
			return Value{}, RuleOutOfRange
		}
		return Value{Int: n}, ""
	case Amount:
		n, err := ParseAmount(raw)
		if err != nil {
			return Value{}, RuleBadNumber
		}
		eur := float64(n) / 100
		if eur < c.Min || (c.MinOpen && eur <= c.Min) || (c.Max > 0 && eur > c.Max) {
			return Value{}, RuleOutOfRange
		}
		return Value{Int: n}, ""
	case Decimal:
		x, err := ParseDecimal(raw)
		if err != nil {
			return Value{}, RuleBadNumber
		}
		if x < c.Min || (c.Max > 0 && x > c.Max) {
			return Value{}, RuleOutOfRange
		}
		return Value{Num: x}, ""
	case Flag:
		if raw != "O" && raw != "N" {
			return Value{}, RuleUnknownCode
		}
		return Value{Str: raw}, ""
	case Pattern:
		if !c.Regexp.MatchString(raw) {
			return Value{}, RuleBadFormat
		}
		return Value{Str: raw}, ""
	}
	return Value{}, RuleBadFormat
}

// Feeds lists every CSV feed in the dictionary's order.
func Feeds() []*Feed { return []*Feed{Dossiers, Evenements, Financements, Enveloppes, DSNExtrait} }

// FeedByName returns the feed of that name.
func FeedByName(name string) (*Feed, bool) {
	for _, f := range Feeds() {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// DetectFeed finds the feed of a CSV file from its header: the feed whose required
// columns are all present, preferring the one that explains the most columns.
func DetectFeed(header []string) (*Feed, error) {
	have := make(map[string]bool, len(header))
	for _, h := range header {
		have[strings.TrimSpace(h)] = true
	}
	var best *Feed
	bestScore := -1
	for _, f := range Feeds() {
		score := 0
		complete := true
		for _, c := range f.Columns {
			if have[c.Name] {
				score++
			} else if c.Required {
				complete = false
			}
		}
		if complete && score > bestScore {
			best, bestScore = f, score
		}
	}
	if best == nil {
		return nil, fmt.Errorf("en-tête non reconnu : aucun flux du dictionnaire (dossiers, evenements, financements, enveloppes, dsn_extrait) n'a toutes ses colonnes obligatoires dans « %s » ; vérifiez la première ligne du fichier ou forcez le flux avec --feed", strings.Join(header, ";"))
	}
	return best, nil
}

func newFeed(f *Feed) *Feed {
	f.index = make(map[string]int, len(f.Columns))
	for i, c := range f.Columns {
		f.index[c.Name] = i
	}
	for _, k := range f.Key {
		if f.Index(k) < 0 {
			panic("dictionary: key column " + k + " not in " + f.Name)
		}
	}
	return f
}

var (
	reFormacode     = regexp.MustCompile(`^[0-9]{5}$`)
	reNSF           = regexp.MustCompile(`^[0-9]{3}$`)
	reCertification = regexp.MustCompile(`^(RNCP|RS)[0-9]{1,6}$`)
	reNAF           = regexp.MustCompile(`^[0-9]{4}[A-Z]$`)
)

func col(name string, kind Kind, required bool, doc string) Column {
	return Column{Name: name, Kind: kind, Required: required, Doc: doc}
}

func code(name string, l *List, required bool, doc string) Column {
	return Column{Name: name, Kind: CodeKind, List: l, Required: required, Doc: doc}
}

func before(f *Feed, r Record, a, b string) bool {
	va, vb := f.Get(r, a), f.Get(r, b)
	return !va.Null && !vb.Null && vb.Time.Before(va.Time)
}

// Dossiers is feed 1.1: one row per training dossier.
var Dossiers = newFeed(&Feed{
	Name:  "dossiers",
	Label: "Dossiers de formation",
	Doc:   "Une ligne par dossier de formation, telle que connue à date_transmission ; une transmission ultérieure du même dossier remplace la précédente.",
	Columns: []Column{
		{Name: "id_dossier", Kind: Text, Required: true, MaxLen: 50, Doc: "Identifiant du dossier chez l'émetteur (1 à 50 caractères)"},
		code("code_financeur", Financeurs, true, "Partenaire émetteur ; la clé d'un dossier est (code_financeur, id_dossier)"),
		col("nir", NIR, true, "NIR ou numéro temporaire (15 caractères, clé de contrôle) ; pseudonymisé dès l'arrivée"),
		code("sexe", Sexes, true, "1 homme, 2 femme"),
		col("date_naissance", Date, true, "Date de naissance ; âge à l'entrée entre 15 et 80 ans"),
		code("situation_avant", Situations, true, "Situation juste avant l'entrée"),
		code("code_dispositif", Dispositifs, true, "Dispositif de formation"),
		col("siret_of", SIRET, true, "SIRET de l'organisme de formation"),
		{Name: "formacode", Kind: Pattern, Regexp: reFormacode, Required: true, Doc: "Formacode (5 chiffres) : contenu de la formation"},
		{Name: "code_nsf", Kind: Pattern, Regexp: reNSF, Required: true, Doc: "Spécialité de formation NSF (3 chiffres)"},
		{Name: "code_certification", Kind: Pattern, Regexp: reCertification, Doc: "Certification visée : RNCP ou RS suivi de chiffres, vide si aucune"},
		code("region_formation", Regions, true, "Région où se déroule la formation (COG)"),
		{Name: "heures_prevues", Kind: Integer, Required: true, Min: 1, Max: 4000, Doc: "Durée prévue en heures (1 à 4000)"},
		col("date_debut_prevue", Date, true, "Date de début prévue"),
		col("date_fin_prevue", Date, true, "Date de fin prévue, postérieure ou égale au début"),
		col("date_transmission", Timestamp, true, "Horodatage de la transmission (UTC)"),
	},
	Key: []string{"code_financeur", "id_dossier"},
	Constraints: []Constraint{
		{Rule: RuleOutOfRange, Column: "date_fin_prevue", Doc: "date_fin_prevue ≥ date_debut_prevue",
			broken: func(f *Feed, r Record) bool { return before(f, r, "date_debut_prevue", "date_fin_prevue") }},
		{Rule: RuleOutOfRange, Column: "date_naissance", Doc: "âge à la date de début prévue entre 15 et 80 ans",
			broken: func(f *Feed, r Record) bool {
				age := AgeAt(f.Get(r, "date_naissance").Time, f.Get(r, "date_debut_prevue").Time)
				return age < 15 || age > 80
			}},
	},
})

// Evenements is feed 1.2: entries, interruptions and exits.
var Evenements = newFeed(&Feed{
	Name:  "evenements",
	Label: "Événements des dossiers",
	Doc:   "Entrées, interruptions, reprises, sorties et annulations ; le même événement (dossier, type, date) renvoyé remplace la copie précédente.",
	Columns: []Column{
		{Name: "id_dossier", Kind: Text, Required: true, MaxLen: 50, Doc: "Identifiant du dossier chez l'émetteur"},
		code("code_financeur", Financeurs, true, "Émetteur du dossier"),
		code("type_evenement", TypesEvenement, true, "ENTREE, INTERRUPTION, REPRISE, SORTIE ou ANNULATION"),
		col("date_evenement", Date, true, "Date de l'événement, pas après date_transmission"),
		code("motif_sortie", MotifsSortie, false, "Motif de sortie : obligatoire pour une SORTIE, vide sinon"),
		col("certification_obtenue", Flag, false, "O, N ou vide ; seulement sur une SORTIE"),
		col("date_transmission", Timestamp, true, "Horodatage de la transmission (UTC)"),
	},
	Key: []string{"code_financeur", "id_dossier", "type_evenement", "date_evenement"},
	Constraints: []Constraint{
		{Rule: RuleOutOfRange, Column: "date_evenement", Doc: "date_evenement ≤ date de date_transmission",
			broken: func(f *Feed, r Record) bool {
				d, t := f.Get(r, "date_evenement"), f.Get(r, "date_transmission")
				return !d.Null && !t.Null && d.Time.After(t.Time)
			}},
		{Rule: RuleMissingValue, Column: "motif_sortie", Doc: "motif_sortie obligatoire quand type_evenement = SORTIE",
			broken: func(f *Feed, r Record) bool {
				return f.Get(r, "type_evenement").Str == "SORTIE" && f.Get(r, "motif_sortie").Null
			}},
		{Rule: RuleOutOfRange, Column: "motif_sortie", Doc: "motif_sortie vide quand type_evenement ≠ SORTIE",
			broken: func(f *Feed, r Record) bool {
				return f.Get(r, "type_evenement").Str != "SORTIE" && !f.Get(r, "motif_sortie").Null
			}},
		{Rule: RuleOutOfRange, Column: "certification_obtenue", Doc: "certification_obtenue seulement sur une SORTIE",
			broken: func(f *Feed, r Record) bool {
				return f.Get(r, "type_evenement").Str != "SORTIE" && !f.Get(r, "certification_obtenue").Null
			}},
	},
})

// Financements is feed 1.3: money committed and spent on a dossier.
var Financements = newFeed(&Feed{
	Name:  "financements",
	Label: "Financements des dossiers",
	Doc:   "Montants engagés et réalisés par financeur et type de coût ; la dernière transmission de (dossier, financeur, type_cout) l'emporte.",
	Columns: []Column{
		{Name: "id_dossier", Kind: Text, Required: true, MaxLen: 50, Doc: "Identifiant du dossier chez son émetteur"},
		code("code_financeur_dossier", Financeurs, true, "Émetteur du dossier"),
		code("code_financeur", Financeurs, true, "Qui paie cette ligne ; plusieurs financeurs sur un dossier = cofinancement"),
		code("type_cout", TypesCout, true, "PEDAGOGIQUE, REMUNERATION ou ANNEXE"),
		{Name: "montant_engage", Kind: Amount, Required: true, Min: 0, Doc: "Montant engagé en euros (≥ 0)"},
		col("date_engagement", Date, true, "Date de l'engagement"),
		{Name: "montant_realise", Kind: Amount, Min: 0, Doc: "Montant payé en euros (≥ 0) ; vide = pas encore payé"},
		col("date_realisation", Date, false, "Date du paiement ; obligatoire quand montant_realise est renseigné"),
		col("date_transmission", Timestamp, true, "Horodatage de la transmission (UTC)"),
	},
	Key: []string{"code_financeur_dossier", "id_dossier", "code_financeur", "type_cout"},
	Constraints: []Constraint{
		{Rule: RuleMissingValue, Column: "date_realisation", Doc: "date_realisation obligatoire quand montant_realise est renseigné",
			broken: func(f *Feed, r Record) bool {
				return !f.Get(r, "montant_realise").Null && f.Get(r, "date_realisation").Null
			}},
	},
})

// Enveloppes is feed 1.4: budget envelopes.
var Enveloppes = newFeed(&Feed{
	Name:  "enveloppes",
	Label: "Enveloppes budgétaires",
	Doc:   "Enveloppe annuelle d'un financeur pour un dispositif ; la dernière transmission l'emporte.",
	Columns: []Column{
		code("code_financeur", Financeurs, true, "Financeur"),
		code("code_dispositif", Dispositifs, true, "Dispositif"),
		{Name: "annee", Kind: Integer, Required: true, Min: 2000, Max: 2100, Doc: "Année budgétaire"},
		{Name: "montant", Kind: Amount, Required: true, Min: 0, MinOpen: true, Doc: "Montant de l'enveloppe en euros (> 0)"},
		col("date_transmission", Timestamp, true, "Horodatage de la transmission (UTC)"),
	},
	Key: []string{"code_financeur", "code_dispositif", "annee"},
})

// DSNExtrait is feed 1.5: DSN reduced to one row per person, month and contract.
var DSNExtrait = newFeed(&Feed{
	Name:  "dsn_extrait",
	Label: "Extrait DSN (une ligne par personne, mois et contrat)",
	Doc:   "DSN déjà réduite à une ligne par personne, mois et contrat ; les déclarations NEODeS sont chargées dans le même jeu de données.",
	Columns: []Column{
		col("nir", NIR, true, "NIR du salarié ; pseudonymisé dès l'arrivée"),
		col("mois", Month, true, "Mois déclaré (AAAA-MM)"),
		col("siret_employeur", SIRET, true, "SIRET de l'établissement employeur"),
		{Name: "code_naf", Kind: Pattern, Regexp: reNAF, Required: true, Doc: "Activité de l'employeur, NAF rév. 2 (ex. 4711D)"},
		code("nature_contrat", NaturesContrat, true, "Nature du contrat (S21.G00.40.007)"),
		col("date_debut_contrat", Date, true, "Date de début du contrat"),
		col("date_fin_prevue", Date, false, "Date de fin prévue, vide si aucune"),
		col("date_fin_reelle", Date, false, "Date de fin effective, vide si le contrat court"),
		{Name: "heures_mois", Kind: Decimal, Min: 0, Doc: "Heures payées dans le mois (≥ 0), vide si inconnu"},
		{Name: "id_contrat", Kind: Text, Required: true, MaxLen: 50, Doc: "Numéro du contrat ; clé = (siret_employeur, id_contrat, date_debut_contrat)"},
	},
	Key: []string{"mois", "siret_employeur", "id_contrat", "date_debut_contrat"},
})

// AgeAt returns the age in whole years on day d of someone born on birth.
func AgeAt(birth, d time.Time) int {
	age := d.Year() - birth.Year()
	if d.Month() < birth.Month() || (d.Month() == birth.Month() && d.Day() < birth.Day()) {
		age--
	}
	return age
}
