package nextcloud_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestOCSDecodesDataAndSendsHeaders(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{})
	u, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "admin" || !u.IsAdmin() {
		t.Errorf("user %+v", u)
	}
	h := fake.Requests()[0].Header
	if h.Get("OCS-APIRequest") != "true" || h.Get("Accept") != "application/json" {
		t.Errorf("OCS headers missing: %v", h)
	}
}

// OCS v1 reports failures with HTTP 200 and the code only in meta (ocs/11).
func TestOCSv1FailureInsideHTTP200(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{})
	err := c.OCSv1(context.Background(), http.MethodGet, "/cloud/users/nosuchuser", nil, nil, nil)
	var ne *nextcloud.Error
	if !errors.As(err, &ne) {
		t.Fatalf("err %v, want *Error", err)
	}
	if ne.Status != http.StatusNotFound || ne.OCSStatus != 404 || ne.Message != "User does not exist" {
		t.Errorf("error %+v", ne)
	}
	if !errors.Is(err, nextcloud.ErrNotFound) {
		t.Error("not ErrNotFound")
	}
}

func TestOCS997IsUnauthorized(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{}, ncfake.Fault{PathPrefix: userPath, Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
		Body:   `{"ocs":{"meta":{"status":"failure","statuscode":997,"message":"Unauthorised"},"data":[]}}`})
	_, err := c.CurrentUser(context.Background())
	if !errors.Is(err, nextcloud.ErrUnauthorized) || nextcloud.StatusOf(err) != http.StatusUnauthorized {
		t.Fatalf("err %v, want ErrUnauthorized with status 401", err)
	}
}

// A wrong password gets an XML envelope even though JSON was asked for (ocs/12).
func TestOCSWrongPasswordXMLParsed(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{Credentials: nextcloud.BasicAuth{User: "alice", Password: "nope"}})
	_, err := c.CurrentUser(context.Background())
	var ne *nextcloud.Error
	if !errors.As(err, &ne) {
		t.Fatalf("err %v, want *Error", err)
	}
	if ne.Status != http.StatusUnauthorized || ne.OCSStatus != 997 || ne.Message != "Unauthorised" {
		t.Errorf("error %+v, want 401 / 997 / Unauthorised", ne)
	}
}

func TestOCSNoCredentials(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Retry: fastRetry()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CurrentUser(context.Background())
	var ne *nextcloud.Error
	if !errors.As(err, &ne) || ne.OCSStatus != 997 || ne.Message != "Current user is not logged in" {
		t.Fatalf("err %v, want the JSON 997 of ocs/15", err)
	}
}

func TestOCSNotAnEnvelope(t *testing.T) {
	_, c := retryFixture(t, nextcloud.Options{}, ncfake.Fault{PathPrefix: userPath, Status: http.StatusOK, Body: `<html>proxy login</html>`})
	_, err := c.CurrentUser(context.Background())
	if err == nil {
		t.Fatal("an HTML page was accepted as OCS")
	}
}

func TestCapabilitiesCached(t *testing.T) {
	fake, c := retryFixture(t, nextcloud.Options{})
	ctx := context.Background()
	caps, err := c.Capabilities(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Has("notes") || caps.Version.Major != 29 {
		t.Errorf("caps %+v", caps.Version)
	}
	var notes struct {
		APIVersion []string `json:"api_version"`
	}
	if !caps.App("notes", &notes) || len(notes.APIVersion) == 0 {
		t.Errorf("notes block %+v", notes)
	}
	if _, err := c.Capabilities(ctx); err != nil {
		t.Fatal(err)
	}
	if fake.RequestCount() != 1 {
		t.Errorf("%d requests, capabilities must be fetched once", fake.RequestCount())
	}
}
