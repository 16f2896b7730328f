package indicators

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/agora-formation/agora/french"
)

// DataState is the date of the data, read from the mart etat_donnees.
type DataState struct {
	// FirstMonth and LastMonth are the first and last DSN months landed,
	// AAAA-MM; beyond LastMonth an exit is not observed.
	FirstMonth string `json:"premier_mois_couvert"`
	LastMonth  string `json:"dernier_mois_couvert"`
	// LastTransmission is the latest date_transmission of the partner feeds.
	LastTransmission time.Time `json:"derniere_transmission"`
	Dossiers         int64     `json:"nb_dossiers"`
	Exits            int64     `json:"nb_sortants"`
	NSFNAFVersion    string    `json:"version_correspondance_nsf_naf"`
}

// ReadDataState reads the single row of etat_donnees.
func ReadDataState(ctx context.Context, db *sql.DB) (DataState, error) {
	var (
		st          DataState
		first, last sql.NullTime
		trans       sql.NullTime
		version     sql.NullString
	)
	err := db.QueryRowContext(ctx, `SELECT premier_mois_couvert, dernier_mois_couvert, derniere_transmission,
		nb_dossiers, nb_sortants, version_correspondance_nsf_naf FROM etat_donnees LIMIT 1`).
		Scan(&first, &last, &trans, &st.Dossiers, &st.Exits, &version)
	if err != nil {
		return DataState{}, fmt.Errorf("lecture de la date des données (etat_donnees) : %w ; lancez « agora build »", err)
	}
	if first.Valid {
		st.FirstMonth = first.Time.Format("2006-01")
	}
	if last.Valid {
		st.LastMonth = last.Time.Format("2006-01")
	}
	if trans.Valid {
		st.LastTransmission = trans.Time.UTC()
	}
	st.NSFNAFVersion = version.String
	return st, nil
}

// Date is the French one-line date of the data, as printed beside every figure:
// the last DSN month covered and the last transmission, « DSN couverte jusqu'à
// juin 2025, transmissions reçues jusqu'au 1er juillet 2025 ».
func (s DataState) Date() string {
	month, ok := french.MonthISO(s.LastMonth)
	if !ok {
		month = "(aucune DSN chargée)"
	}
	out := "DSN couverte jusqu'à " + month
	if !s.LastTransmission.IsZero() {
		out += ", transmissions reçues jusqu'au " + french.Date(s.LastTransmission)
	}
	return out
}

// key identifies a state of the warehouse, to invalidate cached publications.
func (s DataState) key() string {
	return fmt.Sprintf("%s|%s|%s|%d|%d|%s", s.FirstMonth, s.LastMonth, s.LastTransmission.Format(time.RFC3339Nano), s.Dossiers, s.Exits, s.NSFNAFVersion)
}
