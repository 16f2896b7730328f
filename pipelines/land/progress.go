package land

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agora-formation/agora/french"
	"github.com/schollz/progressbar/v3"
)

// progress draws a progress bar of the bytes landed, with the rows per second
// in its description. A nil *progress (no writer) does nothing.
type progress struct {
	bar   *progressbar.ProgressBar
	start time.Time
	nrows atomic.Int64
	mu    sync.Mutex
	last  time.Time
}

func newProgress(w io.Writer, total int64) *progress {
	if w == nil {
		return nil
	}
	return &progress{
		start: time.Now(),
		bar: progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionShowBytes(true),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetDescription("chargement"),
			progressbar.OptionShowDescriptionAtLineEnd(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionUseANSICodes(true),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		),
	}
}

func (p *progress) add(n int64) {
	if p == nil || n <= 0 {
		return
	}
	p.bar.Add64(n)
}

// rows counts rows read and refreshes the rows/s figure twice a second.
func (p *progress) rows(n int64) {
	if p == nil {
		return
	}
	total := p.nrows.Add(n)
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) > 500*time.Millisecond {
		p.last = now
		rate := float64(total) / now.Sub(p.start).Seconds()
		p.bar.Describe(fmt.Sprintf("%s lignes, %s lignes/s", french.Int(total), french.Int(int64(rate))))
	}
}

func (p *progress) finish() {
	if p == nil {
		return
	}
	p.bar.Finish()
}
