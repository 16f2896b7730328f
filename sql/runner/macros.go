package runner

import (
	"strconv"

	models "github.com/agora-formation/agora/sql"
)

// macros is the SQL creating every macro shared by the models: those of
// sql/macros.sql, the retention macros and lateMacro.
func macros() string {
	return models.Macros + "\n" + retentionMacros() + lateMacro()
}

// lateMacro defines delai_tardif(), the delay in days beyond which a
// transmission is late (models.LateDays), for the models that count late
// transmissions. It is written from the Go constant, as the retention macros
// are, so that the quality pages, which state the delay, say what the models
// count.
func lateMacro() string {
	return "CREATE OR REPLACE MACRO delai_tardif() AS " + strconv.Itoa(models.LateDays) + ";\n"
}
