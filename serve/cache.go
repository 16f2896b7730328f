package serve

import (
	"container/list"
	"errors"
	"sync"
)

// response is a rendered answer: its body and headers that vary with it.
type response struct {
	body        []byte
	contentType string
	disposition string
	cacheCtl    string
}

// responseCache keeps the rendered answers of one build, keyed by mode,
// funder, indicator and normalised query. A build is read-only, so an answer
// never goes stale within it; the cache goes away with the build. It holds at
// most maxBytes of bodies, dropping the least recently used, and computes a
// missing answer once however many requests ask for it at the same time.
type responseCache struct {
	maxBytes int

	mu       sync.Mutex
	bytes    int
	order    *list.List // of *cacheEntry, most recent first
	entries  map[string]*list.Element
	inflight map[string]*call
	filling  map[string]bool // keys claimed by a streamed answer (claim, fill)
}

type cacheEntry struct {
	key string
	r   response
}

type call struct {
	done chan struct{}
	r    response
	err  error
}

func newResponseCache(maxBytes int) *responseCache {
	return &responseCache{maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{},
		inflight: map[string]*call{}, filling: map[string]bool{}}
}

// get returns the answer for key, computing it with compute when missing.
// Errors are not cached. hit reports whether the answer was already there.
func (c *responseCache) get(key string, compute func() (response, error)) (r response, hit bool, err error) {
	c.mu.Lock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		c.mu.Unlock()
		return el.Value.(*cacheEntry).r, true, nil
	}
	if cl, ok := c.inflight[key]; ok {
		c.mu.Unlock()
		<-cl.done
		return cl.r, true, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[key] = cl
	c.mu.Unlock()

	completed := false
	defer func() {
		if !completed { // compute panicked: release the waiters, let the panic go on
			cl.err = errComputePanicked
		}
		c.finish(key, cl)
	}()
	cl.r, cl.err = compute()
	completed = true
	return cl.r, false, cl.err
}

var errComputePanicked = errors.New("calcul interrompu")

// finish stores a computed answer (not an error, nor one larger than an
// eighth of the cache) and wakes the requests waiting for it.
func (c *responseCache) finish(key string, cl *call) {
	c.mu.Lock()
	delete(c.inflight, key)
	if cl.err == nil {
		c.store(key, cl.r)
	}
	c.mu.Unlock()
	close(cl.done)
}

// maxEntry is the largest answer kept: an eighth of the cache.
func (c *responseCache) maxEntry() int { return c.maxBytes / 8 }

// store keeps r under key (not when larger than maxEntry), dropping the least
// recently used answers beyond maxBytes. c.mu is held.
func (c *responseCache) store(key string, r response) {
	if len(r.body) > c.maxEntry() {
		return
	}
	if el, ok := c.entries[key]; ok { // filled twice: keep the newer
		c.order.Remove(el)
		c.bytes -= len(el.Value.(*cacheEntry).r.body)
	}
	c.entries[key] = c.order.PushFront(&cacheEntry{key: key, r: r})
	c.bytes += len(r.body)
	for c.bytes > c.maxBytes {
		last := c.order.Back()
		e := last.Value.(*cacheEntry)
		c.order.Remove(last)
		delete(c.entries, e.key)
		c.bytes -= len(e.r.body)
	}
}

// Streamed answers are written to the client as they are computed, so they
// cannot wait for one computation as get does: a request that finds no answer
// claims the key and streams it while keeping a copy (at most maxEntry bytes),
// and fills the key with it at the end; requests meanwhile stream their own,
// without a copy.

// lookup returns the answer kept under key, if any.
func (c *responseCache) lookup(key string) (response, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*cacheEntry).r, true
	}
	return response{}, false
}

// claim reports whether the caller is to fill key: no answer is kept under it
// and no other request is filling it. A true claim must be followed by fill.
func (c *responseCache) claim(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; ok || c.filling[key] {
		return false
	}
	c.filling[key] = true
	return true
}

// fill ends a claim: it keeps r under key when complete (the answer was
// written whole and not larger than maxEntry), else only releases the key.
func (c *responseCache) fill(key string, r response, complete bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.filling, key)
	if complete {
		c.store(key, r)
	}
}

// copyBuffer keeps a copy of what is written through it, up to max bytes;
// beyond, it drops the copy and keeps nothing.
type copyBuffer struct {
	max      int
	buf      []byte
	overflow bool
}

func (b *copyBuffer) Write(p []byte) (int, error) {
	if !b.overflow {
		if len(b.buf)+len(p) > b.max {
			b.buf, b.overflow = nil, true
		} else {
			b.buf = append(b.buf, p...)
		}
	}
	return len(p), nil
}
