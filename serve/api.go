package serve

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/agora-formation/agora/indicators"
)

// Route is one route of the API, with what the OpenAPI document says of it.
type Route struct {
	Method string
	// Pattern is the path as net/http.ServeMux and OpenAPI write it,
	// e.g. /api/v1/indicateurs/{id}.
	Pattern     string
	OperationID string
	Summary     string
	Description string
	// Partner routes need the bearer token of the funder {code_financeur}.
	Partner bool
	// Query lists the query parameters the route admits.
	Query []Param
	// Dimensions: the route also admits, as filters, the dimensions of the
	// indicator {id} (its catalogue entry's Dimensions).
	Dimensions bool
	// CSV: the route answers text/csv with format=csv.
	CSV bool

	handler http.Handler
}

// Param is a query parameter of a route.
type Param struct {
	Name        string
	Description string
	Enum        []string
}

// API base path, and the parameters shared by the indicator routes.
const apiBase = "/api/v1"

var (
	paramFormat = Param{Name: "format", Enum: []string{"json", "csv"},
		Description: "Format de la réponse : json (défaut) ou csv (UTF-8, séparateur virgule, valeurs manquantes vides)."}
	paramPar = Param{Name: "par",
		Description: "Dimensions de la ventilation, séparées par des virgules, parmi les dimensions de l'indicateur (par exemple « dispositif,region »). " +
			"Sans « par », la valeur nationale de chaque année (ou de chaque mois pour les flux mensuels), dans les filtres donnés, " +
			"quand l'indicateur en a une ; une ventilation sans l'année (« par=region ») est donnée pour chaque année (ou chaque mois), " +
			"sauf quand l'année est filtrée ; sinon l'erreur 400 dit les ventilations possibles."}
	paramTotaux = Param{Name: "totaux",
		Description: "Dimensions de « par » pour lesquelles ajouter les lignes de total (la cellule de la dimension est alors vide : « tous »)."}
)

func (s *Server) apiRoutes() []Route {
	indicatorQuery := []Param{paramPar, paramTotaux, paramFormat}
	return []Route{
		{
			Method: http.MethodGet, Pattern: apiBase + "/indicateurs", OperationID: "catalogue",
			Summary: "Catalogue des indicateurs",
			Description: "Liste des indicateurs publics (identifiant, libellé, définition, unité, dimensions, source, date des données) et des dimensions avec leurs valeurs admises. " +
				"Servi avec la date des données de l'entrepôt ouvert : tant qu'aucun entrepôt n'est ouvert (démarrage, préparation des chiffres), la réponse est 503 avec l'en-tête Retry-After.",
			handler: http.HandlerFunc(s.handleCatalogue),
		},
		{
			Method: http.MethodGet, Pattern: apiBase + "/indicateurs/{id}", OperationID: "indicateur_public",
			Summary: "Valeurs publiques d'un indicateur",
			Description: "Valeurs de l'indicateur, ventilées selon « par » et filtrées sur les dimensions données en paramètres " +
				"(une valeur par dimension). Le secret statistique est appliqué exactement comme dans les données ouvertes : " +
				"comptes inférieurs à 11 et taux sur moins de 20 personnes masqués, secret secondaire ; la colonne « secret » dit pourquoi.",
			Query: indicatorQuery, Dimensions: true, CSV: true,
			handler: s.indicator(indicators.Public),
		},
		{
			Method: http.MethodGet, Pattern: apiBase + "/openapi.json", OperationID: "openapi",
			Summary:     "Ce document OpenAPI",
			Description: "Description OpenAPI 3 de l'API.",
			handler:     http.HandlerFunc(s.handleOpenAPI),
		},
		{
			Method: http.MethodGet, Pattern: apiBase + "/partenaires/{code_financeur}/indicateurs/{id}", OperationID: "indicateur_partenaire",
			Summary: "Valeurs d'un indicateur sur les dossiers du financeur",
			Description: "Valeurs de l'indicateur calculées sur les seuls dossiers émis par le financeur, sans secret statistique. " +
				"Réservé au financeur : jeton d'accès requis.",
			Partner: true, Query: indicatorQuery, Dimensions: true, CSV: true,
			handler: s.partner(s.indicator(indicators.Partner)),
		},
		{
			Method: http.MethodGet, Pattern: apiBase + "/partenaires/{code_financeur}/dossiers", OperationID: "dossiers_partenaire",
			Summary: "Résultats par dossier du financeur (fichier hebdomadaire)",
			Description: "Une ligne par sortant des dossiers émis par le financeur : sortie, puis situation d'emploi au mois de sortie et à 3, 6 et 12 mois " +
				"(emploi, emploi durable, famille de contrat, heures et NAF du meilleur emploi, multi-emploi). " +
				"Données personnelles : réservé au financeur, jeton d'accès requis, jamais mis en cache.",
			Partner: true, Query: []Param{paramFormat}, CSV: true,
			handler: s.partner(http.HandlerFunc(s.handleDossiers)),
		},
	}
}

// admitted returns the names of the query parameters a route admits, for the
// indicator id when the route takes the indicator's dimensions.
func (s *Server) admitted(rt *Route, id string) []string {
	var names []string
	for _, p := range rt.Query {
		names = append(names, p.Name)
	}
	if rt.Dimensions {
		if in, ok := s.cat.Indicator(id); ok {
			names = append(names, in.Dimensions...)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func (s *Server) route(operationID string) *Route {
	for i := range s.routes {
		if s.routes[i].OperationID == operationID {
			return &s.routes[i]
		}
	}
	panic("serve: no route " + operationID)
}

// queryParams parses the raw query strictly: a malformed escape is an error
// (url.Values would drop it silently), and every name must be admitted. A
// name not admitted is « paramètre inconnu » unless explain, when given,
// says better.
func queryParams(w http.ResponseWriter, r *http.Request, allowed []string, explain func(name string) string) (url.Values, bool) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		failParam(w, "", "chaîne de paramètres mal formée : encodez les valeurs (RFC 3986)", allowed)
		return nil, false
	}
	for name, vs := range params {
		if !slices.Contains(allowed, name) {
			msg := "paramètre inconnu : « " + safeName(name) + " »"
			if explain != nil {
				if m := explain(name); m != "" {
					msg = m
				}
			}
			failParam(w, safeName(name), msg, allowed)
			return nil, false
		}
		if len(vs) > 1 {
			failParam(w, name, "paramètre répété : « "+name+" » ne peut être donné qu'une fois", allowed)
			return nil, false
		}
	}
	return params, true
}

// safeName shortens a name echoed in an error message.
func safeName(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}

// takeFormat removes the format parameter and returns its value.
func takeFormat(w http.ResponseWriter, params url.Values, allowed []string) (string, bool) {
	f := params.Get("format")
	params.Del("format")
	switch f {
	case "", "json":
		return "json", true
	case "csv":
		return "csv", true
	}
	failParam(w, "format", "format inconnu : valeurs admises : json, csv", allowed)
	return "", false
}

// catalogueDoc is the answer of the catalogue route.
type catalogueDoc struct {
	DataDate   string                 `json:"date_donnees"`
	Indicators []indicators.Indicator `json:"indicateurs"`
	Dimensions []indicators.Dimension `json:"dimensions"`
}

// handleCatalogue serves the catalogue of the open build, with the date of
// its data. Until a build is open and prepared there is no date, and no
// figure to describe: 503, as the indicator routes answer.
func (s *Server) handleCatalogue(w http.ResponseWriter, r *http.Request) {
	if _, ok := queryParams(w, r, nil, nil); !ok {
		return
	}
	lease, err := s.db.Acquire()
	if err != nil {
		s.unavailable(w)
		return
	}
	defer lease.Release()
	lease.Value.(*build).catalogue.write(w)
}

// indicator serves the figures of one indicator in a mode.
func (s *Server) indicator(mode indicators.Mode) http.HandlerFunc {
	op := "indicateur_public"
	if mode == indicators.Partner {
		op = "indicateur_partenaire"
	}
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if _, ok := s.cat.Indicator(id); !ok {
			fail(w, http.StatusNotFound, "indicateur inconnu : la liste des indicateurs est à "+apiBase+"/indicateurs")
			return
		}
		allowed := s.admitted(s.route(op), id)
		params, ok := queryParams(w, r, allowed, func(name string) string {
			// A dimension of the catalogue that this indicator is not published
			// by (mois for a rate at six months) is not unknown.
			if _, ok := s.cat.Dimension(name); ok {
				return "la dimension « " + name + " » n'est pas disponible pour l'indicateur « " + id + " » : " +
					"elle n'est pas publiée avec lui (voir ses dimensions dans " + apiBase + "/indicateurs)"
			}
			return ""
		})
		if !ok {
			return
		}
		format, ok := takeFormat(w, params, allowed)
		if !ok {
			return
		}
		q, err := s.cat.ParseQuery(id, params)
		if err != nil {
			s.queryError(w, err, allowed)
			return
		}
		if mode == indicators.Partner {
			q.Funder = infoOf(r).funder
		}
		q = s.cat.DefaultBreakdown(q, mode)
		lease, err := s.db.Acquire()
		if err != nil {
			s.unavailable(w)
			return
		}
		defer lease.Release()
		b := lease.Value.(*build)
		key := strings.Join([]string{mode.String(), q.Funder, id, format, params.Encode()}, "\x00")
		resp, _, err := b.cache.get(key, func() (response, error) {
			t, err := b.cat.Run(r.Context(), lease.DB, q, mode)
			if err != nil {
				return response{}, err
			}
			return render(t, format, id)
		})
		if err != nil {
			s.queryError(w, err, allowed)
			return
		}
		resp.write(w)
	}
}

// dossierStreams bounds the dossier files read from the warehouse at once:
// each is a sort of the funder's exits in DuckDB, and the indicator queries
// must not wait behind many of them.
const dossierStreams = 2

// handleDossiers serves a funder's dossier-level outcomes, streamed: rows go
// from DuckDB to the JSON or CSV writer and to the client as they are read,
// so the memory of a request does not grow with the funder's file. A file not
// larger than an eighth of the answer cache is kept there for the next
// requests of the build (in the server's memory only: the client is told not
// to store it).
func (s *Server) handleDossiers(w http.ResponseWriter, r *http.Request) {
	allowed := s.admitted(s.route("dossiers_partenaire"), "")
	params, ok := queryParams(w, r, allowed, nil)
	if !ok {
		return
	}
	format, ok := takeFormat(w, params, allowed)
	if !ok {
		return
	}
	lease, err := s.db.Acquire()
	if err != nil {
		s.unavailable(w)
		return
	}
	defer lease.Release()
	funder := infoOf(r).funder
	b := lease.Value.(*build)
	key := strings.Join([]string{"dossiers", funder, format}, "\x00")
	if resp, ok := b.cache.lookup(key); ok {
		resp.write(w)
		return
	}
	ctx := r.Context()
	if err := ctx.Err(); err != nil {
		s.queryError(w, err, allowed)
		return
	}
	select {
	case s.dossierSlots <- struct{}{}:
		defer func() { <-s.dossierSlots }()
	case <-ctx.Done():
		s.queryError(w, ctx.Err(), allowed)
		return
	}
	if resp, ok := b.cache.lookup(key); ok { // kept while this request waited
		resp.write(w)
		return
	}
	f, err := indicators.OpenPartnerDossiers(ctx, lease.DB, funder)
	if err != nil {
		s.queryError(w, err, allowed)
		return
	}
	defer f.Close()

	resp := response{contentType: "application/json; charset=utf-8", cacheCtl: "no-store, private"}
	if format == "csv" {
		resp.contentType = "text/csv; charset=utf-8"
		resp.disposition = `attachment; filename="dossiers_` + funder + `.csv"`
	}
	resp.writeHeader(w, -1)
	var (
		out  io.Writer = w
		kept *copyBuffer
	)
	claimed := b.cache.claim(key)
	if claimed {
		kept = &copyBuffer{max: b.cache.maxEntry()}
		out = io.MultiWriter(w, kept)
	}
	bw := bufio.NewWriterSize(out, 32<<10)
	if format == "csv" {
		err = f.WriteCSV(bw, ',')
	} else {
		err = f.WriteJSON(bw)
	}
	if err == nil {
		err = bw.Flush()
	}
	if claimed {
		resp.body = kept.buf
		b.cache.fill(key, resp, err == nil && !kept.overflow)
	}
	if err != nil {
		// The status is sent: cut the connection, so that the client sees a
		// truncated transfer rather than a short file.
		if ctx.Err() == nil { // the client left, or DuckDB failed
			s.log.Warn("fichier des dossiers interrompu", "financeur", funder, "erreur", err)
		}
		panic(http.ErrAbortHandler)
	}
}

// queryError answers an error of package indicators: 400, 403 and 404 carry
// its French message; anything else is internal and logged, not shown.
func (s *Server) queryError(w http.ResponseWriter, err error, allowed []string) {
	var pe *indicators.ParamError
	errors.As(err, &pe)
	msg := err.Error()
	param := ""
	if pe != nil {
		msg, param = pe.Message, pe.Param
	}
	switch {
	case errors.Is(err, indicators.ErrBadParam):
		failParam(w, param, msg, allowed)
	case errors.Is(err, indicators.ErrForbidden):
		fail(w, http.StatusForbidden, msg)
	case errors.Is(err, indicators.ErrUnknownIndicator):
		fail(w, http.StatusNotFound, msg)
	case errors.Is(err, context.DeadlineExceeded):
		fail(w, http.StatusServiceUnavailable, "délai dépassé : la requête a pris trop de temps, réessayez ou réduisez la ventilation")
	case errors.Is(err, context.Canceled):
		// The client went away: nobody reads the answer.
		w.WriteHeader(http.StatusServiceUnavailable)
	default:
		s.log.Error("erreur de requête sur l'entrepôt", "erreur", err)
		fail(w, http.StatusInternalServerError, "erreur interne du serveur")
	}
}

// Retry-After of a 503 while no build serves: at start-up the warehouse
// opens and the public figures are computed within seconds to a minute (12
// to 23 s on the demo's 60 000 dossiers), so clients come back soon; once
// that failed, only a new build helps, which takes minutes.
const (
	retryWhileOpening = 5 * time.Second
	retryUntilRebuilt = 60 * time.Second
)

// unavailable answers a request while no build serves, saying why.
func (s *Server) unavailable(w http.ResponseWriter) {
	if s.opening() {
		w.Header().Set("Retry-After", strconv.Itoa(int(retryWhileOpening/time.Second)))
		fail(w, http.StatusServiceUnavailable, "entrepôt indisponible : il est en cours d'ouverture (calcul des chiffres publics), réessayez dans quelques secondes")
		return
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(retryUntilRebuilt/time.Second)))
	fail(w, http.StatusServiceUnavailable, "entrepôt indisponible : il n'a pas pu être ouvert (voir le journal du serveur) ; le serveur prendra la prochaine construction (agora build) sans redémarrer")
}

// render writes a table as JSON or CSV. Partner answers are never cached by
// clients or proxies.
func render(t *indicators.Table, format, name string) (response, error) {
	r := response{cacheCtl: "no-cache"}
	if t.Mode == indicators.Partner {
		r.cacheCtl = "no-store, private"
	}
	if format == "csv" {
		var buf bytes.Buffer
		if err := t.WriteCSV(&buf, ','); err != nil {
			return response{}, err
		}
		r.body, r.contentType = buf.Bytes(), "text/csv; charset=utf-8"
		r.disposition = `attachment; filename="` + name + `.csv"`
		return r, nil
	}
	b, err := json.Marshal(t)
	if err != nil {
		return response{}, err
	}
	r.body, r.contentType = b, "application/json; charset=utf-8"
	return r, nil
}

// renderJSON renders v as an indented JSON answer.
func renderJSON(v any) (response, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return response{}, err
	}
	return response{body: append(b, '\n'), contentType: "application/json; charset=utf-8", cacheCtl: "no-cache"}, nil
}

func (r response) write(w http.ResponseWriter) {
	r.writeHeader(w, len(r.body))
	w.Write(r.body)
}

// writeHeader sends the status and headers of the answer, with its length
// when known (not negative).
func (r response) writeHeader(w http.ResponseWriter, length int) {
	h := w.Header()
	h.Set("Content-Type", r.contentType)
	h.Set("Cache-Control", r.cacheCtl)
	if length >= 0 {
		h.Set("Content-Length", strconv.Itoa(length))
	}
	if r.disposition != "" {
		h.Set("Content-Disposition", r.disposition)
	}
	w.WriteHeader(http.StatusOK)
}

// apiNotFound answers paths under /api/ that no route matches: 405 when the
// path exists for GET, else 404.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		probe := r.Clone(r.Context())
		probe.Method = http.MethodGet
		if _, pattern := s.mux.Handler(probe); pattern != "/api/" && pattern != "/" {
			w.Header().Set("Allow", "GET, HEAD")
			fail(w, http.StatusMethodNotAllowed, "méthode non admise : l'API n'accepte que GET")
			return
		}
	}
	fail(w, http.StatusNotFound, "route inconnue : les routes de l'API sont décrites à "+apiBase+"/openapi.json")
}

// partner guards a partner route: a valid bearer token (401 otherwise), within
// its rate (429), issued to the funder of the path (403 otherwise).
func (s *Server) partner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		clear, ok := bearer(r)
		if !ok {
			unauthorized(w, "jeton d'accès manquant : ajoutez l'en-tête « Authorization: Bearer <jeton> » (jeton remis par « agora token create »)")
			return
		}
		tok, ok, err := s.keys.Verify(clear)
		if err != nil {
			s.log.Error("fichier de jetons illisible : accès partenaires refusés", "erreur", err)
			fail(w, http.StatusServiceUnavailable, "authentification indisponible : réessayez plus tard")
			return
		}
		if !ok {
			unauthorized(w, "jeton d'accès invalide ou révoqué")
			return
		}
		info := infoOf(r)
		info.tokenID, info.funder = tok.ID, tok.Funder
		if allowed, wait := s.limit.allow(tok.ID); !allowed {
			tooMany(w, wait)
			return
		}
		if r.PathValue("code_financeur") != tok.Funder {
			fail(w, http.StatusForbidden, "accès refusé : ce jeton ne donne accès qu'aux données du financeur "+tok.Funder)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// bearer returns the token of the request's single Authorization header.
func bearer(r *http.Request) (string, bool) {
	hs := r.Header.Values("Authorization")
	if len(hs) != 1 {
		return "", false
	}
	scheme, tok, ok := strings.Cut(hs[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}
