package indicators

import (
	"regexp"

	"github.com/agora-formation/agora/dictionary"
)

// Dimension ids.
const (
	dimAnnee         = "annee"
	dimAnneeSortie   = "annee_sortie"
	dimTrimestre     = "trimestre"
	dimMois          = "mois"
	dimDispositif    = "dispositif"
	dimRegion        = "region"
	dimOrganisme     = "organisme"
	dimFinanceur     = "financeur"
	dimTypeFinanceur = "type_financeur"
	dimSexe          = "sexe"
	dimTrancheAge    = "tranche_age"
	dimCertification = "certification"
	dimSituation     = "situation_avant"
	dimMotif         = "motif_sortie"
	dimSituation6m   = "situation_6m"
	dimDomaineNSF    = "domaine_nsf"
)

// unknown is the value the marts write for an unknown grouping value.
const unknown = "INCONNU"

func fromList(l *dictionary.List, extra ...Value) []Value {
	out := make([]Value, 0, len(l.Codes)+len(extra))
	for _, c := range l.Codes {
		out = append(out, Value{Code: c.Code, Label: c.Label})
	}
	return append(out, extra...)
}

func listCheck(vs []Value) func(string) bool {
	set := make(map[string]bool, len(vs))
	for _, v := range vs {
		set[v.Code] = true
	}
	return func(s string) bool { return set[s] }
}

func formatCheck(re string) func(string) bool {
	r := regexp.MustCompile(re)
	return func(s string) bool { return r.MatchString(s) }
}

func closed(id, label, def string, vs []Value) Dimension {
	return Dimension{ID: id, Label: label, Definition: def, Values: vs, check: listCheck(vs)}
}

func open(id, label, def, format, re string) Dimension {
	return Dimension{ID: id, Label: label, Definition: def, Format: format, check: formatCheck(re)}
}

var unknownValue = Value{Code: unknown, Label: "Inconnu"}

// funderTypes are the funder types of dictionary.md 2.2.
var funderTypes = []Value{
	{dictionary.FunderRegion, "Région"},
	{dictionary.FunderFranceTravail, "France Travail"},
	{dictionary.FunderCDC, "Caisse des Dépôts (CPF)"},
	{dictionary.FunderOPCO, "Opérateur de compétences (OPCO)"},
	{dictionary.FunderTransitionsPro, "Transitions Pro"},
	{dictionary.FunderEtat, "État"},
	{dictionary.FunderAgefiph, "Agefiph"},
	{dictionary.FunderAutre, "Autre (employeur, stagiaire)"},
	unknownValue,
}

func dimensions() []Dimension {
	return []Dimension{
		open(dimAnnee, "Année",
			"Année de sortie de formation pour les indicateurs d'insertion ; année d'engagement (date_engagement) pour les indicateurs de financement.",
			"année sur 4 chiffres, par exemple 2024", `^[0-9]{4}$`),
		open(dimAnneeSortie, "Année de sortie",
			"Année de sortie de formation, pour les indicateurs de financement dont « annee » est l'année d'engagement : "+
				"ventilés ou filtrés par organisme, ils ne sont publiés que par année de sortie (dossiers sortis cette année-là, "+
				"quelle que soit l'année d'engagement).",
			"année sur 4 chiffres, par exemple 2024", `^[0-9]{4}$`),
		closed(dimTrimestre, "Trimestre de sortie", "Trimestre civil (1 à 4) du mois de la sortie finale.",
			[]Value{{"1", "1er trimestre"}, {"2", "2e trimestre"}, {"3", "3e trimestre"}, {"4", "4e trimestre"}}),
		open(dimMois, "Mois", "Mois civil des entrées, sorties et effectifs en formation.",
			"AAAA-MM, par exemple 2024-03", `^[0-9]{4}-(0[1-9]|1[0-2])$`),
		closed(dimDispositif, "Dispositif", "Dispositif de formation du dossier (dernière transmission).",
			fromList(dictionary.Dispositifs)),
		closed(dimRegion, "Région", "Région de formation (code officiel géographique).", fromList(dictionary.Regions)),
		open(dimOrganisme, "Organisme de formation", "Organisme de formation, identifié par le SIRET de l'établissement.",
			"SIRET sur 14 chiffres", `^[0-9]{14}$`),
		closed(dimFinanceur, "Financeur",
			"Financeur : émetteur du dossier pour l'insertion ; financeur qui paie la ligne pour les financements.",
			fromList(dictionary.Financeurs)),
		closed(dimTypeFinanceur, "Type de financeur", "Type du financeur (Région, France Travail, OPCO…).", funderTypes),
		closed(dimSexe, "Sexe", "Sexe de la personne.", fromList(dictionary.Sexes)),
		closed(dimTrancheAge, "Tranche d'âge", "Âge à l'entrée en formation.",
			[]Value{{"<26", "Moins de 26 ans"}, {"26-44", "26 à 44 ans"}, {"45+", "45 ans ou plus"}}),
		closed(dimCertification, "Certification obtenue",
			"Certification obtenue déclarée sur la sortie : O (oui), N (non), INCONNU (non renseignée).",
			[]Value{{"O", "Certification obtenue"}, {"N", "Certification non obtenue"}, unknownValue}),
		closed(dimSituation, "Situation avant l'entrée (DSN)",
			"Situation d'emploi le mois précédant l'entrée en formation, d'après la DSN.",
			[]Value{{"EMPLOI", "En emploi"}, {"SANS_EMPLOI", "Sans emploi salarié"}, {"NON_OBSERVE", "Non observé"}}),
		closed(dimMotif, "Motif de sortie", "Motif de la sortie finale.", fromList(dictionary.MotifsSortie, unknownValue)),
		closed(dimSituation6m, "Situation à 6 mois", "Situation d'emploi six mois après la sortie, d'après la DSN.",
			[]Value{{"EMPLOI_DURABLE", "En emploi durable"}, {"EMPLOI_NON_DURABLE", "En emploi non durable"},
				{"SANS_EMPLOI", "Sans emploi salarié"}, {"NON_OBSERVE", "Non observé"}}),
		open(dimDomaineNSF, "Domaine de formation (NSF)",
			"Domaine de la nomenclature des spécialités de formation : les deux premiers chiffres du code NSF.",
			"2 chiffres, par exemple 31, ou INCONNU", `^([0-9]{2}|INCONNU)$`),
	}
}
