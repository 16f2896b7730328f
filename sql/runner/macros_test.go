package runner

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	models "github.com/agora-formation/agora/sql"
)

// The delay of a late transmission is one Go constant, models.LateDays, that
// the quality pages state: the runner defines the macro delai_tardif() from
// it, and the models counting late transmissions call the macro instead of
// writing the number (in their SQL, comments aside).
func TestLateDaysMacro(t *testing.T) {
	db := openDB(t)
	if _, err := db.Exec(macros()); err != nil {
		t.Fatal(err)
	}
	var days int
	if err := db.QueryRow("SELECT delai_tardif()").Scan(&days); err != nil || days != models.LateDays {
		t.Errorf("delai_tardif() = %d, %v; want models.LateDays = %d", days, err, models.LateDays)
	}

	proj, err := Load(models.FS)
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`\b` + strconv.Itoa(models.LateDays) + `\b`)
	var callers []string
	for _, name := range proj.Order {
		code := stripComments(proj.Models[name].SQL)
		if !strings.Contains(code, "delai_tardif()") {
			continue
		}
		callers = append(callers, name)
		if loc := literal.FindStringIndex(code); loc != nil {
			t.Errorf("%s writes %d, the delay of a late transmission, as a literal (« %s »): call delai_tardif()",
				name, models.LateDays, code[max(0, loc[0]-40):min(len(code), loc[1]+10)])
		}
	}
	slices.Sort(callers)
	want := []string{"qualite_partenaire", "stg_dossiers", "stg_evenements", "stg_financements"}
	if !slices.Equal(callers, want) {
		t.Errorf("models calling delai_tardif() = %v, want %v (part_transmis_30j and the nb_transmissions_tardives)", callers, want)
	}
}
