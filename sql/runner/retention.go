package runner

import "github.com/agora-formation/agora/lake"

// retentionMacros defines the bounds of a person's window of use of the DSN,
// debut_fenetre_dsn(entree) and fin_fenetre_dsn(sortie), from the retention
// rule of package lake (lake.WindowStart, lake.WindowEnd): the model
// int_fenetres_dsn calls them, and `agora purge` (lake.PurgeDSN) keeps the DSN
// inside the same bounds, so that widening one widens the other. They are
// written in Go rather than in sql/macros.sql because a purge deletes rows for
// good: two hand-kept copies that drifted apart would make it destroy DSN the
// indicators read.
func retentionMacros() string {
	return "CREATE OR REPLACE MACRO debut_fenetre_dsn(entree) AS " + lake.WindowStart("entree") + ";\n" +
		"CREATE OR REPLACE MACRO fin_fenetre_dsn(sortie) AS " + lake.WindowEnd("sortie") + ";\n"
}
