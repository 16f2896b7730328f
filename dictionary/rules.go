package dictionary

// Rule is a quarantine rule of dictionary.md section 3: a row (or a whole file)
// that breaks it is not landed but kept in quarantine with the rule's code.
type Rule struct {
	Code      string `json:"code"`
	Label     string `json:"libelle"`
	Fix       string `json:"correction"`
	WholeFile bool   `json:"fichier_entier,omitempty"`
}

// Quarantine rule codes.
const (
	RuleMissingColumn   = "MISSING_COLUMN"
	RuleBadEncoding     = "BAD_ENCODING"
	RuleBadDate         = "BAD_DATE"
	RuleBadNumber       = "BAD_NUMBER"
	RuleBadNIR          = "BAD_NIR"
	RuleBadSIRET        = "BAD_SIRET"
	RuleUnknownCode     = "UNKNOWN_CODE"
	RuleMissingValue    = "MISSING_VALUE"
	RuleOutOfRange      = "OUT_OF_RANGE"
	RuleExitBeforeEntry = "EXIT_BEFORE_ENTRY"
	RuleDuplicateInFile = "DUPLICATE_IN_FILE"
	RuleBadDSNLine      = "BAD_DSN_LINE"
	RuleBadFormat       = "BAD_FORMAT"
	RuleBadLine         = "BAD_LINE"
)

// Rules lists every quarantine rule, in the dictionary's order.
var Rules = []Rule{
	{RuleMissingColumn, "Colonne obligatoire absente de l'en-tête", "Ajoutez la colonne à la première ligne du fichier (les noms exacts sont dans le dictionnaire) et renvoyez le fichier.", true},
	{RuleBadEncoding, "Encodage illisible", "Exportez le fichier en UTF-8 (ou Windows-1252) et renvoyez-le.", true},
	{RuleBadDate, "Date ou horodatage invalide", "Écrivez les dates AAAA-MM-JJ ou JJ/MM/AAAA et les horodatages AAAA-MM-JJTHH:MM:SS.", false},
	{RuleBadNumber, "Nombre invalide", "Écrivez les nombres sans séparateur de milliers, avec « . » ou « , » comme marque décimale.", false},
	{RuleBadNIR, "NIR invalide (format ou clé)", "Vérifiez le numéro de sécurité sociale : 13 caractères et une clé de 2 chiffres.", false},
	{RuleBadSIRET, "SIRET invalide", "Vérifiez le SIRET : 14 chiffres, clé de Luhn correcte.", false},
	{RuleUnknownCode, "Code absent de la liste de référence", "Utilisez un code des listes de référence du dictionnaire.", false},
	{RuleMissingValue, "Valeur obligatoire manquante", "Renseignez la valeur : un champ vide signifie « inconnu ».", false},
	{RuleOutOfRange, "Valeur hors des bornes admises", "Vérifiez la valeur : elle sort des bornes fixées par le dictionnaire.", false},
	{RuleExitBeforeEntry, "Sortie datée avant l'entrée", "Corrigez la date de sortie ou d'entrée du dossier.", false},
	{RuleDuplicateInFile, "Ligne en double dans le fichier", "Retirez le doublon : la même clé figure deux fois dans le même envoi.", false},
	{RuleBadDSNLine, "Ligne DSN illisible", "Chaque ligne doit être de la forme Sxx.Gxx.xx.xxx,'valeur'.", false},
	{RuleBadFormat, "Valeur au format invalide", "Respectez le format décrit dans le dictionnaire pour cette colonne.", false},
	{RuleBadLine, "Ligne illisible (nombre de champs ou guillemets)", "Vérifiez le séparateur « ; » et les guillemets de la ligne.", false},
}

// RuleByCode returns the rule of a code.
func RuleByCode(code string) (Rule, bool) {
	for _, r := range Rules {
		if r.Code == code {
			return r, true
		}
	}
	return Rule{}, false
}
