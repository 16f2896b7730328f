package serve

import (
	"context"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"
)

// ContentSecurityPolicy lets pages load scripts, styles, images, fonts and
// data only from the server itself; no inline or evaluated script runs, no
// <style> element applies, nothing may frame the pages.
//
// ECharts and the site need two allowances, both for style attributes only:
// the site sizes each chart with style="height:…px", and ECharts writes its
// tooltips as HTML with style attributes (innerHTML). style-src-attr allows
// those in CSP 3 browsers while style-src-elem keeps <style> elements out;
// browsers without CSP 3 fall back to style-src. Charts are drawn on canvas
// and configured from JSON data blocks (<script type="application/json">),
// which script-src does not restrict; data: and blob: images serve ECharts'
// "save as image".
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; style-src-elem 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; " +
	"base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders are set on every response, errors included.
var securityHeaders = map[string]string{
	"Content-Security-Policy":      ContentSecurityPolicy,
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

// Limits of a request, beyond which it is refused before any work.
const (
	maxQueryBytes = 2048    // raw query string
	maxPathBytes  = 1024    // URL path
	maxBodyBytes  = 1 << 10 // the API only has GET routes: a body is never read
)

// reqInfo is filled along the handling of a request for the access log.
type reqInfo struct {
	route   string // the pattern that matched, never the path
	tokenID string
	funder  string
}

type infoKey struct{}

// infoOf returns the log record of the request (a throwaway one outside the
// middleware, in unit tests of handlers).
func infoOf(r *http.Request) *reqInfo {
	if in, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return in
	}
	return &reqInfo{}
}

// recorder counts the bytes and keeps the status of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flush, deadlines).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// protect wraps the whole server: security headers, size limits, a deadline
// on the request's context, panic recovery and the access log.
func (s *Server) protect(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		for k, v := range securityHeaders {
			w.Header().Set(k, v)
		}
		info := &reqInfo{}
		rec := &recorder{ResponseWriter: w}
		ctx, cancel := context.WithTimeout(context.WithValue(r.Context(), infoKey{}, info), s.cfg.RequestTimeout)
		defer cancel()
		r = r.WithContext(ctx)

		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { // a response cut on purpose
					s.access(r, info, rec, time.Since(start))
					panic(p)
				}
				s.log.Error("panique dans un gestionnaire", "route", info.route, "panique", p, "pile", string(debug.Stack()))
				if rec.status == 0 {
					fail(rec, http.StatusInternalServerError, "erreur interne du serveur")
				}
			}
			s.access(r, info, rec, time.Since(start))
		}()

		switch {
		case len(r.URL.RawQuery) > maxQueryBytes:
			fail(rec, http.StatusRequestURITooLong, "requête trop longue : la chaîne de paramètres dépasse 2 048 octets")
			return
		case len(r.URL.Path) > maxPathBytes || len(r.URL.RawPath) > maxPathBytes:
			fail(rec, http.StatusRequestURITooLong, "chemin trop long : il dépasse 1 024 octets")
			return
		case r.ContentLength > maxBodyBytes:
			fail(rec, http.StatusRequestEntityTooLarge, "corps de requête trop grand : l'API n'accepte que des requêtes GET sans corps")
			return
		}
		r.Body = http.MaxBytesReader(rec, r.Body, maxBodyBytes)
		next.ServeHTTP(rec, r)
	})
}

// access writes one structured line per request: method, route pattern,
// status, duration, bytes and token id. Never the token, the path or the query
// values (a path or a filter could carry an identifier).
func (s *Server) access(r *http.Request, info *reqInfo, rec *recorder, d time.Duration) {
	status := rec.status
	if status == 0 {
		status = http.StatusOK
	}
	attrs := []slog.Attr{
		slog.String("methode", r.Method),
		slog.String("route", info.route),
		slog.Int("statut", status),
		slog.Float64("duree_ms", float64(d.Microseconds())/1000),
		slog.Int64("octets", rec.bytes),
	}
	if info.tokenID != "" {
		attrs = append(attrs, slog.String("jeton", info.tokenID), slog.String("financeur", info.funder))
	}
	s.accessLog.LogAttrs(r.Context(), slog.LevelInfo, "requête", attrs...)
}
