package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
)

// appREST is the JSON REST API of an app below /index.php/apps (News,
// Cookbook, Bookmarks). Those apps explain failures in shapes the generic
// error parser does not know ({"msg"}, {"status":"error","data":[…]}, a bare
// JSON string), so it reads every answer itself.
type appREST struct {
	c    *Client
	app  string // as users know it, e.g. "News"
	base string // escaped path below the server root
	// every lists all statuses, so Client.Call hands back failed answers
	// with their body instead of consuming it.
	every []int
}

func newAppREST(c *Client, app, base string) appREST {
	every := make([]int, 0, 500)
	for s := 100; s < 600; s++ {
		every = append(every, s)
	}
	return appREST{c: c, app: app, base: base, every: every}
}

// call sends one request; body (when not nil) goes as JSON and a 2xx answer
// is decoded into out (when not nil). It returns the raw answer too, for
// callers that decode by hand (bare integers, strings).
func (a appREST) call(ctx context.Context, method, path string, query url.Values, body, out any) ([]byte, error) {
	r := &Request{Method: method, Path: a.base + path, Query: query, API: APIApp,
		Header: http.Header{"Accept": {"application/json"}}, OK: a.every}
	if body != nil {
		if err := r.setJSON(body); err != nil {
			return nil, err
		}
	}
	resp, raw, err := a.c.Call(ctx, r)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, a.failure(resp, raw)
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return nil, fmt.Errorf("%s %s: decode %s answer: %w", method, r.Path, a.app, err)
		}
	}
	return raw, nil
}

// failure builds the error of a failed answer. Nextcloud's router answers an
// HTML 404 page for a route no enabled app serves; that is ErrAppMissing.
func (a appREST) failure(resp *http.Response, raw []byte) error {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode == http.StatusNotFound && mt == "text/html" {
		return fmt.Errorf("the %s app is not installed or not enabled on this Nextcloud: %w", a.app, ErrAppMissing)
	}
	e := newError(resp, raw)
	if e.Message == "" {
		e.Message = appMessage(raw)
	}
	return e
}

// appMessage reads the explanations apps give outside the OCS and Sabre
// shapes: {"msg": "…"} (Cookbook), {"status":"error","data":["…"]}
// (Bookmarks) and a bare JSON string (Cookbook's import).
func appMessage(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return ""
	}
	var s string
	if raw[0] == '"' && json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var obj struct {
		Msg  string          `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if raw[0] != '{' || json.Unmarshal(raw, &obj) != nil {
		return ""
	}
	if obj.Msg != "" {
		return obj.Msg
	}
	var list []string
	if json.Unmarshal(obj.Data, &list) == nil {
		return strings.Join(list, "; ")
	}
	return ""
}
