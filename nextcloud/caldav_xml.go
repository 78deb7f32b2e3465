package nextcloud

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// davXMLText escapes s for XML character data or an attribute value.
func davXMLText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// davQuoteETag returns an ETag in the quoted form If-Match needs; Nextcloud
// refuses an unquoted one with 412.
func davQuoteETag(etag string) string {
	etag = strings.TrimSpace(etag)
	if etag == "" || strings.HasPrefix(etag, `"`) || strings.HasPrefix(etag, `W/"`) {
		return etag
	}
	return `"` + etag + `"`
}

// davMultistatus is a 207 body decoded with typed, namespace-aware props.
// DAVRequest keeps props as raw inner XML, whose prefixes cannot be resolved
// on their own; CalDAV and CardDAV props need their namespaces.
type davMultistatus[P any] struct {
	XMLName   xml.Name         `xml:"DAV: multistatus"`
	Responses []davResponse[P] `xml:"DAV: response"`
	SyncToken string           `xml:"DAV: sync-token"`
}

type davResponse[P any] struct {
	Href      string           `xml:"DAV: href"`
	Status    string           `xml:"DAV: status"`
	Propstats []davPropstat[P] `xml:"DAV: propstat"`
}

type davPropstat[P any] struct {
	Status string `xml:"DAV: status"`
	Prop   P      `xml:"DAV: prop"`
}

// found returns the props reported with 200; the 404 propstat repeats the
// names of missing props as empty elements, which must not count as values.
func (r davResponse[P]) found() []P {
	var out []P
	for _, ps := range r.Propstats {
		if StatusCode(ps.Status) == http.StatusOK {
			out = append(out, ps.Prop)
		}
	}
	return out
}

// davTyped sends a DAV request with an XML body and decodes the 207 answer into P.
func davTyped[P any](ctx context.Context, c *Client, method, path, depth string, header http.Header, body []byte) (*davMultistatus[P], error) {
	h := http.Header{"Content-Type": {"application/xml; charset=utf-8"}}
	for k, v := range header {
		h[k] = v
	}
	if depth != "" {
		h.Set("Depth", depth)
	}
	_, raw, err := c.Call(ctx, &Request{Method: method, Path: path, Header: h, Body: body, API: APIDAV, OK: []int{http.StatusMultiStatus}})
	if err != nil {
		return nil, err
	}
	var ms davMultistatus[P]
	if err := xml.Unmarshal(raw, &ms); err != nil {
		return nil, fmt.Errorf("%s %s: decode multistatus: %w", method, path, err)
	}
	return &ms, nil
}

// ShortETag drops the quotes of a strong ETag, the form tool results show.
func ShortETag(etag string) string {
	etag = strings.TrimSpace(etag)
	if strings.HasPrefix(etag, `"`) && strings.HasSuffix(etag, `"`) && len(etag) >= 2 {
		return etag[1 : len(etag)-1]
	}
	return etag
}
