package nextcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Login Flow v2 timing: Nextcloud forgets a flow after 20 minutes, and a
// poll every two seconds is what its own clients do.
const (
	LoginFlowLifetime     = 20 * time.Minute
	LoginFlowPollInterval = 2 * time.Second
)

// ErrLoginFlowExpired means nobody granted access before the flow expired.
var ErrLoginFlowExpired = errors.New("the sign-in link expired before access was granted")

// LoginFlow is a started Login Flow v2: the user opens LoginURL in a
// browser, and the client polls until Nextcloud hands out an app password.
type LoginFlow struct {
	// LoginURL is the page to open in the browser.
	LoginURL string
	// PollURL is where the grant is fetched, already moved onto the
	// configured origin when the server named another host.
	PollURL string
	// Expires is when Nextcloud forgets the flow: LoginFlowLifetime after it began.
	Expires time.Time
	// pollToken authorises the poll; it is a secret and never printed.
	pollToken string
}

// String keeps the poll token out of %v and %+v, which print unexported
// fields: whoever holds it can collect the app password.
func (f LoginFlow) String() string {
	return "LoginFlow{LoginURL:" + f.LoginURL + ", PollURL:" + f.PollURL + ", Expires:" + f.Expires.Format(time.RFC3339) + ", pollToken:<redacted>}"
}

// GoString keeps the poll token out of %#v.
func (f LoginFlow) GoString() string { return f.String() }

// LoginGrant is what a granted flow returns: the account and its new app password.
type LoginGrant struct {
	// Server is the base URL as the server sees itself; behind a proxy it may
	// differ from the URL the user configured.
	Server      string
	LoginName   string
	AppPassword string
}

// String hides the app password from %v.
func (g LoginGrant) String() string {
	return "LoginGrant{Server:" + g.Server + ", LoginName:" + g.LoginName + ", AppPassword:<redacted>}"
}

// GoString hides the app password from %#v.
func (g LoginGrant) GoString() string { return g.String() }

// StartLoginFlow begins Login Flow v2. The client's User-Agent becomes the
// name of the app password in the user's list of devices, so build the
// client with a descriptive Options.UserAgent. No credentials are sent.
func (c *Client) StartLoginFlow(ctx context.Context) (*LoginFlow, error) {
	_, body, err := c.Call(ctx, &Request{Method: http.MethodPost, Path: "/index.php/login/v2", API: APIAnon,
		Header: http.Header{"Accept": {"application/json"}}})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%s does not offer Login Flow v2 (is it a Nextcloud server, version 16 or later?): %w", c.base.Redacted(), err)
		}
		return nil, fmt.Errorf("start sign-in at %s: %w", c.base.Redacted(), err)
	}
	var init struct {
		Poll struct {
			Token    string `json:"token"`
			Endpoint string `json:"endpoint"`
		} `json:"poll"`
		Login string `json:"login"`
	}
	if err := json.Unmarshal(body, &init); err != nil || init.Poll.Token == "" || init.Login == "" {
		return nil, fmt.Errorf("start sign-in at %s: the answer is not a Login Flow v2 reply", c.base.Redacted())
	}
	f := &LoginFlow{Expires: time.Now().Add(LoginFlowLifetime), pollToken: init.Poll.Token}
	if f.LoginURL, err = c.onConfiguredOrigin(init.Login, "/index.php/login/v2/flow"); err != nil {
		return nil, fmt.Errorf("start sign-in: login URL: %w", err)
	}
	if f.PollURL, err = c.onConfiguredOrigin(init.Poll.Endpoint, "/index.php/login/v2/poll"); err != nil {
		return nil, fmt.Errorf("start sign-in: poll URL: %w", err)
	}
	return f, nil
}

// onConfiguredOrigin keeps a URL the server returned when it is on the
// configured origin. Behind a reverse proxy the server may name its internal
// host; then the path is kept and the scheme and host become the configured
// ones, which is how the user reaches the server (and keeps TLS).
func (c *Client) onConfiguredOrigin(raw, fallbackPath string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		u = c.URL(fallbackPath, nil)
	}
	if u.Scheme == c.base.Scheme && strings.EqualFold(u.Host, c.base.Host) {
		return u.String(), nil
	}
	moved := *u
	moved.Scheme, moved.Host, moved.User = c.base.Scheme, c.base.Host, nil
	// When the server's notion of its web root differs too, only the
	// standard path under the configured root is trustworthy.
	if !strings.HasPrefix(moved.Path, c.base.Path+"/") {
		moved = *c.URL(fallbackPath, nil)
		if strings.HasSuffix(fallbackPath, "/flow") {
			// The login URL carries its token as the last path segment.
			moved.Path += "/" + loginTokenSegment(u.Path)
			moved.RawPath = ""
		}
	}
	return moved.String(), nil
}

func loginTokenSegment(p string) string {
	p = strings.TrimRight(p, "/")
	return p[strings.LastIndex(p, "/")+1:]
}

// PollLoginFlow asks once whether access was granted. It returns nil and no
// error while the user has not decided yet (Nextcloud answers 404 "[]",
// which is also its answer for an expired or already-used flow).
func (c *Client) PollLoginFlow(ctx context.Context, f *LoginFlow) (*LoginGrant, error) {
	u, err := url.Parse(f.PollURL)
	if err != nil {
		return nil, fmt.Errorf("poll sign-in: %w", err)
	}
	path := strings.TrimPrefix(u.EscapedPath(), c.base.EscapedPath())
	if !strings.HasPrefix(path, "/") {
		path = "/index.php/login/v2/poll"
	}
	resp, body, err := c.Call(ctx, &Request{
		Method: http.MethodPost, Path: path, API: APIAnon,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Accept": {"application/json"}},
		Body:   []byte(url.Values{"token": {f.pollToken}}.Encode()),
		OK:     []int{http.StatusOK, http.StatusNotFound},
	})
	if err != nil {
		return nil, fmt.Errorf("poll sign-in: %w", err)
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	var g LoginGrant
	var raw struct {
		Server      string `json:"server"`
		LoginName   string `json:"loginName"`
		AppPassword string `json:"appPassword"`
	}
	if err := json.Unmarshal(body, &raw); err != nil || raw.LoginName == "" || raw.AppPassword == "" {
		return nil, errors.New("poll sign-in: the server's answer holds no login name and app password")
	}
	g.Server, g.LoginName, g.AppPassword = raw.Server, raw.LoginName, raw.AppPassword
	return &g, nil
}

// WaitLoginFlow polls every interval (LoginFlowPollInterval when 0) until
// access is granted, ctx ends, or the flow expires (ErrLoginFlowExpired).
// Network failures and server errors between polls are retried: the user
// may take minutes, and a blip must not lose the sign-in. tick, when not
// nil, is called before each poll.
func (c *Client) WaitLoginFlow(ctx context.Context, f *LoginFlow, interval time.Duration, tick func()) (*LoginGrant, error) {
	if interval <= 0 {
		interval = LoginFlowPollInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	var lastErr error
	for {
		if tick != nil {
			tick()
		}
		g, err := c.PollLoginFlow(ctx, f)
		switch {
		case err == nil && g != nil:
			return g, nil
		case err != nil && ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil && !transientPollError(err):
			return nil, err
		case err != nil:
			lastErr = err
		}
		if !time.Now().Add(interval).Before(f.Expires) {
			if lastErr != nil {
				return nil, fmt.Errorf("%w (last poll failed: %v)", ErrLoginFlowExpired, lastErr)
			}
			return nil, ErrLoginFlowExpired
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// transientPollError is a failure worth polling through: no answer, or a
// server-side error. A 4xx other than the "not yet" 404 is final.
func transientPollError(err error) bool {
	var ne *Error
	if errors.As(err, &ne) {
		return ne.Status >= 500 || ne.Status == http.StatusTooManyRequests
	}
	return true
}
