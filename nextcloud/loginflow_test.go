package nextcloud_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func anonClient(t *testing.T, base, ua string) *nextcloud.Client {
	t.Helper()
	c, err := nextcloud.New(nextcloud.Options{BaseURL: base, UserAgent: ua})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestLoginFlowEndToEnd(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	ctx := context.Background()
	c := anonClient(t, ts.URL, "nextcloud-mcp on testhost")
	flow, err := c.StartLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(flow.LoginURL, ts.URL+"/index.php/login/v2/flow/") || flow.PollURL != ts.URL+"/index.php/login/v2/poll" {
		t.Fatalf("flow URLs: %s %s", flow.LoginURL, flow.PollURL)
	}
	if d := time.Until(flow.Expires); d < 19*time.Minute || d > 21*time.Minute {
		t.Fatalf("expires in %v, want about 20 minutes", d)
	}
	if g, err := c.PollLoginFlow(ctx, flow); g != nil || err != nil {
		t.Fatalf("poll before grant = %v, %v; want nothing yet", g, err)
	}
	var polls atomic.Int32
	done := make(chan struct{})
	var grant *nextcloud.LoginGrant
	var werr error
	go func() {
		defer close(done)
		grant, werr = c.WaitLoginFlow(ctx, flow, 10*time.Millisecond, func() { polls.Add(1) })
	}()
	for polls.Load() < 3 {
		time.Sleep(5 * time.Millisecond)
	}
	pw := fake.GrantLogin(flow.LoginURL, "alice")
	if pw == "" {
		t.Fatal("fake did not grant")
	}
	<-done
	if werr != nil || grant.LoginName != "alice" || grant.AppPassword != pw || grant.Server != ts.URL {
		t.Fatalf("grant %v, %v", grant, werr)
	}
	if strings.Contains(grant.String(), pw) {
		t.Fatal("LoginGrant's String shows the app password")
	}
	if fake.DeviceName(pw) != "nextcloud-mcp on testhost" {
		t.Fatalf("device name %q: the User-Agent must name the app password", fake.DeviceName(pw))
	}
	// The grant is handed out exactly once.
	if g, err := c.PollLoginFlow(ctx, flow); g != nil || err != nil {
		t.Fatalf("second poll after success = %v, %v", g, err)
	}
	// And the app password works.
	ac, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "alice", Password: pw}})
	if u, err := ac.CurrentUser(ctx); err != nil || u.ID != "alice" {
		t.Fatalf("granted app password: %v %v", u, err)
	}
}

func TestLoginFlowExpiresAndCancels(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := anonClient(t, ts.URL, "ua")
	ctx := context.Background()

	flow, err := c.StartLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flow.Expires = time.Now().Add(80 * time.Millisecond)
	start := time.Now()
	_, err = c.WaitLoginFlow(ctx, flow, 10*time.Millisecond, nil)
	if !errors.Is(err, nextcloud.ErrLoginFlowExpired) {
		t.Fatalf("err = %v, want ErrLoginFlowExpired", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Fatal("expiry took far too long")
	}

	// A flow the server expired keeps answering "not yet": the client's own deadline ends it.
	flow2, _ := c.StartLoginFlow(ctx)
	fake.ExpireLoginFlows()
	fake.GrantLogin(flow2.LoginURL, "alice") // too late: the poll must not hand it out
	if g, err := c.PollLoginFlow(ctx, flow2); g != nil || err != nil {
		t.Fatalf("poll of an expired flow = %v, %v; want not found", g, err)
	}

	flow3, _ := c.StartLoginFlow(ctx)
	cctx, cancel := context.WithCancel(ctx)
	go func() { time.Sleep(30 * time.Millisecond); cancel() }()
	_, err = c.WaitLoginFlow(cctx, flow3, 10*time.Millisecond, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
}

func TestLoginFlowPollsThroughConfiguredOrigin(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	// The server believes it is reached at an internal host nobody can resolve.
	fake.SetLoginFlowOrigin("http://nextcloud.internal.invalid:8080")
	c := anonClient(t, ts.URL, "ua")
	ctx := context.Background()
	flow, err := c.StartLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(flow.PollURL, ts.URL+"/") || !strings.HasPrefix(flow.LoginURL, ts.URL+"/index.php/login/v2/flow/") {
		t.Fatalf("URLs not moved to the configured origin: %s %s", flow.PollURL, flow.LoginURL)
	}
	pw := fake.GrantLogin(flow.LoginURL, "admin")
	g, err := c.WaitLoginFlow(ctx, flow, 10*time.Millisecond, nil)
	if err != nil || g.AppPassword != pw {
		t.Fatalf("grant via configured origin: %v %v", g, err)
	}
}

func TestLoginFlowOnSubdirectoryInstall(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	mux := http.NewServeMux()
	mux.Handle("/nextcloud/", http.StripPrefix("/nextcloud", fake.Handler()))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	// The proxy strips /nextcloud, so the fake names URLs without it: the
	// client must keep the configured web root.
	fake.SetLoginFlowOrigin("https://internal.invalid")
	c := anonClient(t, ts.URL+"/nextcloud", "ua")
	flow, err := c.StartLoginFlow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(flow.LoginURL, ts.URL+"/nextcloud/index.php/login/v2/flow/") {
		t.Fatalf("login URL %s", flow.LoginURL)
	}
	pw := fake.GrantLogin(flow.LoginURL, "alice")
	g, err := c.WaitLoginFlow(context.Background(), flow, 10*time.Millisecond, nil)
	if err != nil || g.AppPassword != pw {
		t.Fatalf("grant: %v %v", g, err)
	}
}

func TestLoginFlowPollSurvivesTransientFailures(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c := anonClient(t, ts.URL, "ua")
	ctx := context.Background()
	flow, err := c.StartLoginFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fake.AddFault(ncfake.Fault{Method: http.MethodPost, PathPrefix: "/index.php/login/v2/poll", Times: 2, Status: http.StatusServiceUnavailable})
	pw := fake.GrantLogin(flow.LoginURL, "alice")
	g, err := c.WaitLoginFlow(ctx, flow, 5*time.Millisecond, nil)
	if err != nil || g.AppPassword != pw {
		t.Fatalf("grant after 503s: %v %v", g, err)
	}
}

func TestLoginFlowInitOnNonNextcloud(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	defer ts.Close()
	_, err := anonClient(t, ts.URL, "ua").StartLoginFlow(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Login Flow v2") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoginFlowNeverPrintsPollToken(t *testing.T) {
	const secret = "poll-token-sentinel-0123456789"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"poll":{"token":"` + secret + `","endpoint":"http://` + r.Host + `/index.php/login/v2/poll"},"login":"http://` + r.Host + `/index.php/login/v2/flow/login-token"}`))
	}))
	defer ts.Close()
	flow, err := anonClient(t, ts.URL, "test").StartLoginFlow(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{fmt.Sprintf("%v", flow), fmt.Sprintf("%+v", flow), fmt.Sprintf("%#v", flow), fmt.Sprintf("%+v", *flow), fmt.Sprint(*flow)} {
		if strings.Contains(s, secret) {
			t.Errorf("poll token printed: %s", s)
		}
	}
}
