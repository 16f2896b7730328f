package land

import (
	"maps"

	"github.com/agora-formation/agora/dictionary"
)

// Valid NIRs (key = 97 − first 13 digits mod 97) used by the fixtures.
const (
	nir1 = "295109912611193"
	nir2 = "253072B07300470" // Corsica 2B
	nir3 = "185077512345608"
	nir4 = "292019900011193"
)

// validRows holds one valid row of every feed, by column.
var validRows = map[string]map[string]string{
	"dossiers": {
		"id_dossier": "D1", "code_financeur": "FT", "nir": nir1, "sexe": "2", "date_naissance": "1995-10-01",
		"situation_avant": "DE", "code_dispositif": "AIF", "siret_of": "12345678200010", "formacode": "31054",
		"code_nsf": "326", "code_certification": "RNCP1234", "region_formation": "11", "heures_prevues": "400",
		"date_debut_prevue": "2024-01-08", "date_fin_prevue": "2024-06-28", "date_transmission": "2024-07-01T10:00:00",
	},
	"evenements": {
		"id_dossier": "D1", "code_financeur": "FT", "type_evenement": "ENTREE", "date_evenement": "2024-01-08",
		"motif_sortie": "", "certification_obtenue": "", "date_transmission": "2024-07-01T10:00:00",
	},
	"financements": {
		"id_dossier": "D1", "code_financeur_dossier": "FT", "code_financeur": "FT", "type_cout": "PEDAGOGIQUE",
		"montant_engage": "1500,50", "date_engagement": "2024-01-05", "montant_realise": "1500.5",
		"date_realisation": "2024-06-30", "date_transmission": "2024-07-01T10:00:00",
	},
	"enveloppes": {
		"code_financeur": "FT", "code_dispositif": "AIF", "annee": "2024", "montant": "1000000",
		"date_transmission": "2024-07-01T10:00:00",
	},
	"dsn_extrait": {
		"nir": nir1, "mois": "2024-03", "siret_employeur": "98765432400027", "code_naf": "4711D",
		"nature_contrat": "01", "date_debut_contrat": "2024-01-01", "date_fin_prevue": "", "date_fin_reelle": "",
		"heures_mois": "151,67", "id_contrat": "C1",
	},
}

func feedOf(name string) *dictionary.Feed {
	f, ok := dictionary.FeedByName(name)
	if !ok {
		panic(name)
	}
	return f
}

// header returns the feed's column names in the dictionary's order.
func header(feed string) []string {
	var h []string
	for _, c := range feedOf(feed).Columns {
		h = append(h, c.Name)
	}
	return h
}

// row returns the valid row of feed with some values changed, in header order.
func row(feed string, set map[string]string) []string {
	v := maps.Clone(validRows[feed])
	maps.Copy(v, set)
	var r []string
	for _, c := range header(feed) {
		r = append(r, v[c])
	}
	return r
}

// textColumn is a free-text column of the feed, where accents can be checked.
var textColumn = map[string]string{
	"dossiers": "id_dossier", "evenements": "id_dossier", "financements": "id_dossier", "dsn_extrait": "id_contrat",
}
