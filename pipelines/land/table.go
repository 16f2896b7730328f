package land

import (
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

// table lands the rows of the CSV files of one feed in a transaction.
type table interface {
	landCSV(ctx context.Context, fl *fileLanding, rd *delivery.Reader) error
	close() error
	failed() error
}

// feedTable is the table of a feed whose lake rows are of type T.
//
// A file goes through a pipeline: the reader copies rows, by batches, to
// parsing workers (validation, pseudonymisation, typed row: the costly part,
// on every core), and the batches come back, in file order, to a sequencer
// that applies the rules needing the whole file (duplicates, exit before
// entry), counts, and queues rows for the sink's writer.
type feedTable[T any] struct {
	feed    *dictionary.Feed
	s       *sink[T]
	fill    func(f *filler, rec dictionary.Record, landing string, source, line int64) T
	landing string
	key     *pseudo.Key
	// newHook, when set, makes the file-wide rule of the feed.
	newHook func(fl *fileLanding) rowHook[T]
}

// rowHook applies a rule across the rows of a file, in the sequencer.
type rowHook[T any] interface {
	// hold sees every valid row in file order; true keeps it back until flush.
	hold(r *T) bool
	// flush lands or quarantines the rows held, at the end of the file.
	flush(s *sink[T])
}

func (t *feedTable[T]) close() error  { return t.s.close() }
func (t *feedTable[T]) failed() error { return t.s.failed() }

// newTable makes the table of a CSV feed.
func (tl *txnLanding) newTable(feed *dictionary.Feed) table {
	n, p := tl.l.opts.PartRows, &tl.l.chunks
	switch feed {
	case dictionary.Dossiers:
		return &feedTable[dossierRow]{feed: feed, s: newSink(tl.txn, feed.Name, byDossier, n, p), fill: (*filler).dossier, landing: tl.landing, key: tl.l.key}
	case dictionary.Evenements:
		return &feedTable[evenementRow]{feed: feed, s: newSink(tl.txn, feed.Name, byEvenement, n, p), fill: (*filler).evenement, landing: tl.landing, key: tl.l.key,
			newHook: func(fl *fileLanding) rowHook[evenementRow] { return newExitCheck(fl) }}
	case dictionary.Financements:
		return &feedTable[financementRow]{feed: feed, s: newSink(tl.txn, feed.Name, byFinancement, n, p), fill: (*filler).financement, landing: tl.landing, key: tl.l.key}
	case dictionary.Enveloppes:
		return &feedTable[enveloppeRow]{feed: feed, s: newSink(tl.txn, feed.Name, byEnveloppe, n, p), fill: (*filler).enveloppe, landing: tl.landing, key: tl.l.key}
	case dictionary.DSNExtrait:
		return &feedTable[dsnRow]{feed: feed, s: newDSNSink(tl.txn, n, p), landing: tl.landing, key: tl.l.key,
			fill: func(f *filler, r dictionary.Record, landing string, source, line int64) dsnRow {
				return f.dsn(r, nil, landing, source, line)
			}}
	}
	panic("land: no table for feed " + feed.Name)
}

// batchRows is the number of rows a parsing worker takes at once.
const batchRows = 2048

// rowBatch carries rows from the reader to a worker (raw fields) and from the
// worker to the sequencer (outcomes).
type rowBatch[T any] struct {
	seq   int
	buf   []byte   // the fields' bytes, one after the other
	ends  []int32  // end of each field in buf
	lines []int64  // line of each row
	bad   []string // why each row cannot be read, or ""
	out   []parsed[T]
}

// parsed is what a worker makes of one row.
type parsed[T any] struct {
	line   int64
	vs     []dictionary.Violation // broken rules; nil for a valid row
	sender string
	key    [16]byte // hash of the feed key (valid rows)
	row    T
}

func (b *rowBatch[T]) reset(seq int) {
	b.seq, b.buf, b.ends, b.lines, b.bad, b.out = seq, b.buf[:0], b.ends[:0], b.lines[:0], b.bad[:0], b.out[:0]
}

// landCSV lands one file through the pipeline.
func (t *feedTable[T]) landCSV(ctx context.Context, fl *fileLanding, rd *delivery.Reader) error {
	ncols := len(t.feed.Columns)
	workers := max(1, runtime.GOMAXPROCS(0))
	free := make(chan *rowBatch[T], 2*workers+2)
	for range cap(free) {
		free <- &rowBatch[T]{}
	}
	work := make(chan *rowBatch[T], cap(free))
	done := make(chan *rowBatch[T], cap(free))
	seeds := [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.parse(work, done, seeds, ncols, fl.source)
		}()
	}
	seqDone := make(chan struct{})
	go func() {
		defer close(seqDone)
		t.sequence(fl, done, free)
	}()

	// The reader: copies rows into batches.
	var err error
	seq := 0
	b := <-free
	b.reset(seq)
	for rd.Next() {
		row := rd.Row()
		for _, f := range row.Fields {
			b.buf = append(b.buf, f...)
			b.ends = append(b.ends, int32(len(b.buf)))
		}
		b.lines = append(b.lines, row.Line)
		b.bad = append(b.bad, row.Bad)
		if len(b.lines) == batchRows {
			work <- b
			seq++
			if seq%(checkEvery/batchRows) == 0 {
				if err = fl.check(ctx); err != nil {
					break
				}
			}
			b = <-free
			b.reset(seq)
		}
	}
	if len(b.lines) > 0 && err == nil {
		work <- b
	}
	close(work)
	wg.Wait()
	close(done)
	<-seqDone
	fl.res.Blank = rd.Blank()
	if err != nil {
		return err
	}
	return cmpErr(rd.Err(), ctx.Err())
}

func cmpErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// parse is a worker: it validates, pseudonymises and types the rows of
// batches of the file whose ordinal in the transaction is source.
func (t *feedTable[T]) parse(work <-chan *rowBatch[T], done chan<- *rowBatch[T], seeds [2]maphash.Seed, ncols int, source int64) {
	f := newFiller(t.feed, t.key)
	keys := &keySet{s1: seeds[0], s2: seeds[1]}
	for _, c := range t.feed.Key {
		keys.cols = append(keys.cols, t.feed.Index(c))
	}
	senderCol := senderColumn(t.feed)
	rec := make(dictionary.Record, 0, ncols)
	var fields []string
	for b := range work {
		fields = fields[:0]
		start := int32(0)
		for _, end := range b.ends {
			fields = append(fields, bytesString(b.buf[start:end]))
			start = end
		}
		for i, line := range b.lines {
			fs := fields[i*ncols : (i+1)*ncols]
			p := parsed[T]{line: line, sender: sender(fs, senderCol)}
			switch {
			case b.bad[i] != "":
				p.vs = []dictionary.Violation{{Rule: dictionary.RuleBadLine, Value: b.bad[i]}}
			default:
				var vs []dictionary.Violation
				if rec, vs = t.feed.Parse(fs, rec); len(vs) == 0 {
					vs = nirInText(t.feed, rec)
				}
				if len(vs) > 0 {
					p.vs = vs
					break
				}
				p.key = keys.hash(rec)
				p.row = t.fill(f, rec, t.landing, source, line)
			}
			b.out = append(b.out, p)
		}
		done <- b
	}
}

// sequence takes the parsed batches back in file order and lands their rows.
func (t *feedTable[T]) sequence(fl *fileLanding, done <-chan *rowBatch[T], free chan<- *rowBatch[T]) {
	first := make(map[[16]byte]int64, min(fl.lines, 1<<24)) // line of each feed key
	var hook rowHook[T]
	if t.newHook != nil {
		hook = t.newHook(fl)
	}
	keyCols := strings.Join(t.feed.Key, ",")
	res := fl.res
	pending := map[int]*rowBatch[T]{}
	next := 0
	for b := range done {
		pending[b.seq] = b
		for {
			b, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			for i := range b.out {
				p := &b.out[i]
				res.Read++
				switch {
				case p.vs != nil:
					fl.reject(p.line, p.vs, p.sender)
				default:
					if line, dup := first[p.key]; dup {
						fl.reject(p.line, []dictionary.Violation{{Rule: dictionary.RuleDuplicateInFile, Column: keyCols,
							Value: fmt.Sprintf("même clé qu'à la ligne %d", line)}}, p.sender)
						continue
					}
					first[p.key] = p.line
					res.Landed++
					if hook == nil || !hook.hold(&p.row) {
						t.s.add(p.row)
					}
				}
			}
			fl.tl.l.progress.rows(int64(len(b.out)))
			clear(b.out) // drop the rows' strings
			free <- b
		}
	}
	if hook != nil {
		hook.flush(t.s)
	}
}

// bytesString views b as a string without copying; b is not modified while
// the string is in use.
func bytesString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// exitCheck applies EXIT_BEFORE_ENTRY: a SORTIE dated before the ENTREE of the
// same dossier in the same file is quarantined. Since the ENTREE may come
// after the SORTIE in the file, SORTIE rows wait until the end of the file,
// then land or go to quarantine. Dossiers are known by a 128-bit hash of
// their key.
type exitCheck struct {
	fl      *fileLanding
	seeds   [2]maphash.Seed
	entries map[[16]byte]lake.Date // earliest ENTREE of each dossier
	held    []heldExit
}

type heldExit struct {
	row     evenementRow
	dossier [16]byte
}

func newExitCheck(fl *fileLanding) *exitCheck {
	return &exitCheck{fl: fl, seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()},
		entries: make(map[[16]byte]lake.Date, min(fl.lines/2, 1<<24))}
}

func (x *exitCheck) dossier(r *evenementRow) [16]byte {
	var k [16]byte
	for i, seed := range x.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		h.WriteString(r.CodeFinanceur)
		h.WriteByte(0)
		h.WriteString(r.IDDossier)
		v := h.Sum64()
		for j := range 8 {
			k[8*i+j] = byte(v >> (8 * j))
		}
	}
	return k
}

func (x *exitCheck) hold(r *evenementRow) bool {
	switch r.TypeEvenement {
	case "ENTREE":
		k := x.dossier(r)
		if e, ok := x.entries[k]; !ok || r.DateEvenement < e {
			x.entries[k] = r.DateEvenement
		}
	case "SORTIE":
		x.held = append(x.held, heldExit{*r, x.dossier(r)})
		return true
	}
	return false
}

func (x *exitCheck) flush(s *sink[evenementRow]) {
	for _, h := range x.held {
		if e, ok := x.entries[h.dossier]; ok && h.row.DateEvenement < e {
			x.fl.res.Landed--
			x.fl.reject(h.row.Ligne, []dictionary.Violation{{Rule: dictionary.RuleExitBeforeEntry, Column: "date_evenement",
				Value: h.row.DateEvenement.String() + " (entrée le " + e.String() + ")"}}, h.row.CodeFinanceur)
			continue
		}
		s.add(h.row)
	}
	x.held = nil
}
