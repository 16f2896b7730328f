package warehouse

/*
#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

// The jemalloc that DuckDB bundles in its Linux builds. Weak: a DuckDB
// built without it (macOS, Windows) still links, and the pointer is NULL.
extern int duckdb_je_mallctl(const char *name, void *oldp, size_t *oldlenp,
	void *newp, size_t newlen) __attribute__((weak));

static int agora_has_jemalloc(void) {
	return duckdb_je_mallctl != NULL;
}

// Sets how long freed pages stay with jemalloc before they are returned to
// the system: the default for arenas created later, then every arena that
// already exists (jemalloc has no "all arenas" form for this setting; an
// index with no arena yet answers EFAULT and takes the default when created).
static int agora_set_decay(long ms) {
	ssize_t v = ms;
	const char *defaults[] = {"arenas.dirty_decay_ms", "arenas.muzzy_decay_ms"};
	for (int i = 0; i < 2; i++) {
		int r = duckdb_je_mallctl(defaults[i], NULL, NULL, &v, sizeof(v));
		if (r != 0) {
			return r;
		}
	}
	unsigned n = 0;
	size_t len = sizeof(n);
	int r = duckdb_je_mallctl("arenas.narenas", &n, &len, NULL, 0);
	if (r != 0) {
		return r;
	}
	char name[64];
	for (unsigned i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "arena.%u.dirty_decay_ms", i);
		duckdb_je_mallctl(name, NULL, NULL, &v, sizeof(v));
		snprintf(name, sizeof(name), "arena.%u.muzzy_decay_ms", i);
		duckdb_je_mallctl(name, NULL, NULL, &v, sizeof(v));
	}
	return 0;
}

// Reads the decay of arena 0 (which always exists) or, for -1, the default.
static long agora_get_decay(int arena) {
	char name[64] = "arenas.dirty_decay_ms";
	if (arena >= 0) {
		snprintf(name, sizeof(name), "arena.%d.dirty_decay_ms", arena);
	}
	ssize_t v = 0;
	size_t len = sizeof(v);
	if (duckdb_je_mallctl(name, &v, &len, NULL, 0) != 0) {
		return -2;
	}
	return v;
}
*/
import "C"

import (
	"fmt"
	"sync"
	"time"
)

// allocatorDecay is how long DuckDB's allocator keeps the memory a query
// frees before giving it back to the system. DuckDB sets 1 s: pages are then
// returned and faulted in again many times per build (a third of the build's
// system time, in the kernel's page-fault handler). Over three alternated
// rounds of full builds at 1M, 10 s took the median from 45.8 s to 38.6 s
// (system CPU 15.4 s to 10.8 s), with the same peak memory (1.9–2.3 GB
// against 1.8–1.9 GB); never returning them was no faster (40.8 s) and kept
// 2.6–3.2 GB. The memory still goes back to the system 10 s after the work
// that needed it, which matters for `agora serve`.
const allocatorDecay = 10 * time.Second

var tuneOnce sync.Once

// tuneAllocator sets allocatorDecay once per process (the allocator is the
// process's, shared by every database). It does nothing with a DuckDB that
// does not bundle jemalloc; a refusal costs speed only, so it is not an
// error for the caller.
func tuneAllocator() {
	tuneOnce.Do(func() {
		if C.agora_has_jemalloc() != 0 {
			_ = setAllocatorDecay(allocatorDecay)
		}
	})
}

func setAllocatorDecay(d time.Duration) error {
	if r := C.agora_set_decay(C.long(d.Milliseconds())); r != 0 {
		return fmt.Errorf("jemalloc : réglage de la durée de rétention refusé (code %d)", int(r))
	}
	return nil
}

// allocatorDecaySetting reads the decay back, for the tests: the default
// for new arenas and that of arena 0, which exists from the start; ok is
// false without jemalloc.
func allocatorDecaySetting() (forNew, arena0 time.Duration, ok bool) {
	if C.agora_has_jemalloc() == 0 {
		return 0, 0, false
	}
	a, b := C.agora_get_decay(-1), C.agora_get_decay(0)
	if a == -2 || b == -2 {
		return 0, 0, false
	}
	return time.Duration(a) * time.Millisecond, time.Duration(b) * time.Millisecond, true
}
