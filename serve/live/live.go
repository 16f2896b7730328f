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

// PrepareFunc readies a newly opened database before any request sees it (to
// warm caches, for instance) and returns a value handed to the requests with
// the database (Lease.Value). An error rejects that build: the previous one
// keeps being served.
type PrepareFunc func(ctx context.Context, db *sql.DB) (any, error)

// ErrUnavailable is returned by Acquire while no warehouse could be opened.
var ErrUnavailable = errors.New("entrepôt indisponible")

// Warehouse is one open read-only *sql.DB at a time (a generation), swapped
// atomically when the warehouse file changes.
//
// A request acquires the current generation, counting itself in, and releases
// it once it has written its response. A reload opens and prepares the new
// generation while the old one still serves, publishes it, then retires the
// old one: marks it retired and closes it once its count drops to zero. A
// request that loaded the old generation just as it was retired sees the mark
// and takes the new one. So no request waits for a reload, fails because of
// it, or sees a closed database.
type Warehouse struct {
	path    string
	open    OpenFunc
	prepare PrepareFunc
	log     *slog.Logger

	cur atomic.Pointer[generation]

	opened     chan struct{} // closed when the first generation is published
	openedOnce sync.Once

	mu      sync.Mutex  // serialises reloads
	pending fs.FileInfo // stat seen at the previous poll, for the stability check
	failed  fs.FileInfo // version of the file that could not be opened: not retried
	retired sync.WaitGroup
}

type generation struct {
	db      *sql.DB
	value   any
	info    fs.FileInfo // stat of the file when opened
	refs    atomic.Int64
	retired atomic.Bool
}

// New returns the warehouse at path, opened with open and readied with
// prepare (which may be nil). It opens nothing yet: call Reload(ctx, true)
// first, then Watch.
func New(path string, open OpenFunc, prepare PrepareFunc, log *slog.Logger) *Warehouse {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Warehouse{path: path, open: open, prepare: prepare, log: log, opened: make(chan struct{})}
}

// Opened is closed once a first generation is published, at start or at a
// later build: from then on Acquire succeeds until Close.
func (l *Warehouse) Opened() <-chan struct{} { return l.opened }

// Lease is a request's hold on a generation. Release it once, when the
// request is done with the database.
type Lease struct {
	DB    *sql.DB
	Value any // what PrepareFunc returned for this generation
	g     *generation
}

// Release lets the generation close once it is retired.
func (l *Lease) Release() { l.g.refs.Add(-1) }

// Acquire returns a lease on the current generation.
func (l *Warehouse) Acquire() (*Lease, error) {
	for {
		g := l.cur.Load()
		if g == nil {
			return nil, ErrUnavailable
		}
		g.refs.Add(1)
		if !g.retired.Load() {
			return &Lease{DB: g.db, Value: g.value, g: g}, nil
		}
		g.refs.Add(-1) // swapped meanwhile: take the new one
	}
}

// Reload opens the warehouse when its file differs from the open one (or
// always, with force), prepares it and makes it current. Unless forced, the
// file must have kept the same identity since the previous poll, so that a
// build still writing it is not opened half-written, and a version that
// failed once is not tried again. It returns whether a new generation was
// published.
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
		if cur != nil && sameFile(cur.info, info) || l.failed != nil && sameFile(l.failed, info) {
			l.pending = nil
			return false, nil
		}
		if l.pending == nil || !sameFile(l.pending, info) {
			l.pending = info // changed: wait one more poll to see it stable
			return false, nil
		}
	}
	l.pending = nil
	g, err := l.openGeneration(ctx, info)
	if err != nil {
		l.failed = info
		return false, err
	}
	l.failed = nil
	l.cur.Store(g)
	l.openedOnce.Do(func() { close(l.opened) })
	if cur != nil {
		l.retire(cur)
	}
	return true, nil
}

func (l *Warehouse) openGeneration(ctx context.Context, info fs.FileInfo) (*generation, error) {
	db, err := l.open(ctx)
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	g := &generation{db: db, info: info}
	if l.prepare != nil {
		if g.value, err = l.prepare(ctx, db); err != nil {
			db.Close()
			return nil, err
		}
	}
	return g, nil
}

// drainPoll is how often a retired generation checks for its last request.
const drainPoll = 5 * time.Millisecond

// retire closes g once the requests using it have finished.
func (l *Warehouse) retire(g *generation) {
	g.retired.Store(true)
	l.retired.Add(1)
	go func() {
		defer l.retired.Done()
		for g.refs.Load() > 0 {
			time.Sleep(drainPoll)
		}
		if err := g.db.Close(); err != nil {
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
		case swapped:
			l.log.Info("nouvel entrepôt chargé", "fichier", l.path)
		case err != nil && !errors.Is(err, fs.ErrNotExist) && ctx.Err() == nil:
			l.log.Warn("nouvel entrepôt inutilisable ; le précédent reste servi", "fichier", l.path, "erreur", err)
		}
	}
}

// Close retires the current generation and waits until every generation is
// closed, that is until every lease is released.
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
