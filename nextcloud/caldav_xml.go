package nextcloud

import (
	"context"
	"encoding/xml"
	"net/http"
)

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
	var ms davMultistatus[P]
	if err := c.davDecode(ctx, method, path, depth, header, body, &ms); err != nil {
		return nil, err
	}
	return &ms, nil
}
