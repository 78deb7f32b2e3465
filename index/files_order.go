package index

import (
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// cheapTextLimit is the size up to which a plain-text file counts as cheap.
const cheapTextLimit = 1 << 20

// byCost splits the files to fetch into cheap ones (plain text, Markdown,
// HTML, JSON: read in microseconds) and costly ones (PDF, Office and
// everything else: a PDF can take seconds, and the first one compiles the
// PDF engine). The cheap ones are fetched and committed first, so a search
// that answers within its freshness bound already finds the text files
// while the documents are still being read in the background.
func byCost(files []nextcloud.FileEntry) (cheap, costly []nextcloud.FileEntry) {
	for _, f := range files {
		if cheapToExtract(f) {
			cheap = append(cheap, f)
		} else {
			costly = append(costly, f)
		}
	}
	return cheap, costly
}

func cheapToExtract(f nextcloud.FileEntry) bool {
	if f.Size > cheapTextLimit {
		return false
	}
	ct, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(f.ContentType)), ";")
	if strings.HasPrefix(ct, "text/") {
		return true
	}
	switch ct {
	case "application/json", "application/xml", "application/javascript", "application/x-yaml", "application/yaml", "application/x-sh":
		return true
	}
	return false
}
