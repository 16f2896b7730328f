package land

import (
	"context"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"math"
	"strings"
	"time"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/dsn"
)

// txnLanding is the state of one transaction: the sinks its files share.
type txnLanding struct {
	l       *lander
	txn     *lake.Txn
	landing string // value of the _landing lineage column
	quar    *sink[quarantineRow]
	tab     table                 // the CSV feed's rows
	dsnRows *sink[dsnRow]         // NEODeS rows
	decls   *sink[declarationRow] // NEODeS declarations
	fill    *filler               // NEODeS rows
	parser  *dsn.Parser           // NEODeS files, one after the other
	strs    arena
	texts   slab[string] // optional texts of quarantine rows
	closers []func() error
}

// landingID is the value written in the _landing lineage column of the rows
// of a transaction: a time (UTC, to the microsecond) and the transaction's
// token, e.g. 20250131T174502.123456Z-1a2b3c4d. The manifest id
// ("<seq>-<token>") is only known at commit, after the files are written;
// the token ends it, so the value names its manifest. The time is that of the
// start of the run plus one microsecond per file before the transaction's
// first file in the run's order (Collect): landings sort in the order they
// were made, and the transactions of one run (landed in parallel) in the
// order of their files, whichever starts first. The models rely on it when a
// later landing of the same row wins (ORDER BY _landing DESC).
func landingID(start time.Time, first int, txn *lake.Txn) string {
	return start.UTC().Add(time.Duration(first)*time.Microsecond).Format("20060102T150405.000000Z") + "-" + txn.Token()
}

// newTxnLanding starts the landing of a transaction whose first file is the
// run's first-th.
func newTxnLanding(l *lander, txn *lake.Txn, first int) *txnLanding {
	tl := &txnLanding{l: l, txn: txn, landing: landingID(l.start, first, txn)}
	tl.quar = newSink(txn, "quarantaine", byQuarantine, l.opts.PartRows, &l.chunks)
	tl.closers = append(tl.closers, tl.quar.close)
	return tl
}

// close flushes every sink and returns the first error.
func (tl *txnLanding) close() error {
	var errs []error
	for _, c := range tl.closers {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// table returns the table of a CSV feed, made on first use.
func (tl *txnLanding) table(feed *dictionary.Feed) table {
	if tl.tab == nil {
		tl.tab = tl.newTable(feed)
		tl.closers = append(tl.closers, tl.tab.close)
	}
	return tl.tab
}

// neodes returns the sinks of NEODeS files, made on first use.
func (tl *txnLanding) neodes() (*sink[dsnRow], *sink[declarationRow], *filler) {
	if tl.dsnRows == nil {
		tl.dsnRows = newDSNSink(tl.txn, tl.l.opts.PartRows, &tl.l.chunks)
		tl.decls = newSink(tl.txn, "dsn_declarations", byDeclaration, tl.l.opts.PartRows, &tl.l.chunks)
		tl.fill = newFiller(dictionary.DSNExtrait, tl.l.key)
		tl.closers = append(tl.closers, tl.dsnRows.close, tl.decls.close)
	}
	return tl.dsnRows, tl.decls, tl.fill
}

// failed returns the first write error of the sinks.
func (tl *txnLanding) failed() error {
	if err := tl.quar.failed(); err != nil {
		return err
	}
	if tl.tab != nil {
		if err := tl.tab.failed(); err != nil {
			return err
		}
	}
	if tl.dsnRows != nil {
		return errors.Join(tl.dsnRows.failed(), tl.decls.failed())
	}
	return nil
}

// fileLanding is the landing of one file within a transaction.
type fileLanding struct {
	tl     *txnLanding
	res    *FileResult
	source int64 // value of the _source lineage column: the file's ordinal in the transaction, from 1
	lines  int64 // lines of the file, to size its tables
}

// quarantine records one broken rule of a row (or of the whole file, line 0).
// value must already be masked when it may hold a NIR.
func (fl *fileLanding) quarantine(line int64, rule, column, value, sender string) {
	tl := fl.tl
	tl.quar.add(quarantineRow{
		Feed: fl.res.Feed, Fichier: fl.res.Name, Ligne: line, Regle: rule,
		Colonne: optional(&tl.texts, column), Valeur: optional(&tl.texts, tl.strs.str(value)),
		CodeFinanceur: optional(&tl.texts, sender), Landing: tl.landing, Source: fl.source,
	})
}

// reject records a quarantined row with its violations, counted once per rule.
func (fl *fileLanding) reject(line int64, vs []dictionary.Violation, sender string) {
	fl.res.Quarantined++
	if fl.res.ByRule == nil {
		fl.res.ByRule = map[string]int64{}
	}
	for i, v := range vs {
		value := v.Value
		if c, ok := feedColumn(fl.res.Feed, v.Column); !ok || c.Kind != dictionary.NIR {
			value = delivery.MaskNIRs(value)
		}
		fl.quarantine(line, v.Rule, v.Column, value, sender)
		counted := false
		for _, w := range vs[:i] {
			counted = counted || w.Rule == v.Rule
		}
		if !counted {
			fl.res.ByRule[v.Rule]++
		}
	}
}

func feedColumn(feed, column string) (dictionary.Column, bool) {
	if feed == NEODeS {
		feed = dictionary.DSNExtrait.Name
	}
	f, ok := dictionary.FeedByName(feed)
	if !ok {
		return dictionary.Column{}, false
	}
	return f.Column(column)
}

// senderColumn is the column naming the partner that sent a row.
func senderColumn(f *dictionary.Feed) int {
	if i := f.Index("code_financeur_dossier"); i >= 0 {
		return i
	}
	return f.Index("code_financeur")
}

// sender returns the sending partner of a row when its field is a known code.
func sender(fields []string, col int) string {
	if col < 0 || col >= len(fields) {
		return ""
	}
	if c, ok := dictionary.Financeurs.Lookup(strings.TrimSpace(fields[col])); ok {
		return c.Code
	}
	return ""
}

// newDSNSink writes dsn_extrait partitioned by month (mois=AAAA-MM-01), so
// that a month can be refreshed or purged alone.
func newDSNSink(txn *lake.Txn, partRows int, pool *chunks) *sink[dsnRow] {
	return newSink(txn, dictionary.DSNExtrait.Name, byDSN, partRows, pool).partitioned(
		func(r *dsnRow) int64 { return int64(r.Mois) },
		func(k int64) []lake.Partition { return []lake.Partition{{Key: "mois", Value: lake.Date(k).String()}} })
}

// checkEvery is how many rows pass between checks of cancellation and write errors.
const checkEvery = 1 << 14

// landCSV lands the rows of a CSV delivery.
func (fl *fileLanding) landCSV(ctx context.Context, rd *delivery.Reader) error {
	return fl.tl.table(rd.Feed()).landCSV(ctx, fl, rd)
}

// check stops a landing that was cancelled or whose writes failed.
func (fl *fileLanding) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := fl.tl.failed(); err != nil {
		return err
	}
	return hit("lignes")
}

// keySet finds the second occurrence of a feed key in a file (rule
// DUPLICATE_IN_FILE). Keys are kept as 128-bit hashes of their parsed values
// (so 01/02/2024 and 2024-02-01 are the same date): the chance that two
// different keys of a file of 100 million rows collide is about 10⁻²³.
type keySet struct {
	cols   []int
	first  map[[16]byte]int64
	buf    []byte
	s1, s2 maphash.Seed
}

func newKeySet(feed *dictionary.Feed, hint int64) *keySet {
	k := &keySet{first: make(map[[16]byte]int64, min(hint, 1<<24)), s1: maphash.MakeSeed(), s2: maphash.MakeSeed()}
	for _, c := range feed.Key {
		k.cols = append(k.cols, feed.Index(c))
	}
	return k
}

// hash returns the 128-bit hash of the key of rec.
func (k *keySet) hash(rec dictionary.Record) [16]byte {
	k.buf = appendKey(k.buf[:0], rec, k.cols)
	var h [16]byte
	binary.LittleEndian.PutUint64(h[:8], maphash.Bytes(k.s1, k.buf))
	binary.LittleEndian.PutUint64(h[8:], maphash.Bytes(k.s2, k.buf))
	return h
}

// seen records the key of rec at line and returns the line of an earlier row
// with the same key.
func (k *keySet) seen(rec dictionary.Record, line int64) (int64, bool) {
	h := k.hash(rec)
	if first, ok := k.first[h]; ok {
		return first, true
	}
	k.first[h] = line
	return 0, false
}

// appendKey encodes the values of cols unambiguously.
func appendKey(b []byte, rec dictionary.Record, cols []int) []byte {
	for _, i := range cols {
		v := rec[i]
		switch {
		case v.Null:
			b = append(b, 0)
		case !v.Time.IsZero():
			b = append(b, 1)
			b = binary.LittleEndian.AppendUint64(b, uint64(v.Time.Unix()))
		case v.Str != "":
			b = append(b, 2)
			b = binary.LittleEndian.AppendUint32(b, uint32(len(v.Str)))
			b = append(b, v.Str...)
		default:
			b = append(b, 3)
			b = binary.LittleEndian.AppendUint64(b, uint64(v.Int))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Num))
		}
	}
	return b
}

// nirInText finds a NIR in a free-text column of a valid row (a partner
// putting the NIR in a dossier or contract id): such a row cannot land
// without storing the NIR in clear, so it goes to quarantine (BAD_FORMAT),
// the value masked.
func nirInText(feed *dictionary.Feed, rec dictionary.Record) []dictionary.Violation {
	var vs []dictionary.Violation
	for i, c := range feed.Columns {
		if c.Kind == dictionary.Text && !rec[i].Null && containsNIR(rec[i].Str) {
			vs = append(vs, dictionary.Violation{Rule: dictionary.RuleBadFormat, Column: c.Name, Value: delivery.MaskNIRs(rec[i].Str)})
		}
	}
	return vs
}

// containsNIR reports whether s holds a valid NIR (15 characters with a
// correct key) within a run of digits and Corsican letters, or written in
// groups (« 2 95 10 99 126 111 93 », see delivery.EachSeparatedNIR). It runs
// on every free-text value of every valid row: one pass looks for runs and
// counts digits, and only a value with the 14 digits a NIR needs at least is
// searched for groups.
func containsNIR(s string) bool {
	run, digits := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			digits++
		} else if c != 'A' && c != 'B' && c != 'a' && c != 'b' {
			run = 0
			continue
		}
		run++
		if run >= 15 && dictionary.ValidNIR(strings.ToUpper(s[i-14:i+1])) {
			return true
		}
	}
	return digits >= 14 && delivery.ContainsSeparatedNIR(s)
}
