package nextcloud_test

import (
	"context"
	"errors"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestRevokeAppPassword(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	ctx := context.Background()
	fake.AddAppPassword("alice", "to-revoke")
	c, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "alice", Password: "to-revoke"}})
	if err := c.RevokeAppPassword(ctx); err != nil {
		t.Fatal(err)
	}
	if fake.AppPasswordRevocations() != 1 || fake.AppPasswordValid("alice", "to-revoke") {
		t.Fatal("the fake did not revoke the app password")
	}
	// The revoked password is dead at once.
	if _, err := c.CurrentUser(ctx); !errors.Is(err, nextcloud.ErrUnauthorized) {
		t.Fatalf("revoked password still works: %v", err)
	}
	// With the login password the server refuses: there is no app password in use.
	lc, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "alice", Password: "alice"}})
	if err := lc.RevokeAppPassword(ctx); !errors.Is(err, nextcloud.ErrNotAppPassword) {
		t.Fatalf("revoke with login password: %v", err)
	}
	if !fake.AppPasswordValid("alice", "alice-app-password") {
		t.Fatal("other app passwords must survive")
	}
}

func TestExchangeForAppPassword(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	ctx := context.Background()
	lc, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, UserAgent: "nextcloud-mcp on h", Credentials: nextcloud.BasicAuth{User: "alice", Password: "alice"}})
	pw, ok, err := lc.ExchangeForAppPassword(ctx)
	if err != nil || !ok || len(pw) != 72 || !fake.AppPasswordValid("alice", pw) || fake.DeviceName(pw) != "nextcloud-mcp on h" {
		t.Fatalf("exchange: ok=%v err=%v len=%d", ok, err, len(pw))
	}
	ac, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "alice", Password: pw}})
	if _, ok, err := ac.ExchangeForAppPassword(ctx); ok || err != nil {
		t.Fatalf("exchange with an app password: ok=%v err=%v; want not exchanged, no error", ok, err)
	}
}
