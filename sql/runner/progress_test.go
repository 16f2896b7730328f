package runner

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// The progress of a build writes numbers as the rest of the command line
// does (package french): digits grouped by three with a narrow no-break space
// (U+202F), seconds with one decimal after a comma (« 0,1 s », not « 0.11 s »).
func TestProgressInFrench(t *testing.T) {
	db := openDB(t)
	fsys := fstest.MapFS{
		"staging/grand.sql": {Data: []byte("-- grand\nSELECT range AS k FROM range(1234567)")},
		"staging/vue.sql":   {Data: []byte("-- vue\n-- materialized: view\nSELECT k FROM grand WHERE k < 10")},
		"marts/m.sql":       {Data: []byte("-- m\nSELECT count(*) AS n FROM vue")},
		"tests/echecs.sql":  {Data: []byte("-- severity: warn\nSELECT k FROM grand WHERE k < 12345")},
	}
	var progress strings.Builder
	if _, err := Build(context.Background(), db, Options{FS: fsys, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	// Seconds vary: each must read as French seconds, then becomes « S ».
	frSeconds := regexp.MustCompile(`^\d{1,3}(\x{202f}\d{3})*,\d$`)
	seconds := regexp.MustCompile(` +([^ ]+) s\n`)
	got := seconds.ReplaceAllStringFunc(progress.String(), func(s string) string {
		if v := seconds.FindStringSubmatch(s)[1]; !frSeconds.MatchString(v) {
			t.Errorf("seconds written %q, want one decimal after a comma (« 0,1 »)", v)
		}
		return "  S\n"
	})
	want := "[1/3] grand  table      1\u202f234\u202f567 lignes  S\n" +
		"  avertissement : test echecs du modèle grand : 12\u202f345 ligne(s) en échec\n" +
		"[2/3] vue    view                  (vue)  S\n" +
		"[3/3] m      table               1 ligne  S\n" +
		"3 modèle(s) construits, 0 test(s) de données réussis sur 1, 1 avertissement(s)\n"
	if got != want {
		t.Errorf("progress:\n%s\nwant\n%s", got, want)
	}
}
