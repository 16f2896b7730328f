package warehouse

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Column is a column of a lake dataset as the models see it.
type Column struct {
	Name string // column name in the Parquet files or a Hive partition key
	Type string // DuckDB type, e.g. VARCHAR, DATE, DECIMAL(18,2), UUID
}

// ViewName returns the name of the view over a lake dataset: lake_<dataset>.
func ViewName(dataset string) string { return "lake_" + dataset }

var (
	datasetRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	typeRe    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_ ]*(\([0-9, ]+\))?(\[\])*$`)
)

// MountLake creates or replaces, for every dataset of schemas, the view
// lake_<dataset> with exactly the schema's columns, in order, cast to their
// types:
//   - over read_parquet of the dataset's files (absolute paths, as given by
//     lake.Snapshot.Paths) with Hive partitioning and union by name, partition
//     values read as text before the cast (so "01" stays "01");
//     a schema column absent from every file is NULL;
//   - when the dataset has no file, over an empty relation of the same
//     columns and types, so models compile on an empty lake.
//
// All views change in one transaction. Every dataset of files needs a schema.
// The views name the files: mount again after the lake changes.
func (s *Session) MountLake(ctx context.Context, files map[string][]string, schemas map[string][]Column) error {
	for ds := range files {
		if _, ok := schemas[ds]; !ok {
			return fmt.Errorf("warehouse : le jeu de données %q du lac n'a pas de schéma : ajoutez-le au dictionnaire", ds)
		}
	}
	datasets := make([]string, 0, len(schemas))
	for ds := range schemas {
		datasets = append(datasets, ds)
	}
	slices.Sort(datasets)

	var stmts []string
	for _, ds := range datasets {
		stmt, err := s.viewSQL(ctx, ds, files[ds], schemas[ds])
		if err != nil {
			return err
		}
		stmts = append(stmts, stmt)
	}

	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("warehouse : création de la vue %s : %w", ViewName(datasets[i]), err)
		}
	}
	return tx.Commit()
}

// viewSQL returns the CREATE VIEW statement of one dataset.
func (s *Session) viewSQL(ctx context.Context, dataset string, paths []string, columns []Column) (string, error) {
	if !datasetRe.MatchString(dataset) {
		return "", fmt.Errorf("warehouse : nom de jeu de données invalide %q : minuscules, chiffres et _", dataset)
	}
	if len(columns) == 0 {
		return "", fmt.Errorf("warehouse : le schéma de %s n'a aucune colonne", dataset)
	}
	for _, c := range columns {
		if c.Name == "" || !typeRe.MatchString(c.Type) {
			return "", fmt.Errorf("warehouse : %s : colonne %q de type %q invalide", dataset, c.Name, c.Type)
		}
	}
	view := Ident(ViewName(dataset))
	if len(paths) == 0 {
		sel := make([]string, len(columns))
		for i, c := range columns {
			sel[i] = fmt.Sprintf("CAST(NULL AS %s) AS %s", c.Type, Ident(c.Name))
		}
		return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT %s WHERE false", view, strings.Join(sel, ", ")), nil
	}

	for _, p := range paths {
		if strings.ContainsAny(p, "*?[") {
			return "", fmt.Errorf("warehouse : chemin %q : les caractères * ? [ y seraient lus comme un motif ; renommez le dossier", p)
		}
	}
	source := ReadParquet(paths, "hive_partitioning = true", "hive_types_autocast = false")

	present, err := s.columnsOf(ctx, source)
	if err != nil {
		return "", fmt.Errorf("warehouse : lecture des fichiers de %s : %w", dataset, err)
	}
	sel := make([]string, len(columns))
	for i, c := range columns {
		if present[strings.ToLower(c.Name)] {
			sel[i] = fmt.Sprintf("CAST(%s AS %s) AS %s", Ident(c.Name), c.Type, Ident(c.Name))
		} else {
			sel[i] = fmt.Sprintf("CAST(NULL AS %s) AS %s", c.Type, Ident(c.Name))
		}
	}
	return fmt.Sprintf("CREATE OR REPLACE VIEW %s AS SELECT %s FROM %s", view, strings.Join(sel, ", "), source), nil
}

// columnsOf returns the lower-cased names of the columns of a relation.
func (s *Session) columnsOf(ctx context.Context, relation string) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT column_name FROM (DESCRIBE SELECT * FROM "+relation+")")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out[strings.ToLower(name)] = true
	}
	return out, rows.Err()
}

// Ident quotes an SQL identifier.
func Ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Literal quotes an SQL string literal.
func Literal(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// ReadParquet is the DuckDB table function reading the Parquet files at
// paths, columns matched by name (union_by_name), with the options given
// ("hive_partitioning = true"…).
func ReadParquet(paths []string, options ...string) string {
	list := make([]string, len(paths))
	for i, p := range paths {
		list[i] = Literal(p)
	}
	return "read_parquet([" + strings.Join(list, ", ") + "], " + strings.Join(append(options, "union_by_name = true"), ", ") + ")"
}
