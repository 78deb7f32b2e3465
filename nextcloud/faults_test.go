package nextcloud_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// The client against the network faults of ncfake (faults_modes.go). The
// MCP-level view of the same faults is tools.TestFaultTable.

func netFixture(t *testing.T, faults ...ncfake.NetFault) (*ncfake.Server, *nextcloud.Client) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	for _, f := range faults {
		fake.AddNetFault(f)
	}
	ts := fake.Start()
	t.Cleanup(ts.Close)
	return fake, clientFor(t, ts.URL, nextcloud.Options{})
}

func countMethod(fake *ncfake.Server, method, prefix string) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == method && strings.HasPrefix(r.Path, prefix) {
			n++
		}
	}
	return n
}

const notesPath = "/index.php/apps/notes/api/v1/notes"

// A read whose connection breaks in the middle of the body is sent again.
func TestReadRetriedAfterResetMidBody(t *testing.T) {
	fake, c := netFixture(t, ncfake.NetFault{Method: http.MethodGet, PathPrefix: notesPath, Times: 1, Kind: ncfake.NetResetMidBody})
	fake.AddNote("admin", "n", "some content to cut in half", "")
	if _, err := c.ListNotes(context.Background(), nextcloud.NotesListOptions{}); err != nil {
		t.Fatalf("reset mid-body once: %v", err)
	}
	if n := countMethod(fake, http.MethodGet, notesPath); n != 2 {
		t.Errorf("%d GETs, want 2", n)
	}
}

// A create whose answer is lost is not sent again, and the error says the
// connection broke on a request that was not a read.
func TestCreateNotRetriedAfterLostAnswer(t *testing.T) {
	for _, kind := range []ncfake.NetFaultKind{ncfake.NetResetMidBody, ncfake.NetResetBeforeHeaders} {
		fake, c := netFixture(t, ncfake.NetFault{Method: http.MethodPost, PathPrefix: notesPath, Times: 1, Kind: kind})
		_, err := c.CreateNote(context.Background(), nextcloud.NoteInput{Title: "once", Content: "x"})
		var re *nextcloud.RequestError
		if !errors.As(err, &re) || re.ReadOnly() {
			t.Fatalf("%v: err %v, want a RequestError of a write", kind, err)
		}
		if n := countMethod(fake, http.MethodPost, notesPath); n != 1 {
			t.Errorf("%v: %d POSTs, want 1", kind, n)
		}
	}
}

// A proxy's 502/504 is retried for a read only: the write may have reached
// Nextcloud behind the proxy.
func TestGatewayErrorsRetriedForReadsOnly(t *testing.T) {
	fake, c := netFixture(t,
		ncfake.NetFault{Method: http.MethodGet, PathPrefix: "/remote.php/dav/files/", Times: 1, Kind: ncfake.NetGateway, Status: http.StatusBadGateway},
		ncfake.NetFault{Method: http.MethodPut, PathPrefix: "/remote.php/dav/files/", Times: 1, Kind: ncfake.NetGateway, Status: http.StatusGatewayTimeout})
	ctx := context.Background()
	if err := fake.PutFile("admin", "/a.txt", []byte("a")); err != nil {
		t.Fatal(err)
	}
	fc, err := c.ReadFile(ctx, "/a.txt", nextcloud.ReadOptions{})
	if err != nil {
		t.Fatalf("502 once on a read: %v", err)
	}
	fc.Body.Close()
	_, err = c.WriteFile(ctx, "/b.txt", []byte("b"), nextcloud.WriteOptions{})
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.Status != http.StatusGatewayTimeout || ne.Page != "504 Gateway Timeout" {
		t.Fatalf("504 on a write: %v (%+v), want the 504 with the page's title", err, ne)
	}
	if n := countMethod(fake, http.MethodPut, "/remote.php/dav/files/"); n != 1 {
		t.Errorf("%d PUTs, want 1", n)
	}
}

// An HTML page where the API's answer belongs is ErrNotAPI, for OCS, for
// app REST and for DAV writes; a file's own content is never mistaken for one.
func TestHTMLPageInsteadOfAnswer(t *testing.T) {
	fake, c := netFixture(t, ncfake.NetFault{Kind: ncfake.NetProxyPage, PathPrefix: "/ocs/"},
		ncfake.NetFault{Kind: ncfake.NetProxyPage, PathPrefix: notesPath},
		ncfake.NetFault{Kind: ncfake.NetProxyPage, Method: http.MethodPut, PathPrefix: "/remote.php/dav/files/"})
	ctx := context.Background()
	if _, err := c.CurrentUser(ctx); !errors.Is(err, nextcloud.ErrNotAPI) || !strings.Contains(err.Error(), "Sign in to continue") {
		t.Errorf("OCS: %v", err)
	}
	if _, err := c.ListNotes(ctx, nextcloud.NotesListOptions{}); !errors.Is(err, nextcloud.ErrNotAPI) {
		t.Errorf("notes: %v", err)
	}
	if _, err := c.WriteFile(ctx, "/x.txt", []byte("x"), nextcloud.WriteOptions{}); !errors.Is(err, nextcloud.ErrNotAPI) {
		t.Errorf("PUT: %v", err)
	}
	page := []byte("<!DOCTYPE html><html><head><title>mine</title></head></html>")
	if err := fake.PutFile("admin", "/page.html", page); err != nil {
		t.Fatal(err)
	}
	fc, err := c.ReadFile(ctx, "/page.html", nextcloud.ReadOptions{})
	if err != nil {
		t.Fatalf("an HTML file is content, not a proxy page: %v", err)
	}
	fc.Body.Close()
}

// go-webdav's requests (contact queries) follow the same retry rules.
func TestLibraryRequestsRetried(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	c := newDAVClient(t, fake)
	ctx := context.Background()
	books, err := c.AddressBooks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fake.AddNetFault(ncfake.NetFault{Method: "REPORT", PathPrefix: books[0].Href, Times: 1, Kind: ncfake.NetGateway, Status: http.StatusServiceUnavailable})
	fake.AddNetFault(ncfake.NetFault{Method: "REPORT", PathPrefix: books[0].Href, Times: 1, Kind: ncfake.NetResetBeforeHeaders})
	if _, err := c.QueryContacts(ctx, books[0].Href, nextcloud.ContactQuery{}); err != nil {
		t.Fatalf("503 then a reset, then OK: %v", err)
	}
	if n := countMethod(fake, "REPORT", books[0].Href); n != 3 {
		t.Errorf("%d REPORTs, want 3", n)
	}
}

// A slow answer and a broken stream: cancelling ends the request at once,
// and a stream that breaks says so as a RequestError.
func TestCancelStopsAHeldRequest(t *testing.T) {
	fake, c := netFixture(t, ncfake.NetFault{PathPrefix: notesPath, Kind: ncfake.NetLatency, Latency: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(50 * time.Millisecond); cancel() }()
	start := time.Now()
	_, err := c.ListNotes(ctx, nextcloud.NotesListOptions{})
	if !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	deadline := time.Now().Add(time.Second)
	for fake.NetFaultCancellations() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if fake.NetFaultCancellations() != 1 {
		t.Error("the server never saw the request end")
	}
}

func TestBrokenStreamIsARequestError(t *testing.T) {
	fake, c := netFixture(t, ncfake.NetFault{Method: http.MethodGet, PathPrefix: "/remote.php/dav/files/", Kind: ncfake.NetResetMidBody})
	if err := fake.PutFile("admin", "/big.txt", []byte(strings.Repeat("x", 64<<10))); err != nil {
		t.Fatal(err)
	}
	fc, err := c.ReadFile(context.Background(), "/big.txt", nextcloud.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Body.Close()
	_, err = io.ReadAll(fc.Body)
	var re *nextcloud.RequestError
	if !errors.As(err, &re) || !re.ReadOnly() {
		t.Fatalf("broken download: %v, want a RequestError", err)
	}
}
