package dictionary

import (
	"os"
	"path/filepath"
)

// DocFiles returns the generated documentation files, by path relative to the
// repository's docs folder: the Markdown page and one Table Schema per feed.
func DocFiles() map[string][]byte {
	files := map[string][]byte{"dictionnaire.md": Markdown()}
	for _, f := range Feeds() {
		files[filepath.Join("schemas", f.Name+".schema.json")] = TableSchema(f)
	}
	return files
}

// WriteDocs writes DocFiles under dir and returns the paths written.
func WriteDocs(dir string) ([]string, error) {
	var written []string
	for rel, data := range DocFiles() {
		path := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return written, err
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}
