package live

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"runtime"
	"sync"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/agora-formation/agora/warehouse"
)

// Options are the settings of the server's DuckDB instance.
type Options struct {
	Threads     int    // 0: DuckDB's default (the number of cores)
	MemoryLimit string // as warehouse.ParseMemoryLimit reads it, e.g. "2GB" or "2Go"; empty: DuckDB's default
	Conns       int    // connections of the pool; 0: 4 per core, at least 8
}

// ReadOnly returns an OpenFunc that opens the DuckDB file at path read-only,
// in a DuckDB instance of its own: an in-memory database to which the file is
// attached READ_ONLY and made the default catalog of every connection.
//
// Why not open the file directly: the DuckDB driver keeps one instance per
// path, so opening the warehouse again while the previous generation still
// serves requests would return that previous instance, still reading the
// replaced file. A private instance reads the file at its path now.
//
// Once the file is attached, the instance is locked down: no access to other
// files or the network (enable_external_access = false), no extension
// auto-install or auto-load, and no configuration change (lock_configuration).
//
// An invalid MemoryLimit fails every open with warehouse.ParseMemoryLimit's
// message, before DuckDB sees it; check it when the server starts.
func ReadOnly(path string, opt Options) OpenFunc {
	limit, limitErr := warehouse.ParseMemoryLimit(opt.MemoryLimit)
	return func(ctx context.Context) (*sql.DB, error) {
		if limitErr != nil {
			return nil, limitErr
		}
		q := url.Values{}
		warehouse.NoExtensions(q)
		q.Set("access_mode", "read_write") // of the in-memory database; the warehouse is attached READ_ONLY
		// No spilling: the server's queries are small, and an in-memory
		// database would otherwise spill into ./.tmp of the working directory.
		q.Set("temp_directory", "")
		if opt.Threads > 0 {
			q.Set("threads", fmt.Sprint(opt.Threads))
		}
		if limit != "" {
			q.Set("memory_limit", limit)
		}
		var (
			once      sync.Once
			attachErr error
		)
		attach := "ATTACH " + warehouse.Literal(path) + " AS entrepot (READ_ONLY)"
		init := func(e driver.ExecerContext) error {
			once.Do(func() {
				for _, stmt := range []string{
					attach,
					"SET enable_external_access = false",
					"SET lock_configuration = true",
				} {
					if _, attachErr = e.ExecContext(ctx, stmt, nil); attachErr != nil {
						attachErr = fmt.Errorf("ouverture de l'entrepôt %s en lecture seule : %w", path, attachErr)
						return
					}
				}
			})
			if attachErr != nil {
				return attachErr
			}
			_, err := e.ExecContext(context.Background(), "USE entrepot", nil)
			return err
		}
		c, err := duckdb.NewConnector(":memory:?"+q.Encode(), init)
		if err != nil {
			return nil, err
		}
		db := sql.OpenDB(c)
		// DuckDB runs each query on its threads: a bounded pool keeps many
		// heavy queries from piling up inside DuckDB, while enough
		// connections remain for the light ones (the data date a public
		// query reads) not to queue behind a heavy one.
		conns := opt.Conns
		if conns <= 0 {
			conns = max(8, 4*runtime.NumCPU())
		}
		db.SetMaxOpenConns(conns)
		db.SetMaxIdleConns(conns)
		return db, nil
	}
}
