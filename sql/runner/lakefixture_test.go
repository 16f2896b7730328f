package runner

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/dsn"
)

// fixtureLake loads deliveries into lake_* tables of db the way landing does,
// for the model tests, until the landing pipeline can be called directly: each
// file (in name order) is one landing; rows are validated with the dictionary;
// a rejected row goes to lake_quarantaine; the NIR becomes a pseudonym (here a
// plain SHA-256, the tests need no secret); NEODeS files go through the DSN
// parser into lake_dsn_extrait and lake_dsn_declarations.
type fixtureLake struct {
	t       testing.TB
	db      *sql.DB
	landing int
}

func newFixtureLake(t testing.TB, db *sql.DB) *fixtureLake {
	t.Helper()
	for name, cols := range dictionary.LakeSchemas() {
		var defs []string
		for _, c := range cols {
			defs = append(defs, c.Name+" "+c.Type)
		}
		if _, err := db.Exec("CREATE OR REPLACE TABLE lake_" + name + " (" + strings.Join(defs, ", ") + ")"); err != nil {
			t.Fatal(err)
		}
	}
	return &fixtureLake{t: t, db: db}
}

// landDir lands every file of dir in name order.
func (l *fixtureLake) landDir(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		l.t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		l.land(filepath.Join(dir, n))
	}
}

func pseudo(nir string) string {
	h := sha256.Sum256([]byte(nir))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func (l *fixtureLake) land(path string) {
	l.t.Helper()
	l.landing++
	id := fmt.Sprintf("%08d-fixture", l.landing)
	raw, err := os.ReadFile(path)
	if err != nil {
		l.t.Fatal(err)
	}
	info, err := delivery.Inspect(bytes.NewReader(raw), filepath.Base(path))
	if err != nil {
		l.t.Fatal(err)
	}
	text := delivery.NewDecoder(bytes.NewReader(raw), info.Encoding)
	if strings.HasSuffix(path, ".dsn") {
		h := &dsnHandler{l: l, id: id, decl: info.SHA256, file: filepath.Base(path)}
		if _, err := dsn.Parse(text, h); err != nil {
			l.t.Fatal(err)
		}
		if h.err != nil {
			l.t.Fatal(h.err)
		}
		return
	}
	rd, err := delivery.NewReader(text, filepath.Base(path), nil)
	if err != nil {
		l.t.Fatal(err)
	}
	feed := rd.Feed()
	var rec dictionary.Record
	for rd.Next() {
		row := rd.Row()
		if row.Bad != "" {
			l.t.Fatalf("%s:%d: %s", path, row.Line, row.Bad)
		}
		var vs []dictionary.Violation
		rec, vs = feed.Parse(row.Fields, rec)
		if len(vs) > 0 {
			l.quarantine(feed, rec, row.Fields, filepath.Base(path), row.Line, vs[0], id)
			continue
		}
		l.insert(feed, rec, "", row.Line, id)
	}
	if err := rd.Err(); err != nil {
		l.t.Fatal(err)
	}
}

func (l *fixtureLake) quarantine(feed *dictionary.Feed, rec dictionary.Record, fields []string, file string, line int64, v dictionary.Violation, id string) {
	var funder any
	if i := feed.Index("code_financeur"); i >= 0 && i < len(fields) && fields[i] != "" {
		funder = fields[i]
	}
	if i := feed.Index("code_financeur_dossier"); i >= 0 && i < len(fields) && fields[i] != "" {
		funder = fields[i]
	}
	if _, err := l.db.Exec("INSERT INTO lake_quarantaine VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		feed.Name, file, line, v.Rule, v.Column, v.Value, funder, id); err != nil {
		l.t.Fatal(err)
	}
}

// insert writes one valid row into lake_<feed>.
func (l *fixtureLake) insert(feed *dictionary.Feed, rec dictionary.Record, declaration string, line int64, id string) {
	var args []any
	var ph []string
	for i, c := range feed.Columns {
		v := rec[i]
		typ := dictionary.LakeType(c.Kind)
		ph = append(ph, "?::"+typ)
		if v.Null {
			args = append(args, nil)
			continue
		}
		switch c.Kind {
		case dictionary.NIR:
			args = append(args, pseudo(v.Str))
		case dictionary.Date, dictionary.Month, dictionary.Timestamp:
			args = append(args, v.Time.Format("2006-01-02 15:04:05"))
		case dictionary.Integer:
			args = append(args, v.Int)
		case dictionary.Amount:
			args = append(args, fmt.Sprintf("%d.%02d", v.Int/100, v.Int%100))
		case dictionary.Decimal:
			args = append(args, v.Num)
		default:
			args = append(args, v.Str)
		}
	}
	if feed == dictionary.DSNExtrait {
		ph = append(ph, "?")
		if declaration == "" {
			args = append(args, nil)
		} else {
			args = append(args, declaration)
		}
	}
	ph = append(ph, "?", "?")
	args = append(args, id, line)
	if _, err := l.db.Exec("INSERT INTO lake_"+feed.Name+" VALUES ("+strings.Join(ph, ", ")+")", args...); err != nil {
		l.t.Fatalf("%s: %v", feed.Name, err)
	}
}

type dsnHandler struct {
	l    *fixtureLake
	id   string
	decl string
	file string
	rec  dictionary.Record
	err  error
}

func (h *dsnHandler) declID(d *dsn.Declaration) string { return fmt.Sprintf("%s-%d", h.decl, d.Index) }

func (h *dsnHandler) Row(d *dsn.Declaration, line int64, fields []string) {
	var vs []dictionary.Violation
	h.rec, vs = dictionary.DSNExtrait.Parse(fields, h.rec)
	if len(vs) > 0 {
		h.l.quarantine(dictionary.DSNExtrait, h.rec, fields, h.file, line, vs[0], h.id)
		return
	}
	h.l.insert(dictionary.DSNExtrait, h.rec, h.declID(d), line, h.id)
}

func (h *dsnHandler) BadLine(line int64, reason string) {
	h.err = fmt.Errorf("%s:%d: %s", h.file, line, reason)
}

func (h *dsnHandler) Declaration(d *dsn.Declaration) {
	month, err := dictionary.ParseMonth(d.MonthISO())
	if err != nil {
		h.err = err
		return
	}
	fileDate, err := dictionary.ParseDSNDate(d.FileDate)
	if err != nil {
		h.err = err
		return
	}
	var order int64
	fmt.Sscan(d.Order, &order)
	if _, err := h.l.db.Exec("INSERT INTO lake_dsn_declarations VALUES (?, ?, ?::DATE, ?, ?, ?, ?::DATE, ?, ?)",
		h.declID(d), d.SIRET(), month.Format(time.DateOnly), d.Nature, d.Type, order, fileDate.Format(time.DateOnly), d.Rows, h.id); err != nil {
		h.err = err
	}
}
