// Package serve is agora's HTTP service: the static site and a versioned API
// of the indicators, public and per partner.
//
// Routes (see Routes and the OpenAPI document at /api/v1/openapi.json):
//
//	GET /                                                     the static site (<data root>/site)
//	GET /api/v1/indicateurs                                   the catalogue of indicators
//	GET /api/v1/indicateurs/{id}                              public figures, disclosure-controlled
//	GET /api/v1/openapi.json                                  the OpenAPI 3 document
//	GET /api/v1/partenaires/{code_financeur}/indicateurs/{id} a funder's own figures (bearer token)
//	GET /api/v1/partenaires/{code_financeur}/dossiers         a funder's dossier-level outcomes (bearer token)
//
// Every figure comes from package indicators, which checks every parameter
// against the catalogue and the reference lists and builds SQL only from
// catalogue entries; public figures go through its disclosure control. The
// warehouse is opened read-only and swapped for a new one when a build lands,
// without failing a request. Partner routes need a token of package
// serve/token issued to the funder of the path.
package serve

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/agora-formation/agora/indicators"
	"github.com/agora-formation/agora/serve/live"
	"github.com/agora-formation/agora/serve/token"
)

// Config configures a Server. Paths come from the data root.
type Config struct {
	// SiteDir is the folder of the static site, served at /.
	SiteDir string
	// WarehousePath is the DuckDB file, watched for new builds; Open opens it
	// read-only (live.ReadOnly).
	WarehousePath string
	Open          live.OpenFunc
	// TokensPath is the token file of package serve/token.
	TokensPath string

	// Log receives diagnostics, AccessLog one JSON line per request. Nil
	// discards them.
	Log       *slog.Logger
	AccessLog *slog.Logger

	// RequestTimeout bounds the work of one request (default 30 s).
	RequestTimeout time.Duration
	// RatePerSecond and RateBurst bound each token's requests (defaults 10/s,
	// bursts of 30). A negative rate disables the limit.
	RatePerSecond float64
	RateBurst     int
	// ReloadEvery is how often the warehouse file is checked for a new build
	// (default 2 s). A new build is opened once its file has not changed for
	// one period.
	ReloadEvery time.Duration

	// answerCacheBytes bounds each build's answer cache (default
	// responseCacheBytes; negative: no cache, for benchmarks).
	answerCacheBytes int
}

// Server is the HTTP service. Create it with New, start the warehouse watch
// with Start (or use ListenAndServe, which does both), and Close it.
type Server struct {
	cfg       Config
	log       *slog.Logger
	accessLog *slog.Logger
	cat       *indicators.Catalogue
	db        *live.Warehouse
	keys      *token.Keyring
	limit     *limiter
	// dossierSlots holds a token per dossier file being read (dossierStreams).
	dossierSlots chan struct{}
	mux          *http.ServeMux
	handler      http.Handler
	openapi      response // the OpenAPI document, rendered
	routes       []Route
	patterns     []string // every pattern registered with mux, for the OpenAPI test
	stop         context.CancelFunc
	done         chan struct{}
	ready        chan struct{}
}

// ErrNoWarehouse is returned by New when the warehouse file does not exist:
// a server started there would answer 503 until someone builds it, which a
// mistyped data root never will.
var ErrNoWarehouse = errors.New("entrepôt introuvable")

// New builds a server. It neither opens the warehouse nor listens yet, but
// the warehouse file must exist (else ErrNoWarehouse): once started, the
// server waits for a new build only when the one in place does not open.
func New(cfg Config) (*Server, error) {
	if cfg.Open == nil {
		return nil, errors.New("serve: Config.Open est requis")
	}
	if _, err := os.Stat(cfg.WarehousePath); errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w : %s", ErrNoWarehouse, cfg.WarehousePath)
	} else if err != nil {
		return nil, fmt.Errorf("entrepôt %s : %w", cfg.WarehousePath, err)
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.RatePerSecond == 0 {
		cfg.RatePerSecond = 10
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = 30
	}
	if cfg.ReloadEvery <= 0 {
		cfg.ReloadEvery = 2 * time.Second
	}
	discard := slog.New(slog.DiscardHandler)
	s := &Server{
		cfg:       cfg,
		log:       cfg.Log,
		accessLog: cfg.AccessLog,
		cat:       indicators.New(),
		keys:      token.NewKeyring(cfg.TokensPath),
		limit:     newLimiter(cfg.RatePerSecond, cfg.RateBurst, nil),
		mux:       http.NewServeMux(),

		dossierSlots: make(chan struct{}, dossierStreams),
	}
	if s.log == nil {
		s.log = discard
	}
	if s.accessLog == nil {
		s.accessLog = discard
	}
	s.db = live.New(cfg.WarehousePath, cfg.Open, s.prepare, s.log)
	s.routes = s.apiRoutes()
	var err error
	if s.openapi, err = renderJSON(s.OpenAPI()); err != nil {
		return nil, err
	}
	for _, rt := range s.routes {
		s.handle(rt.Method+" "+rt.Pattern, rt.handler)
	}
	s.handle("/api/", http.HandlerFunc(s.apiNotFound))
	s.handle("/", http.HandlerFunc(s.serveSite))
	s.handler = s.protect(s.mux)
	return s, nil
}

// handle registers h for pattern, recording the pattern for the access log.
func (s *Server) handle(pattern string, h http.Handler) {
	s.patterns = append(s.patterns, pattern)
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infoOf(r).route = pattern
		h.ServeHTTP(w, r)
	}))
}

// Handler is the server's whole HTTP handler, middleware included.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns the API routes (not the static site).
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// Start opens the warehouse in the background and then watches it for new
// builds until Close. Until the first build is open and prepared (see
// prepare), the API answers 503; the static site is served at once. A
// warehouse that does not open is logged, and the API answers 503 until a
// new build opens.
func (s *Server) Start(ctx context.Context) {
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.stop, s.done, s.ready = cancel, make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.done)
		if _, err := s.db.Reload(wctx, true); err != nil {
			s.log.Warn("entrepôt non ouvert : l'API répondra 503 jusqu'à la prochaine construction (agora build)",
				"fichier", s.cfg.WarehousePath, "erreur", err)
		}
		close(s.ready)
		s.db.Watch(wctx, s.cfg.ReloadEvery)
	}()
}

// Ready is closed once Start has tried to open the warehouse.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Opened is closed once a build of the warehouse serves the API: at start,
// or at the first build that opens after a failure.
func (s *Server) Opened() <-chan struct{} { return s.db.Opened() }

// opening reports whether the first attempt to open the warehouse is under
// way (rather than over and failed).
func (s *Server) opening() bool {
	select {
	case <-s.ready:
		return false
	default:
		return true
	}
}

// build is what the server keeps of one open build of the warehouse.
type build struct {
	cat       *indicators.Catalogue // its own catalogue, holding the build's publication
	catalogue response              // the catalogue with the build's data date, rendered
	cache     *responseCache        // rendered answers of the build
}

// responseCacheBytes bounds the rendered answers kept per build.
const responseCacheBytes = 64 << 20

// prepare readies a newly opened build before it serves: a catalogue of its
// own, whose disclosure-controlled publication and partner rows are computed
// now, while the previous build still answers, so that no request waits for
// them; the catalogue document with the build's data date; an empty answer
// cache.
func (s *Server) prepare(ctx context.Context, db *sql.DB) (any, error) {
	cat := indicators.New()
	// Any public query computes the whole publication: the first indicator
	// by its first dimension (the exit year).
	first := cat.Indicators()[0]
	q, err := cat.ParseQuery(first.ID, url.Values{"par": {first.Dimensions[0]}})
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if _, err := cat.Run(ctx, db, q, indicators.Public); err != nil {
		return nil, fmt.Errorf("préparation des chiffres publics : %w", err)
	}
	described, err := cat.Describe(ctx, db)
	if err != nil {
		return nil, err
	}
	s.log.Info("chiffres publics prêts", "duree_ms", time.Since(start).Milliseconds())
	// Partner figures are summed from every funder's rows, read now; should
	// that fail, each funder's rows are read at its first query instead.
	start = time.Now()
	if err := cat.PreparePartners(ctx, db); err != nil {
		s.log.Warn("lignes des partenaires non préparées : lues à la première requête de chacun", "erreur", err)
	} else {
		s.log.Info("lignes des partenaires prêtes", "duree_ms", time.Since(start).Milliseconds())
	}
	doc := catalogueDoc{Indicators: described, Dimensions: cat.Dimensions()}
	if len(described) > 0 {
		doc.DataDate = described[0].DataDate
	}
	rendered, err := renderJSON(doc)
	if err != nil {
		return nil, err
	}
	cacheBytes := s.cfg.answerCacheBytes
	if cacheBytes == 0 {
		cacheBytes = responseCacheBytes
	}
	return &build{cat: cat, catalogue: rendered, cache: newResponseCache(max(cacheBytes, 0))}, nil
}

// Close stops the watch and closes the warehouse once no request uses it.
func (s *Server) Close() {
	if s.stop != nil {
		s.stop()
		<-s.done
	}
	s.db.Close()
}

// Timeouts and limits of the listening HTTP server.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 10 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 16 << 10
	shutdownGrace     = 10 * time.Second
)

// HTTPServer returns an http.Server for the handler with agora's timeouts
// and header limit.
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Serve starts the server on ln and serves until ctx ends, then shuts down
// gracefully (requests in flight finish) and closes the warehouse.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.Start(ctx)
	defer s.Close()
	hs := s.HTTPServer(ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("arrêt du serveur : %w", err)
	}
	return nil
}
