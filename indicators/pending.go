package indicators

// Temporary file while the bodies are written (removed before the work is done).

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"sync"
)

var errPending = errors.New("indicators: en cours d'écriture")

type plan struct{}

type publication struct{}

type publicationCache struct{ mu sync.Mutex }

type gridBuilder struct{}

type partnerSpec struct{}

func (c *Catalogue) parseQuery(string, url.Values) (Query, error) { return Query{}, errPending }
func (c *Catalogue) plan(Query, Mode) (*plan, error)              { return nil, errPending }
func (c *Catalogue) runPartner(context.Context, *sql.DB, *plan) (*Table, error) {
	return nil, errPending
}
func (c *Catalogue) publication(context.Context, *sql.DB) (*publication, error) {
	return nil, errPending
}
func (p *publication) table(*plan) *Table { return nil }

// New returns agora's catalogue of indicators.
func New() *Catalogue { return &Catalogue{dimensions: dimensions()} }

// PartnerDossiers returns the weekly file of one funder: one row per exit of
// its own dossiers (resultats_dossiers), with the situation at the exit month
// and at M+3, M+6 and M+12 (employed, durable, contract family of the best job,
// hours, NAF, multi-employment). It holds dossier ids: personal data, never
// to be written under a public folder.
func PartnerDossiers(ctx context.Context, db *sql.DB, funder string) (*Table, error) {
	return nil, errPending
}
