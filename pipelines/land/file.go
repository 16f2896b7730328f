package land

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/agora-formation/agora/dictionary"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
)

// landFile lands one file and says what happened; it never panics on bad input.
func (l *lander) landFile(ctx context.Context, path string) (res FileResult) {
	start := time.Now()
	res = FileResult{Path: path, Name: filepath.Base(path), Status: statusPending}
	defer func() { res.Seconds = time.Since(start).Seconds() }()
	fail := func(err error) FileResult {
		res.Status = StatusFailed
		res.Error = fmt.Sprintf("%s : %v ; rien n'a été chargé de ce fichier, relancez le chargement une fois le problème réglé.", path, err)
		res.Read, res.Landed, res.Quarantined, res.ByRule = 0, 0, 0, nil
		l.opts.Log.Warn("échec du chargement", "fichier", path, "erreur", err)
		return res
	}

	f, err := os.Open(path)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	info, inspectErr := delivery.Inspect(f, res.Name)
	res.Size, res.SHA256 = info.Size, info.SHA256
	if inspectErr != nil {
		if _, ok := delivery.IsFileError(inspectErr); !ok {
			return fail(inspectErr)
		}
	} else {
		res.Encoding = info.Encoding.String()
	}
	src := lake.Source{Name: res.Name, SHA256: info.SHA256, Size: info.Size}
	neodes := l.opts.Feed == NEODeS || (l.opts.Feed == "" && looksNEODeS(f, path))
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}

	// The feed, from the option, the content, or the header.
	res.Feed = l.opts.Feed
	if res.Feed == "" {
		res.Feed = UnknownFeed
		if neodes {
			res.Feed = NEODeS
		}
	}
	var rd *delivery.Reader
	fileErr, _ := delivery.IsFileError(inspectErr)
	counted := &countingReader{r: f, progress: l.progress}
	if fileErr == nil && !neodes {
		var forced *dictionary.Feed
		if l.opts.Feed != "" {
			forced, _ = dictionary.FeedByName(l.opts.Feed)
		}
		rd, err = delivery.NewReader(delivery.NewDecoder(counted, info.Encoding), res.Name, forced)
		if fe, ok := delivery.IsFileError(err); ok {
			fileErr = fe
		} else if err != nil {
			return fail(err)
		} else {
			res.Feed = rd.Feed().Name
			res.Extra = rd.Extra()
		}
	}

	// The same bytes for the same feed: nothing to do.
	if m, ok, err := l.lake.Landed(res.Feed, info.SHA256); err != nil {
		return fail(err)
	} else if ok {
		l.progress.add(info.Size - counted.n)
		return already(res, m)
	}

	txn, err := l.lake.Begin(res.Feed, src)
	if errors.Is(err, lake.ErrAlreadyLanded) {
		m, _, _ := l.lake.Landed(res.Feed, info.SHA256)
		return already(res, m)
	}
	if err != nil {
		return fail(err)
	}
	committed := false
	defer func() {
		if !committed {
			txn.Abort()
		}
	}()
	fl := newFileLanding(l, txn, &res)
	meta := map[string]string{MetaKey: l.key.Fingerprint()}
	if res.Encoding != "" {
		meta[MetaEncoding] = res.Encoding
	}

	switch {
	case fileErr != nil:
		res.Status, res.Rule, res.Error = StatusRefused, fileErr.Rule, fileErr.Msg
		meta[MetaRefusedRule], meta[MetaRefusedMsg] = fileErr.Rule, fileErr.Msg
		fl.quarantine(0, fileErr.Rule, fileErr.Column, "", "")
		l.opts.Log.Warn("fichier refusé", "fichier", path, "regle", fileErr.Rule)
		l.progress.add(info.Size - counted.n)
	case neodes:
		err = fl.landNEODeS(ctx, delivery.NewDecoder(counted, info.Encoding))
		meta[MetaDeclarations] = strconv.FormatInt(res.Declarations, 10)
		meta[MetaSkipped] = strconv.FormatInt(res.Skipped, 10)
	default:
		if len(res.Extra) > 0 {
			meta[MetaExtra] = strings.Join(res.Extra, ",")
			l.opts.Log.Warn("colonnes inconnues ignorées", "fichier", path, "colonnes", meta[MetaExtra])
		}
		err = fl.landCSV(ctx, rd)
	}
	if cerr := fl.close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = hit("commit")
	}
	if err != nil {
		return fail(err)
	}
	if res.Read != res.Landed+res.Quarantined {
		return fail(fmt.Errorf("lignes lues (%d) ≠ chargées (%d) + en quarantaine (%d) : erreur interne, signalez-la", res.Read, res.Landed, res.Quarantined))
	}
	m, err := txn.Commit(lake.Summary{
		Rows:          []lake.Rows{{Read: res.Read, Landed: res.Landed, Quarantined: res.Quarantined, QuarantinedByRule: maps.Clone(res.ByRule)}},
		SchemaVersion: SchemaVersion,
		Meta:          meta,
	})
	if errors.Is(err, lake.ErrAlreadyLanded) {
		m, _, _ := l.lake.Landed(res.Feed, info.SHA256)
		res.Read, res.Landed, res.Quarantined, res.ByRule = 0, 0, 0, nil
		return already(res, m)
	}
	if err != nil {
		return fail(err)
	}
	committed = true
	res.Manifest = m.ID
	if res.Status == statusPending {
		res.Status = StatusLanded
	}
	l.opts.Log.Debug("fichier chargé", "fichier", path, "flux", res.Feed, "manifeste", m.ID,
		"lues", res.Read, "chargees", res.Landed, "quarantaine", res.Quarantined)
	return res
}

// already reports a file whose bytes the lake already holds for this feed.
func already(res FileResult, m lake.Manifest) FileResult {
	res.Status = StatusAlready
	res.Manifest = m.ID
	if msg := m.Meta[MetaRefusedMsg]; msg != "" {
		res.Status = StatusRefused
		res.Rule = m.Meta[MetaRefusedRule]
		res.Error = msg + " (fichier déjà refusé par le chargement " + m.ID + ")"
	}
	return res
}

// looksNEODeS tells a NEODeS file from a CSV one: the .dsn extension, or a
// first non-empty line that is a rubric Sxx.Gxx.xx.xxx,'…'.
func looksNEODeS(f *os.File, path string) bool {
	if strings.EqualFold(filepath.Ext(path), ".dsn") {
		return true
	}
	head := make([]byte, 512)
	n, _ := f.ReadAt(head, 0)
	head = bytes.TrimPrefix(head[:n], []byte{0xEF, 0xBB, 0xBF})
	head = bytes.TrimLeft(head, "\r\n")
	if len(head) < 16 || head[0] != 'S' || head[3] != '.' || head[4] != 'G' || head[7] != '.' || head[10] != '.' || head[14] != ',' || head[15] != '\'' {
		return false
	}
	for _, i := range []int{1, 2, 5, 6, 8, 9, 11, 12, 13} {
		if head[i] < '0' || head[i] > '9' {
			return false
		}
	}
	return true
}

// countingReader counts the bytes read and advances the progress bar.
type countingReader struct {
	r        io.Reader
	n        int64
	progress *progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.progress.add(int64(n))
	return n, err
}
