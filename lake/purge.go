package lake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// The retention rule of the DSN (data minimisation). A person's DSN may be
// kept from WindowMonthsBefore months before the month of entry to
// WindowMonthsAfter months after the month of exit of each of their
// dossiers, where, per dossier (code_financeur, id_dossier) and over every
// transmission landed:
//
//   - entry is the first ENTREE event, or the planned start date
//     (date_debut_prevue) while no ENTREE has been received;
//   - exit is the last SORTIE, unless a REPRISE dated after it reopened the
//     dossier; a dossier not exited (still in training, or not yet started)
//     keeps its window open: its DSN is kept until it exits.
//
// The bounds are written once, here: WindowStart and WindowEnd. The runner
// (sql/runner) defines them as the SQL macros debut_fenetre_dsn and
// fin_fenetre_dsn that the model int_fenetres_dsn (sql/intermediate) calls,
// so the windows the indicators read and the windows a purge keeps cannot
// drift apart. The meaning of entry and exit is written twice, in the model
// int_dossiers and in RetentionWindows: sql/runner's TestRetentionWindowsMatchModel
// checks that they agree on the hand-made deliveries. The purge's windows are
// the model's, made wider where the model has no window (dossier not entered,
// cancelled) or reads only the latest version of a dossier, so that a purge
// never removes a row an indicator reads. The planned end date
// (date_fin_prevue) does not close a window: a trainee late on their plan
// would otherwise lose DSN that the indicators need once their exit arrives.
//
// DSN of people with no dossier at all is kept GraceMonths months (default
// DefaultGraceMonths) before the latest month of DSN landed, since their
// dossier may arrive later than their DSN; older rows go.
const (
	WindowMonthsBefore = 12
	WindowMonthsAfter  = 24
	DefaultGraceMonths = 6
)

// WindowStart is the SQL expression of the first month of the window of a
// dossier entered on entry (a DATE or TIMESTAMP expression): the first day of
// the month WindowMonthsBefore months before the month of entry, a DATE.
func WindowStart(entry string) string {
	return fmt.Sprintf("(date_trunc('month', %s) - INTERVAL %d MONTH)::DATE", entry, WindowMonthsBefore)
}

// WindowEnd is the SQL expression of the last month of the window of a
// dossier exited on exit: the first day of the month WindowMonthsAfter
// months after the month of exit, a DATE; NULL when exit is NULL.
func WindowEnd(exit string) string {
	return fmt.Sprintf("(date_trunc('month', %s) + INTERVAL %d MONTH)::DATE", exit, WindowMonthsAfter)
}

// The datasets and columns the retention rule reads (pipelines/land writes them).
const (
	purgeDataset = "dsn_extrait"
	dossiersSet  = "dossiers"
	eventsSet    = "evenements"
)

// PurgeOptions tune PurgeDSN. DB is required.
type PurgeOptions struct {
	// DB is a DuckDB database (an in-memory warehouse session will do).
	DB *sql.DB
	// GraceMonths is how long DSN of people with no dossier is kept, in
	// months before the latest month landed (default DefaultGraceMonths).
	GraceMonths int
	// DryRun counts what would be purged without changing anything.
	DryRun bool
	// RowGroupRows is the row-group size of rewritten files (default DefaultRowGroupRows).
	RowGroupRows int64
	// Progress, when set, is called after each file rewritten.
	Progress func(done, total int)
}

// PurgeMonth counts the visible rows of one month that the purge removes.
type PurgeMonth struct {
	Month         string `json:"mois"`
	OutsideWindow int64  `json:"hors_fenetre"`
	NoDossier     int64  `json:"sans_dossier"`
}

// PurgeResult says what PurgeDSN did (or would do, in a dry run).
type PurgeResult struct {
	Manifest      string `json:"manifeste,omitempty"` // id of the purge manifest; "" if nothing was committed
	DryRun        bool   `json:"simulation"`
	LatestMonth   string `json:"dernier_mois_dsn,omitempty"`    // latest month of DSN landed
	GraceLimit    string `json:"limite_sans_dossier,omitempty"` // DSN of people with no dossier before this month goes
	Rows          int64  `json:"lignes_dsn"`                    // visible DSN rows before the purge
	OutsideWindow int64  `json:"lignes_hors_fenetre"`           // visible rows of people with a dossier, outside their windows
	NoDossier     int64  `json:"lignes_sans_dossier"`           // visible rows of people with no dossier, past the grace period
	// HistoryRows counts the purged rows of files no longer visible but kept
	// for snapshots as of earlier manifests (files a compaction replaced).
	HistoryRows    int64        `json:"lignes_historique"`
	FilesRewritten int          `json:"fichiers_reecrits"`
	FilesDeleted   int          `json:"fichiers_supprimes"` // every row purged: no rewrite
	Months         []PurgeMonth `json:"mois"`
}

// Purged is the number of visible rows purged.
func (r PurgeResult) Purged() int64 { return r.OutsideWindow + r.NoDossier }

// purgeFile is a DSN file with rows to purge.
type purgeFile struct {
	SnapshotFile
	visible bool
	purged  int64
}

// PurgeDSN applies the retention rule to the DSN of the latest snapshot, in
// one transaction of kind Purge: every file with rows to purge, visible or
// kept for earlier snapshots, is rewritten without them (rows keep their
// order and lineage) and then deleted from disk, so the purged rows are gone
// from the lake and from every snapshot, past ones included (see Rewrite).
// The counts go in the manifest's Meta. A purge that fails or crashes
// before its commit changes nothing; one that dies after it leaves files
// that Collect deletes.
//
// PurgeDSN refuses a lake with DSN and no dossier: every person would look
// unknown and all DSN older than the grace period would go.
func PurgeDSN(ctx context.Context, l *Lake, opts PurgeOptions) (res PurgeResult, err error) {
	res = PurgeResult{DryRun: opts.DryRun, Months: []PurgeMonth{}}
	if opts.DB == nil {
		return res, errors.New("lake : purge sans base DuckDB (PurgeOptions.DB)")
	}
	if opts.GraceMonths <= 0 {
		opts.GraceMonths = DefaultGraceMonths
	}
	if opts.RowGroupRows <= 0 {
		opts.RowGroupRows = DefaultRowGroupRows
	}
	snap, err := l.Snapshot("")
	if err != nil {
		return res, err
	}
	visible := snap.Files(purgeDataset)
	if len(visible) == 0 {
		return res, nil
	}
	dossiers := snap.Files(dossiersSet)
	if len(dossiers) == 0 {
		return res, &NoDossiersError{Root: l.root, GraceMonths: opts.GraceMonths}
	}
	ms, err := l.Manifests()
	if err != nil {
		return res, err
	}
	history := historyFiles(l.root, ms, visible)

	conn, err := opts.DB.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	defer conn.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS purge_fenetres; DROP TABLE IF EXISTS purge_cles")

	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE purge_fenetres AS "+RetentionWindows(snap)); err != nil {
		return res, fmt.Errorf("lake : calcul des fenêtres de conservation : %w", err)
	}
	var latest sql.NullTime
	var rows int64
	if err := conn.QueryRowContext(ctx, "SELECT max(mois), count(*) FROM "+readParquet(absPaths(visible))).Scan(&latest, &rows); err != nil {
		return res, fmt.Errorf("lake : lecture de la DSN : %w", err)
	}
	res.Rows = rows
	if !latest.Valid {
		return res, nil
	}
	limit := DateOf(latest.Time.AddDate(0, -opts.GraceMonths, 0))
	res.LatestMonth, res.GraceLimit = DateOf(latest.Time).String(), limit.String()

	all := append(absPaths(visible), absPaths(history)...)
	if _, err := conn.ExecContext(ctx, keysSQL(all, limit)); err != nil {
		return res, fmt.Errorf("lake : sélection des lignes à purger : %w", err)
	}
	files, err := countPurged(ctx, conn, visible, history, &res)
	if err != nil {
		return res, err
	}
	if len(files) == 0 || opts.DryRun {
		return res, nil
	}

	txn, err := l.BeginKind(Purge, purgeDataset)
	if err != nil {
		return res, err
	}
	defer func() {
		if err != nil {
			txn.Abort() // not after a panic: a crash leaves its files to Collect
		}
	}()
	for i, f := range files {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		var rw *File
		if f.purged < f.Rows {
			query := "SELECT * EXCLUDE (file_row_number) FROM (SELECT d.* FROM " +
				readParquet([]string{f.Abs}, "file_row_number = true") +
				" AS d ANTI JOIN purge_cles AS c ON c.pseudo = d.pseudo AND c.mois = d.mois) ORDER BY file_row_number"
			nf, err := txn.copyTo(ctx, conn, f.Dataset, partitionOf(f.SnapshotFile), query, opts.RowGroupRows, !f.visible)
			if err != nil {
				return res, fmt.Errorf("lake : réécriture de %s : %w", f.Path, err)
			}
			if nf.Rows != f.Rows-f.purged {
				return res, fmt.Errorf("lake : réécriture de %s : %d lignes écrites, %d attendues ; rien n'a été modifié", f.Path, nf.Rows, f.Rows-f.purged)
			}
			rw = &nf
			res.FilesRewritten++
		} else {
			res.FilesDeleted++
		}
		if f.visible {
			txn.Remove(f.Path)
		}
		txn.rewrite(f.Path, rw)
		if opts.Progress != nil {
			opts.Progress(i+1, len(files))
		}
	}
	m, err := txn.Commit(Summary{Meta: map[string]string{
		"regle":                  fmt.Sprintf("fenêtre de %d mois avant l'entrée à %d mois après la sortie ; sans dossier : %d mois", WindowMonthsBefore, WindowMonthsAfter, opts.GraceMonths),
		"dernier_mois_dsn":       res.LatestMonth,
		"limite_sans_dossier":    res.GraceLimit,
		"lignes_dsn":             strconv.FormatInt(res.Rows, 10),
		"lignes_purgees":         strconv.FormatInt(res.Purged(), 10),
		"lignes_hors_fenetre":    strconv.FormatInt(res.OutsideWindow, 10),
		"lignes_sans_dossier":    strconv.FormatInt(res.NoDossier, 10),
		"lignes_historique":      strconv.FormatInt(res.HistoryRows, 10),
		"fichiers_reecrits":      strconv.Itoa(res.FilesRewritten),
		"fichiers_supprimes":     strconv.Itoa(res.FilesDeleted),
		"mois_avec_lignes_purge": strconv.Itoa(len(res.Months)),
	}})
	if err != nil {
		return res, err
	}
	res.Manifest = m.ID
	return res, deleteFiles(l.root, files)
}

// historyFiles returns the files of the purged dataset that some manifest
// lists, that no purge destroyed yet, that are not visible, and that are
// still on disk: the files snapshots as of earlier manifests read.
func historyFiles(root string, ms []Manifest, visible []SnapshotFile) []SnapshotFile {
	vis := map[string]bool{}
	for _, f := range visible {
		vis[f.Path] = true
	}
	_, destroyed := listedFiles(ms)
	var out []SnapshotFile
	add := func(f File, m Manifest) {
		if f.Dataset != purgeDataset || vis[f.Path] || destroyed[f.Path] {
			return
		}
		abs := filepath.Join(root, filepath.FromSlash(f.Path))
		if _, err := os.Stat(abs); err != nil {
			return // deleted by hand: nothing left to purge
		}
		vis[f.Path] = true // once
		out = append(out, SnapshotFile{File: f, Abs: abs, Manifest: m.ID, seq: m.Seq()})
	}
	for _, m := range ms {
		for _, f := range m.Files {
			add(f, m)
		}
		for _, rw := range m.Rewrites {
			if rw.New != nil {
				add(*rw.New, m)
			}
		}
	}
	return out
}

func absPaths(files []SnapshotFile) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Abs
	}
	return out
}

// emptyOr reads files, or is an empty relation of the given typed columns
// when there is none.
func emptyOr(files []SnapshotFile, columns string) string {
	if len(files) == 0 {
		return "(SELECT " + columns + " WHERE false)"
	}
	return readParquet(absPaths(files))
}

// RetentionWindows is the SQL query of the windows of use of the DSN that
// PurgeDSN keeps, over the dossiers and events of snap: one row
// (code_financeur, id_dossier, pseudo, debut, fin) per version of each
// dossier, fin NULL while the window is open. PurgeDSN keeps every DSN row of
// a person inside one of their windows. Exported so that the model's windows
// (int_fenetres_dsn) can be checked against the purge's.
func RetentionWindows(snap *Snapshot) string {
	return fmt.Sprintf(`WITH ev AS (
    SELECT code_financeur, id_dossier,
        min(date_evenement) FILTER (WHERE type_evenement = 'ENTREE') AS entree,
        max(date_evenement) FILTER (WHERE type_evenement = 'SORTIE') AS sortie,
        max(date_evenement) FILTER (WHERE type_evenement = 'REPRISE') AS reprise
    FROM %s
    GROUP BY code_financeur, id_dossier
),
d AS (
    SELECT DISTINCT code_financeur, id_dossier, pseudo, date_debut_prevue FROM %s
)
SELECT DISTINCT
    d.code_financeur, d.id_dossier, d.pseudo,
    %s AS debut,
    CASE WHEN ev.sortie IS NOT NULL AND (ev.reprise IS NULL OR ev.reprise <= ev.sortie)
         THEN %s END AS fin
FROM d LEFT JOIN ev USING (code_financeur, id_dossier)`,
		emptyOr(snap.Files(eventsSet), "NULL::VARCHAR AS code_financeur, NULL::VARCHAR AS id_dossier, NULL::VARCHAR AS type_evenement, NULL::DATE AS date_evenement"),
		emptyOr(snap.Files(dossiersSet), "NULL::VARCHAR AS code_financeur, NULL::VARCHAR AS id_dossier, NULL::UUID AS pseudo, NULL::DATE AS date_debut_prevue"),
		WindowStart("coalesce(ev.entree, d.date_debut_prevue)"), WindowEnd("ev.sortie"))
}

// keysSQL creates purge_cles(pseudo, mois, sans_dossier): the person-months
// of the files to purge, and why.
func keysSQL(files []string, limit Date) string {
	return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE purge_cles AS
WITH pm AS (
    SELECT DISTINCT pseudo, mois FROM %s
),
dedans AS (
    SELECT DISTINCT pm.pseudo, pm.mois
    FROM pm JOIN purge_fenetres AS w
      ON w.pseudo = pm.pseudo AND pm.mois >= w.debut AND (w.fin IS NULL OR pm.mois <= w.fin)
),
personnes AS (
    SELECT DISTINCT pseudo FROM purge_fenetres
)
SELECT pm.pseudo, pm.mois, p.pseudo IS NULL AS sans_dossier
FROM pm
ANTI JOIN dedans USING (pseudo, mois)
LEFT JOIN personnes AS p USING (pseudo)
WHERE p.pseudo IS NOT NULL OR pm.mois < DATE '%s'`, readParquet(files), limit)
}

// countPurged counts the rows to purge per file and per month, fills res,
// and returns the files to rewrite: visible ones first, in snapshot order.
func countPurged(ctx context.Context, conn *sql.Conn, visible, history []SnapshotFile, res *PurgeResult) ([]purgeFile, error) {
	all := append(slices.Clone(visible), history...)
	src := readParquet(absPaths(all), "filename = true")
	rows, err := conn.QueryContext(ctx, `SELECT d.filename, d.mois, c.sans_dossier, count(*)
FROM `+src+` AS d JOIN purge_cles AS c ON c.pseudo = d.pseudo AND c.mois = d.mois
GROUP BY ALL`)
	if err != nil {
		return nil, fmt.Errorf("lake : comptage des lignes à purger : %w", err)
	}
	defer rows.Close()
	byFile := map[string]int64{}
	months := map[string]*PurgeMonth{}
	isVisible := map[string]bool{}
	for _, f := range visible {
		isVisible[f.Abs] = true
	}
	for rows.Next() {
		var (
			file      string
			month     time.Time
			noDossier bool
			n         int64
		)
		if err := rows.Scan(&file, &month, &noDossier, &n); err != nil {
			return nil, err
		}
		byFile[file] += n
		if !isVisible[file] {
			res.HistoryRows += n
			continue
		}
		key := DateOf(month).String()
		pm := months[key]
		if pm == nil {
			pm = &PurgeMonth{Month: key}
			months[key] = pm
		}
		if noDossier {
			pm.NoDossier += n
			res.NoDossier += n
		} else {
			pm.OutsideWindow += n
			res.OutsideWindow += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, k := range slices.Sorted(maps.Keys(months)) {
		res.Months = append(res.Months, *months[k])
	}
	var out []purgeFile
	for _, f := range all {
		if n := byFile[f.Abs]; n > 0 {
			out = append(out, purgeFile{SnapshotFile: f, visible: isVisible[f.Abs], purged: n})
		}
	}
	return out, nil
}

// deleteFiles deletes the purged files from disk and syncs their directories.
func deleteFiles(root string, files []purgeFile) error {
	var errs []error
	dirs := map[string]bool{}
	for _, f := range files {
		if err := os.Remove(f.Abs); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
		dirs[path.Dir(f.Path)] = true
	}
	for d := range dirs {
		if err := syncDir(filepath.Join(root, filepath.FromSlash(d))); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("lake : purge validée, mais des fichiers purgés restent sur le disque (Collect les supprimera) : %w", err)
	}
	return nil
}
