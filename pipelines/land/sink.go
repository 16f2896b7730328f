package land

import (
	"fmt"
	"slices"
	"sync"

	"github.com/agora-formation/agora/lake"
)

// DefaultPartRows is the number of rows per Parquet file: each file is sorted
// in memory and written in row groups of lake.DefaultRowGroupRows.
const DefaultPartRows = 1 << 20

// chunkRows is the size of the blocks rows are kept in before being written.
// Blocks come from the run's pool and go back to it once written, so that a
// landing allocates (and the system maps) its row memory once, not per file.
const chunkRows = 4096

// sink collects the rows of one dataset of a landing and writes them, in a
// goroutine of its own, as sorted Parquet files of at most partRows rows
// within the transaction, one series of files per partition.
type sink[T any] struct {
	txn      *lake.Txn
	dataset  string
	order    order[T]
	partRows int
	// partOf gives the partition of a row (nil: unpartitioned); partition
	// turns it into the lake's partition directories.
	partOf    func(*T) int64
	partition func(int64) []lake.Partition

	pool     *chunks
	parts    map[int64]*part[T]
	buffered int // rows in parts, all partitions together
	jobs     chan job[T]
	wg       sync.WaitGroup
	mu       sync.Mutex
	err      error
	files    int
	rows     int64
}

// part is the rows of one future Parquet file, in blocks of chunkRows.
type part[T any] struct {
	blocks [][]T
	n      int
}

type job[T any] struct {
	key  int64
	part *part[T]
}

func newSink[T any](txn *lake.Txn, dataset string, ord order[T], partRows int, pool *chunks) *sink[T] {
	if partRows <= 0 {
		partRows = DefaultPartRows
	}
	s := &sink[T]{txn: txn, dataset: dataset, order: ord, partRows: partRows, pool: pool, parts: map[int64]*part[T]{}, jobs: make(chan job[T], 1)}
	s.wg.Add(1)
	go s.writer()
	return s
}

// partitioned makes the sink write one series of files per partition.
func (s *sink[T]) partitioned(partOf func(*T) int64, partition func(int64) []lake.Partition) *sink[T] {
	s.partOf, s.partition = partOf, partition
	return s
}

// add queues a row; it hands full parts to the writer.
func (s *sink[T]) add(r T) {
	var k int64
	if s.partOf != nil {
		k = s.partOf(&r)
	}
	p := s.parts[k]
	if p == nil {
		p = &part[T]{}
		s.parts[k] = p
	}
	if p.n%chunkRows == 0 {
		p.blocks = append(p.blocks, getChunk[T](s.pool, s.dataset))
	}
	p.blocks[len(p.blocks)-1] = append(p.blocks[len(p.blocks)-1], r)
	p.n++
	s.buffered++
	switch {
	case p.n >= s.partRows:
		s.flush(k)
	case s.buffered >= 2*s.partRows:
		// Many partitions, none full: write the largest, so that memory
		// stays bounded whatever the number of partitions.
		big := k
		for key, q := range s.parts {
			if q.n > s.parts[big].n {
				big = key
			}
		}
		s.flush(big)
	}
}

// flush hands the part of a partition to the writer.
func (s *sink[T]) flush(k int64) {
	p := s.parts[k]
	s.buffered -= p.n
	delete(s.parts, k)
	s.jobs <- job[T]{k, p}
}

// failed returns the first write error, if any.
func (s *sink[T]) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// close writes what is left and waits for the writer. It returns the first error.
func (s *sink[T]) close() error {
	keys := make([]int64, 0, len(s.parts))
	for k := range s.parts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		s.jobs <- job[T]{k, s.parts[k]}
	}
	s.parts = nil
	close(s.jobs)
	s.wg.Wait()
	return s.failed()
}

func (s *sink[T]) writer() {
	defer s.wg.Done()
	var keys []keyed
	var perm []int32
	batch := make([]T, 0, 1024)
	for j := range s.jobs {
		p := j.part
		if s.failed() == nil {
			at := func(i int32) *T { return &p.blocks[i/chunkRows][i%chunkRows] }
			keys, perm = s.order.sort(p.n, at, keys, perm)
			err := s.write(j.key, perm, at, batch)
			s.mu.Lock()
			if err != nil && s.err == nil {
				s.err = fmt.Errorf("écriture du jeu de données %s : %w", s.dataset, err)
			}
			if err == nil {
				s.files++
				s.rows += int64(p.n)
			}
			s.mu.Unlock()
		}
		for _, b := range p.blocks {
			putChunk(s.pool, s.dataset, b)
		}
	}
}

// write writes the rows of a part, in the order of perm, to a new file.
func (s *sink[T]) write(key int64, perm []int32, at func(int32) *T, batch []T) error {
	var partition []lake.Partition
	if s.partition != nil {
		partition = s.partition(key)
	}
	if err := hit("parquet:" + s.dataset); err != nil {
		return err
	}
	w, err := lake.NewWriter[T](s.txn, s.dataset, partition, lake.WriteOptions{Fast: true})
	if err != nil {
		return err
	}
	for i := 0; i < len(perm); {
		batch = batch[:0]
		for ; i < len(perm) && len(batch) < cap(batch); i++ {
			batch = append(batch, *at(perm[i]))
		}
		if _, err := w.Write(batch); err != nil {
			w.Abort()
			return err
		}
	}
	clear(batch[:cap(batch)])
	return w.Close()
}

// chunks keeps the row blocks of written parts for the next ones, per dataset.
type chunks struct {
	mu   sync.Mutex
	free map[string][]any
}

func getChunk[T any](p *chunks, dataset string) []T {
	if p != nil {
		p.mu.Lock()
		l := p.free[dataset]
		if n := len(l); n > 0 {
			b := l[n-1].([]T)
			p.free[dataset] = l[:n-1]
			p.mu.Unlock()
			return b
		}
		p.mu.Unlock()
	}
	return make([]T, 0, chunkRows)
}

func putChunk[T any](p *chunks, dataset string, b []T) {
	if p == nil {
		return
	}
	clear(b) // let the strings of the written rows go
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.free == nil {
		p.free = map[string][]any{}
	}
	p.free[dataset] = append(p.free[dataset], b[:0])
}
