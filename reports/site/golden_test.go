package site

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	reDrop  = regexp.MustCompile(`(?is)<(script|style|head)\b.*?</(script|style|head)>`)
	reBlock = regexp.MustCompile(`(?i)</(p|h1|h2|h3|li|tr|dt|dd|figcaption|summary|caption|header|footer)>|<br\s*/?>`)
	reCell  = regexp.MustCompile(`(?i)</(td|th)>`)
	reTag   = regexp.MustCompile(`<[^>]*>`)
	reSpace = regexp.MustCompile(`[ \t\r]+`)
)

// pageText is the text a reader sees on a page: one line per paragraph,
// heading, list item or table row (cells separated by « | »), no markup.
func pageText(page string) string {
	s := reDrop.ReplaceAllString(page, "")
	s = reBlock.ReplaceAllString(s, "\n")
	s = reCell.ReplaceAllString(s, " | ")
	s = reTag.ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(reSpace.ReplaceAllString(line, " "))
		line = strings.TrimSuffix(line, " |")
		if line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n") + "\n"
}

// TestGoldenPages compares the text of pages of the test site with
// testdata/golden/*.txt; go test -run TestGoldenPages -update rewrites them.
func TestGoldenPages(t *testing.T) {
	dir, _ := writeTestSite(t)
	for _, name := range []string{"index.html", "budget.html", "organismes.html", "region-94.html", "qualite-FT.html", "qualite-INCONNU.html"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			require.NoError(t, err)
			got := pageText(string(data))
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".html")+".txt")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "fichier de référence absent : lancez go test -run TestGoldenPages -update")
			assert.Equal(t, string(want), got)
		})
	}
}

func TestPageText(t *testing.T) {
	in := `<html><head><title>x</title></head><body><h1>Titre &amp; co</h1>
<script type="application/json">{"a": 1}</script>
<p>Un   <a href="#">lien</a>.</p><table><tr><th>a</th><td>1&#8239;%</td></tr></table></body></html>`
	assert.Equal(t, "Titre & co\nUn lien.\na | 1\u202f%\n", pageText(in))
}
