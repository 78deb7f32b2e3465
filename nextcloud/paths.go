package nextcloud

import (
	"fmt"
	"net/url"
	"strings"
)

// CleanPath turns a user-supplied path ("Documents/a b.txt", "/x/") into its
// segments. It refuses ".." so a path can never climb out of its root, and
// drops empty and "." segments.
func CleanPath(p string) ([]string, error) {
	p = strings.ReplaceAll(p, "\\", "/")
	var segs []string
	for _, s := range strings.Split(p, "/") {
		switch s {
		case "", ".":
			continue
		case "..":
			return nil, fmt.Errorf("path %q contains '..': use a path inside your files, like Documents/report.txt", p)
		}
		segs = append(segs, s)
	}
	return segs, nil
}

// EscapeSegments percent-encodes each segment exactly once and joins them with "/".
func EscapeSegments(segs []string) string {
	esc := make([]string, len(segs))
	for i, s := range segs {
		esc[i] = url.PathEscape(s)
	}
	return strings.Join(esc, "/")
}

// JoinPath returns the display form "/a/b" of segments.
func JoinPath(segs []string) string { return "/" + strings.Join(segs, "/") }
