//go:build !unix

package token

// lock is a no-op where flock does not exist: concurrent token commands could
// then lose an update, which the single-administrator use makes unlikely.
func lock(path string) (func(), error) { return func() {}, nil }
