package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/agora-formation/agora/dataroot"
)

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeCommand(t *testing.T) {
	dir := exportRoot(t) // a warehouse holding the fixture marts
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "site"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site", "index.html"), []byte("accueil"), 0o644))
	out, errOut := &syncBuffer{}, &syncBuffer{}
	a := &app{out: out, errOut: errOut, root: dataroot.Root{Dir: dir}}
	a.log = slog.New(slog.NewTextHandler(errOut, nil))
	cmd := serveCmd(a)
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", "--memoire", "1 Go", "--threads", "2"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(ctx) }()

	var base string
	require.Eventually(t, func() bool {
		base = regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`).FindString(out.String())
		return base != ""
	}, 10*time.Second, 10*time.Millisecond, "the command prints where it listens")

	get := func(path string) (int, string) {
		resp, err := http.Get(base + path)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := get("/")
	assert.Equal(t, http.StatusOK, code)
	assert.Equal(t, "accueil", body, "the site is served at once")
	code, _ = get("/api/v1/openapi.json")
	assert.Equal(t, http.StatusOK, code)

	ready := "API prête : " + base + "/api/v1/indicateurs\n"
	require.Eventually(t, func() bool { return strings.Contains(out.String(), ready) },
		2*time.Minute, 20*time.Millisecond, "the command says when the API answers")
	code, _ = get("/api/v1/indicateurs")
	assert.Equal(t, http.StatusOK, code, "ready means answering")
	code, _ = get("/api/v1/indicateurs/taux_emploi_6m?par=annee")
	assert.Equal(t, http.StatusOK, code)
	code, _ = get("/api/v1/partenaires/FT/dossiers")
	assert.Equal(t, http.StatusUnauthorized, code)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "Ctrl-C stops the server cleanly")
	case <-time.After(15 * time.Second):
		t.Fatal("the server does not stop")
	}
	assert.Equal(t, 1, strings.Count(out.String(), "API prête"), out.String())
	assert.Contains(t, errOut.String(), `"route":"GET /api/v1/indicateurs"`, "JSON access log on stderr")
}

// TestServeCommandErrors: each mistake stops the command before it listens,
// with a French message saying what to do.
func TestServeCommandErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "faute-de-frappe")
	for _, c := range []struct {
		dir  string
		args []string
		msg  string
	}{
		{t.TempDir(), []string{"--addr", "pas-une-adresse"}, `--addr "pas-une-adresse" invalide`},
		{t.TempDir(), []string{"--debit", "-1"}, "--debit doit être positif"},
		{exportRoot(t), []string{"--memoire", "2Gio"}, "valeur de --memoire invalide : « 2Gio » ; écrivez par exemple 8GB, 8Go ou 512Mo"},
		{exportRoot(t), []string{"--memoire", "8"}, "valeur de --memoire invalide : « 8 »"},
		{missing, []string{"--addr", "127.0.0.1:0"}, "entrepôt introuvable : " + filepath.Join(missing, "warehouse.duckdb") + " ; construisez-le d'abord avec « agora build » (ou lancez « agora demo »), ou indiquez la racine des données avec --data"},
		{t.TempDir(), []string{"--addr", "127.0.0.1:0"}, "entrepôt introuvable"}, // a root without a build
	} {
		var out bytes.Buffer
		a := &app{out: &out, errOut: io.Discard, root: dataroot.Root{Dir: c.dir}}
		a.log = slog.New(slog.DiscardHandler)
		cmd := serveCmd(a)
		cmd.SetArgs(c.args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		if ue := asUserError(err); assert.NotNil(t, ue, "%v: %v", c.args, err) {
			assert.Contains(t, ue.msg, c.msg, c.args)
		}
		assert.Empty(t, out.String(), "%v: nothing served, nothing announced", c.args)
	}
	_, err := os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a mistyped root is not created")
}
