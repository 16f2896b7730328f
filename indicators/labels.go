package indicators

var allDimensions = dimensions()

func dimLabel(id string) string {
	for _, d := range allDimensions {
		if d.ID == id {
			return d.Label
		}
	}
	return id
}

// dimDescription describes a breakdown column, naming which year it is.
func dimDescription(id, table string) string {
	for _, d := range allDimensions {
		if d.ID != id {
			continue
		}
		if id == dimAnnee {
			switch table {
			case "financement_dispositif", "cout_domaine_nsf":
				return "Année d'engagement du financement (date_engagement)."
			default:
				return "Année du mois de la sortie finale de formation."
			}
		}
		return d.Definition + " Vide : tous (total)."
	}
	return ""
}
