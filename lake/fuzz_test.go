package lake

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseID checks that any string parses without panic, and that what
// parses formats back to itself.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"00000001-0a1b2c3d", "00000042-deadbeef", "123456789-00000000", "1-0a1b2c3d", "00000001-0A1B2C3D", "", "-", "00000000-0a1b2c3d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		seq, token, ok := parseID(id)
		if !ok {
			return
		}
		if seq <= 0 || !tokenRe.MatchString(token) {
			t.Fatalf("parseID(%q) = %d, %q", id, seq, token)
		}
		if again, tok2, _ := parseID(formatID(seq, token)); again != seq || tok2 != token {
			t.Fatalf("round trip of %q", id)
		}
	})
}

// FuzzManifestFile checks that a corrupt manifest never panics the lake: it
// is either read or reported as an error.
func FuzzManifestFile(f *testing.F) {
	f.Add([]byte(`{"id":"00000001-0a1b2c3d","kind":"landing","feed":"dossiers","sources":[{"name":"a.csv","sha256":"x","size":1,"rows":{"read":1,"landed":1,"quarantined":0}}],"files":[{"dataset":"dossiers","path":"dossiers/0a1b2c3d-00001.parquet","rows":1}]}`))
	f.Add([]byte(`{"id":"00000001-0a1b2c3d","removes":["a","b"],"files":null}`))
	f.Add([]byte(`{"id":7}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		l, err := Open(root)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, manifestsDir, "00000001-0a1b2c3d.json"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := l.Snapshot(""); err != nil {
			return
		}
		if _, err := l.Manifests(); err != nil {
			t.Fatal(err)
		}
		_, _, _ = l.Landed("dossiers", "x")
	})
}
