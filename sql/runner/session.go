package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/agora-formation/agora/warehouse"
)

// session is what a build changes in its DuckDB connection, and how to put
// it back: the macros of the changes, the search path, the settings.
type session struct {
	db   DB
	home string // current_database(): where the marts go
	// undo holds what restore runs, in reverse order, with a context that
	// outlives the build's cancellation.
	undo []func(context.Context) error
	ctx  context.Context
}

// prepareSession readies db for a build: it creates the shared macros (and,
// for an incremental build, the macros of the changed months), the reference
// tables, puts the cache catalog in the search path, and saves the setting
// preserve_insertion_order that the build changes per model. The returned
// session is never nil: restore it even when prepareSession fails, to undo
// the steps that succeeded.
func prepareSession(ctx context.Context, db DB, changes *Changes, cache string) (*session, error) {
	s := &session{db: db, ctx: context.WithoutCancel(ctx)}
	if _, err := db.ExecContext(ctx, macros()); err != nil {
		return s, fmt.Errorf("création des macros SQL : %w", err)
	}
	if changes != nil { // the macros define them as true, for a full build
		err := s.change(ctx, exec(db, changedMonthSQL(changes.Months, true)), exec(db, changedMonthSQL(nil, false)))
		if err != nil {
			return s, err
		}
	}
	if err := seedReferences(ctx, db); err != nil {
		return s, err
	}
	if err := db.QueryRowContext(ctx, "SELECT current_database()").Scan(&s.home); err != nil {
		return s, err
	}
	if cache != "" {
		var path string
		if err := db.QueryRowContext(ctx, "SELECT current_setting('search_path')").Scan(&path); err != nil {
			return s, err
		}
		set := fmt.Sprintf("SET search_path = %s", warehouse.Literal(warehouse.Ident(s.home)+".main,"+warehouse.Ident(cache)+".main"))
		if err := s.change(ctx, exec(db, set), exec(db, fmt.Sprintf("SET search_path = %s", warehouse.Literal(path)))); err != nil {
			return s, fmt.Errorf("cache %s : %w", cache, err)
		}
	}
	var keepOrder bool
	if err := db.QueryRowContext(ctx, "SELECT current_setting('preserve_insertion_order')").Scan(&keepOrder); err != nil {
		return s, err
	}
	s.undo = append(s.undo, exec(db, fmt.Sprintf("SET preserve_insertion_order = %t", keepOrder)))
	return s, nil
}

// change runs do and, if it succeeds, keeps undo for restore.
func (s *session) change(ctx context.Context, do, undo func(context.Context) error) error {
	if err := do(ctx); err != nil {
		return err
	}
	s.undo = append(s.undo, undo)
	return nil
}

// restore undoes the session's changes, last first, and returns their errors.
func (s *session) restore() error {
	var errs []error
	for i := len(s.undo) - 1; i >= 0; i-- {
		if err := s.undo[i](s.ctx); err != nil {
			errs = append(errs, err)
		}
	}
	s.undo = nil
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("remise en état de la session DuckDB après la construction : %w", err)
	}
	return nil
}

// exec is a step of a session: running query on db.
func exec(db DB, query string) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := db.ExecContext(ctx, query)
		return err
	}
}
