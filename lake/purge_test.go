package lake

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type dossierTest struct {
	IDDossier       string   `parquet:"id_dossier"`
	CodeFinanceur   string   `parquet:"code_financeur,dict"`
	Pseudo          [16]byte `parquet:"pseudo,uuid"`
	DateDebutPrevue Date     `parquet:"date_debut_prevue,date"`
	DateFinPrevue   Date     `parquet:"date_fin_prevue,date"`
	Landing         string   `parquet:"_landing,dict"`
	Ligne           int64    `parquet:"_ligne"`
}

type evenementTest struct {
	IDDossier     string `parquet:"id_dossier"`
	CodeFinanceur string `parquet:"code_financeur,dict"`
	TypeEvenement string `parquet:"type_evenement,dict"`
	DateEvenement Date   `parquet:"date_evenement,date"`
	Landing       string `parquet:"_landing,dict"`
	Ligne         int64  `parquet:"_ligne"`
}

func landRows[T any](t testing.TB, l *Lake, dataset, label string, rows []T) Manifest {
	t.Helper()
	txn, err := l.Begin(dataset, src(dataset+label))
	require.NoError(t, err)
	w, err := NewWriter[T](txn, dataset, nil, WriteOptions{})
	require.NoError(t, err)
	_, err = w.Write(rows)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	n := int64(len(rows))
	m, err := txn.Commit(Summary{Rows: []Rows{{Read: n, Landed: n}}})
	require.NoError(t, err)
	return m
}

func day(y, m, d int) Date { return NewDate(y, time.Month(m), d) }

// The hand-made retention case. Latest DSN month 2025-12, grace 6 months:
// people with no dossier keep their DSN from 2025-06 on.
//
//	A (person 1), dossier D1 (FT): ENTREE 2022-03-15; SORTIE 2022-08-01 sent
//	  in E1, corrected to 2022-09-10 in E2: the last SORTIE wins.
//	  Window: 2022-03 − 12 = 2021-03-01 to 2022-09 + 24 = 2024-09-01.
//	B (person 2), dossier D2 (REG): planned start 2025-02-20, no event yet.
//	  Window: 2024-02-01, open.
//	C (person 3), dossier D3 (FT): ENTREE 2023-01-05, SORTIE 2023-06-30,
//	  REPRISE 2023-08-01 (reopened): window 2022-01-01, open; and dossier D4
//	  (CDC): ENTREE 2019-05-01, SORTIE 2019-06-01: 2018-05-01 to 2021-06-01.
//	E (person 5): no dossier.
var purgeCase = []struct {
	person int
	month  Date
	why    string // "" kept, "window" outside every window, "none" no dossier past the grace
}{
	{1, day(2021, 1, 1), "window"},
	{1, day(2021, 2, 1), "window"},
	{1, day(2021, 3, 1), ""}, // first month of A's window
	{1, day(2024, 9, 1), ""}, // last month (E2's correction)
	{1, day(2024, 10, 1), "window"},
	{1, day(2025, 12, 1), "window"},
	{2, day(2024, 1, 1), "window"},
	{2, day(2024, 2, 1), ""},
	{2, day(2025, 12, 1), ""}, // open window
	{3, day(2020, 1, 1), ""},  // D4
	{3, day(2021, 12, 1), "window"},
	{3, day(2022, 1, 1), ""}, // D3, reopened
	{3, day(2025, 11, 1), ""},
	{5, day(2025, 5, 1), "none"},
	{5, day(2025, 6, 1), ""},
	{5, day(2025, 12, 1), ""},
}

// purgeLake lands the case: dossiers, events in two transmissions, DSN in L1
// (every row) and L2 (a retransmission of rows 3 and 14), then compacts, so
// that four files are only in earlier snapshots. It returns the manifests.
func purgeLake(t *testing.T, db *sql.DB) (*Lake, []Manifest) {
	t.Helper()
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	landRows(t, l, "dossiers", "1", []dossierTest{
		{"D1", "FT", person(1), day(2022, 3, 1), day(2022, 9, 30), "D", 2},
		{"D2", "REG", person(2), day(2025, 2, 20), day(2025, 12, 31), "D", 3},
		{"D3", "FT", person(3), day(2023, 1, 2), day(2023, 6, 30), "D", 4},
		{"D4", "CDC", person(3), day(2019, 5, 1), day(2019, 6, 1), "D", 5},
	})
	landRows(t, l, "evenements", "1", []evenementTest{
		{"D1", "FT", "ENTREE", day(2022, 3, 15), "E1", 2},
		{"D1", "FT", "SORTIE", day(2022, 8, 1), "E1", 3},
		{"D3", "FT", "ENTREE", day(2023, 1, 5), "E1", 4},
		{"D3", "FT", "SORTIE", day(2023, 6, 30), "E1", 5},
		{"D3", "FT", "REPRISE", day(2023, 8, 1), "E1", 6},
		{"D4", "CDC", "ENTREE", day(2019, 5, 1), "E1", 7},
		{"D4", "CDC", "SORTIE", day(2019, 6, 1), "E1", 8},
	})
	landRows(t, l, "evenements", "2", []evenementTest{{"D1", "FT", "SORTIE", day(2022, 9, 10), "E2", 2}})
	var l1, l2 []dsnTest
	for i, c := range purgeCase {
		r := dsnTest{Pseudo: person(c.person), Mois: c.month, Debut: c.month, Nature: "01", Landing: "L1", Ligne: int64(i + 2)}
		l1 = append(l1, r)
		if i == 2 || i == 13 {
			r.Landing = "L2"
			l2 = append(l2, r)
		}
	}
	landDSN(t, l, "L1", l1)
	landDSN(t, l, "L2", l2)
	res, err := Compact(context.Background(), l, CompactOptions{DB: db, Datasets: []string{"dsn_extrait"}})
	require.NoError(t, err)
	require.Equal(t, 4, res.FilesBefore(), "2021-03 and 2025-05 had two files each")
	ms, err := l.Manifests()
	require.NoError(t, err)
	require.Len(t, ms, 6)
	return l, ms
}

// lineage lists the rows of dsn_extrait in snap as landing:line.
func lineage(t *testing.T, db *sql.DB, snap *Snapshot) []string {
	t.Helper()
	files := absPaths(snap.Files("dsn_extrait"))
	if len(files) == 0 {
		return nil
	}
	rows, err := db.Query("SELECT _landing || ':' || _ligne FROM " + readParquet(files) + " ORDER BY _landing, _ligne")
	require.NoError(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	return out
}

// kept lists, as landing:line, the rows of the case a purge keeps in
// snapshots that include L1 and, if withL2, L2.
func kept(withL2 bool) []string {
	var l1, l2 []string
	for i, c := range purgeCase {
		if c.why != "" {
			continue
		}
		l1 = append(l1, fmt.Sprintf("L1:%d", i+2))
		if withL2 && (i == 2 || i == 13) {
			l2 = append(l2, fmt.Sprintf("L2:%d", i+2))
		}
	}
	return append(l1, l2...)
}

func TestPurgeDSN(t *testing.T) {
	ctx := context.Background()
	db := openDuckDB(t)
	l, ms := purgeLake(t, db)
	before, err := l.Snapshot("")
	require.NoError(t, err)
	require.Len(t, lineage(t, db, before), 18)

	// Dry run: the counts, nothing changed.
	dry, err := PurgeDSN(ctx, l, PurgeOptions{DB: db, DryRun: true})
	require.NoError(t, err)
	assert.Empty(t, dry.Manifest)
	after, err := l.Snapshot("")
	require.NoError(t, err)
	assert.Equal(t, before.AsOf, after.AsOf)

	res, err := PurgeDSN(ctx, l, PurgeOptions{DB: db})
	require.NoError(t, err)
	require.NotEmpty(t, res.Manifest)
	// A: 4 outside, B: 1, C: 1; E: 2025-05 in L1 and L2 (both visible in
	// the compacted file), plus the two history files of 2025-05.
	for _, r := range []PurgeResult{dry, res} {
		assert.Equal(t, int64(18), r.Rows)
		assert.Equal(t, "2025-12-01", r.LatestMonth)
		assert.Equal(t, "2025-06-01", r.GraceLimit)
		assert.Equal(t, int64(6), r.OutsideWindow)
		assert.Equal(t, int64(2), r.NoDossier)
		assert.Equal(t, int64(2), r.HistoryRows)
		assert.Equal(t, []PurgeMonth{
			{Month: "2021-01-01", OutsideWindow: 1}, {Month: "2021-02-01", OutsideWindow: 1},
			{Month: "2021-12-01", OutsideWindow: 1}, {Month: "2024-01-01", OutsideWindow: 1},
			{Month: "2024-10-01", OutsideWindow: 1}, {Month: "2025-05-01", NoDossier: 2},
			{Month: "2025-12-01", OutsideWindow: 1},
		}, r.Months)
	}
	// Visible files: 2021-01, 2021-02, 2021-12, 2024-01, 2024-10 and 2025-05
	// (compacted) lose every row; 2025-12 keeps B and E. History: the two
	// 2025-05 files lose their only row.
	assert.Equal(t, 1, res.FilesRewritten)
	assert.Equal(t, 8, res.FilesDeleted)

	after, err = l.Snapshot("")
	require.NoError(t, err)
	assert.Equal(t, kept(true), lineage(t, db, after))

	m := lastManifest(t, l)
	assert.Equal(t, Purge, m.Kind)
	assert.Equal(t, "8", m.Meta["lignes_purgees"])
	assert.Equal(t, "2", m.Meta["lignes_historique"])
	assert.Len(t, m.Rewrites, 9)
	assert.Len(t, m.Removes, 7)
	assert.Len(t, m.Files, 1)

	// No snapshot shows a purged row again: as of L1 alone, as of L2
	// (before the compaction), as of the compaction.
	for i, withL2 := range map[int]bool{3: false, 4: true, 5: true} {
		snap, err := l.Snapshot(ms[i].ID)
		require.NoError(t, err)
		assert.Equal(t, kept(withL2), lineage(t, db, snap), "as of %s", ms[i].ID)
	}
	// The purged files are gone from disk; nothing is left to collect.
	for _, rw := range m.Rewrites {
		_, err := os.Stat(filepath.Join(l.Root(), filepath.FromSlash(rw.Old)))
		assert.True(t, os.IsNotExist(err), "%s deleted", rw.Old)
	}
	removed, err := l.Collect(0)
	require.NoError(t, err)
	assert.Empty(t, removed)

	// A second purge has nothing to do.
	again, err := PurgeDSN(ctx, l, PurgeOptions{DB: db})
	require.NoError(t, err)
	assert.Empty(t, again.Manifest)
	assert.Zero(t, again.Purged())
	assert.Zero(t, again.HistoryRows)
}

// A purge that dies after its commit, before deleting the purged files,
// leaves them to Collect, whatever their age.
func TestCollectDeletesPurgedFiles(t *testing.T) {
	db := openDuckDB(t)
	l, _ := purgeLake(t, db)
	crashAt(t, fpManifestRename)
	func() {
		defer func() { require.Equal(t, crash(fpManifestRename), recover()) }()
		PurgeDSN(context.Background(), l, PurgeOptions{DB: db})
	}()
	failpoint = nil
	m := lastManifest(t, l)
	require.Equal(t, Purge, m.Kind, "committed")
	removed, err := l.Collect(24 * time.Hour)
	require.NoError(t, err)
	assert.Len(t, removed, len(m.Rewrites))
	for _, rw := range m.Rewrites {
		assert.Contains(t, removed, rw.Old)
	}
}

func TestPurgeRefusesLakeWithoutDossiers(t *testing.T) {
	db := openDuckDB(t)
	l, err := Open(t.TempDir())
	require.NoError(t, err)
	landDSN(t, l, "L1", dsnRows("L1", 10, day(2024, 1, 1)))
	_, err = PurgeDSN(context.Background(), l, PurgeOptions{DB: db})
	require.ErrorContains(t, err, "aucun dossier")
	ms, err := l.Manifests()
	require.NoError(t, err)
	assert.Len(t, ms, 1)
}

// Grace: with 1 month instead of 6, E's 2025-06 goes too (2025-11 is the limit).
func TestPurgeGrace(t *testing.T) {
	db := openDuckDB(t)
	l, _ := purgeLake(t, db)
	res, err := PurgeDSN(context.Background(), l, PurgeOptions{DB: db, GraceMonths: 1, DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, "2025-11-01", res.GraceLimit)
	assert.Equal(t, int64(3), res.NoDossier, "2025-05 twice and 2025-06")
}

func lastManifest(t *testing.T, l *Lake) Manifest {
	t.Helper()
	ms, err := l.Manifests()
	require.NoError(t, err)
	return ms[len(ms)-1]
}
