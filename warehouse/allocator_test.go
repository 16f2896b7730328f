package warehouse

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Opening a session sets the allocator's decay; jemalloc's own default in
// DuckDB is 1 s, so reading 10 s back means agora's call took effect.
func TestOpenTunesAllocator(t *testing.T) {
	s, err := Open(context.Background(), Options{})
	require.NoError(t, err)
	defer s.Close()
	forNew, arena0, ok := allocatorDecaySetting()
	if !ok {
		if runtime.GOOS == "linux" {
			t.Fatal("DuckDB's Linux builds bundle jemalloc; without it the builds lose their allocator setting (see allocatorDecay)")
		}
		t.Skip("this DuckDB build has no jemalloc")
	}
	assert.Equal(t, 10*time.Second, forNew, "arenas created later")
	assert.Equal(t, 10*time.Second, arena0, "arena 0, created before agora's call")

	// Set another value, read it back, and restore.
	require.NoError(t, setAllocatorDecay(3*time.Second))
	forNew, arena0, _ = allocatorDecaySetting()
	assert.Equal(t, []time.Duration{3 * time.Second, 3 * time.Second}, []time.Duration{forNew, arena0})
	require.NoError(t, setAllocatorDecay(allocatorDecay))
}
