package nextcloud_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// countPath counts the fake's requests to a path.
func countPath(fake *ncfake.Server, method, path string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == method && r.Path == path {
			n++
		}
	}
	return n
}

func TestSessionBasicAuthAloneGets412(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	for _, p := range []string{"/index.php/apps/mail/api/accounts", "/index.php/apps/collectives/_api"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+p, nil)
		req.SetBasicAuth("admin", "admin-app-password")
		req.Header.Set("OCS-APIRequest", "true")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusPreconditionFailed || string(body) != `{"message":"CSRF check failed"}` {
			t.Errorf("%s without a session: %d %s", p, resp.StatusCode, body)
		}
	}
}

func TestSessionOpensOnceAndIsShared(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	fake.AddMailAccount("admin", "Admin", "admin@example.test")
	c := dtClient(t, fake, "admin", "admin-app-password")
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Mail().Accounts(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Collectives().List(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countPath(fake, "GET", "/index.php/csrftoken"); n != 1 {
		t.Errorf("8 concurrent Mail calls and a Collectives call opened %d sessions, want 1", n)
	}
	for _, r := range fake.Requests() {
		if strings.HasPrefix(r.Path, "/index.php/apps/") && (r.Header.Get("requesttoken") == "" || r.Header.Get("Cookie") == "") {
			t.Errorf("%s %s went without the session", r.Method, r.Path)
		}
	}
}

func TestSessionRenewedOnceAfterExpiry(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	acc := fake.AddMailAccount("admin", "Admin", "admin@example.test")
	c := dtClient(t, fake, "admin", "admin-app-password")
	mail := c.Mail()
	if _, err := mail.Accounts(ctx); err != nil {
		t.Fatal(err)
	}
	fake.ExpireSessions()
	// A POST that creates something: refused for CSRF it did not run, so it
	// is sent again on the new session, and exactly one message is queued.
	out, err := mail.QueueMessage(ctx, nextcloud.MailOutgoingInput{AccountID: acc, Subject: "hi", Body: "x", To: []nextcloud.MailAddress{{Email: "bob@example.test"}}})
	if err != nil {
		t.Fatalf("call after the session expired: %v", err)
	}
	if out.ID == 0 {
		t.Fatalf("queued: %+v", out)
	}
	if n := countPath(fake, "GET", "/index.php/csrftoken"); n != 2 {
		t.Errorf("sessions opened: %d, want 2", n)
	}
	if n := countPath(fake, "POST", "/index.php/apps/mail/api/outbox"); n != 2 {
		t.Errorf("outbox POSTs: %d, want 2 (one refused by the CSRF check, one run)", n)
	}
	if err := mail.SendQueued(ctx, out.ID); err != nil {
		t.Fatal(err)
	}
}

func TestSessionWrongPasswordNotRetried(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	c := dtClient(t, fake, "admin", "wrong")
	_, err := c.Mail().Accounts(context.Background())
	if !errors.Is(err, nextcloud.ErrUnauthorized) {
		t.Fatalf("wrong password: %v", err)
	}
	if n := fake.RequestCount(); n != 1 {
		t.Errorf("a wrong password cost %d requests, want 1 (401 is never retried)", n)
	}
}

func TestSessionAppMissingIs404(t *testing.T) {
	fake := ncfake.New(ncfake.Options{Apps: []string{"files"}})
	c := dtClient(t, fake, "admin", "admin-app-password")
	_, err := c.Mail().Accounts(context.Background())
	if nextcloud.StatusOf(err) != http.StatusNotFound {
		t.Fatalf("Mail missing: %v", err)
	}
}

func TestSessionCancelledContext(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	c := dtClient(t, fake, "admin", "admin-app-password")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Mail().Accounts(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

// sentinelServer hands out a session whose token and cookie are sentinels,
// then refuses calls as configured, so tests can look for leaks.
func sentinelServer(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var opened atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/index.php/csrftoken" {
			opened.Add(1)
			http.SetCookie(w, &http.Cookie{Name: "ocsentinel", Value: "COOKIE-SENTINEL-7f3a", Path: "/"})
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"token":"TOKEN-SENTINEL-91c2"}`)
			return
		}
		if r.Header.Get("requesttoken") != "TOKEN-SENTINEL-91c2" || !strings.Contains(r.Header.Get("Cookie"), "COOKIE-SENTINEL-7f3a") {
			t.Errorf("request without the session: %v", r.Header)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts, &opened
}

func TestSessionSecretsNeverInErrors(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
	}{
		{http.StatusPreconditionFailed, `{"message":"CSRF check failed"}`},
		{http.StatusInternalServerError, `{"status":"error","message":"Server error","data":[],"code":0}`},
		{http.StatusBadRequest, `{"status":"fail","data":{"message":"Mailbox 1 does not exist","type":"OCA\\Mail\\Exception\\ClientException"}}`},
		{http.StatusNotFound, `"Circle not found"`},
	} {
		ts, opened := sentinelServer(t, tc.status, tc.body)
		c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: "PASSWORD-SENTINEL"}, Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Mail().Accounts(context.Background())
		if err == nil {
			t.Fatalf("HTTP %d: no error", tc.status)
		}
		for _, s := range []string{err.Error(), fmt.Sprintf("%v %+v %#v", c, c, c), fmt.Sprintf("%+v", err)} {
			for _, secret := range []string{"TOKEN-SENTINEL", "COOKIE-SENTINEL", "PASSWORD-SENTINEL"} {
				if strings.Contains(s, secret) {
					t.Errorf("HTTP %d: %s leaked in %q", tc.status, secret, s)
				}
			}
		}
		if tc.status == http.StatusPreconditionFailed {
			if !errors.Is(err, nextcloud.ErrCSRF) || opened.Load() != 2 {
				t.Errorf("CSRF twice: %v, sessions opened %d, want ErrCSRF after 2", err, opened.Load())
			}
			continue
		}
		if opened.Load() != 1 {
			t.Errorf("HTTP %d: sessions opened %d, want 1", tc.status, opened.Load())
		}
		var ne *nextcloud.Error
		if !errors.As(err, &ne) || ne.Message == "" {
			t.Errorf("HTTP %d: want an *Error with the app's message, got %v", tc.status, err)
		}
	}
}

func TestSessionFollowsRenewedCookie(t *testing.T) {
	var seen []string
	var mu sync.Mutex
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/index.php/csrftoken" {
			http.SetCookie(w, &http.Cookie{Name: "ocid", Value: "first", Path: "/"})
			fmt.Fprint(w, `{"token":"t"}`)
			return
		}
		mu.Lock()
		seen = append(seen, r.Header.Get("Cookie"))
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "ocid", Value: "second", Path: "/"})
		fmt.Fprint(w, `[]`)
	}))
	defer ts.Close()
	c, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "u", Password: "p"}, Version: "test"})
	for range 2 {
		if _, err := c.Mail().Accounts(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(seen) != 2 || seen[0] != "ocid=first" || seen[1] != "ocid=second" {
		t.Errorf("cookies sent: %q", seen)
	}
}
