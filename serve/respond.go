package serve

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// apiError is the JSON body of every error of the API: a French message, and
// for a bad parameter the list of admitted parameters.
type apiError struct {
	Error   string   `json:"erreur"`
	Allowed []string `json:"parametres_admis,omitempty"`
	// Param names the parameter at fault, when there is one.
	Param string `json:"parametre,omitempty"`
}

// writeJSON writes v as indented JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"erreur": "erreur interne du serveur"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// fail writes an API error.
func fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Error: msg})
}

// failParam writes a 400 about a parameter, with the admitted ones.
func failParam(w http.ResponseWriter, param, msg string, allowed []string) {
	writeJSON(w, http.StatusBadRequest, apiError{Error: msg, Param: param, Allowed: allowed})
}

// unauthorized writes a 401 with the Bearer challenge.
func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="agora"`)
	fail(w, http.StatusUnauthorized, msg)
}

// tooMany writes a 429 saying when to come back.
func tooMany(w http.ResponseWriter, wait time.Duration) {
	secs := int(wait/time.Second) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	fail(w, http.StatusTooManyRequests, "trop de requêtes pour ce jeton : réessayez dans "+strconv.Itoa(secs)+" s")
}
