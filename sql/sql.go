// Package sql holds agora's SQL models, in layers, as DuckDB SQL files:
//
//	staging/       one model per lake dataset: typed, latest transmission wins,
//	               DSN declarations replaced or cancelled (reads only lake_* views)
//	intermediate/  dossier states, DSN contract-months in each person's window,
//	               best job of the month, situations at M-1, M+3, M+6, M+12
//	marts/         the published tables (docs/marts.md is their contract)
//	tests/         custom data tests: a SELECT returning the failing rows
//
// One model per file; the file name is the model name. A model is a single
// SELECT statement; a header of comment lines may declare its data tests and
// how it is materialised:
//
//	-- materialized: view
//	-- test: not_null(col), unique(col1, col2)
//	-- test: accepted_values(col, 'A', 'B'), relationships(col, other.col)
//	-- test: check(nb_emploi_6m <= nb_observes_6m)
//
// Macros holds the scalar macros (rates, Wilson bounds) the models use. The
// package sql/runner orders the models from the SQL itself and runs them.
package sql

import (
	"embed"
	_ "embed"
)

// FS holds the model and test files.
//
//go:embed staging intermediate marts tests
var FS embed.FS

// Macros is the SQL that creates the scalar macros shared by the models.
//
//go:embed macros.sql
var Macros string
