package nextcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
)

// Some app REST APIs (Mail, Collectives) are plain controllers without
// @NoCSRFRequired: Basic auth alone gets 412 "CSRF check failed", even with
// OCS-APIRequest. They need what a browser has: a session (cookies) and the
// request token bound to it, sent as the "requesttoken" header
// (recordings mail/01, collectives/01-02). This file keeps one such session
// per Client and sends app requests through it.

// csrfTokenPath hands out the request token of the caller's session.
const csrfTokenPath = "/index.php/csrftoken"

// appSession is the session cookies and request token of one Client. The
// secrets never leave it except as request headers: it has no exported
// fields, and String hides them from %v.
type appSession struct {
	mu    sync.Mutex
	jar   *cookiejar.Jar
	token string
	// gen counts opened sessions, so that of several calls failing on the
	// same stale session only the first one opens a new session.
	gen int
	// anyStatus lets every status through Client.Do, so the session layer
	// sees the body of a failure (the app's message, or a CSRF refusal).
	// Built once; read-only afterwards.
	anyStatus []int
}

func (s *appSession) String() string { return "appSession{<redacted>}" }

// GoString hides the secrets from %#v.
func (s *appSession) GoString() string { return s.String() }

// appSession returns the Client's session holder, creating it on first use.
func (c *Client) appSession() *appSession {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == nil {
		all := make([]int, 0, 500)
		for s := 100; s < 600; s++ {
			all = append(all, s)
		}
		c.session = &appSession{anyStatus: all}
	}
	return c.session
}

// current returns the open session's token, cookies and generation,
// opening a session first when there is none. Concurrent callers wait for
// one opening instead of each opening their own.
func (s *appSession) current(ctx context.Context, c *Client) (token string, jar *cookiejar.Jar, gen int, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token == "" {
		if err := s.open(ctx, c); err != nil {
			return "", nil, 0, err
		}
	}
	return s.token, s.jar, s.gen, nil
}

// open asks Nextcloud for a request token with the credentials; the answer
// starts a session whose cookies the jar keeps. Caller holds s.mu.
func (s *appSession) open(ctx context.Context, c *Client) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return fmt.Errorf("open a Nextcloud session: %w", err)
	}
	r := &Request{Method: http.MethodGet, Path: csrfTokenPath, API: APIApp,
		Header: http.Header{"Ocs-Apirequest": {"true"}, "Accept": {"application/json"}}}
	resp, body, err := c.Call(ctx, r)
	if err != nil {
		return fmt.Errorf("open a Nextcloud session: %w", err)
	}
	var tok struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.Token == "" {
		// Never quote the body: it would be the token itself.
		return fmt.Errorf("open a Nextcloud session: GET %s answered without a request token (HTTP %d)", csrfTokenPath, resp.StatusCode)
	}
	jar.SetCookies(c.URL("/", nil), resp.Cookies())
	s.jar, s.token = jar, tok.Token
	s.gen++
	return nil
}

// drop forgets the session of generation gen, unless a newer one replaced it.
func (s *appSession) drop(gen int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gen == gen {
		s.jar, s.token = nil, ""
	}
}

// SessionRequest is one call to an app API that needs a session.
type SessionRequest struct {
	Method string
	// Path is the escaped path below the server root, e.g. "/index.php/apps/mail/api/accounts".
	Path  string
	Query url.Values
	// Body, when not nil, is sent as JSON.
	Body any
	// Accept defaults to application/json.
	Accept string
}

// SessionReply is a successful answer: status, headers and the capped body.
type SessionReply struct {
	Status int
	Header http.Header
	Body   []byte
}

// SessionCall sends r with the session cookies and request token, opening
// the session first when needed. A 412 "CSRF check failed" means the session
// ended (expired, or the server forgot it): the request did not run, so it
// is sent once more on a new session, whatever its method. Other failures
// come back as *Error with the app's own message; a 401 is never repeated.
func (c *Client) SessionCall(ctx context.Context, r SessionRequest) (*SessionReply, error) {
	resp, err := c.sessionDo(ctx, r)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := ReadCapped(resp.Body, c.maxBody)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", r.Method, r.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, appError(resp, body)
	}
	return &SessionReply{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// SessionStream is SessionCall for a download: the body stays open for the
// caller to stream (and close); it is capped at maxBytes (0: the client's cap).
func (c *Client) SessionStream(ctx context.Context, r SessionRequest, maxBytes int64) (*http.Response, error) {
	resp, err := c.sessionDo(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		body, _ := ReadCapped(resp.Body, 64<<10)
		return nil, appError(resp, body)
	}
	if maxBytes <= 0 {
		maxBytes = c.maxBody
	}
	resp.Body = &cappedBody{r: resp.Body, closer: resp.Body, left: maxBytes, limit: maxBytes}
	return resp, nil
}

// sessionDo sends the request on the current session and, once, on a new
// one after a CSRF failure. The answer's status is not checked here.
func (c *Client) sessionDo(ctx context.Context, r SessionRequest) (*http.Response, error) {
	var payload []byte
	if r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s: %w", r.Method, r.Path, err)
		}
		payload = b
	}
	s := c.appSession()
	for attempt := 1; ; attempt++ {
		token, jar, gen, err := s.current(ctx, c)
		if err != nil {
			return nil, err
		}
		req := &Request{Method: r.Method, Path: r.Path, Query: r.Query, API: APIApp, Body: payload, OK: s.anyStatus,
			Header: http.Header{"Ocs-Apirequest": {"true"}, "Requesttoken": {token}}}
		accept := r.Accept
		if accept == "" {
			accept = "application/json"
		}
		req.Header.Set("Accept", accept)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		target := c.URL(r.Path, r.Query)
		if cookies := jar.Cookies(target); len(cookies) > 0 {
			parts := make([]string, len(cookies))
			for i, ck := range cookies {
				parts[i] = ck.Name + "=" + ck.Value
			}
			req.Header.Set("Cookie", strings.Join(parts, "; "))
		}
		resp, err := c.Do(ctx, req)
		if err != nil {
			return nil, err
		}
		// Nextcloud may renew the session id on any answer.
		if set := resp.Cookies(); len(set) > 0 {
			jar.SetCookies(target, set)
		}
		switch {
		case resp.StatusCode == http.StatusPreconditionFailed:
			body, _ := ReadCapped(resp.Body, 64<<10)
			resp.Body.Close()
			if !isCSRFFailure(body) {
				return nil, appError(resp, body)
			}
			s.drop(gen)
			if attempt == 1 {
				continue
			}
			return nil, fmt.Errorf("%s %s: %w even on a new session: something between here and Nextcloud (a proxy?) drops the session cookies or the requesttoken header", r.Method, r.Path, ErrCSRF)
		case resp.StatusCode == http.StatusUnauthorized:
			// The credential is wrong or revoked: the session is worthless too.
			s.drop(gen)
		}
		return resp, nil
	}
}

func isCSRFFailure(body []byte) bool {
	var m struct {
		Message string `json:"message"`
	}
	return json.Unmarshal(body, &m) == nil && m.Message == "CSRF check failed"
}

// ErrCSRF is a request the server refused for a missing or stale session
// even on a fresh session.
var ErrCSRF = errors.New("CSRF check failed")

// appError builds an *Error from an app's failure. Besides the bodies
// newError knows, app REST APIs answer with JSend ({"status":"fail","data":
// {"message":…}}, Mail) or a bare JSON string ("Circle not found",
// Collectives).
func appError(resp *http.Response, body []byte) *Error {
	e := newError(resp, body)
	trimmed := strings.TrimSpace(string(body))
	switch {
	case strings.HasPrefix(trimmed, `"`):
		var s string
		if json.Unmarshal([]byte(trimmed), &s) == nil {
			e.Message = s
		}
	case strings.HasPrefix(trimmed, "{"):
		var js struct {
			Status string          `json:"status"`
			Data   json.RawMessage `json:"data"`
		}
		if json.Unmarshal([]byte(trimmed), &js) == nil && js.Status == "fail" {
			var d struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Error   string `json:"error"`
			}
			if json.Unmarshal(js.Data, &d) == nil {
				switch {
				case d.Message != "":
					e.Message = d.Message
				case d.Error != "":
					e.Message = d.Error
				}
				if d.Type != "" {
					e.Exception = d.Type
				}
			}
		}
	}
	return e
}
