package cmd

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// What `webhooks` does on Nextcloud 31.0.6 with webhook_listeners 1.2.0, as
// recorded in webhooks-live/.

func presetRows(t *testing.T, e *webhookEnv) map[string]presetRow {
	t.Helper()
	var rows []presetRow
	if err := json.Unmarshal([]byte(e.mustRun("webhooks", "presets", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]presetRow{}
	for _, r := range rows {
		out[r.Name] = r
	}
	return out
}

// TestWebhooksPresetsOn31: calendar_sync works on 31.0.6; the rename
// caveat shows on 31 and not on 32; an admin without the app enabled and a
// non-admin hear why nothing is available.
func TestWebhooksPresetsOn31(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{Major: 31, Minor: 0, Micro: 6}, "admin")
	rows := presetRows(t, e)
	if r := rows["calendar_sync"]; !r.Supported || r.Reason != "available" {
		t.Fatalf("calendar_sync on 31.0.6: %+v", r)
	}
	if r := rows["files_sync"]; len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "nextcloud/server#53648") {
		t.Fatalf("files_sync warnings on 31.0.6: %+v", r.Warnings)
	}
	if out := e.mustRun("webhooks", "presets"); !strings.Contains(out, "warning: rename events may never be delivered") {
		t.Fatalf("presets text lacks the rename warning:\n%s", out)
	}
	out := e.mustRun("webhooks", "enable", "calendar_sync", "--uri", "https://h.example/cal")
	if !strings.Contains(out, "Enabled calendar_sync: 6 webhooks") {
		t.Fatalf("enable calendar_sync on 31.0.6:\n%s", out)
	}
	if out := e.mustRun("webhooks", "enable", "notes_sync", "--uri", "https://h.example/n"); !strings.Contains(out, "Warning: rename events") {
		t.Fatalf("enable notes_sync on 31 should warn about renames:\n%s", out)
	}

	e32 := newWebhookEnv(t, ncfake.Options{Major: 32}, "admin")
	if r := presetRows(t, e32)["files_sync"]; len(r.Warnings) != 0 {
		t.Fatalf("no rename caveat on 32: %+v", r.Warnings)
	}

	apps := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "webhook_listeners" })
	off := newWebhookEnv(t, ncfake.Options{Major: 31, Minor: 0, Micro: 6, Apps: apps}, "admin")
	for name, r := range presetRows(t, off) {
		if r.Supported || r.Reason != "app disabled: `occ app:enable webhook_listeners`" {
			t.Errorf("%s with the app disabled: %+v", name, r)
		}
	}
	alice := newWebhookEnv(t, ncfake.Options{Major: 31, Minor: 0, Micro: 6}, "alice")
	for name, r := range presetRows(t, alice) {
		if r.Supported || r.Reason != "admins only" {
			t.Errorf("%s for a non-admin: %+v", name, r)
		}
	}
}

// TestWebhooksUserFilterDelivers: --user-filter becomes an event filter on
// user.uid, so a change made over WebDAV with an app password is delivered,
// which the server's own userIdFilter would never do.
func TestWebhooksUserFilterDelivers(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{Major: 31, Minor: 0, Micro: 6}, "admin")
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/mine", "--user-filter", "admin")
	req := httptest.NewRequest(http.MethodPut, e.url+"/remote.php/dav/files/admin/new.txt", strings.NewReader("x"))
	req.RequestURI = ""
	req.SetBasicAuth("admin", "admin-app-password")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	resp.Body.Close()
	ds := e.fake.WebhookDeliveries()
	if len(ds) != 1 || ds[0].URI != "https://h.example/mine" {
		t.Fatalf("deliveries %v, want one for the user's own change", ds)
	}
	code, _, errOut := e.run("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/x",
		"--user-filter", "admin", "--filter", `{"user.uid":"alice"}`)
	if code != ExitUsage || !strings.Contains(errOut, "disagree") {
		t.Fatalf("conflicting user filters: exit %d %s", code, errOut)
	}
}

// TestWebhooksMessages: adopting nothing says so in words, a rejected
// password names the fix instead of "HTTP 401 (OCS 997): Unauthorised",
// and a short secret is refused with the 16-character minimum.
func TestWebhooksMessages(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{Major: 31, Minor: 0, Micro: 6}, "admin")
	out := e.mustRun("webhooks", "sync", "--adopt", "--uri", "https://nobody.example/x")
	if strings.Contains(out, "Adopted 0") || strings.Contains(out, ": -.") || !strings.Contains(out, "nothing was adopted") {
		t.Fatalf("adopting nothing:\n%s", out)
	}

	e.env["NEXTCLOUD_PASSWORD"] = "not-the-app-password"
	for _, args := range [][]string{{"webhooks", "list", "--remote"}, {"webhooks", "sync"}, {"webhooks", "enable", "files_sync", "--uri", "https://h.example/"}} {
		code, _, errOut := e.run(args...)
		if code != ExitAuth || strings.Contains(errOut, "Unauthorised") || strings.Contains(errOut, "OCS 997") || !strings.Contains(errOut, "nextcloud-mcp login") {
			t.Errorf("%v with a wrong password: exit %d %q", args, code, errOut)
		}
	}
	_, _, errOut := e.run("webhooks", "presets")
	if strings.Contains(errOut, "Unauthorised") || !strings.Contains(errOut, "rejected the credentials") {
		t.Errorf("presets with a wrong password: %q", errOut)
	}

	e.env["NEXTCLOUD_PASSWORD"] = "admin-app-password"
	short := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(short, []byte("fifteen-chars!!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := e.run("webhooks", "enable", "files_sync", "--uri", "https://h.example/", "--secret-file", short)
	if code != ExitUsage || !strings.Contains(errOut, "at least 16 characters") {
		t.Fatalf("short secret: exit %d %q", code, errOut)
	}
	if help := e.mustRun("webhooks", "--help"); !strings.Contains(help, "at least 16 characters") {
		t.Fatalf("webhooks --help does not document the secret minimum:\n%s", help)
	}
}
