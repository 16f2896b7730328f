package serve

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/serve/live"
)

// catalogueOf decodes a catalogue answer, which must carry every field.
type catalogueAnswer struct {
	DataDate   *string                `json:"date_donnees"`
	Indicators []indicators.Indicator `json:"indicateurs"`
	Dimensions []indicators.Dimension `json:"dimensions"`
}

// TestCatalogueNeverLacksTheDataDate opens the warehouse slowly, as a large
// build is prepared: while no build serves, the catalogue is 503 with
// Retry-After, as the figures are; once it serves, it has the build's date.
func TestCatalogueNeverLacksTheDataDate(t *testing.T) {
	path := sharedWarehouse(t)
	release := make(chan struct{})
	open := live.ReadOnly(path, live.Options{Threads: 1})
	srv, err := New(Config{SiteDir: t.TempDir(), WarehousePath: path, RatePerSecond: -1,
		Open: func(ctx context.Context) (*sql.DB, error) {
			select {
			case <-release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			return open(ctx)
		}})
	require.NoError(t, err)
	srv.Start(t.Context())
	t.Cleanup(srv.Close)
	e := &env{t: t, srv: srv}

	for _, target := range []string{"/api/v1/indicateurs", "/api/v1/indicateurs/taux_emploi_6m?par=annee"} {
		rec := e.get(target, "")
		require.Equal(t, http.StatusServiceUnavailable, rec.Code, "%s while the warehouse opens: %s", target, rec.Body.String())
		assert.Equal(t, "5", rec.Header().Get("Retry-After"), "%s: the public figures take seconds", target)
		assert.Equal(t, "entrepôt indisponible : il est en cours d'ouverture (calcul des chiffres publics), réessayez dans quelques secondes", apiErr(t, rec).Error, target)
	}
	select {
	case <-srv.Opened():
		t.Fatal("Opened before the warehouse serves")
	default:
	}
	rec := e.get("/api/v1/openapi.json", "")
	assert.Equal(t, http.StatusOK, rec.Code, "the description of the API needs no warehouse")

	close(release)
	select {
	case <-srv.Ready():
	case <-time.After(5 * time.Minute):
		t.Fatal("warehouse not ready after 5 minutes")
	}
	select {
	case <-srv.Opened():
	default:
		t.Fatal("Ready without Opened, although the warehouse opened")
	}
	rec = e.get("/api/v1/indicateurs", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var doc catalogueAnswer
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &doc))
	require.NotNil(t, doc.DataDate)
	assert.Equal(t, "DSN couverte jusqu'à juin 2025, transmissions reçues jusqu'au 2 juillet 2025", *doc.DataDate)
	for _, in := range doc.Indicators {
		assert.Equal(t, *doc.DataDate, in.DataDate, in.ID)
	}
}

// TestWithoutParTheNationalValue: without « par », an indicator with a
// national level answers it, per year (or month); one without keeps the 400
// that lists its breakdowns.
func TestWithoutParTheNationalValue(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ target, same string }{
		{"/api/v1/indicateurs/taux_emploi_6m", "par=annee"},
		{"/api/v1/indicateurs/taux_emploi_6m?dispositif=CPF", "par=annee&dispositif=CPF"},
		{"/api/v1/indicateurs/montant_engage", "par=annee"},
		{"/api/v1/indicateurs/nb_entrees", "par=mois"},
		{"/api/v1/indicateurs/montant_engage?organisme=12345678200010", "par=annee_sortie&organisme=12345678200010"},
	} {
		params, err := url.ParseQuery(c.same)
		require.NoError(t, err)
		want, err := json.Marshal(expected(t, pathID(c.target), params, indicators.Public, ""))
		require.NoError(t, err)
		rec := e.get(c.target, "")
		require.Equal(t, http.StatusOK, rec.Code, "%s: %s", c.target, rec.Body.String())
		assert.JSONEq(t, string(want), rec.Body.String(), c.target)
	}
	// The national employment rate at 6 months of each exit year
	// (indicators/fixture/cells.sql): 179 / 315 in 2024, 102 / 190 in 2023.
	doc := tableOf(t, e.get("/api/v1/indicateurs/taux_emploi_6m", ""))
	require.Len(t, doc.Rows, 2)
	assert.Equal(t, map[string]any{"annee_sortie": 2023.0, "taux_emploi_6m": 53.7, "secret": ""}, doc.Rows[0])
	assert.Equal(t, map[string]any{"annee_sortie": 2024.0, "taux_emploi_6m": 56.8, "secret": ""}, doc.Rows[1])
	// A year asked: the one national row, without breakdown column.
	doc = tableOf(t, e.get("/api/v1/indicateurs/taux_emploi_6m?annee=2024", ""))
	assert.Equal(t, []map[string]any{{"taux_emploi_6m": 56.8, "secret": ""}}, doc.Rows)

	// Distinct dossiers add up over no funder: no national value.
	rec := e.get("/api/v1/indicateurs/nb_dossiers_finances", "")
	require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	got := apiErr(t, rec)
	assert.Equal(t, "par", got.Param)
	assert.Contains(t, got.Error, "ventilation non disponible pour nb_dossiers_finances ; ventilations possibles")
}

func pathID(target string) string {
	u, _ := url.Parse(target)
	return u.Path[len("/api/v1/indicateurs/"):]
}

// TestExitYearIsAskedByItsName: by organisation, the amounts are those of
// the dossiers that left in the year; the API names that year annee_sortie,
// and refuses annee, which is the year of commitment of montant_engage.
func TestExitYearIsAskedByItsName(t *testing.T) {
	e := newEnv(t)
	rec := e.get("/api/v1/indicateurs/montant_engage?par=organisme&annee=2024", "")
	require.Equal(t, http.StatusBadRequest, rec.Code, rec.Body.String())
	got := apiErr(t, rec)
	assert.Equal(t, "annee", got.Param)
	assert.Contains(t, got.Error, "« annee » est l'année d'engagement pour montant_engage, mais par organisme montant_engage n'est publié que par année de sortie")
	assert.Contains(t, got.Error, "demandez « annee_sortie » au lieu de « annee » (annee_sortie=2024)")
	assert.Contains(t, got.Allowed, "annee_sortie")

	doc := tableOf(t, e.get("/api/v1/indicateurs/montant_engage?par=organisme&annee_sortie=2024", ""))
	// 12345678200010 left 180 trainees in 2024 who planned 21 600 hours at
	// 12.50 € (indicators/catalogue_api_test.go).
	assert.Contains(t, doc.Rows, map[string]any{"siret_of": "12345678200010", "montant_engage": 270000.0, "secret": ""})
	doc = tableOf(t, e.get("/api/v1/indicateurs/cout_par_heure?par=annee_sortie,organisme", ""))
	assert.Equal(t, indicators.Column{Name: "annee_sortie", Label: "Année de sortie", Type: indicators.TypeInteger, Dimension: "annee_sortie",
		Description: "Année du mois de la sortie finale de formation."}, doc.Columns[0])

	// The catalogue and the OpenAPI document say so.
	var cat catalogueAnswer
	require.NoError(t, json.Unmarshal(e.get("/api/v1/indicateurs", "").Body.Bytes(), &cat))
	for _, in := range cat.Indicators {
		if in.ID == "montant_engage" {
			assert.Contains(t, in.Dimensions, "annee_sortie")
		}
	}
	var dim *indicators.Dimension
	for i := range cat.Dimensions {
		if cat.Dimensions[i].ID == "annee_sortie" {
			dim = &cat.Dimensions[i]
		}
	}
	require.NotNil(t, dim, "the catalogue describes annee_sortie")
	assert.Contains(t, dim.Definition, "ventilés ou filtrés par organisme")
	var doc2 openAPIDoc
	require.NoError(t, json.Unmarshal(e.get("/api/v1/openapi.json", "").Body.Bytes(), &doc2))
	var users []string
	for _, p := range doc2.Paths["/api/v1/indicateurs/{id}"]["get"].Parameters {
		if p.Name == "annee_sortie" {
			users = p.Indicators
		}
	}
	assert.Equal(t, []string{"montant_engage", "heures_prevues", "cout_par_heure"}, users)
}

// TestColumnsListSecret: the columns of a public answer describe every
// property of its rows, secret included; a partner answer has no secret.
func TestColumnsListSecret(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		target, tok string
		want        []string
	}{
		{"/api/v1/indicateurs/taux_emploi_6m?par=dispositif&annee=2024", "", []string{"code_dispositif", "taux_emploi_6m", "secret"}},
		{"/api/v1/partenaires/FT/indicateurs/taux_emploi_6m?par=dispositif&annee=2024", "FT", []string{"code_dispositif", "taux_emploi_6m"}},
	} {
		doc := tableOf(t, e.get(c.target, e.tokens[c.tok]))
		var names []string
		for _, col := range doc.Columns {
			names = append(names, col.Name)
		}
		assert.Equal(t, c.want, names, c.target)
		require.NotEmpty(t, doc.Rows, c.target)
		for _, r := range doc.Rows {
			assert.Len(t, r, len(names), c.target)
		}
		if c.tok == "" {
			secret := doc.Columns[len(doc.Columns)-1]
			assert.Equal(t, "Secret statistique", secret.Label)
			assert.Equal(t, indicators.TypeString, secret.Type)
			assert.Contains(t, secret.Description, "effectif < 11")
		}
	}
	var doc openAPIDoc
	raw := e.get("/api/v1/openapi.json", "").Body.Bytes()
	require.NoError(t, json.Unmarshal(raw, &doc))
	var schemas struct {
		Components struct {
			Schemas map[string]struct {
				Required   []string `json:"required"`
				Properties map[string]struct {
					Description string `json:"description"`
				} `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(raw, &schemas))
	assert.Contains(t, schemas.Components.Schemas["Table"].Properties["colonnes"].Description, "« secret »")
	assert.Contains(t, schemas.Components.Schemas["Catalogue"].Required, "date_donnees")
	assert.Contains(t, doc.Paths["/api/v1/indicateurs"]["get"].Responses, "503")
}
