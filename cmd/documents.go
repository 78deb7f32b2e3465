package cmd

import (
	"os"
	"path/filepath"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
)

// newExtractor builds the document reader the file tools share. Its engines
// load on the first document, so serving starts no slower; the PDF engine's
// compiled code is cached in the user cache dir for the next start.
func newExtractor() *extract.Extractor {
	dir := ""
	if base, err := os.UserCacheDir(); err == nil {
		dir = filepath.Join(base, "nextcloud-mcp", "engines")
	}
	return extract.New(extract.Config{CacheDir: dir})
}
