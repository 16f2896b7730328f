package generate

import (
	"os"
	"path/filepath"
	"sort"
)

// fileSet appends rows to many output files at once (tens of thousands) with
// bounded memory and few system calls. Each file has a buffer (4 KiB, growing
// to 64 KiB then 1 MiB); a full 1 MiB buffer is written out. When the buffers together hold
// more than the budget, the largest are written out and released until half
// the budget is free. Descriptors of recently written files stay open (a
// bounded LRU), so hot files are not reopened. A file's bytes depend only on
// the order of its own appends, never on when it is written out.
type fileSet struct {
	dir     string
	files   map[fileKey]*outFile
	list    []*outFile
	extrait []*outFile   // direct tables: dsn_extrait files by month since firstDSNMonth,
	csv     [][]*outFile // partner files by feed×64+partner, then period,
	neodes  [][]*outFile // NEODeS files by employer, then month×3+declaration
	held    int          // capacity of the buffers attached to files
	budget  int
	create  func(key fileKey, f *outFile) // names a new file and writes its head
	written int64
	err     error
	pools   [3][][]byte // free buffers by tier
	open    []*outFile
	tick    int64
}

const maxOpen = 256

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
	key     fileKey
	rel     string // path relative to the output directory
	buf     []byte
	lines   int64 // lines written (header included)
	rows    int64 // data lines
	created bool
	fd      *os.File
	used    int64
	pending [][2]int32 // items of the batch being applied (person, item)
}

func newFileSet(dir string, budget int) *fileSet {
	return &fileSet{dir: dir, files: map[fileKey]*outFile{}, budget: budget}
}

// get returns the file of key, creating it (and writing its head) on first use.
func (s *fileSet) get(key fileKey) *outFile {
	slot := s.slot(key)
	if slot != nil && *slot != nil {
		return *slot
	}
	f, ok := s.files[key]
	if !ok {
		f = &outFile{key: key}
		s.files[key] = f
		s.list = append(s.list, f)
		s.create(key, f)
	}
	if slot != nil {
		*slot = f
	}
	return f
}

// slot returns the place of key in the direct tables that spare the map on
// the hot paths, or nil for keys that go through the map only.
func (s *fileSet) slot(key fileKey) **outFile {
	grow := func(t *[]*outFile, i int) **outFile {
		if i < 0 {
			return nil
		}
		for len(*t) <= i {
			*t = append(*t, nil)
		}
		return &(*t)[i]
	}
	switch key.kind {
	case kindExtrait:
		return grow(&s.extrait, int(key.b)-int(firstDSNMonth))
	case kindCSV:
		i := int(key.a)*64 + int(key.b)
		for len(s.csv) <= i {
			s.csv = append(s.csv, nil)
		}
		return grow(&s.csv[i], int(key.c))
	case kindNEODeS:
		if key.c >= variantNothing || key.c > 3 {
			return nil
		}
		i := int(key.a)
		for len(s.neodes) <= i {
			s.neodes = append(s.neodes, nil)
		}
		return grow(&s.neodes[i], (int(key.b)-int(firstDSNMonth))*3+int(key.c)-1)
	}
	return nil
}

// head writes lines of a file that are not rows (headers, NEODeS heads and footers).
func (s *fileSet) head(f *outFile, data []byte, lines int) {
	s.write(f, data)
	f.lines += int64(lines)
}

// add appends rows to the file of key and returns the file and the number of
// the first appended line (1 = the file's first line).
func (s *fileSet) add(key fileKey, data []byte, lines int) (*outFile, int64) {
	f := s.get(key)
	return f, s.append(f, data, lines)
}

// append appends rows to f and returns the number of the first appended line.
func (s *fileSet) append(f *outFile, data []byte, lines int) int64 {
	first := f.lines + 1
	s.write(f, data)
	f.lines += int64(lines)
	f.rows += int64(lines)
	return first
}

func (s *fileSet) write(f *outFile, data []byte) {
	if need := len(f.buf) + len(data); need > cap(f.buf) {
		if cap(f.buf) == bufTiers[len(bufTiers)-1] || need > bufTiers[len(bufTiers)-1] {
			s.flush(f)
			need = len(data)
		}
		if need > cap(f.buf) {
			t := 0
			for t < len(bufTiers)-1 && bufTiers[t] < need {
				t++
			}
			if need > bufTiers[t] { // larger than any buffer: write it through
				s.writeOut(f, data)
				return
			}
			b := append(s.take(t), f.buf...)
			s.held += cap(b) - cap(f.buf)
			s.give(f.buf)
			f.buf = b
		}
	}
	f.buf = append(f.buf, data...)
	if s.held > s.budget {
		s.evict()
	}
}

// Buffer sizes: a file's buffer grows through these tiers; a full last tier is
// written out. Freed buffers are kept for reuse: fresh memory costs a page
// fault per page on first touch, and the free lists never hold more than the
// peak of buffers in use, which the budget bounds.
var bufTiers = []int{4 << 10, 64 << 10, 1 << 20}

func (s *fileSet) take(t int) []byte {
	if n := len(s.pools[t]); n > 0 {
		b := s.pools[t][n-1]
		s.pools[t] = s.pools[t][:n-1]
		return b
	}
	return make([]byte, 0, bufTiers[t])
}

// give returns a buffer to the free list of its tier.
func (s *fileSet) give(b []byte) {
	for t, size := range bufTiers {
		if cap(b) == size {
			s.pools[t] = append(s.pools[t], b[:0])
		}
	}
}

// flush writes a file's buffer out and keeps the buffer.
func (s *fileSet) flush(f *outFile) {
	if len(f.buf) > 0 {
		s.writeOut(f, f.buf)
		f.buf = f.buf[:0]
	}
}

// release writes a file's buffer out and frees it.
func (s *fileSet) release(f *outFile) {
	s.flush(f)
	if cap(f.buf) > 0 {
		s.held -= cap(f.buf)
		s.give(f.buf)
		f.buf = nil
	}
}

// evict writes out and frees the largest buffers until half the budget is free.
func (s *fileSet) evict() {
	var full []*outFile
	for _, f := range s.list {
		if cap(f.buf) > 0 {
			full = append(full, f)
		}
	}
	sort.Slice(full, func(i, j int) bool { return len(full[i].buf) > len(full[j].buf) })
	for _, f := range full {
		if s.held <= s.budget/2 {
			break
		}
		s.release(f)
	}
}

// writeOut appends data to the file on disk, through a cached descriptor.
func (s *fileSet) writeOut(f *outFile, data []byte) {
	if s.err != nil {
		return
	}
	s.tick++
	f.used = s.tick
	if f.fd == nil {
		if len(s.open) >= maxOpen {
			s.closeLRU()
		}
		flag := os.O_WRONLY | os.O_APPEND
		if !f.created {
			flag |= os.O_CREATE | os.O_EXCL
		}
		fd, err := os.OpenFile(filepath.Join(s.dir, f.rel), flag, 0o644)
		if err != nil {
			s.err = err
			return
		}
		f.fd, f.created = fd, true
		s.open = append(s.open, f)
	}
	if _, err := f.fd.Write(data); err != nil {
		s.err = err
	}
	s.written += int64(len(data))
}

// closeLRU closes the least recently used quarter of the open descriptors.
func (s *fileSet) closeLRU() {
	sort.Slice(s.open, func(i, j int) bool { return s.open[i].used > s.open[j].used })
	keep := len(s.open) * 3 / 4
	for _, f := range s.open[keep:] {
		s.closeFile(f)
	}
	s.open = s.open[:keep]
}

func (s *fileSet) closeFile(f *outFile) {
	if f.fd != nil {
		if err := f.fd.Close(); err != nil && s.err == nil {
			s.err = err
		}
		f.fd = nil
	}
}

// close writes every buffer out and closes every descriptor.
func (s *fileSet) close() {
	for _, f := range s.list {
		s.release(f)
	}
	for _, f := range s.open {
		s.closeFile(f)
	}
	s.open = nil
}

// abort closes every descriptor without writing (the output is discarded).
func (s *fileSet) abort() {
	for _, f := range s.open {
		if f.fd != nil {
			f.fd.Close()
			f.fd = nil
		}
	}
	s.open = nil
}
