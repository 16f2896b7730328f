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
	return &responseCache{maxBytes: maxBytes, order: list.New(), entries: map[string]*list.Element{}, inflight: map[string]*call{}}
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
	if cl.err == nil && len(cl.r.body) <= c.maxBytes/8 {
		c.entries[key] = c.order.PushFront(&cacheEntry{key: key, r: cl.r})
		c.bytes += len(cl.r.body)
		for c.bytes > c.maxBytes {
			last := c.order.Back()
			e := last.Value.(*cacheEntry)
			c.order.Remove(last)
			delete(c.entries, e.key)
			c.bytes -= len(e.r.body)
		}
	}
	c.mu.Unlock()
	close(cl.done)
}
