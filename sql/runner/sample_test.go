package runner

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/agora-formation/agora/dataroot"
	"github.com/agora-formation/agora/lake"
	"github.com/agora-formation/agora/pipelines/generate"
	"github.com/agora-formation/agora/pipelines/land"
	"github.com/agora-formation/agora/pipelines/pseudo"
)

// genSample is a generated sample landed into a data root, kept between runs
// when AGORA_SAMPLE_DIR names a folder (generation and landing of a large
// sample take minutes; the build is what the tests and benchmarks measure).
type genSample struct {
	root  dataroot.Root
	truth generate.Truth
}

// envInt reads an integer environment variable, or def.
func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// prepareSample generates n dossiers with seed 1 and lands them, or reuses
// the sample already prepared under AGORA_SAMPLE_DIR/<n>-<format>. The DSN is
// delivered as the tabular extract unless AGORA_SAMPLE_DSN says "both" or
// "neodes": one NEODeS file per establishment and month makes tens of
// thousands of files, each landed as its own transaction, which takes long.
func prepareSample(tb testing.TB, n int) genSample {
	tb.Helper()
	ctx := context.Background()
	base := os.Getenv("AGORA_SAMPLE_DIR")
	if base == "" {
		base = tb.TempDir()
	}
	format := generate.DSNExtrait
	if f := os.Getenv("AGORA_SAMPLE_DSN"); f != "" {
		format = generate.DSNFormat(f)
	}
	dir := filepath.Join(base, strconv.Itoa(n)+"-"+string(format))
	root := dataroot.Root{Dir: filepath.Join(dir, "racine")}
	deliveries := filepath.Join(dir, "livraisons")
	done := filepath.Join(dir, "pret")
	if _, err := os.Stat(done); errors.Is(err, os.ErrNotExist) {
		os.RemoveAll(dir)
		opt := generate.DefaultOptions()
		opt.Dossiers, opt.Seed, opt.Out, opt.DSNFormat = n, 1, deliveries, format
		sum, err := generate.Run(ctx, opt, nil)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Logf("généré : %d dossiers, %d octets en %.0f s", sum.Dossiers, sum.Bytes, sum.Seconds)
		lk, err := lake.Open(root.Lake())
		if err != nil {
			tb.Fatal(err)
		}
		key, err := pseudo.NewKey([]byte("clé des échantillons de test, jamais utilisée ailleurs"))
		if err != nil {
			tb.Fatal(err)
		}
		ls, err := land.Run(ctx, lk, key, []string{deliveries}, land.Options{})
		if err != nil {
			tb.Fatal(err)
		}
		if ls.Count(land.StatusLanded) != len(ls.Files) {
			tb.Fatalf("chargement : %d fichiers sur %d chargés", ls.Count(land.StatusLanded), len(ls.Files))
		}
		tb.Logf("chargé : %d lignes (%d en quarantaine) en %.0f s", ls.Read, ls.Quarantined, ls.Seconds)
		if err := os.WriteFile(done, []byte(fmt.Sprint(n)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(deliveries, generate.TruthFile))
	if err != nil {
		tb.Fatal(err)
	}
	var s genSample
	s.root = root
	if err := json.Unmarshal(raw, &s.truth); err != nil {
		tb.Fatal(err)
	}
	return s
}
