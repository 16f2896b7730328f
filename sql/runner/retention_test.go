package runner

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/warehouse"
)

// The windows of use of the DSN that the indicators read (the model
// int_fenetres_dsn) and the windows `agora purge` keeps (lake.RetentionWindows)
// agree on the hand-made deliveries: the purge's windows of the dossiers
// entered and not cancelled, merged per person, are the model's windows, row
// for row (pseudo, debut, fin). The purge keeps more, by design, and only for
// the dossiers listed below by hand. The bounds are shared (macros
// debut_fenetre_dsn and fin_fenetre_dsn, from lake.WindowStart and
// lake.WindowEnd); this test guards what is not: the meaning of entry and exit,
// written once in int_dossiers and once in the purge.
//
// Hand-computed, from testdata/handmade/livraisons (05 to 08):
//
//	PRF-D04  ENTREE 2024-01-08 → 2024-01 − 12 = 2023-01-01; SORTIE 2024-03-01
//	         reopened by REPRISE 2024-03-18, final SORTIE 2024-06-28
//	         → 2024-06 + 24 = 2026-06-01
//	CPF-D29  two SORTIE, 2024-03-15 then 2024-03-16: the last → 2026-03-01
//	PRF-D01 and CPF-D19, one person: [2022-09-01, 2026-01-01] and
//	         [2023-09-01, 2026-09-01] overlap → one window [2022-09-01, 2026-09-01]
//
// and the purge's windows the model has not:
//
//	AIF-D21  not entered, planned start 2024-09-02 → 2023-09-01, open
//	PRF-D05  cancelled, ENTREE 2024-01-08 and no SORTIE → 2023-01-01, open
func TestRetentionWindowsMatchModel(t *testing.T) {
	ctx := context.Background()
	root, lk := landHandmade(t)
	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: "1GB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Mount(ctx, s, root.Lake(), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, s.DB(), Options{Select: []string{"int_fenetres_dsn"}, KeepIntermediate: true}); err != nil {
		t.Fatal(err)
	}
	snap, err := lk.Snapshot("")
	if err != nil {
		t.Fatal(err)
	}

	// An open window ends "" here; pseudonyms are shortened for messages.
	model := queryStrings(t, s.DB(), `SELECT left(pseudo::VARCHAR, 8) AS pseudo, debut_fenetre::VARCHAR AS debut,
		coalesce(fin_fenetre::VARCHAR, '') AS fin FROM int_fenetres_dsn ORDER BY ALL`)[1:]
	purge := queryStrings(t, s.DB(), `SELECT left(w.pseudo::VARCHAR, 8), w.debut::VARCHAR, coalesce(w.fin::VARCHAR, ''),
		w.id_dossier, coalesce(d.statut, 'absent de int_dossiers')
		FROM (`+lake.RetentionWindows(snap)+`) AS w
		LEFT JOIN int_dossiers AS d USING (code_financeur, id_dossier, pseudo)
		ORDER BY ALL`)[1:]
	if len(model) != 27 {
		t.Errorf("int_fenetres_dsn: %d windows, want 27", len(model))
	}

	var entered [][]string
	var wider []string
	hand := map[string][]string{}
	for _, w := range purge {
		hand[w[3]] = w[:3]
		if w[4] == "SORTI" || w[4] == "EN_FORMATION" {
			entered = append(entered, w[:3])
		} else {
			wider = append(wider, w[3]+" "+w[4]+" ["+w[1]+", "+w[2]+"]")
		}
	}
	if got := merge(entered); !slices.EqualFunc(got, model, slices.Equal) {
		t.Errorf("windows of the purge, merged per person, differ from int_fenetres_dsn:\nonly in the purge %v\nonly in the model %v",
			without(got, model), without(model, got))
	}
	slices.Sort(wider)
	want := []string{"AIF-D21 NON_ENTRE [2023-09-01, ]", "PRF-D05 ANNULE [2023-01-01, ]"}
	if !slices.Equal(wider, want) {
		t.Errorf("windows only the purge keeps = %q, want %q", wider, want)
	}
	for id, w := range map[string][2]string{
		"PRF-D04": {"2023-01-01", "2026-06-01"},
		"CPF-D29": {"2023-02-01", "2026-03-01"},
		"PRF-D01": {"2022-09-01", "2026-01-01"},
		"CPF-D19": {"2023-09-01", "2026-09-01"},
	} {
		if got := hand[id]; got == nil || got[1] != w[0] || got[2] != w[1] {
			t.Errorf("purge window of %s = %v, want [%s, %s]", id, got, w[0], w[1])
		}
	}
	if !slices.ContainsFunc(model, func(m []string) bool {
		return m[0] == hand["PRF-D01"][0] && m[1] == "2022-09-01" && m[2] == "2026-09-01"
	}) {
		t.Errorf("int_fenetres_dsn has no window [2022-09-01, 2026-09-01] for the person of PRF-D01 and CPF-D19")
	}
}

// merge merges the overlapping windows (pseudo, debut, fin) of each person, as
// int_fenetres_dsn does: a window starting after the end of the ones before
// starts a new interval; fin "" is open, after every date. Windows are sorted.
func merge(ws [][]string) [][]string {
	end := func(fin string) string {
		if fin == "" {
			return "9999-12-01"
		}
		return fin
	}
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(a, b []string) int {
		if c := strings.Compare(a[0], b[0]); c != 0 {
			return c
		}
		if c := strings.Compare(a[1], b[1]); c != 0 {
			return c
		}
		return strings.Compare(end(a[2]), end(b[2]))
	})
	var out [][]string
	for _, w := range ws {
		if n := len(out); n > 0 && out[n-1][0] == w[0] && w[1] <= end(out[n-1][2]) {
			if out[n-1][2] != "" && (w[2] == "" || w[2] > out[n-1][2]) {
				out[n-1][2] = w[2]
			}
			continue
		}
		out = append(out, slices.Clone(w))
	}
	return out
}

// without returns the windows of a that are not in b.
func without(a, b [][]string) [][]string {
	var out [][]string
	for _, w := range a {
		if !slices.ContainsFunc(b, func(v []string) bool { return slices.Equal(v, w) }) {
			out = append(out, w)
		}
	}
	return out
}
