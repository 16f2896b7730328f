package generate

import (
	"os"
	"path/filepath"
)

// fileSet appends rows to many output files at once with bounded memory: each
// file has its own buffer, written out (open, append, close) when it grows past
// perFile bytes, and every buffer is written out and released when together they
// hold more than budget bytes. Only a handful of descriptors are ever open, and
// a file's bytes depend only on the order of its own appends.
type fileSet struct {
	dir     string
	files   map[fileKey]*outFile
	list    []*outFile
	held    int // bytes of capacity held by buffers
	budget  int
	perFile int
	create  func(key fileKey, f *outFile) // names a new file and writes its head
	written int64
	err     error
}

// fileKey identifies an output file.
type fileKey struct {
	kind    uint8
	a, b, c int32
}

const (
	kindCSV     uint8 = iota + 1 // a: feed, b: partner, c: period
	kindExtrait                  // b: month
	kindNEODeS                   // a: employer, b: month, c: declaration number (1...)
	kindEnv                      // b: partner, c: transmission day
)

type outFile struct {
	key    fileKey
	rel    string // path relative to the output directory
	buf    []byte
	lines  int64 // lines written (header included)
	rows   int64 // data lines
	opened bool
}

func newFileSet(dir string, budget, perFile int) *fileSet {
	return &fileSet{dir: dir, files: map[fileKey]*outFile{}, budget: budget, perFile: perFile}
}

// get returns the file of key, creating it (and writing its head) on first use.
func (s *fileSet) get(key fileKey) *outFile {
	if f, ok := s.files[key]; ok {
		return f
	}
	f := &outFile{key: key}
	s.files[key] = f
	s.list = append(s.list, f)
	s.create(key, f)
	return f
}

// head writes the first lines of a new file (not counted as rows).
func (s *fileSet) head(f *outFile, data []byte, lines int) {
	s.write(f, data)
	f.lines += int64(lines)
}

// add appends rows to the file of key and returns the file and the number of
// the first appended line (1 = the file's first line).
func (s *fileSet) add(key fileKey, data []byte, lines int) (*outFile, int64) {
	f := s.get(key)
	first := f.lines + 1
	s.write(f, data)
	f.lines += int64(lines)
	f.rows += int64(lines)
	return f, first
}

func (s *fileSet) write(f *outFile, data []byte) {
	before := cap(f.buf)
	f.buf = append(f.buf, data...)
	s.held += cap(f.buf) - before
	if len(f.buf) >= s.perFile {
		s.flush(f, false)
	}
	if s.held > s.budget {
		s.flushAll()
	}
}

// flush writes a file's buffer out; release also frees the buffer.
func (s *fileSet) flush(f *outFile, release bool) {
	if len(f.buf) > 0 && s.err == nil {
		flag := os.O_WRONLY | os.O_APPEND
		if !f.opened {
			flag |= os.O_CREATE | os.O_EXCL
		}
		fd, err := os.OpenFile(filepath.Join(s.dir, f.rel), flag, 0o644)
		if err == nil {
			_, err = fd.Write(f.buf)
			if cerr := fd.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			s.err = err
		}
		f.opened = true
		s.written += int64(len(f.buf))
	}
	if release {
		s.held -= cap(f.buf)
		f.buf = nil
	} else {
		f.buf = f.buf[:0]
	}
}

func (s *fileSet) flushAll() {
	for _, f := range s.list {
		s.flush(f, true)
	}
}
