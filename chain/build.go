package chain

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/sql/runner"
	"github.com/agora-formation/agora/warehouse"
)

// BuildOptions tune a build beyond Options.
type BuildOptions struct {
	// Select builds only these models and what they read, into a copy of
	// the warehouse (temporary intermediate tables, no cache).
	Select []string
	// AsOf builds the lake as of this manifest ("" = the latest).
	AsOf string
	// KeepIntermediate writes the staging and intermediate tables into the
	// warehouse too.
	KeepIntermediate bool
	// Full ignores the cache of the previous build and rebuilds everything.
	Full bool
}

// BuildResult is what Build did.
type BuildResult struct {
	runner.Report
	// Lake is the manifest the build read ("" for an empty lake).
	Lake string `json:"lake_as_of"`
	// Why tells why a build was full rather than incremental (French, for
	// the user); "" for an incremental build.
	Why string `json:"motif_complet,omitempty"`
}

// cacheCatalog is the name under which the cache file is attached.
const cacheCatalog = "cache"

// dsnDatasets are the lake datasets of the DSN: their new files give the
// changed months of an incremental build.
var dsnDatasets = []string{"dsn_extrait", "dsn_declarations"}

// Build builds the warehouse of opts.Root from its lake, into a side file that
// then replaces the warehouse, so readers never see a half-built one.
func Build(ctx context.Context, opts Options) (runner.Report, error) {
	res, err := BuildWith(ctx, opts, BuildOptions{})
	return res.Report, err
}

// BuildWith builds the warehouse of opts.Root. A plain build (no selection,
// no as-of, no intermediate tables) keeps its staging and intermediate tables
// in Root.Cache(); the next plain build reuses them when files were only
// added to the lake since (new DSN months, new deliveries of dossiers, events
// or funding, and their rejections): it copies the warehouse and recomputes
// only what those files change (runner.Changes). Anything else — a
// compaction or purge, other models, a missing or inconsistent cache — makes
// a full build, and BuildResult.Why says why.
func BuildWith(ctx context.Context, opts Options, bo BuildOptions) (BuildResult, error) {
	plain := len(bo.Select) == 0 && bo.AsOf == "" && !bo.KeepIntermediate
	var res BuildResult
	l, err := lake.Open(opts.Root.Lake())
	if err != nil {
		return res, err
	}
	snap, err := l.Snapshot(bo.AsOf)
	if err != nil {
		return res, err
	}
	res.Lake = snap.AsOf
	var changes *runner.Changes
	switch {
	case !plain:
		res.Why = "construction partielle (--select, --au ou --intermediaires)"
	case bo.Full:
		res.Why = "construction complète demandée"
	default:
		changes, res.Why, err = planIncremental(ctx, opts, l, snap)
		if err != nil {
			return res, err
		}
	}
	rep, err := build(ctx, opts, bo, snap, changes, plain)
	if errors.Is(err, runner.ErrStaleCache) {
		res.Why = "cache de la construction précédente incomplet"
		rep, err = build(ctx, opts, bo, snap, nil, plain)
	}
	res.Report = rep
	return res, err
}

// build runs one build into a side file and puts it in place.
func build(ctx context.Context, opts Options, bo BuildOptions, snap *lake.Snapshot, changes *runner.Changes, plain bool) (runner.Report, error) {
	final := opts.Root.Warehouse()
	work := final + ".build"
	// An invalid memory limit is refused before anything is copied or the
	// cache deleted.
	if _, err := warehouse.ParseMemoryLimit(opts.Memory); err != nil {
		return runner.Report{}, err
	}
	for _, f := range []string{work, work + ".wal"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return runner.Report{}, err
		}
	}
	if !plain || changes != nil {
		// Start from the current warehouse: its marts stay unless rebuilt.
		if err := copyFile(final, work); err != nil && !errors.Is(err, os.ErrNotExist) {
			return runner.Report{}, fmt.Errorf("copie de l'entrepôt %s : %w", final, err)
		}
	}
	if plain && changes == nil {
		// A full build starts a new cache.
		for _, f := range []string{opts.Root.Cache(), opts.Root.Cache() + ".wal"} {
			if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
				return runner.Report{}, err
			}
		}
	}
	s, err := warehouse.Open(ctx, warehouse.Options{Path: work, MemoryLimit: opts.Memory, Threads: opts.Threads, TempDir: opts.Root.Temp()})
	if err != nil {
		os.Remove(work) // the copy of the warehouse, if any
		return runner.Report{}, err
	}
	defer func() {
		if s != nil {
			s.Close()
			os.Remove(work)
		}
	}()
	if err := s.MountLake(ctx, snap.Paths(), runner.LakeSchemas()); err != nil {
		return runner.Report{}, fmt.Errorf("montage du lac %s : %w", opts.Root.Lake(), err)
	}
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		return runner.Report{}, err
	}
	defer conn.Close()
	ro := runner.Options{Select: bo.Select, MartsDir: opts.Root.Marts(), Progress: opts.Steps, KeepIntermediate: bo.KeepIntermediate, Changes: changes}
	id := ""
	if plain {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("ATTACH %s AS %s", warehouse.Literal(opts.Root.Cache()), cacheCatalog)); err != nil {
			return runner.Report{}, fmt.Errorf("cache %s : %w (une autre construction est-elle en cours ?)", opts.Root.Cache(), err)
		}
		// Until this build ends, the cache matches no warehouse.
		if _, err := conn.ExecContext(ctx, "DROP TABLE IF EXISTS "+cacheCatalog+".main._etat"); err != nil {
			return runner.Report{}, err
		}
		ro.Cache = cacheCatalog
		b := make([]byte, 8)
		rand.Read(b)
		id = time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
	}
	rep, err := runner.Build(ctx, conn, ro)
	if err != nil {
		return rep, err
	}
	if err := saveState(ctx, conn, snap, id); err != nil {
		return rep, err
	}
	conn.Close()
	if err := s.Close(); err != nil {
		return rep, err
	}
	s = nil
	if err := os.Rename(work, final); err != nil {
		return rep, fmt.Errorf("mise en place de l'entrepôt %s : %w", final, err)
	}
	return rep, nil
}

// saveState records, in the warehouse and in the cache, which build they
// come from and the last manifest of the lake it read. id == "": the
// warehouse matches no cache (a selection or an as-of build).
func saveState(ctx context.Context, conn *sql.Conn, snap *lake.Snapshot, id string) error {
	stmts := []string{"CREATE OR REPLACE TABLE _construction (construction VARCHAR, lac VARCHAR, fin TIMESTAMP)"}
	if id != "" {
		fp, err := runner.Fingerprint(nil)
		if err != nil {
			return err
		}
		stmts = append(stmts,
			fmt.Sprintf("INSERT INTO _construction VALUES (%s, %s, now())", warehouse.Literal(id), warehouse.Literal(snap.AsOf)),
			// Last: the cache is valid only once this row exists.
			fmt.Sprintf("CREATE TABLE %s.main._etat AS SELECT %s AS construction, %s AS empreinte, %s AS lac",
				cacheCatalog, warehouse.Literal(id), warehouse.Literal(fp), warehouse.Literal(snap.AsOf)))
	}
	for _, q := range stmts {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("état de la construction : %w", err)
		}
	}
	return nil
}

// planIncremental compares the lake with the one the cached build read. It
// returns the changes for an incremental build, or nil and the reason why
// the build must be full.
func planIncremental(ctx context.Context, opts Options, l *lake.Lake, snap *lake.Snapshot) (*runner.Changes, string, error) {
	for _, f := range []string{opts.Root.Cache(), opts.Root.Warehouse()} {
		if _, err := os.Stat(f); err != nil {
			return nil, "première construction (pas de cache)", nil
		}
	}
	s, err := warehouse.Open(ctx, warehouse.Options{MemoryLimit: opts.Memory, Threads: opts.Threads, TempDir: opts.Root.Temp()})
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	for _, a := range []struct{ path, name string }{{opts.Root.Cache(), "ancien_cache"}, {opts.Root.Warehouse(), "ancien_entrepot"}} {
		if _, err := s.Exec(ctx, fmt.Sprintf("ATTACH %s AS %s (READ_ONLY)", warehouse.Literal(a.path), a.name)); err != nil {
			return nil, "cache illisible : " + err.Error(), nil
		}
	}
	var cached, built, fp, asOf string
	err = s.QueryRow(ctx, `SELECT e.construction, e.empreinte, e.lac, c.construction
		FROM ancien_cache.main._etat AS e, ancien_entrepot.main._construction AS c`).Scan(&cached, &fp, &asOf, &built)
	if err != nil || cached != built {
		return nil, "le cache ne correspond pas à l'entrepôt en place", nil
	}
	want, err := runner.Fingerprint(nil)
	if err != nil {
		return nil, "", err
	}
	if fp != want {
		return nil, "les modèles SQL ou les listes de référence ont changé", nil
	}
	// What the manifests committed since the cached build's one added.
	ms, err := l.Manifests()
	if err != nil {
		return nil, "", err
	}
	start := 0
	if asOf != "" {
		start = slices.IndexFunc(ms, func(m lake.Manifest) bool { return m.ID == asOf }) + 1
		if start == 0 {
			return nil, "le chargement lu par la construction précédente n'est plus dans le lac", nil
		}
	}
	ch := &runner.Changes{Files: map[string][]string{}}
	for _, m := range ms[start:] {
		if len(m.Removes) > 0 || len(m.Rewrites) > 0 {
			return nil, fmt.Sprintf("fichiers retirés du lac (compactage ou purge, manifeste %s)", m.ID), nil
		}
		for _, f := range m.Files {
			ch.Files[f.Dataset] = append(ch.Files[f.Dataset], filepath.Join(l.Root(), filepath.FromSlash(f.Path)))
		}
		if m.ID == snap.AsOf {
			break
		}
	}
	ch.Months, err = changedMonths(ctx, s, ch.Files)
	if err != nil {
		return nil, "", err
	}
	return ch, "", nil
}

// changedMonths returns the DSN months the added files hold, and the months
// whose coverage they change: the coverage is the range from the first to
// the last month with DSN (stg_couverture), so a new month after a gap makes
// the months of the gap observed too.
func changedMonths(ctx context.Context, s *warehouse.Session, files map[string][]string) ([]time.Time, error) {
	var reads []string
	for _, ds := range dsnDatasets {
		if len(files[ds]) > 0 {
			reads = append(reads, "SELECT DISTINCT mois::DATE AS mois FROM "+warehouse.ReadParquet(files[ds], "hive_partitioning = true"))
		}
	}
	if len(reads) == 0 {
		return nil, nil
	}
	var months []time.Time
	q := fmt.Sprintf(`WITH nouveaux AS (
			%s
		),
		bornes AS (
			SELECT least(min(n.mois), any_value(c.premier_mois_couvert)) AS debut,
			       greatest(max(n.mois), any_value(c.dernier_mois_couvert)) AS fin,
			       any_value(c.premier_mois_couvert) AS ancien_debut,
			       any_value(c.dernier_mois_couvert) AS ancienne_fin
			FROM nouveaux AS n, ancien_cache.main.stg_couverture AS c
		)
		SELECT mois FROM nouveaux
		UNION
		SELECT unnest(generate_series(b.debut, b.fin, INTERVAL 1 MONTH))::DATE AS mois
		FROM bornes AS b
		WHERE b.ancien_debut IS NULL
		UNION
		SELECT m::DATE FROM bornes AS b,
			unnest(generate_series(b.debut, b.fin, INTERVAL 1 MONTH)) AS g(m)
		WHERE m < b.ancien_debut OR m > b.ancienne_fin
		ORDER BY mois`, strings.Join(reads, "\n\t\t\tUNION\n\t\t\t"))
	rows, err := s.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("mois des nouvelles déclarations DSN : %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m time.Time
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		months = append(months, m)
	}
	return months, rows.Err()
}

// copyFile copies src to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
