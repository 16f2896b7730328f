// Package live is the warehouse as a long-running server sees it: one open
// read-only DuckDB database at a time, swapped for a new one when a build
// lands, without failing a request in flight.
package live

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// OpenFunc opens the warehouse read-only. A Warehouse calls it at start and
// again each time a new build lands, and closes what it returned once no
// request uses it any more. See ReadOnly.
type OpenFunc func(ctx context.Context) (*sql.DB, error)

// ErrUnavailable is returned by Acquire while no warehouse could be opened.
var ErrUnavailable = errors.New("entrepôt indisponible")

// Warehouse is one open read-only *sql.DB at a time, swapped atomically when
// the warehouse file changes.
//
// A request acquires the current generation and holds its read lock until it
// has written its response; a swap publishes the new generation first, then
// takes the old one's write lock, which waits for the requests still using
// it, marks it retired and closes it. A request that loaded the old pointer
// just before the swap finds it retired under the lock and takes the new one:
// no request fails or sees a closed database because of a reload.
//
// A request must acquire at most once: a second Acquire while a swap waits
// for the first could block.
type Warehouse struct {
	path string
	open OpenFunc
	log  *slog.Logger

	cur atomic.Pointer[generation]

	mu      sync.Mutex  // serialises reloads
	pending fs.FileInfo // stat seen at the previous poll, for the stability check
	retired sync.WaitGroup
}

type generation struct {
	db      *sql.DB
	info    fs.FileInfo // stat of the file when opened
	mu      sync.RWMutex
	retired bool
}

// New returns the warehouse at path, opened with open. It opens nothing yet:
// call Reload(ctx, true) first, then Watch.
func New(path string, open OpenFunc, log *slog.Logger) *Warehouse {
	return &Warehouse{path: path, open: open, log: log}
}

// Acquire returns the current database and the function that releases it,
// to be called once the request is done with it.
func (l *Warehouse) Acquire() (*sql.DB, func(), error) {
	for {
		g := l.cur.Load()
		if g == nil {
			return nil, nil, ErrUnavailable
		}
		g.mu.RLock()
		if !g.retired {
			return g.db, g.mu.RUnlock, nil
		}
		g.mu.RUnlock() // swapped meanwhile: take the new one
	}
}

// Reload opens the warehouse when its file differs from the open one (or
// always, with force) and makes it current. The file must have kept the same
// identity since the previous poll, so that a build still writing it is not
// opened half-written. It returns whether a new generation was published.
func (l *Warehouse) Reload(ctx context.Context, force bool) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	info, err := os.Stat(l.path)
	if err != nil {
		l.pending = nil
		return false, err
	}
	cur := l.cur.Load()
	if !force {
		if cur != nil && sameFile(cur.info, info) {
			l.pending = nil
			return false, nil
		}
		if l.pending == nil || !sameFile(l.pending, info) {
			l.pending = info // changed: wait one more poll to see it stable
			return false, nil
		}
	}
	db, err := l.open(ctx)
	if err != nil {
		return false, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return false, err
	}
	l.pending = nil
	l.cur.Store(&generation{db: db, info: info})
	if cur != nil {
		l.retire(cur)
	}
	return true, nil
}

// retire closes g once the requests using it have finished.
func (l *Warehouse) retire(g *generation) {
	l.retired.Add(1)
	go func() {
		defer l.retired.Done()
		g.mu.Lock()
		g.retired = true
		g.mu.Unlock()
		if err := g.db.Close(); err != nil && l.log != nil {
			l.log.Warn("fermeture de l'ancien entrepôt", "erreur", err)
		}
	}()
}

// Watch polls the warehouse file every interval and reloads it when a new
// build has landed, until ctx ends.
func (l *Warehouse) Watch(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		swapped, err := l.Reload(ctx, false)
		switch {
		case swapped && l.log != nil:
			l.log.Info("nouvel entrepôt chargé", "fichier", l.path)
		case err != nil && !errors.Is(err, fs.ErrNotExist) && l.log != nil:
			l.log.Warn("rechargement de l'entrepôt impossible ; l'ancien reste servi", "erreur", err)
		}
	}
}

// Close retires the current generation and waits until every generation is
// closed.
func (l *Warehouse) Close() {
	l.mu.Lock()
	if g := l.cur.Swap(nil); g != nil {
		l.retire(g)
	}
	l.mu.Unlock()
	l.retired.Wait()
}

// sameFile reports whether two stats describe the same version of a file.
func sameFile(a, b fs.FileInfo) bool {
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}
