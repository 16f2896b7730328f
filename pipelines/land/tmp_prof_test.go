package land

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/agora-formation/agora/dictionary"
)

func BenchmarkProfLand(b *testing.B) {
	feed, _ := dictionary.FeedByName(os.Getenv("PROF_FEED"))
	path := filepath.Join(b.TempDir(), "f.csv")
	writeBigFeed(b, path, feed, 200000)
	b.ResetTimer()
	for b.Loop() {
		benchLand(b, []string{path})
	}
}
