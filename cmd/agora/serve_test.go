package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "site"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "site", "index.html"), []byte("accueil"), 0o644))
	out, errOut := &syncBuffer{}, &syncBuffer{}
	a := &app{out: out, errOut: errOut, root: dataroot.Root{Dir: dir}}
	a.log = slog.New(slog.NewTextHandler(errOut, nil))
	cmd := serveCmd(a)
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0"})
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
	assert.Equal(t, "accueil", body)
	code, _ = get("/api/v1/indicateurs")
	assert.Equal(t, http.StatusServiceUnavailable, code, "the catalogue waits for the data date")
	code, _ = get("/api/v1/openapi.json")
	assert.Equal(t, http.StatusOK, code)
	code, _ = get("/api/v1/indicateurs/taux_emploi_6m?par=annee")
	assert.Equal(t, http.StatusServiceUnavailable, code, "no warehouse yet")
	code, _ = get("/api/v1/partenaires/FT/dossiers")
	assert.Equal(t, http.StatusUnauthorized, code)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err, "Ctrl-C stops the server cleanly")
	case <-time.After(15 * time.Second):
		t.Fatal("the server does not stop")
	}
	assert.Contains(t, errOut.String(), `"route":"GET /api/v1/indicateurs"`, "JSON access log on stderr")
}

func TestServeCommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"--addr", "pas-une-adresse"},
		{"--debit", "-1"},
	} {
		a := &app{out: io.Discard, errOut: io.Discard, root: dataroot.Root{Dir: t.TempDir()}}
		a.log = slog.New(slog.DiscardHandler)
		cmd := serveCmd(a)
		cmd.SetArgs(args)
		cmd.SetOut(io.Discard)
		cmd.SetErr(io.Discard)
		err := cmd.Execute()
		var ue *userError
		assert.True(t, errors.As(err, &ue), "%v: %v", args, err)
	}
}
