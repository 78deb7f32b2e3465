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

func TestErrorIsMapsStatuses(t *testing.T) {
	cases := []struct {
		e    nextcloud.Error
		want error
	}{
		{nextcloud.Error{Status: 401}, nextcloud.ErrUnauthorized},
		{nextcloud.Error{Status: 200, OCSStatus: 997}, nextcloud.ErrUnauthorized},
		{nextcloud.Error{Status: 403}, nextcloud.ErrForbidden},
		{nextcloud.Error{Status: 404}, nextcloud.ErrNotFound},
		{nextcloud.Error{Status: 404, OCSStatus: 998}, nextcloud.ErrNotFound},
		{nextcloud.Error{Status: 409}, nextcloud.ErrConflict},
		{nextcloud.Error{Status: 412}, nextcloud.ErrPreconditionFailed},
		{nextcloud.Error{Status: 423}, nextcloud.ErrLocked},
		{nextcloud.Error{Status: 429}, nextcloud.ErrThrottled},
		{nextcloud.Error{Status: 507}, nextcloud.ErrInsufficientSpace},
	}
	all := []error{nextcloud.ErrUnauthorized, nextcloud.ErrForbidden, nextcloud.ErrNotFound, nextcloud.ErrConflict,
		nextcloud.ErrPreconditionFailed, nextcloud.ErrLocked, nextcloud.ErrThrottled, nextcloud.ErrInsufficientSpace}
	for _, c := range cases {
		for _, s := range all {
			if got := errors.Is(&c.e, s); got != (s == c.want) {
				t.Errorf("status %d/%d Is(%v) = %v", c.e.Status, c.e.OCSStatus, s, got)
			}
		}
	}
}

func TestSabreErrorParsed(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{})
	body := []byte(`<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:displayname/></d:prop></d:propfind>`)
	_, err := c.DAVRequest(context.Background(), "PROPFIND", "/remote.php/dav/principals/users/nobody/", "0", nil, body)
	var ne *nextcloud.Error
	if !errors.As(err, &ne) {
		t.Fatalf("err %v, want *Error", err)
	}
	if ne.Status != http.StatusNotFound || ne.Exception != `Sabre\DAV\Exception\NotFound` || !strings.Contains(ne.Message, "not found") {
		t.Errorf("error %+v", ne)
	}
}

func TestSabrePreconditionFailedKeepsETag(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{}, ncfake.Fault{Method: http.MethodPut, Status: http.StatusPreconditionFailed,
		Header: http.Header{"Etag": {`"abc123"`}, "Content-Type": {"application/xml; charset=utf-8"}},
		Body:   "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<d:error xmlns:d=\"DAV:\" xmlns:s=\"http://sabredav.org/ns\">\n  <s:exception>Sabre\\DAV\\Exception\\PreconditionFailed</s:exception>\n  <s:message>An If-Match header was specified, but none of the specified ETags matched.</s:message>\n  <s:header>If-Match</s:header>\n</d:error>\n"})
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodPut, Path: "/remote.php/dav/files/admin/a.txt", Body: []byte("x"), API: nextcloud.APIDAV})
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || !errors.Is(err, nextcloud.ErrPreconditionFailed) {
		t.Fatalf("err %v", err)
	}
	if ne.Exception != `Sabre\DAV\Exception\PreconditionFailed` || !strings.HasPrefix(ne.Message, "An If-Match header") || ne.ETag != `"abc123"` {
		t.Errorf("error %+v", ne)
	}
}

func TestErrorCarriesRetryAfterAndThrottleHint(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{},
		ncfake.Fault{Method: http.MethodPost, PathPrefix: "/a", Status: http.StatusTooManyRequests, Header: http.Header{"Retry-After": {"7"}}},
		ncfake.Fault{Method: http.MethodPost, PathPrefix: "/b", Status: http.StatusBadRequest, Header: http.Header{"X-Nextcloud-Bruteforce-Throttled": {"600ms"}}, Body: `{"error":""}`})
	_, _, err := c.Call(context.Background(), &nextcloud.Request{Method: http.MethodPost, Path: "/a", API: nextcloud.APIAnon})
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.RetryAfter != 7*time.Second || !errors.Is(err, nextcloud.ErrThrottled) {
		t.Errorf("429: %v (RetryAfter %v)", err, ne.RetryAfter)
	}
	_, _, err = c.Call(context.Background(), &nextcloud.Request{Method: http.MethodPost, Path: "/b", API: nextcloud.APIAnon})
	if !errors.As(err, &ne) || !strings.Contains(ne.Message, "brute-force") {
		t.Errorf("throttled 400: %v", err)
	}
}

// A failed login names neither the password nor the Authorization header.
func TestErrorNeverContainsPassword(t *testing.T) {
	const secret = "sentinel-Pa55word-never-shown"
	_, c := retryFixture(t, nextcloud.Options{Credentials: nextcloud.BasicAuth{User: "alice", Password: secret}})
	ctx := context.Background()
	var errs []error
	_, err := c.CurrentUser(ctx)
	errs = append(errs, err)
	_, err = c.ListNotes(ctx, nextcloud.NotesListOptions{})
	errs = append(errs, err)
	_, err = c.Principal(ctx)
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil {
			t.Fatal("a wrong password was accepted")
		}
		if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), "Basic ") {
			t.Errorf("error leaks the credential: %v", err)
		}
	}
}
