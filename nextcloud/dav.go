package nextcloud

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Multistatus is a WebDAV 207 body. Props are kept as raw inner XML per
// property so each API (files, calendars, contacts) decodes what it needs.
type Multistatus struct {
	XMLName   xml.Name      `xml:"DAV: multistatus"`
	Responses []DAVResponse `xml:"response"`
	SyncToken string        `xml:"sync-token"`
}

// DAVResponse is one <d:response>.
type DAVResponse struct {
	Href      string     `xml:"href"`
	Status    string     `xml:"status"`
	Propstats []Propstat `xml:"propstat"`
}

// Propstat groups properties that share a status.
type Propstat struct {
	Status string  `xml:"status"`
	Prop   DAVProp `xml:"prop"`
}

// DAVProp holds every property element as-is.
type DAVProp struct {
	Props []RawProp `xml:",any"`
}

// RawProp is a property element with its inner XML.
type RawProp struct {
	XMLName xml.Name
	Inner   []byte `xml:",innerxml"`
}

// StatusCode parses "HTTP/1.1 200 OK" into 200 (0 when absent).
func StatusCode(status string) int {
	f := strings.Fields(status)
	if len(f) < 2 {
		return 0
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// Found returns the properties reported with status 200, keyed by "ns local".
func (r *DAVResponse) Found() map[string][]byte {
	out := make(map[string][]byte)
	for _, ps := range r.Propstats {
		if StatusCode(ps.Status) != http.StatusOK {
			continue
		}
		for _, p := range ps.Prop.Props {
			out[p.XMLName.Space+" "+p.XMLName.Local] = p.Inner
		}
	}
	return out
}

// DAV XML namespaces.
const (
	NSDAV       = "DAV:"
	NSOwnCloud  = "http://owncloud.org/ns"
	NSNextcloud = "http://nextcloud.org/ns"
	NSCalDAV    = "urn:ietf:params:xml:ns:caldav"
	NSCardDAV   = "urn:ietf:params:xml:ns:carddav"
	NSCalServer = "http://calendarserver.org/ns/"
	NSApple     = "http://apple.com/ns/ical/"
)

// DAVRequest sends a WebDAV request with an XML body and decodes a 207 answer.
func (c *Client) DAVRequest(ctx context.Context, method, escapedPath, depth string, header http.Header, body []byte) (*Multistatus, error) {
	var ms Multistatus
	if err := c.davDecode(ctx, method, escapedPath, depth, header, body, &ms); err != nil {
		return nil, err
	}
	return &ms, nil
}

// davDecode sends a DAV request with an XML body, insists on 207 and
// decodes the answer into out (Multistatus or a typed davMultistatus).
func (c *Client) davDecode(ctx context.Context, method, escapedPath, depth string, header http.Header, body []byte, out any) error {
	h := http.Header{"Content-Type": {"application/xml; charset=utf-8"}}
	for k, v := range header {
		h[http.CanonicalHeaderKey(k)] = v
	}
	if depth != "" {
		h.Set("Depth", depth)
	}
	_, raw, err := c.Call(ctx, &Request{Method: method, Path: escapedPath, Header: h, Body: body, API: APIDAV, OK: []int{http.StatusMultiStatus}})
	if err != nil {
		return err
	}
	if err := xml.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%s %s: decode multistatus: %w", method, escapedPath, err)
	}
	return nil
}

type hrefProp struct {
	Href string `xml:"href"`
}

// Principal returns the escaped path of the current user's DAV principal,
// e.g. /remote.php/dav/principals/users/admin/. DAV paths are built from it
// rather than from the login name, which may differ from the user id.
func (c *Client) Principal(ctx context.Context) (string, error) {
	c.mu.Lock()
	p := c.principal
	c.mu.Unlock()
	if p != "" {
		return p, nil
	}
	body := []byte(`<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>`)
	ms, err := c.DAVRequest(ctx, "PROPFIND", "/remote.php/dav/", "0", nil, body)
	if err != nil {
		return "", err
	}
	for _, r := range ms.Responses {
		if inner, ok := r.Found()[NSDAV+" current-user-principal"]; ok {
			var h hrefProp
			if err := xml.Unmarshal(append(append([]byte("<x xmlns:d=\"DAV:\">"), inner...), "</x>"...), &h); err == nil && h.Href != "" {
				p = h.Href
			}
		}
	}
	if p == "" {
		return "", fmt.Errorf("the server did not report a current-user-principal: is %s a Nextcloud?", c.base.Host)
	}
	p = c.relativeToBase(p)
	c.mu.Lock()
	c.principal = p
	c.mu.Unlock()
	return p, nil
}

// UserID returns the DAV user id, the last segment of the principal.
func (c *Client) UserID(ctx context.Context) (string, error) {
	p, err := c.Principal(ctx)
	if err != nil {
		return "", err
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	return segs[len(segs)-1], nil
}

// relativeToBase strips the server's base path from an href the server
// returned, so it can be passed back to URL() (servers in a subdirectory).
func (c *Client) relativeToBase(href string) string {
	if i := strings.Index(href, "://"); i >= 0 {
		if j := strings.Index(href[i+3:], "/"); j >= 0 {
			href = href[i+3+j:]
		}
	}
	bp := c.base.EscapedPath()
	if bp != "" && strings.HasPrefix(href, bp+"/") {
		return href[len(bp):]
	}
	return href
}

// RelativeHref is relativeToBase for callers in other files of this package and for tests.
func (c *Client) RelativeHref(href string) string { return c.relativeToBase(href) }

// xmlText escapes s for use as XML character data.
func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
