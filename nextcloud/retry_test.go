package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

const userPath = "/ocs/v2.php/cloud/user"

// retryFixture is a fake with one fault and a client with fast retries.
func retryFixture(t *testing.T, o nextcloud.Options, faults ...ncfake.Fault) (*ncfake.Server, *nextcloud.Client) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	for _, f := range faults {
		fake.AddFault(f)
	}
	ts := fake.Start()
	t.Cleanup(ts.Close)
	return fake, clientFor(t, ts.URL, o)
}

func TestRetry429HonoursRetryAfter(t *testing.T) {
	policy := nextcloud.RetryPolicy{MaxAttempts: 3, LockedMaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 3 * time.Second}
	fake, c := retryFixture(t, nextcloud.Options{Retry: policy},
		ncfake.Fault{Method: http.MethodGet, PathPrefix: userPath, Times: 1, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"1"}}})
	start := time.Now()
	u, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatalf("429 once then OK: %v", err)
	}
	if u.ID != "admin" {
		t.Errorf("user %q", u.ID)
	}
	if n := fake.RequestCount(); n != 2 {
		t.Errorf("%d requests, want 2", n)
	}
	// The backoff alone would wait a millisecond; Retry-After asked for a second.
	if d := time.Since(start); d < 900*time.Millisecond {
		t.Errorf("retried after %v, before the server's Retry-After of 1s", d)
	}
}

// A Retry-After beyond MaxDelay is not waited for, nor retried early: the
// 429 comes back at once, carrying the server's wait.
func TestRetryAfterBeyondCapIsNotRetried(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{Method: http.MethodGet, PathPrefix: userPath, Times: 1, Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"3600"}}})
	start := time.Now()
	_, err := c.CurrentUser(context.Background())
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.Status != http.StatusTooManyRequests || ne.RetryAfter != time.Hour {
		t.Fatalf("err %v, want the 429 with Retry-After 1h", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("waited %v", d)
	}
	if fake.RequestCount() != 1 {
		t.Errorf("%d requests, want 1", fake.RequestCount())
	}
}

func TestRetry503ThenGiveUp(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{PathPrefix: userPath, Times: 2, Status: http.StatusServiceUnavailable})
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatalf("503 twice then OK: %v", err)
	}
	if fake.RequestCount() != 3 {
		t.Errorf("%d requests, want 3", fake.RequestCount())
	}

	fake, c = retryFixture(t, nextcloud.Options{},
		ncfake.Fault{PathPrefix: userPath, Status: http.StatusServiceUnavailable})
	_, err := c.CurrentUser(context.Background())
	if nextcloud.StatusOf(err) != http.StatusServiceUnavailable {
		t.Fatalf("err %v, want the 503 after the budget", err)
	}
	if fake.RequestCount() != 3 {
		t.Errorf("%d requests, want MaxAttempts = 3", fake.RequestCount())
	}
}

func TestRetryDroppedConnectionForGET(t *testing.T) {
	// Without keep-alive the transport cannot retry by itself on a reused
	// connection, so the second request is the client's own retry.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	fake, c := retryFixture(t, nextcloud.Options{HTTPClient: hc},
		ncfake.Fault{Method: http.MethodGet, PathPrefix: userPath, Times: 1, Drop: true})
	if _, err := c.CurrentUser(context.Background()); err != nil {
		t.Fatalf("dropped once then OK: %v", err)
	}
	if fake.RequestCount() != 2 {
		t.Errorf("%d requests, want 2", fake.RequestCount())
	}
}

func TestPOSTNeverRetried(t *testing.T) {
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for name, f := range map[string]ncfake.Fault{
		"503":  {Method: http.MethodPost, Times: 1, Status: http.StatusServiceUnavailable},
		"429":  {Method: http.MethodPost, Times: 1, Status: http.StatusTooManyRequests},
		"drop": {Method: http.MethodPost, Times: 1, Drop: true},
	} {
		t.Run(name, func(t *testing.T) {
			fake, c := retryFixture(t, nextcloud.Options{HTTPClient: hc}, f)
			_, err := c.CreateNote(context.Background(), nextcloud.NoteInput{Title: "once"})
			if err == nil {
				t.Fatal("the failed POST reported success")
			}
			if n := fake.RequestCount(); n != 1 {
				t.Errorf("%d requests, a POST must be sent once", n)
			}
		})
	}
}

func Test401NeverRetried(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{Credentials: nextcloud.BasicAuth{User: "alice", Password: "wrong"}})
	_, err := c.CurrentUser(context.Background())
	if !errors.Is(err, nextcloud.ErrUnauthorized) {
		t.Fatalf("err %v, want ErrUnauthorized", err)
	}
	if n := fake.RequestCount(); n != 1 {
		t.Errorf("%d requests after a 401, want exactly 1 (retries feed brute-force throttling)", n)
	}
}

func TestLockedHasShortBudget(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{PathPrefix: "/remote.php/dav/", Status: http.StatusLocked,
			Body: `<?xml version="1.0" encoding="utf-8"?><d:error xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><s:exception>OCA\DAV\Connector\Sabre\Exception\FileLocked</s:exception><s:message>"a.txt" is locked</s:message></d:error>`})
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodGet, Path: "/remote.php/dav/files/admin/a.txt", API: nextcloud.APIDAV})
	if !errors.Is(err, nextcloud.ErrLocked) {
		t.Fatalf("err %v, want ErrLocked", err)
	}
	var ne *nextcloud.Error
	if errors.As(err, &ne) && !strings.Contains(ne.Message, "is locked") {
		t.Errorf("message %q", ne.Message)
	}
	if n := fake.RequestCount(); n != 2 {
		t.Errorf("%d requests, want LockedMaxAttempts = 2", n)
	}
}

func TestStreamedBodyNeverRetried(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{Method: http.MethodPut, Times: 1, Status: http.StatusServiceUnavailable})
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodPut, Path: "/remote.php/dav/files/admin/x.txt",
		BodyReader: strings.NewReader("stream"), API: nextcloud.APIDAV})
	if nextcloud.StatusOf(err) != http.StatusServiceUnavailable {
		t.Fatalf("err %v, want 503", err)
	}
	if fake.RequestCount() != 1 {
		t.Errorf("%d requests, a stream cannot be replayed", fake.RequestCount())
	}
}

// A retried PUT sends its body again: the note holds the new content.
func TestRetriedPUTResendsBody(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{Method: http.MethodPut, Times: 1, Status: http.StatusServiceUnavailable})
	id := fake.AddNote("admin", "n", "old", "")
	content := "new body"
	if _, err := c.UpdateNote(context.Background(), id, "", nextcloud.NoteChanges{Content: &content}); err != nil {
		t.Fatalf("update after one 503: %v", err)
	}
	if got, _ := fake.Note("admin", id); got != content {
		t.Errorf("content %q after the retry, want %q", got, content)
	}
}

// A connection that breaks mid-MOVE may have moved the file already; a retry
// would answer 404 or 412 for a move that worked. So it is not repeated,
// while a 503 (the server did not act) is.
func TestDroppedConnectionRetriesOnlyReads(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{Method: "MOVE", Times: 1, Drop: true})
	if err := fake.PutFile("admin", "/a.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	before := fake.RequestCount()
	if _, err := c.Move(context.Background(), "/a.txt", "/b.txt", false); err == nil {
		t.Fatal("a dropped MOVE must surface as an error, not be repeated")
	}
	moves := 0
	for _, r := range fake.Requests()[before:] {
		if r.Method == "MOVE" {
			moves++
		}
	}
	if moves != 1 {
		t.Fatalf("%d MOVE requests after a dropped connection, want 1", moves)
	}

	fake, c = retryFixture(t, nextcloud.Options{},
		ncfake.Fault{Method: "MOVE", Times: 1, Status: http.StatusServiceUnavailable})
	if err := fake.PutFile("admin", "/a.txt", []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Move(context.Background(), "/a.txt", "/b.txt", false); err != nil {
		t.Fatalf("MOVE after one 503: %v", err)
	}
}
