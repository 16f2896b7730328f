// Package warehouse opens the DuckDB session every other package uses: the
// warehouse file (a cache that can always be rebuilt from the lake), with
// memory, threads and spill directory set, extension auto-install off, the
// bundled extensions checked, and the lake's Parquet files exposed as views.
package warehouse

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// DefaultMemoryLimit suits the 2-core, 24 GB machine agora targets: DuckDB
// spills beyond it to TempDir, and the rest of the memory stays for the Go
// process and the page cache that serves the Parquet files.
const DefaultMemoryLimit = "8GB"

// RequiredExtensions are the extensions statically linked into the DuckDB
// library agora ships with; nothing is ever installed or downloaded.
var RequiredExtensions = []string{"parquet", "json", "icu"}

// NoExtensions adds to a DuckDB start-up configuration what keeps out every
// extension but the bundled ones: no auto-install, no auto-load, no
// community extensions, and an extension directory that can never exist
// (under the null device). DuckDB creates that directory before anything
// else, so any INSTALL — even FROM a repository or a URL — fails at once,
// before reaching the network, and LOAD finds nothing.
func NoExtensions(config url.Values) {
	config.Set("autoinstall_known_extensions", "false")
	config.Set("autoload_known_extensions", "false")
	config.Set("allow_community_extensions", "false")
	config.Set("extension_directory", os.DevNull+"/agora-extensions")
}

// Options configure a session. The zero value opens an in-memory database
// with the defaults.
type Options struct {
	// Path of the DuckDB file; "" opens an in-memory database.
	Path string
	// MemoryLimit as ParseMemoryLimit reads it ("8GB", "8Go", "512Mo");
	// default DefaultMemoryLimit.
	MemoryLimit string
	// Threads used by DuckDB; default runtime.NumCPU().
	Threads int
	// TempDir receives what DuckDB spills; default Path+".tmp", or for an
	// in-memory database a fresh directory under os.TempDir() removed by Close.
	TempDir string
	// ReadOnly opens the file with access_mode=READ_ONLY: every write fails.
	ReadOnly bool
}

// withDefaults fills the zero fields.
func (o Options) withDefaults() Options {
	if o.MemoryLimit == "" {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.Threads <= 0 {
		o.Threads = runtime.NumCPU()
	}
	if o.TempDir == "" && o.Path != "" {
		o.TempDir = o.Path + ".tmp"
	}
	return o
}

// Session is an open DuckDB database. Its settings are global to the
// database, so every connection of DB() shares them, and so do the views.
type Session struct {
	db      *sql.DB
	opts    Options
	ownTemp bool // TempDir was created by Open and is removed by Close
}

// Open opens the database described by opts and checks it is fit for agora.
// Within one process, a file can be open in one session at a time (DuckDB
// refuses a second instance of a file with other settings).
func Open(ctx context.Context, opts Options) (*Session, error) {
	opts = opts.withDefaults()
	limit, err := ParseMemoryLimit(opts.MemoryLimit)
	if err != nil {
		return nil, err // before DuckDB creates any file
	}
	opts.MemoryLimit = cmp.Or(limit, DefaultMemoryLimit) // blank: the default
	tuneAllocator()
	if opts.ReadOnly && opts.Path == "" {
		return nil, errors.New("warehouse : une base en mémoire ne peut pas être ouverte en lecture seule : donnez le chemin du fichier DuckDB")
	}
	if strings.ContainsAny(opts.Path, "?#") {
		return nil, fmt.Errorf("warehouse : chemin de base %q invalide : les caractères ? et # ne sont pas acceptés, renommez le dossier", opts.Path)
	}
	ownTemp := false
	if opts.TempDir == "" {
		// In memory: a directory of its own, as DuckDB's spill file names are
		// not unique between databases.
		dir, err := os.MkdirTemp("", "agora-duckdb-")
		if err != nil {
			return nil, fmt.Errorf("warehouse : dossier temporaire : %w", err)
		}
		opts.TempDir, ownTemp = dir, true
	}
	// Settings are given as start-up configuration, so they hold from the
	// first statement and for every connection.
	config := url.Values{}
	NoExtensions(config)
	config.Set("memory_limit", opts.MemoryLimit)
	config.Set("threads", strconv.Itoa(opts.Threads))
	config.Set("temp_directory", opts.TempDir)
	config.Set("preserve_insertion_order", "false")
	if opts.ReadOnly {
		config.Set("access_mode", "READ_ONLY")
	} else if opts.Path != "" {
		config.Set("access_mode", "READ_WRITE")
		if err := os.MkdirAll(filepath.Dir(opts.Path), 0o755); err != nil {
			return nil, fmt.Errorf("warehouse : création du dossier de %s : %w", opts.Path, err)
		}
	}
	connector, err := duckdb.NewConnector(opts.Path+"?"+config.Encode(), nil)
	if err != nil {
		if ownTemp {
			os.RemoveAll(opts.TempDir)
		}
		where := opts.Path
		if where == "" {
			where = "(en mémoire)"
		}
		return nil, fmt.Errorf("warehouse : ouverture de la base DuckDB %s : %w", where, err)
	}
	s := &Session{db: sql.OpenDB(connector), opts: opts, ownTemp: ownTemp}
	if err := requireExtensions(ctx, s.db, RequiredExtensions...); err != nil {
		s.Close()
		return nil, err
	}
	// No FSST string compression in the tables agora writes (DuckDB only
	// takes this setting from SET, not at start-up). Trying FSST on every
	// string segment and decompressing it on every later scan cost more than
	// the disk it saves: over four alternated pairs of full builds at 1M,
	// a median 41.8 s without it against 50.3 s with it, for a cache of
	// 694 MB instead of 562 MB (+23 %).
	if _, err := s.db.ExecContext(ctx, "SET GLOBAL disabled_compression_methods = 'fsst,dict_fsst'"); err != nil {
		s.Close()
		return nil, fmt.Errorf("warehouse : réglage de la compression : %w", err)
	}
	return s, nil
}

// requireExtensions fails unless every named extension is loaded.
func requireExtensions(ctx context.Context, db *sql.DB, names ...string) error {
	rows, err := db.QueryContext(ctx, "SELECT extension_name FROM duckdb_extensions() WHERE loaded")
	if err != nil {
		return fmt.Errorf("warehouse : liste des extensions DuckDB : %w", err)
	}
	defer rows.Close()
	loaded := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		loaded[name] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var missing []string
	for _, n := range names {
		if !loaded[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("warehouse : extension(s) DuckDB non chargée(s) : %s ; agora n'installe jamais d'extension : utilisez un binaire construit avec la bibliothèque DuckDB fournie par duckdb-go (parquet, json et icu intégrées)", strings.Join(missing, ", "))
	}
	return nil
}

// DB returns the database handle; all its connections share the session's settings.
func (s *Session) DB() *sql.DB { return s.db }

// Options returns the options in effect, defaults filled in.
func (s *Session) Options() Options { return s.opts }

// Close closes the database; a file database is checkpointed.
func (s *Session) Close() error {
	err := s.db.Close()
	if s.ownTemp {
		os.RemoveAll(s.opts.TempDir)
	}
	return err
}

// Exec runs a statement.
func (s *Session) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, query, args...)
}

// Query runs a query.
func (s *Session) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, query, args...)
}

// QueryRow runs a query expected to return at most one row.
func (s *Session) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, query, args...)
}

// MemoryUsage returns the bytes DuckDB's buffer manager holds now.
func (s *Session) MemoryUsage(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT sum(memory_usage_bytes)::BIGINT FROM duckdb_memory()").Scan(&n)
	return n.Int64, err
}
