package nextcloud

import "strings"

// QuoteETag returns an ETag in the quoted form that If-Match and
// If-None-Match need. Notes and Deck hand out unquoted etags in their JSON,
// and tools show them unquoted, yet Nextcloud compares the header with the
// quoted form and answers 412 to a bare value. A weak or already quoted tag
// is kept; stray quotes on one side only are repaired.
func QuoteETag(etag string) string {
	etag = strings.TrimSpace(etag)
	if etag == "" || strings.HasPrefix(etag, `W/"`) {
		return etag
	}
	return `"` + strings.Trim(etag, `"`) + `"`
}

// ShortETag drops the quotes of a strong ETag, the form tool results show.
func ShortETag(etag string) string {
	etag = strings.TrimSpace(etag)
	if strings.HasPrefix(etag, `"`) && strings.HasSuffix(etag, `"`) && len(etag) >= 2 {
		return etag[1 : len(etag)-1]
	}
	return etag
}
