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
// package sql/runner orders the models from the SQL itself, creates the
// macros (and those written from Go constants, such as delai_tardif() from
// LateDays) and runs them.
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

// LateDays is the delay, in days, beyond which a transmission is late: an
// event transmitted at most LateDays days after its date counts in
// part_transmis_30j (marts/qualite_partenaire.sql), and a retransmission
// arriving more than LateDays days after the first transmission of its key is
// a late correction (nb_transmissions_tardives of staging/stg_dossiers.sql,
// stg_evenements.sql and stg_financements.sql). The models read it as the
// macro delai_tardif(), which sql/runner creates from it; the quality pages
// of the site state it. Changing it changes what part_transmis_30j counts,
// not its name: rename the column in docs/marts.md too.
const LateDays = 30
