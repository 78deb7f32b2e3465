package nextcloud_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// BenchmarkSessionCall measures a Mail call through the shared session
// against a plain OCS call to the same fake: the session layer's overhead.
func BenchmarkSessionCall(b *testing.B) {
	fake := ncfake.New(ncfake.Options{})
	fake.AddMailAccount("admin", "Admin", "admin@example.test")
	ts := fake.Start()
	defer ts.Close()
	c, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}, Version: "bench"})
	ctx := context.Background()
	b.Run("mail-accounts-session", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Mail().Accounts(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ocs-user", func(b *testing.B) {
		b.ReportAllocs()
		var out map[string]any
		for b.Loop() {
			if err := c.OCS(ctx, http.MethodGet, "/cloud/user", nil, nil, &out); err != nil {
				b.Fatal(err)
			}
		}
	})
}
