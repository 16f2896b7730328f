package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
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
	built := exportRoot(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	busyAddr := busy.Addr().String()
	busyPort := busy.Addr().(*net.TCPAddr).Port
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
		{t.TempDir(), []string{"--addr", "localhost:99999"}, `--addr "localhost:99999" : port « 99999 » invalide : un port est un nombre de 1 à 65535, par exemple 127.0.0.1:8080`},
		{t.TempDir(), []string{"--addr", "127.0.0.1:http"}, `--addr "127.0.0.1:http" : port « http » invalide`},
		{built, []string{"--addr", busyAddr}, fmt.Sprintf("impossible d'écouter sur %s : le port %d est déjà pris (par un autre « agora serve » ?) ; "+
			"arrêtez ce programme ou choisissez un autre port avec --addr, par exemple --addr 127.0.0.1:%d", busyAddr, busyPort, busyPort+1)},
		// 192.0.2.1 (TEST-NET-1, RFC 5737) is no machine's address.
		{built, []string{"--addr", "192.0.2.1:8080"}, "impossible d'écouter sur 192.0.2.1:8080 : 192.0.2.1 n'est pas une adresse de cette machine ; écoutez sur 127.0.0.1 (par défaut) ou sur une adresse d'une de ses interfaces réseau"},
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
	_, err = os.Stat(missing)
	assert.ErrorIs(t, err, os.ErrNotExist, "a mistyped root is not created")
}

// TestListenError checks the message of each cause of a failed listen that
// the machine of a test cannot produce at will.
func TestListenError(t *testing.T) {
	listen := func(errno error) error {
		return &net.OpError{Op: "listen", Net: "tcp", Err: os.NewSyscallError("bind", errno)}
	}
	for _, c := range []struct {
		addr, host, port string
		err              error
		want             string
	}{
		{"0.0.0.0:80", "0.0.0.0", "80", listen(syscall.EACCES), "impossible d'écouter sur 0.0.0.0:80 : les ports sous 1024 sont réservés à l'administrateur ; choisissez un port de 1024 à 65535, par exemple --addr 0.0.0.0:8080"},
		{"serveur.invalid:8080", "serveur.invalid", "8080", &net.OpError{Op: "listen", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "serveur.invalid", IsNotFound: true}},
			"impossible d'écouter sur serveur.invalid:8080 : l'hôte « serveur.invalid » est inconnu ; donnez une adresse IP (127.0.0.1) ou localhost"},
		{"127.0.0.1:65535", "127.0.0.1", "65535", listen(syscall.EADDRINUSE), "le port 65535 est déjà pris (par un autre « agora serve » ?) ; arrêtez ce programme ou choisissez un autre port avec --addr, par exemple --addr 127.0.0.1:8081"},
	} {
		ue := asUserError(listenError(c.addr, c.host, c.port, c.err))
		if assert.NotNil(t, ue, c.addr) {
			assert.Contains(t, ue.msg, c.want, c.addr)
		}
	}
}
