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

// sink collects the rows of one dataset of a landing and writes them, in a
// goroutine of its own, as sorted Parquet files of at most partRows rows
// within the transaction, one series of files per partition.
type sink[T any] struct {
	txn      *lake.Txn
	dataset  string
	cmp      func(a, b *T) int
	partRows int
	// partOf gives the partition of a row (nil: unpartitioned); partition
	// turns it into the lake's partition directories.
	partOf    func(*T) int64
	partition func(int64) []lake.Partition

	bufs  map[int64][]T
	jobs  chan job[T]
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
	files int
	rows  int64
}

type job[T any] struct {
	part int64
	rows []T
}

func newSink[T any](txn *lake.Txn, dataset string, cmp func(a, b *T) int, partRows int) *sink[T] {
	if partRows <= 0 {
		partRows = DefaultPartRows
	}
	s := &sink[T]{txn: txn, dataset: dataset, cmp: cmp, partRows: partRows, bufs: map[int64][]T{}, jobs: make(chan job[T], 1)}
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
	b := s.bufs[k]
	if b == nil {
		b = make([]T, 0, min(s.partRows, 1024))
	}
	b = append(b, r)
	if len(b) >= s.partRows {
		s.jobs <- job[T]{k, b}
		b = nil
	}
	s.bufs[k] = b
}

// failed returns the first write error, if any.
func (s *sink[T]) failed() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// close writes what is left and waits for the writer. It returns the first error.
func (s *sink[T]) close() error {
	keys := make([]int64, 0, len(s.bufs))
	for k, b := range s.bufs {
		if len(b) > 0 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		s.jobs <- job[T]{k, s.bufs[k]}
	}
	s.bufs = nil
	close(s.jobs)
	s.wg.Wait()
	return s.failed()
}

func (s *sink[T]) writer() {
	defer s.wg.Done()
	var perm []int32
	batch := make([]T, 0, 1024)
	for j := range s.jobs {
		if s.failed() != nil {
			continue // drain
		}
		perm = perm[:0]
		for i := range j.rows {
			perm = append(perm, int32(i))
		}
		rows := j.rows
		slices.SortFunc(perm, func(a, b int32) int { return s.cmp(&rows[a], &rows[b]) })
		var part []lake.Partition
		if s.partition != nil {
			part = s.partition(j.part)
		}
		err := hit("parquet:" + s.dataset)
		var w *lake.ParquetWriter[T]
		if err == nil {
			w, err = lake.NewWriter[T](s.txn, s.dataset, part, lake.WriteOptions{})
		}
		for i := 0; err == nil && i < len(perm); {
			batch = batch[:0]
			for ; i < len(perm) && len(batch) < cap(batch); i++ {
				batch = append(batch, rows[perm[i]])
			}
			_, err = w.Write(batch)
		}
		if err == nil {
			err = w.Close()
		} else if w != nil {
			w.Abort()
		}
		s.mu.Lock()
		if err != nil && s.err == nil {
			s.err = fmt.Errorf("écriture du jeu de données %s : %w", s.dataset, err)
		}
		if err == nil {
			s.files++
			s.rows += int64(len(rows))
		}
		s.mu.Unlock()
	}
}
