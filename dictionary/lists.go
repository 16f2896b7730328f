package dictionary

// Code is one entry of a reference list: the code partners send and its French label.
type Code struct {
	Code  string `json:"code"`
	Label string `json:"libelle"`
	// Group is a list-specific classification: the funder type for funders, the
	// contract family for DSN contract natures, the NSF domain for NSF groups.
	Group string `json:"groupe,omitempty"`
	// SIRET of a partner funder, where it has one.
	SIRET string `json:"siret,omitempty"`
}

// List is a reference list of dictionary.md section 2.
type List struct {
	Name  string `json:"nom"`
	Label string `json:"libelle"`
	Codes []Code `json:"codes"`
	index map[string]int
}

// Has reports whether code belongs to the list.
func (l *List) Has(code string) bool {
	_, ok := l.Lookup(code)
	return ok
}

// Lookup returns the entry of code.
func (l *List) Lookup(code string) (Code, bool) {
	i, ok := l.index[code]
	if !ok {
		return Code{}, false
	}
	return l.Codes[i], true
}

// Label returns the French label of code, or the code itself when unknown.
func (l *List) LabelOf(code string) string {
	if c, ok := l.Lookup(code); ok {
		return c.Label
	}
	return code
}

func newList(name, label string, codes []Code) *List {
	l := &List{Name: name, Label: label, Codes: codes, index: make(map[string]int, len(codes))}
	for i, c := range codes {
		if _, dup := l.index[c.Code]; dup {
			panic("dictionary: duplicate code " + c.Code + " in " + name)
		}
		l.index[c.Code] = i
	}
	return l
}

// Schemes (dispositifs), section 2.1.
var Dispositifs = newList("dispositifs", "Dispositifs de formation", []Code{
	{Code: "CPF", Label: "Compte personnel de formation"},
	{Code: "CPF_TP", Label: "CPF de transition professionnelle"},
	{Code: "PRF", Label: "Programme régional de formation"},
	{Code: "HSP", Label: "Habilitation de service public (Région)"},
	{Code: "AIR", Label: "Aide individuelle régionale"},
	{Code: "AIF", Label: "Aide individuelle à la formation (France Travail)"},
	{Code: "AFC", Label: "Action de formation conventionnée"},
	{Code: "AFPR", Label: "Action de formation préalable au recrutement"},
	{Code: "POEI", Label: "Préparation opérationnelle à l'emploi individuelle"},
	{Code: "POEC", Label: "Préparation opérationnelle à l'emploi collective"},
	{Code: "CSP", Label: "Contrat de sécurisation professionnelle"},
	{Code: "PRO", Label: "Contrat de professionnalisation"},
	{Code: "PROA", Label: "Reconversion ou promotion par alternance (Pro-A)"},
	{Code: "APP", Label: "Apprentissage"},
	{Code: "PDC", Label: "Plan de développement des compétences"},
	{Code: "FNE", Label: "FNE-Formation"},
	{Code: "AGEFIPH", Label: "Formation financée par l'Agefiph"},
	{Code: "VAE", Label: "Validation des acquis de l'expérience"},
	{Code: "BC", Label: "Bilan de compétences"},
	{Code: "PREPA", Label: "Prépa compétences"},
})

// Regions (COG codes), section 2.3.
var Regions = newList("regions", "Régions (code officiel géographique)", []Code{
	{Code: "01", Label: "Guadeloupe"},
	{Code: "02", Label: "Martinique"},
	{Code: "03", Label: "Guyane"},
	{Code: "04", Label: "La Réunion"},
	{Code: "06", Label: "Mayotte"},
	{Code: "11", Label: "Île-de-France"},
	{Code: "24", Label: "Centre-Val de Loire"},
	{Code: "27", Label: "Bourgogne-Franche-Comté"},
	{Code: "28", Label: "Normandie"},
	{Code: "32", Label: "Hauts-de-France"},
	{Code: "44", Label: "Grand Est"},
	{Code: "52", Label: "Pays de la Loire"},
	{Code: "53", Label: "Bretagne"},
	{Code: "75", Label: "Nouvelle-Aquitaine"},
	{Code: "76", Label: "Occitanie"},
	{Code: "84", Label: "Auvergne-Rhône-Alpes"},
	{Code: "93", Label: "Provence-Alpes-Côte d'Azur"},
	{Code: "94", Label: "Corse"},
})

// regionsIn holds the locative phrase of the regions that do not take « en »:
// islands named with an article or without one take « à », regions whose
// name carries an article take « dans le » or « dans les ».
var regionsIn = map[string]string{
	"04": "à La Réunion",
	"06": "à Mayotte",
	"32": "dans les Hauts-de-France",
	"44": "dans le Grand Est",
	"52": "dans les Pays de la Loire",
}

// RegionIn returns the French locative phrase of region code, as it reads
// after a verb or a date: « en Bretagne », « à Mayotte », « dans le Grand
// Est ». A region not listed in regionsIn takes « en » before its label; an
// unknown code gives « en » before the code itself. The phrase is lower-case:
// a sentence that begins with it capitalises its first letter.
func RegionIn(code string) string {
	if s, ok := regionsIn[code]; ok {
		return s
	}
	return "en " + Regions.LabelOf(code)
}

// Funder types, section 2.2.
const (
	FunderRegion         = "REGION"
	FunderFranceTravail  = "FRANCE_TRAVAIL"
	FunderCDC            = "CDC"
	FunderOPCO           = "OPCO"
	FunderTransitionsPro = "TRANSITIONS_PRO"
	FunderEtat           = "ETAT"
	FunderAgefiph        = "AGEFIPH"
	FunderAutre          = "AUTRE"
)

var opcoNames = []string{
	"AFDAS", "Atlas", "Uniformation", "OPCO 2i", "Constructys", "OPCO Mobilités",
	"Ocapiat", "Akto", "OPCO EP", "OPCO Santé", "L'Opcommerce",
}

// Financeurs (funders), section 2.2. Partner SIRETs are fictitious but valid
// (Luhn) placeholders: a deployment replaces them with the partners' real ones.
var Financeurs = newList("financeurs", "Financeurs", funders())

func funders() []Code {
	var cs []Code
	n := 0
	add := func(code, label, typ string, partner bool) {
		c := Code{Code: code, Label: label, Group: typ}
		if partner {
			n++
			c.SIRET = fictitiousSIRET(100000000 + n*7919)
		}
		cs = append(cs, c)
	}
	for _, r := range Regions.Codes {
		add("REG-"+r.Code, "Région "+r.Label, FunderRegion, true)
	}
	add("FT", "France Travail", FunderFranceTravail, true)
	add("CDC", "Caisse des Dépôts (CPF)", FunderCDC, true)
	for i, name := range opcoNames {
		add(opcoCode(i+1), name, FunderOPCO, true)
	}
	for _, r := range Regions.Codes {
		add("TP-"+r.Code, "Transitions Pro "+r.Label, FunderTransitionsPro, true)
	}
	add("ETAT", "État", FunderEtat, true)
	add("AGEFIPH", "Agefiph", FunderAgefiph, true)
	add("ENT", "Employeur", FunderAutre, false)
	add("IND", "Stagiaire (autofinancement)", FunderAutre, false)
	return cs
}

func opcoCode(i int) string {
	return "OPCO-" + string(rune('0'+i/10)) + string(rune('0'+i%10))
}

// Situations before entry, section 2.4.
var Situations = newList("situations_avant", "Situation avant l'entrée en formation", []Code{
	{Code: "DE", Label: "Demandeur d'emploi"},
	{Code: "SAL", Label: "Salarié"},
	{Code: "IND", Label: "Travailleur indépendant"},
	{Code: "ETU", Label: "Élève ou étudiant"},
	{Code: "INA", Label: "Inactif"},
	{Code: "AUT", Label: "Autre ou inconnue"},
})

// Exit reasons, section 2.5.
var MotifsSortie = newList("motifs_sortie", "Motifs de sortie", []Code{
	{Code: "FIN", Label: "Formation menée à son terme"},
	{Code: "ABANDON", Label: "Abandon"},
	{Code: "EMPLOI", Label: "Sortie anticipée pour un emploi"},
	{Code: "EXCLUSION", Label: "Exclusion"},
	{Code: "AUTRE", Label: "Autre motif"},
})

// Event types, section 1.2.
var TypesEvenement = newList("types_evenement", "Types d'événement", []Code{
	{Code: "ENTREE", Label: "Entrée en formation"},
	{Code: "INTERRUPTION", Label: "Interruption"},
	{Code: "REPRISE", Label: "Reprise après interruption"},
	{Code: "SORTIE", Label: "Sortie de formation"},
	{Code: "ANNULATION", Label: "Annulation du dossier"},
})

// Cost types, section 1.3.
var TypesCout = newList("types_cout", "Types de coût", []Code{
	{Code: "PEDAGOGIQUE", Label: "Coûts pédagogiques"},
	{Code: "REMUNERATION", Label: "Rémunération du stagiaire"},
	{Code: "ANNEXE", Label: "Frais annexes (transport, hébergement, restauration)"},
})

// Sexes, section 1.1.
var Sexes = newList("sexes", "Sexe", []Code{
	{Code: "1", Label: "Homme"},
	{Code: "2", Label: "Femme"},
})

// Contract families, section 2.6.
const (
	FamilyCDI     = "CDI"
	FamilyCDD     = "CDD"
	FamilyInterim = "INTERIM"
	FamilyNone    = "HORS_EMPLOI"
)

// NaturesContrat are the DSN contract natures (S21.G00.40.007) with their family, section 2.6.
var NaturesContrat = newList("natures_contrat", "Nature du contrat (DSN S21.G00.40.007)", []Code{
	{Code: "01", Label: "Contrat à durée indéterminée de droit privé", Group: FamilyCDI},
	{Code: "02", Label: "Contrat à durée déterminée de droit privé", Group: FamilyCDD},
	{Code: "03", Label: "Contrat de mission (contrat de travail temporaire)", Group: FamilyInterim},
	{Code: "07", Label: "Contrat à durée indéterminée intermittent", Group: FamilyCDI},
	{Code: "08", Label: "Contrat à durée indéterminée intérimaire", Group: FamilyCDI},
	{Code: "09", Label: "Contrat à durée indéterminée de droit public", Group: FamilyCDI},
	{Code: "10", Label: "Contrat à durée déterminée de droit public", Group: FamilyCDD},
	{Code: "20", Label: "Détachement d'un salarié expatrié", Group: FamilyNone},
	{Code: "21", Label: "Détachement d'un salarié en France", Group: FamilyNone},
	{Code: "29", Label: "Convention de stage", Group: FamilyNone},
	{Code: "32", Label: "Contrat d'appui au projet d'entreprise (CAPE)", Group: FamilyNone},
	{Code: "50", Label: "Nomination (fonctionnaire)", Group: FamilyCDI},
	{Code: "60", Label: "Contrat d'engagement éducatif", Group: FamilyNone},
	{Code: "70", Label: "Contrat de soutien et d'aide par le travail", Group: FamilyNone},
	{Code: "80", Label: "Mandat social", Group: FamilyNone},
	{Code: "81", Label: "Mandat d'élu", Group: FamilyNone},
	{Code: "82", Label: "Contrat à durée indéterminée de chantier ou d'opération", Group: FamilyCDI},
	{Code: "89", Label: "Volontariat de service civique", Group: FamilyNone},
	{Code: "90", Label: "Autre nature de contrat", Group: FamilyNone},
	{Code: "91", Label: "Contrat à durée indéterminée maritime", Group: FamilyCDI},
	{Code: "92", Label: "Contrat à durée déterminée maritime", Group: FamilyCDD},
	{Code: "93", Label: "Ligne de service", Group: FamilyCDD},
})

// ContractFamily returns the family (CDI, CDD, INTERIM or HORS_EMPLOI) of a DSN
// contract nature, and false when the nature is unknown.
func ContractFamily(nature string) (string, bool) {
	c, ok := NaturesContrat.Lookup(nature)
	return c.Group, ok
}

// Lists returns every reference list, in the dictionary's order.
func Lists() []*List {
	return []*List{Dispositifs, Financeurs, Regions, Situations, MotifsSortie, TypesEvenement, TypesCout, Sexes, NaturesContrat}
}
