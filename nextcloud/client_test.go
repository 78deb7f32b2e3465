package nextcloud_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// fastRetry keeps retry tests quick: the same budgets as the default, with
// millisecond waits.
func fastRetry() nextcloud.RetryPolicy {
	return nextcloud.RetryPolicy{MaxAttempts: 3, LockedMaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 10 * time.Millisecond}
}

// clientFor builds a client for an already started fake with the given options
// filled in around the essentials.
func clientFor(t *testing.T, url string, o nextcloud.Options) *nextcloud.Client {
	t.Helper()
	o.BaseURL = url
	if o.Credentials == nil {
		o.Credentials = nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}
	}
	if o.Retry.MaxAttempts == 0 {
		o.Retry = fastRetry()
	}
	c, err := nextcloud.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestParseBaseURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"cloud.example.com", "https://cloud.example.com"},
		{"  https://cloud.example.com/  ", "https://cloud.example.com"},
		{"https://cloud.example.com/index.php", "https://cloud.example.com"},
		{"https://cloud.example.com/index.php/", "https://cloud.example.com"},
		{"https://example.com/nextcloud", "https://example.com/nextcloud"},
		{"https://example.com/nextcloud/", "https://example.com/nextcloud"},
		{"example.com/nextcloud/index.php/", "https://example.com/nextcloud"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"HTTPS://Cloud.example.com:8443/", "https://Cloud.example.com:8443"},
		{"https://user:secret@cloud.example.com/?x=1#frag", "https://cloud.example.com"},
	}
	for _, c := range cases {
		u, err := nextcloud.ParseBaseURL(c.in)
		if err != nil {
			t.Errorf("ParseBaseURL(%q): %v", c.in, err)
			continue
		}
		if u.String() != c.want {
			t.Errorf("ParseBaseURL(%q) = %q, want %q", c.in, u, c.want)
		}
	}
	for _, bad := range []string{"", "   ", "ftp://cloud.example.com", "https://", "https:///path"} {
		if _, err := nextcloud.ParseBaseURL(bad); err == nil {
			t.Errorf("ParseBaseURL(%q) accepted a bad URL", bad)
		}
	}
}

func TestUserAgent(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{Version: "1.2.3"})
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := fake.Requests()
	if got := reqs[len(reqs)-1].Header.Get("User-Agent"); got != "nextcloud-mcp/1.2.3" {
		t.Errorf("User-Agent %q, want nextcloud-mcp/1.2.3", got)
	}
}

func TestPrincipalDiscovery(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{Credentials: nextcloud.BasicAuth{User: "alice", Password: "alice-app-password"}})
	p, err := c.Principal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p != "/remote.php/dav/principals/users/alice/" {
		t.Errorf("principal %q", p)
	}
	before := fake.RequestCount()
	id, err := c.UserID(ctx)
	if err != nil || id != "alice" {
		t.Errorf("UserID = %q, %v", id, err)
	}
	if fake.RequestCount() != before {
		t.Error("the principal was discovered again instead of cached")
	}
}

// A server in a subdirectory: requests go below it, and hrefs the server
// returns with the subdirectory are made relative to the base again.
func TestSubdirectoryInstall(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := httptest.NewServer(http.StripPrefix("/nextcloud", fake.Handler()))
	defer ts.Close()
	c := clientFor(t, ts.URL+"/nextcloud/index.php/", nextcloud.Options{})
	u, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatalf("current user below /nextcloud: %v", err)
	}
	if u.ID != "admin" || !u.IsAdmin() {
		t.Errorf("user %+v", u)
	}
	if got := c.RelativeHref("/nextcloud/remote.php/dav/files/admin/a%20b.txt"); got != "/remote.php/dav/files/admin/a%20b.txt" {
		t.Errorf("RelativeHref = %q", got)
	}
	if got := c.RelativeHref(ts.URL + "/nextcloud/remote.php/dav/"); got != "/remote.php/dav/" {
		t.Errorf("RelativeHref(absolute) = %q", got)
	}
	if got := c.URL("/remote.php/dav/files/admin/a%20b.txt", nil).String(); got != ts.URL+"/nextcloud/remote.php/dav/files/admin/a%20b.txt" {
		t.Errorf("URL = %q", got)
	}
}

func TestCancellationStopsTheRequest(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/cloud/user", Delay: 10 * time.Second})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.CurrentUser(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancelled call took %v", d)
	}
	if fake.RequestCount() != 1 {
		t.Errorf("%d requests, a cancelled call must not be retried", fake.RequestCount())
	}
}

func TestTimeout(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.AddFault(ncfake.Fault{PathPrefix: "/ocs/v2.php/cloud/user", Delay: 10 * time.Second})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{Timeout: 100 * time.Millisecond})
	_, err := c.CurrentUser(context.Background())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want DeadlineExceeded", err)
	}
}

func TestBodySizeCap(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{MaxBody: 64})
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodGet, Path: "/status.php", API: nextcloud.APIAnon})
	if !errors.Is(err, nextcloud.ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
	if _, err := c.Capabilities(context.Background()); !errors.Is(err, nextcloud.ErrTooLarge) {
		t.Errorf("OCS through the cap: %v, want ErrTooLarge", err)
	}
	// Streaming with Do is not capped: the caller reads what it wants.
	resp, err := c.Do(context.Background(), &nextcloud.Request{Method: http.MethodGet, Path: "/status.php", API: nextcloud.APIAnon})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	big, err := nextcloud.ReadCapped(resp.Body, 1<<20)
	if err != nil || len(big) <= 64 {
		t.Errorf("streamed %d bytes, %v", len(big), err)
	}
}

func TestDotDotPathRefused(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{})
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodGet, Path: "/remote.php/dav/files/admin/../alice/x", API: nextcloud.APIDAV})
	if err == nil || !strings.Contains(err.Error(), "..") {
		t.Fatalf("err %v, want a refusal of '..'", err)
	}
	if fake.RequestCount() != 0 {
		t.Error("a '..' path reached the server")
	}
}

func TestCredentialsNeverPrinted(t *testing.T) {
	creds := nextcloud.BasicAuth{User: "admin", Password: "s3cr3t-sentinel"}
	for _, s := range []string{
		creds.String(), creds.GoString(),
		fmt.Sprintf("%v", creds), fmt.Sprintf("%+v", creds), fmt.Sprintf("%#v", creds),
	} {
		if strings.Contains(s, "s3cr3t-sentinel") {
			t.Errorf("password printed: %s", s)
		}
	}
}

func TestEscapedTraversalAndBadEscapesRefused(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := clientFor(t, ts.URL, nextcloud.Options{})
	for _, p := range []string{
		"/remote.php/dav/files/admin/%2e%2e/alice/x",
		"/remote.php/dav/files/admin/%2E%2E",
		"/ocs/v2.php/apps/spreed/api/v4/room/./participants",
		"/remote.php/dav/files/admin/100%zz",
	} {
		if _, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodGet, Path: p, API: nextcloud.APIDAV}); err == nil {
			t.Errorf("path %q was accepted", p)
		}
	}
	if n := fake.RequestCount(); n != 0 {
		t.Errorf("%d refused paths reached the server", n)
	}
	// A segment that merely contains dots, or an escaped slash, is a name, not a step.
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodGet, Path: "/remote.php/dav/files/admin/..notes%2Fa...txt", API: nextcloud.APIDAV})
	if nextcloud.StatusOf(err) != http.StatusNotFound || fake.RequestCount() != 1 {
		t.Errorf("a name with dots did not reach the server: %v", err)
	}
}
