package nextcloud

import (
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/emersion/go-webdav/caldav"
	"github.com/emersion/go-webdav/carddav"
)

// davDoer lets go-webdav's CalDAV and CardDAV clients send their requests
// through Client.Do, so they get the same credentials, User-Agent, retries,
// timeouts and body caps as every other call, and a failed status comes
// back as an *Error (go-webdav's own error type is internal and would hide
// a 412 or 404 from errors.Is). go-webdav decodes straight from the
// response body, so the body is capped like Call's.
type davDoer struct{ c *Client }

func (d davDoer) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s request body: %w", req.Method, err)
		}
		body = b
	}
	resp, err := d.c.Do(req.Context(), &Request{
		Method: req.Method,
		Path:   d.c.relativeToBase(req.URL.EscapedPath()),
		Query:  req.URL.Query(),
		Header: req.Header.Clone(),
		Body:   body,
		API:    APIDAV,
	})
	if err != nil {
		return nil, err
	}
	resp.Body = &cappedBody{r: resp.Body, closer: resp.Body, left: d.c.maxBody, limit: d.c.maxBody}
	return resp, nil
}

func (c *Client) caldavClient() (*caldav.Client, error) {
	cc, err := caldav.NewClient(davDoer{c}, c.base.String())
	if err != nil {
		return nil, fmt.Errorf("CalDAV client: %w", err)
	}
	return cc, nil
}

func (c *Client) carddavClient() (*carddav.Client, error) {
	cc, err := carddav.NewClient(davDoer{c}, c.base.String())
	if err != nil {
		return nil, fmt.Errorf("CardDAV client: %w", err)
	}
	return cc, nil
}

// absolutePath turns an escaped path below the base URL into the unescaped
// absolute path go-webdav expects (it escapes again when it builds the URL).
func (c *Client) absolutePath(href string) string {
	full := c.base.EscapedPath() + href
	if p, err := url.PathUnescape(full); err == nil {
		return p
	}
	return full
}

// hrefKey compares hrefs that may be escaped differently ("%40" and "@").
func hrefKey(href string) string {
	if p, err := url.PathUnescape(href); err == nil {
		return p
	}
	return href
}
