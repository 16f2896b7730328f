package serve

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func body(n int) response { return response{body: []byte(strings.Repeat("x", n))} }

func TestResponseCacheLRU(t *testing.T) {
	c := newResponseCache(800) // answers up to 100 bytes are kept
	computed := 0
	get := func(key string, n int) bool {
		_, hit, err := c.get(key, func() (response, error) { computed++; return body(n), nil })
		require.NoError(t, err)
		return hit
	}
	for i := range 8 {
		assert.False(t, get(string(rune('a'+i)), 100))
	}
	assert.Equal(t, 800, c.bytes)
	assert.True(t, get("a", 100), "8 × 100 bytes fit")
	assert.False(t, get("i", 100), "a ninth evicts the least recently used: b")
	assert.Equal(t, 800, c.bytes)
	assert.True(t, get("a", 100))
	assert.False(t, get("b", 100), "b was evicted")
	assert.False(t, get("big", 101), "too large to keep")
	assert.False(t, get("big", 101))
	assert.Equal(t, 12, computed)
}

func TestResponseCacheComputesOnceAndForgetsErrors(t *testing.T) {
	c := newResponseCache(1 << 20)
	var calls atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			r, _, err := c.get("k", func() (response, error) {
				calls.Add(1)
				<-release
				return body(10), nil
			})
			assert.NoError(t, err)
			assert.Len(t, r.body, 10)
		})
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	assert.Equal(t, int32(1), calls.Load(), "twenty concurrent requests, one computation")

	boom := errors.New("délai dépassé")
	_, _, err := c.get("e", func() (response, error) { return response{}, boom })
	assert.ErrorIs(t, err, boom)
	_, hit, err := c.get("e", func() (response, error) { return body(1), nil })
	assert.NoError(t, err)
	assert.False(t, hit, "an error is not kept")

	// A computation that panics releases those waiting for it.
	started := make(chan struct{})
	waiter := make(chan error)
	go func() {
		defer func() { recover() }()
		c.get("p", func() (response, error) {
			close(started)
			time.Sleep(50 * time.Millisecond)
			panic("bug")
		})
	}()
	<-started
	go func() {
		_, _, err := c.get("p", func() (response, error) { return body(1), nil })
		waiter <- err
	}()
	select {
	case err := <-waiter:
		assert.Error(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("a waiter is stuck after a panic")
	}
}

func TestStreamedAnswersClaimAndFill(t *testing.T) {
	c := newResponseCache(800) // answers up to 100 bytes are kept
	_, ok := c.lookup("d")
	assert.False(t, ok)
	require.True(t, c.claim("d"), "nobody fills d: the first request copies its stream")
	assert.False(t, c.claim("d"), "a second request streams without a copy")
	c.fill("d", body(100), true)
	r, ok := c.lookup("d")
	require.True(t, ok)
	assert.Len(t, r.body, 100)
	assert.False(t, c.claim("d"), "kept: nothing to fill")
	assert.Equal(t, 100, c.bytes)

	// An incomplete stream (cut, or its copy overflowed) only releases the key.
	require.True(t, c.claim("e"))
	c.fill("e", body(10), false)
	_, ok = c.lookup("e")
	assert.False(t, ok)
	assert.True(t, c.claim("e"), "released: the next request fills it")
	c.fill("e", body(101), true)
	_, ok = c.lookup("e")
	assert.False(t, ok, "larger than an eighth of the cache: not kept")
	assert.Equal(t, 100, c.bytes)
}

func TestCopyBufferDropsItsCopyBeyondMax(t *testing.T) {
	b := &copyBuffer{max: 10}
	for _, p := range []string{"abcd", "efgh", "ij"} {
		n, err := b.Write([]byte(p))
		require.NoError(t, err)
		assert.Equal(t, len(p), n)
	}
	assert.Equal(t, "abcdefghij", string(b.buf))
	assert.False(t, b.overflow, "exactly max bytes fit")
	n, err := b.Write([]byte("k"))
	require.NoError(t, err, "the stream goes on: only the copy stops")
	assert.Equal(t, 1, n)
	assert.True(t, b.overflow)
	assert.Nil(t, b.buf, "the copy is released at once")
	b.Write([]byte("l"))
	assert.Nil(t, b.buf)
}
