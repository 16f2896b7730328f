package land

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/delivery"
)

// item is a file to land, as its first pass found it.
type item struct {
	index   int // position in the run's files
	res     FileResult
	info    delivery.Info
	neodes  bool
	fileErr *delivery.FileError // a whole-file error: the file is refused
	sameAs  *item               // an earlier file of the run with the same bytes
	stat    os.FileInfo         // size and time at the first pass
}

// prepare reads a file once: its SHA-256 and encoding, NEODeS or CSV, and for
// a CSV its header, hence its feed. It says whether the lake already has it.
// When ctx is cancelled during the reading, the item stays pending.
func (l *lander) prepare(ctx context.Context, index int, path string) *item {
	it := &item{index: index, res: FileResult{Path: path, Name: filepath.Base(path), Status: statusPending}}
	res := &it.res
	f, err := os.Open(path)
	if err != nil {
		l.failed(it, err)
		return it
	}
	defer f.Close()
	if it.stat, err = f.Stat(); err != nil {
		l.failed(it, err)
		return it
	}
	info, err := delivery.Inspect(ctxReader{ctx, f}, res.Name)
	if ctx.Err() != nil {
		return it // cancelled: not started
	}
	it.info = info
	res.Size, res.SHA256 = info.Size, info.SHA256
	if fe, ok := delivery.IsFileError(err); ok {
		it.fileErr = fe
	} else if err != nil {
		l.failed(it, err)
		return it
	} else {
		res.Encoding = info.Encoding.String()
	}
	it.neodes = l.opts.Feed == NEODeS || (l.opts.Feed == "" && looksNEODeS(f, path))
	res.Feed = l.opts.Feed
	if res.Feed == "" {
		res.Feed = UnknownFeed
		if it.neodes {
			res.Feed = NEODeS
		}
	}
	if it.fileErr == nil && !it.neodes {
		rd, err := l.openCSV(f, it)
		if fe, ok := delivery.IsFileError(err); ok {
			it.fileErr = fe
			if fe.Feed != "" {
				res.Feed = fe.Feed // recognised, though refused
			}
		} else if err != nil {
			l.failed(it, err)
			return it
		} else {
			res.Feed = rd.Feed().Name
			res.Extra = rd.Extra()
		}
	}
	if m, ok, err := l.lake.Landed(res.Feed, info.SHA256); err != nil {
		l.failed(it, err)
	} else if ok {
		already(it, m)
	}
	return it
}

// ctxReader reads r until ctx is cancelled, so that a long first pass (a
// huge file, a slow mount) stops on Ctrl-C.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// openCSV reads the header of a CSV item from the start of f.
func (l *lander) openCSV(f io.ReadSeeker, it *item) (*delivery.Reader, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return delivery.NewReader(delivery.NewDecoder(f, it.info.Encoding), it.res.Name, feedOrNil(l.opts.Feed))
}

// failed records an I/O or lake error: nothing of the file landed.
func (l *lander) failed(it *item, err error) {
	res := &it.res
	res.Status = StatusFailed
	res.Error = fmt.Sprintf("%s : %v ; rien n'a été chargé de ce fichier, relancez le chargement une fois le problème réglé.", res.Path, err)
	res.Read, res.Landed, res.Quarantined, res.ByRule, res.Manifest = 0, 0, 0, nil, ""
	l.opts.Log.Warn("échec du chargement", "fichier", res.Path, "erreur", err)
}

// already reports a file whose bytes the lake already holds for this feed.
func already(it *item, m lake.Manifest) {
	res := &it.res
	res.Status = StatusAlready
	res.Manifest = m.ID
	res.Read, res.Landed, res.Quarantined, res.ByRule = 0, 0, 0, nil
	if msg := m.Meta[MetaRefusedMsg]; msg != "" {
		res.Status = StatusRefused
		res.Rule = m.Meta[MetaRefusedRule]
		res.Error = msg + " (fichier déjà refusé par le chargement " + m.ID + ")"
	}
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
