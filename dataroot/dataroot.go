// Package dataroot names the folders under agora's data root. The data root holds
// everything a run writes; the source tree holds none of it.
package dataroot

import (
	"os"
	"path/filepath"
)

// Env is the environment variable that sets the data root.
const Env = "AGORA_DATA"

// Default is the data root when neither --data nor AGORA_DATA is set: a folder
// of the current directory that the repository's .gitignore excludes.
const Default = "data"

// Root is a data root.
type Root struct{ Dir string }

// Resolve returns the data root from a flag value, else AGORA_DATA, else Default.
func Resolve(flag string) Root {
	dir := flag
	if dir == "" {
		dir = os.Getenv(Env)
	}
	if dir == "" {
		dir = Default
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return Root{Dir: dir}
}

// Lake is the folder of the lake (Parquet and manifests): the source of truth.
func (r Root) Lake() string { return filepath.Join(r.Dir, "lake") }

// Warehouse is the DuckDB file: a cache rebuilt from the lake by `agora build`.
func (r Root) Warehouse() string { return filepath.Join(r.Dir, "warehouse.duckdb") }

// Cache is the DuckDB file where `agora build` keeps its staging and
// intermediate tables from one build to the next, so that the next build
// recomputes only what new DSN months change. Rebuildable; deleting it only
// makes the next build a full one.
func (r Root) Cache() string { return filepath.Join(r.Dir, "cache.duckdb") }

// Marts is the folder where `agora build` also writes the marts as Parquet.
func (r Root) Marts() string { return filepath.Join(r.Dir, "marts") }

// Site is the public static site.
func (r Root) Site() string { return filepath.Join(r.Dir, "site") }

// OpenData is the public open-data folder.
func (r Root) OpenData() string { return filepath.Join(r.Dir, "opendata") }

// Private holds outputs with personal data (partner files): never published.
func (r Root) Private() string { return filepath.Join(r.Dir, "prive") }

// Tokens holds the hashed API tokens.
func (r Root) Tokens() string { return filepath.Join(r.Dir, "prive", "jetons.json") }

// Deliveries is where `agora demo` writes the synthetic partner deliveries.
func (r Root) Deliveries() string { return filepath.Join(r.Dir, "livraisons") }

// Temp is DuckDB's spill folder.
func (r Root) Temp() string { return filepath.Join(r.Dir, "tmp") }
