// Package nextcloud is a typed HTTP client for the Nextcloud APIs that
// nextcloud-mcp uses: OCS, WebDAV, CalDAV, CardDAV and the app REST APIs.
// It knows nothing about MCP, storage or the CLI.
package nextcloud

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// DefaultMaxBody caps how much of a response body is read into memory.
const DefaultMaxBody = 32 << 20

// Options configure a Client.
type Options struct {
	// BaseURL is the Nextcloud root, e.g. https://cloud.example.com or https://example.com/nextcloud.
	BaseURL     string
	Credentials Credentials
	// UserAgent defaults to "nextcloud-mcp/<Version>".
	UserAgent string
	Version   string
	// Timeout bounds each request that is not streamed; 0 means 60 s.
	Timeout time.Duration
	// Insecure skips TLS verification (self-signed test servers only).
	Insecure bool
	// CAFile adds PEM certificates to the trusted roots.
	CAFile string
	// Retry overrides DefaultRetryPolicy when MaxAttempts > 0.
	Retry RetryPolicy
	// MaxBody overrides DefaultMaxBody when > 0.
	MaxBody int64
	// HTTPClient replaces the built transport (tests); its Timeout is left alone.
	HTTPClient *http.Client
}

// Client talks to one Nextcloud server with one credential. It is safe for
// concurrent use and keeps connections alive between calls.
type Client struct {
	base      *url.URL
	creds     Credentials
	http      *http.Client
	userAgent string
	timeout   time.Duration
	retry     RetryPolicy
	maxBody   int64

	mu        sync.Mutex
	principal string   // DAV principal href, discovered once
	davHomes  davHomes // CalDAV/CardDAV home sets, discovered once (caldav_discovery.go)
	caps      *Capabilities
	session   *appSession // cookies and request token for Mail and Collectives (session.go)
}

// New validates the options and builds a Client.
func New(o Options) (*Client, error) {
	base, err := ParseBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:      base,
		creds:     o.Credentials,
		userAgent: o.UserAgent,
		timeout:   o.Timeout,
		retry:     o.Retry,
		maxBody:   o.MaxBody,
		http:      o.HTTPClient,
	}
	if c.userAgent == "" {
		v := o.Version
		if v == "" {
			v = "dev"
		}
		c.userAgent = "nextcloud-mcp/" + v
	}
	if c.timeout <= 0 {
		c.timeout = 60 * time.Second
	}
	if c.retry.MaxAttempts <= 0 {
		c.retry = DefaultRetryPolicy()
	}
	if c.maxBody <= 0 {
		c.maxBody = DefaultMaxBody
	}
	if c.http == nil {
		tr, err := NewTransport(o.Insecure, o.CAFile)
		if err != nil {
			return nil, err
		}
		// Redirects of DAV methods would silently turn into GETs; surface them instead.
		c.http = &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	return c, nil
}

// NewTransport builds the HTTP transport with the TLS options applied.
func NewTransport(insecure bool, caFile string) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 16
	tr.ResponseHeaderTimeout = 60 * time.Second
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if insecure {
		tlsConf.InsecureSkipVerify = true //nolint:gosec // explicit user opt-in for self-signed servers
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA bundle %s: %w", caFile, err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA bundle %s holds no PEM certificate: point NEXTCLOUD_CA_BUNDLE at a PEM file", caFile)
		}
		tlsConf.RootCAs = pool
	}
	tr.TLSClientConfig = tlsConf
	return tr, nil
}

// ParseBaseURL normalises a server URL: it adds https:// when no scheme is
// given and strips a trailing /index.php and slashes.
func ParseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("no Nextcloud server URL: set NEXTCLOUD_HOST or pass --server https://cloud.example.com")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("server URL %q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("server URL %q must start with https:// (or http:// for a local test server)", raw)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("server URL %q has no host name", raw)
	}
	u.User = nil
	u.RawQuery, u.Fragment = "", ""
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/index.php")
	u.Path = strings.TrimRight(p, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopback reports whether the URL's host is a loopback address or localhost.
func IsLoopback(u *url.URL) bool {
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// BaseURL returns the normalised server root.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Login returns the login name of the credential.
func (c *Client) Login() string {
	if c.creds == nil {
		return ""
	}
	return c.creds.Login()
}

// HTTPClient exposes the underlying client, for libraries (go-webdav) that
// want one. It adds the credentials and User-Agent of this Client.
func (c *Client) HTTPClient(api API) *http.Client {
	return &http.Client{Transport: &authTransport{c: c, api: api}, CheckRedirect: c.http.CheckRedirect}
}

type authTransport struct {
	c   *Client
	api API
}

// RoundTrip sends a request built by a library (go-webdav) with this
// Client's credentials and the same retry rules as Do: a read that meets
// 429, 503, a gateway error or a broken connection goes again, a write never.
func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	for attempt := 1; ; attempt++ {
		r := req.Clone(req.Context())
		if attempt > 1 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r.Body = body
		}
		if err := c.prepare(r, t.api); err != nil {
			return nil, err
		}
		resp, err := c.http.Do(r)
		retry, locked := retryable(req.Method, resp, err)
		if retry && !locked && safe(req.Method) && replayable && attempt < c.retry.MaxAttempts {
			if wait, ok := c.retry.backoff(attempt, resp); ok {
				if resp != nil {
					_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
					resp.Body.Close()
				}
				if err := sleepCtx(req.Context(), wait); err != nil {
					return nil, err
				}
				continue
			}
		}
		info := &RequestError{Method: req.Method, Host: c.base.Host, Path: req.URL.Path}
		if err != nil {
			info.Err = err
			return nil, info
		}
		if err := notAPIPage(resp, req.Method, req.URL.Path, req.Method != http.MethodGet && req.Method != http.MethodHead); err != nil {
			return nil, err
		}
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: func() {}, req: info}
		return resp, nil
	}
}

// notAPIPage turns a successful answer that is an HTML page, where the API
// sends JSON or XML (or nothing), into ErrNotAPI: a proxy or captive portal
// answered. Any other answer keeps its body intact.
func notAPIPage(resp *http.Response, method, path string, expectDocument bool) error {
	if resp.StatusCode/100 != 2 || !expectDocument || !strings.Contains(strings.ToLower(resp.Header.Get("Content-Type")), "html") {
		return nil
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(resp.Body, head)
	head = head[:n]
	if !looksLikeHTMLPage(head) {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
		return nil
	}
	resp.Body.Close()
	return fmt.Errorf("%s %s: %w (page title %q)", method, path, ErrNotAPI, htmlTitle(head))
}

// URL resolves an absolute path (already escaped) against the server root.
func (c *Client) URL(escapedPath string, query url.Values) *url.URL {
	u := *c.base
	u.RawPath = ""
	full := c.base.EscapedPath() + escapedPath
	if p, err := url.PathUnescape(full); err == nil {
		u.Path = p
		u.RawPath = full
	}
	if query != nil {
		u.RawQuery = query.Encode()
	}
	return &u
}

// Request describes one HTTP call.
type Request struct {
	Method string
	// Path is the escaped path below the server root, starting with "/".
	Path   string
	Query  url.Values
	Header http.Header
	// Body is replayable bytes; use BodyReader for streams (never retried).
	Body       []byte
	BodyReader io.Reader
	API        API
	// OK lists accepted statuses; default is any 2xx.
	OK []int
	// NoTimeout leaves the deadline to the caller's context (streams).
	NoTimeout bool
	// ContentLength is BodyReader's length when known; 0 sends it chunked.
	ContentLength int64
}

// setJSON makes v the request's JSON body. The bytes stay replayable, so
// an idempotent request can still be retried.
func (r *Request) setJSON(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s %s: %w", r.Method, r.Path, err)
	}
	r.Body = b
	if r.Header == nil {
		r.Header = http.Header{}
	}
	r.Header.Set("Content-Type", "application/json")
	return nil
}

func (c *Client) prepare(req *http.Request, api API) error {
	req.Header.Set("User-Agent", c.userAgent)
	if c.creds != nil {
		if err := c.creds.Authorize(req.Context(), req, api); err != nil {
			return fmt.Errorf("authorize request: %w", err)
		}
	}
	return nil
}

func (r *Request) accepted(status int) bool {
	if len(r.OK) == 0 {
		return status >= 200 && status < 300
	}
	for _, s := range r.OK {
		if s == status {
			return true
		}
	}
	return false
}

// Do sends the request, retrying as RetryPolicy allows, and returns the
// response with its body open for a caller that wants to stream it. A
// non-accepted status becomes an *Error (body consumed and closed).
func (c *Client) Do(ctx context.Context, r *Request) (*http.Response, error) {
	var cancel context.CancelFunc = func() {}
	if !r.NoTimeout {
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
	}
	canRetry := idempotent(r.Method) && r.BodyReader == nil
	attempts, lockedAttempts := 0, 0
	for {
		attempts++
		req, err := c.newHTTPRequest(ctx, r)
		if err != nil {
			cancel()
			return nil, err
		}
		resp, err := c.http.Do(req)
		retry, locked := retryable(r.Method, resp, err)
		if locked {
			lockedAttempts++
		}
		budgetLeft := (locked && lockedAttempts < c.retry.LockedMaxAttempts) ||
			(!locked && attempts-lockedAttempts < c.retry.MaxAttempts)
		var wait time.Duration
		if retry && canRetry && budgetLeft {
			wait, retry = c.retry.backoff(attempts, resp)
		}
		if retry && canRetry && budgetLeft {
			if resp != nil {
				_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
				resp.Body.Close()
			}
			if err := sleepCtx(ctx, wait); err != nil {
				cancel()
				return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
			}
			continue
		}
		if err != nil {
			cancel()
			return nil, &RequestError{Method: r.Method, Host: c.base.Host, Path: r.Path, Err: err}
		}
		if !r.accepted(resp.StatusCode) {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			cancel()
			return nil, newError(resp, body)
		}
		if err := notAPIPage(resp, r.Method, r.Path, expectsDocument(r)); err != nil {
			cancel()
			return nil, err
		}
		resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel, req: &RequestError{Method: r.Method, Host: c.base.Host, Path: r.Path}}
		return resp, nil
	}
}

// checkEscapedPath refuses a request path that could climb out of where it
// was aimed: a ".." or "." segment, also percent-encoded ("%2e%2e"), since
// the server decodes before it resolves. A malformed escape is refused too,
// because URL would otherwise drop the path and hit the server root.
func checkEscapedPath(p string) error {
	for _, seg := range strings.Split(p, "/") {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return fmt.Errorf("path %q is not a valid escaped path: %w", p, err)
		}
		if dec == ".." || dec == "." {
			return fmt.Errorf("path %q contains a '%s' segment, which is not allowed", p, dec)
		}
	}
	return nil
}

func (c *Client) newHTTPRequest(ctx context.Context, r *Request) (*http.Request, error) {
	if err := checkEscapedPath(r.Path); err != nil {
		return nil, err
	}
	var body io.Reader
	if r.BodyReader != nil {
		body = r.BodyReader
	} else if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, c.URL(r.Path, r.Query).String(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s request: %w", r.Method, err)
	}
	if r.BodyReader == nil && r.Body != nil {
		req.ContentLength = int64(len(r.Body))
	}
	if r.BodyReader != nil && r.ContentLength > 0 {
		req.ContentLength = r.ContentLength
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if err := c.prepare(req, r.API); err != nil {
		return nil, err
	}
	return req, nil
}

// Call sends the request and reads the whole (capped) body. A read whose
// connection breaks in the middle of the body is sent again, within the
// retry budget; a write is not, since the server has acted by then.
func (c *Client) Call(ctx context.Context, r *Request) (*http.Response, []byte, error) {
	for attempt := 1; ; attempt++ {
		resp, err := c.Do(ctx, r)
		if err != nil {
			return nil, nil, err
		}
		body, err := ReadCapped(resp.Body, c.maxBody)
		resp.Body.Close()
		if err != nil {
			if safe(r.Method) && r.BodyReader == nil && isConnReset(err) && attempt < c.retry.MaxAttempts {
				wait, _ := c.retry.backoff(attempt, nil)
				if sleepCtx(ctx, wait) == nil {
					continue
				}
			}
			return resp, nil, err
		}
		return resp, body, nil
	}
}

// expectsDocument reports whether the answer must be the API's JSON or XML:
// everything but a file's own content.
func expectsDocument(r *Request) bool {
	switch r.API {
	case APIOCS, APIApp:
		return true
	case APIDAV:
		return r.Method != http.MethodGet && r.Method != http.MethodHead
	}
	return false
}

// ReadCapped reads at most limit bytes and fails with ErrTooLarge beyond that.
func ReadCapped(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	}
	return b, nil
}

// cancelOnClose ends the request's context when the body is closed, and
// makes a broken read a *RequestError, so callers can tell a connection that
// broke mid-answer from any other failure.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
	req    *RequestError
}

func (c *cancelOnClose) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	if err != nil && err != io.EOF && c.req != nil {
		e := *c.req
		e.Err = err
		return n, &e
	}
	return n, err
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}
