package land

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
)

// Small files of one feed land together, in one transaction: one manifest
// listing each of them (with its own row counts), and Parquet files of a
// useful size instead of one tiny file per delivery. A NEODeS file covers a
// single establishment and month, so a national delivery holds thousands.
const (
	batchBytes = 64 << 20 // a file this big or bigger lands alone
	batchFiles = 8192
)

type batch struct {
	feed  string
	items []*item
}

// plan groups the files still to land into batches of one feed, in the order
// of the paths. A refused file lands alone (its manifest records why). The
// same bytes given twice for one feed land once.
func plan(items []*item) []batch {
	var out []batch
	open := map[string]int{} // feed → index of its open batch in out
	sizes := map[int]int64{}
	first := map[string]*item{}
	for _, it := range items {
		if it == nil || it.res.Status != statusPending {
			continue // not prepared (cancelled), or nothing to land
		}
		k := it.res.Feed + "\x00" + it.res.SHA256
		if f, dup := first[k]; dup {
			it.res.Status = StatusAlready
			it.sameAs = f
			continue
		}
		first[k] = it
		if it.fileErr != nil {
			out = append(out, batch{it.res.Feed, []*item{it}})
			continue
		}
		i, ok := open[it.res.Feed]
		if !ok || sizes[i]+it.info.Size > batchBytes || len(out[i].items) >= batchFiles {
			i = len(out)
			out = append(out, batch{feed: it.res.Feed})
			open[it.res.Feed] = i
		}
		out[i].items = append(out[i].items, it)
		sizes[i] += it.info.Size
	}
	return out
}

// landBatch lands a batch; if it fails as a whole, each of its files is
// landed alone, so that one unreadable file does not hold back the others.
func (l *lander) landBatch(ctx context.Context, b batch) {
	err := l.tryBatch(ctx, b)
	if err == nil {
		return
	}
	if len(b.items) > 1 && ctx.Err() == nil {
		l.opts.Log.Debug("lot en échec, chargement fichier par fichier", "flux", b.feed, "fichiers", len(b.items), "erreur", err)
		for _, it := range b.items {
			it.reset()
			if err := l.tryBatch(ctx, batch{b.feed, []*item{it}}); err != nil {
				l.failed(it, err)
			}
		}
		return
	}
	for _, it := range b.items {
		l.failed(it, err)
	}
}

// reset forgets the counts of a landing attempt.
func (it *item) reset() {
	r := &it.res
	r.Status, r.Read, r.Landed, r.Quarantined, r.ByRule, r.Blank, r.Declarations, r.Skipped = statusPending, 0, 0, 0, nil, 0, 0, 0
}

// tryBatch lands the files of a batch in one transaction.
func (l *lander) tryBatch(ctx context.Context, b batch) error {
	sources := make([]lake.Source, len(b.items))
	for i, it := range b.items {
		sources[i] = lake.Source{Name: it.res.Name, SHA256: it.res.SHA256, Size: it.res.Size}
	}
	txn, err := l.lake.Begin(b.feed, sources...)
	if errors.Is(err, lake.ErrAlreadyLanded) && len(b.items) == 1 {
		m, _, _ := l.lake.Landed(b.feed, b.items[0].res.SHA256)
		already(b.items[0], m)
		return nil
	}
	if err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			txn.Abort()
		}
	}()
	tl := newTxnLanding(l, txn, b.items[0].index)
	meta := map[string]string{MetaKey: l.key.Fingerprint()}
	var declarations, skipped int64
	for i, it := range b.items {
		if err := l.landItem(ctx, tl, it, int64(i+1), meta); err != nil {
			tl.close()
			return err
		}
		declarations += it.res.Declarations
		skipped += it.res.Skipped
	}
	if b.feed == NEODeS {
		meta[MetaDeclarations] = strconv.FormatInt(declarations, 10)
		meta[MetaSkipped] = strconv.FormatInt(skipped, 10)
	}
	if err := tl.close(); err != nil {
		return err
	}
	if err := hit("commit"); err != nil {
		return err
	}
	rows := make([]lake.Rows, len(b.items))
	for i, it := range b.items {
		r := &it.res
		if r.Read != r.Landed+r.Quarantined {
			return fmt.Errorf("lignes lues (%d) ≠ chargées (%d) + en quarantaine (%d) dans %s : erreur interne, signalez-la", r.Read, r.Landed, r.Quarantined, r.Name)
		}
		rows[i] = lake.Rows{Read: r.Read, Landed: r.Landed, Quarantined: r.Quarantined, QuarantinedByRule: maps.Clone(r.ByRule)}
	}
	m, err := txn.Commit(lake.Summary{Rows: rows, SchemaVersion: SchemaVersion, Meta: meta})
	if err != nil {
		return err
	}
	committed = true
	for _, it := range b.items {
		it.res.Manifest = m.ID
		if it.res.Status == statusPending {
			it.res.Status = StatusLanded
		}
		l.opts.Log.Debug("fichier chargé", "fichier", it.res.Path, "flux", it.res.Feed, "manifeste", m.ID,
			"lues", it.res.Read, "chargees", it.res.Landed, "quarantaine", it.res.Quarantined)
	}
	return nil
}

// landItem lands one file into the transaction's sinks; source is its
// ordinal among the transaction's sources (from 1), its _source column.
func (l *lander) landItem(ctx context.Context, tl *txnLanding, it *item, source int64, meta map[string]string) (err error) {
	start := time.Now()
	defer func() { it.res.Seconds = time.Since(start).Seconds() }()
	res := &it.res
	fl := &fileLanding{tl: tl, res: res, source: source, lines: it.info.Lines}
	sha := res.SHA256[:16]
	if res.Encoding != "" {
		meta[MetaEncoding+":"+sha] = res.Encoding
	}
	if it.fileErr != nil {
		fe := it.fileErr
		res.Status, res.Rule, res.Error = StatusRefused, fe.Rule, fe.Msg
		meta[MetaRefusedRule], meta[MetaRefusedMsg] = fe.Rule, fe.Msg
		fl.quarantine(0, fe.Rule, fe.Column, "", fe.Sender)
		l.opts.Log.Info("fichier refusé", "fichier", res.Path, "regle", fe.Rule)
		l.progress.add(res.Size)
		return nil
	}
	if err := hit("fichier:" + res.Name); err != nil {
		return err
	}
	f, err := os.Open(res.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	defer func() {
		// The manifest records the SHA-256 of the first pass: the bytes read
		// since must be the same.
		if st, serr := f.Stat(); err == nil && (serr != nil || st.Size() != it.stat.Size() || !st.ModTime().Equal(it.stat.ModTime())) {
			err = errors.New("le fichier a changé pendant le chargement")
		}
	}()
	counted := &countingReader{r: f, progress: l.progress}
	if it.neodes {
		return fl.landNEODeS(ctx, delivery.NewDecoder(counted, it.info.Encoding))
	}
	if len(res.Extra) > 0 {
		meta[MetaExtra+":"+sha] = strings.Join(res.Extra, ",")
		l.opts.Log.Info("colonnes inconnues ignorées", "fichier", res.Path, "colonnes", meta[MetaExtra+":"+sha])
	}
	rd, err := delivery.NewReader(delivery.NewDecoder(counted, it.info.Encoding), res.Name, feedOrNil(l.opts.Feed))
	if err != nil {
		return fmt.Errorf("le fichier a changé depuis sa première lecture : %w", err)
	}
	if rd.Feed().Name != res.Feed {
		return fmt.Errorf("le fichier a changé depuis sa première lecture (flux %s au lieu de %s)", rd.Feed().Name, res.Feed)
	}
	return fl.landCSV(ctx, rd)
}
