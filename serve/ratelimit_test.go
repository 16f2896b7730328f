package serve

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLimiterTokenBucket(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(2, 3, func() time.Time { return now }) // 2 requests/s, bursts of 3

	for i := range 3 {
		ok, _ := l.allow("a")
		assert.True(t, ok, "burst request %d", i+1)
	}
	ok, wait := l.allow("a")
	assert.False(t, ok, "the bucket is empty")
	assert.Equal(t, 500*time.Millisecond, wait, "one token every 1/2 s")

	ok, _ = l.allow("b")
	assert.True(t, ok, "each key has its own bucket")

	now = now.Add(250 * time.Millisecond) // half a token
	ok, wait = l.allow("a")
	assert.False(t, ok)
	assert.Equal(t, 250*time.Millisecond, wait)
	now = now.Add(250 * time.Millisecond) // one token
	ok, _ = l.allow("a")
	assert.True(t, ok)
	ok, _ = l.allow("a")
	assert.False(t, ok)

	now = now.Add(time.Hour) // refills to the burst, not beyond
	for range 3 {
		ok, _ := l.allow("a")
		assert.True(t, ok)
	}
	ok, _ = l.allow("a")
	assert.False(t, ok)
}

func TestLimiterDisabledAndPruned(t *testing.T) {
	off := newLimiter(-1, 1, nil)
	for range 100 {
		ok, _ := off.allow("a")
		assert.True(t, ok)
	}
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(1, 1, func() time.Time { return now })
	for i := range maxBuckets {
		l.allow(string(rune(i)))
	}
	assert.Len(t, l.buckets, maxBuckets)
	now = now.Add(2 * time.Second) // every bucket has refilled
	l.allow("new")
	assert.Len(t, l.buckets, 1, "full buckets are dropped when the map is full")
}
