package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// webhookEnv is a CLI environment signed in to a fake Nextcloud.
type webhookEnv struct {
	t    *testing.T
	fake *ncfake.Server
	url  string
	env  map[string]string
	dir  string
}

func newWebhookEnv(t *testing.T, o ncfake.Options, user string) *webhookEnv {
	t.Helper()
	if o.Major == 0 {
		o.Major = 32
	}
	if o.Apps == nil {
		o.Apps = append(ncfake.AllApps(), "forms")
	}
	fake := ncfake.New(o)
	ts := fake.Start()
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	return &webhookEnv{t: t, fake: fake, url: ts.URL, dir: dir, env: map[string]string{
		"NEXTCLOUD_HOST": ts.URL, "NEXTCLOUD_USERNAME": user, "NEXTCLOUD_PASSWORD": user + "-app-password", "NEXTCLOUD_MCP_CONFIG_DIR": dir,
	}}
}

func (e *webhookEnv) run(args ...string) (int, string, string) {
	e.t.Helper()
	code, out, errOut, _ := runApp(e.t, e.env, "", args...)
	return code, out, errOut
}

func (e *webhookEnv) mustRun(args ...string) string {
	e.t.Helper()
	code, out, errOut := e.run(args...)
	if code != 0 {
		e.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errOut)
	}
	return out
}

// records reads the store the way a later command would.
func (e *webhookEnv) records() []store.Webhook {
	e.t.Helper()
	s, err := store.Open(context.Background(), e.dir)
	if err != nil {
		e.t.Fatal(err)
	}
	defer s.Close()
	recs, err := s.Webhooks(context.Background(), "")
	if err != nil {
		e.t.Fatal(err)
	}
	return recs
}

func (e *webhookEnv) listJSON(args ...string) webhookListing {
	e.t.Helper()
	var l webhookListing
	out := e.mustRun(append([]string{"webhooks", "list", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		e.t.Fatalf("list --json: %v: %s", err, out)
	}
	return l
}

var secretLine = regexp.MustCompile(`(?m)^  ([A-Za-z0-9_-]{43})$`)

func TestWebhooksEnableListDisable(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	out := e.mustRun("webhooks", "enable", "notes_sync", "--uri", "https://hooks.example.org/nc")
	m := secretLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "Enabled notes_sync: 4 webhooks") {
		t.Fatalf("enable output lacks the summary or the generated secret:\n%s", out)
	}
	remote := e.fake.Webhooks()
	if len(remote) != 4 {
		t.Fatalf("%d remote webhooks, want 4", len(remote))
	}
	for _, w := range remote {
		if w.AuthMethod != nextcloud.WebhookAuthHeader || w.AuthData["Authorization"] != "Bearer "+m[1] || w.URI != "https://hooks.example.org/nc" {
			t.Fatalf("remote webhook %v does not carry the shown secret as Bearer header auth", w)
		}
	}
	recs := e.records()
	if len(recs) != 4 || recs[0].Preset != "notes_sync" || recs[0].Account != "admin@"+e.url || recs[0].CreatedAt.IsZero() {
		t.Fatalf("records %+v", recs)
	}

	before := e.fake.RequestCount()
	text := e.mustRun("webhooks", "list")
	l := e.listJSON()
	if n := e.fake.RequestCount() - before; n != 0 {
		t.Fatalf("webhooks list made %d HTTP requests, want none", n)
	}
	if !strings.Contains(text, "notes_sync") || !strings.Contains(text, nextcloud.EventNodeWritten) || strings.Count(text, "https://hooks.example.org/nc") != 4 {
		t.Fatalf("list output:\n%s", text)
	}
	if l.Remote || l.Account != "admin@"+e.url || len(l.Webhooks) != 4 || l.Webhooks[0].State != "" {
		t.Fatalf("list --json %+v", l)
	}

	code, _, errOut := e.run("webhooks", "enable", "notes_sync", "--uri", "https://hooks.example.org/nc")
	if code != ExitFailure || !strings.Contains(errOut, "already enabled") {
		t.Fatalf("second enable: exit %d, %s", code, errOut)
	}

	out = e.mustRun("webhooks", "disable", "notes_sync")
	if !strings.Contains(out, "removed 4 webhooks") || len(e.fake.Webhooks()) != 0 || len(e.records()) != 0 {
		t.Fatalf("disable left %d remote, %d local: %s", len(e.fake.Webhooks()), len(e.records()), out)
	}
	out = e.mustRun("webhooks", "disable", "notes_sync")
	if !strings.Contains(out, "not enabled") {
		t.Fatalf("disabling again: %s", out)
	}
}

func TestWebhooksEnableRollsBackWhenTheThirdFails(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	e.mustRun("webhooks", "enable", "tables_sync", "--uri", "https://hooks.example.org/t") // an unrelated preset stays
	e.fake.FailWebhookCreate(3, http.StatusInternalServerError, "An internal error occurred")

	code, _, errOut := e.run("webhooks", "enable", "files_sync", "--uri", "https://hooks.example.org/f")
	if code != ExitFailure {
		t.Fatalf("exit %d, want %d: %s", code, ExitFailure, errOut)
	}
	if !strings.Contains(errOut, "(3 of 5)") || !strings.Contains(errOut, "rolled back the 2 webhooks") {
		t.Fatalf("error does not say what failed and what was rolled back: %s", errOut)
	}
	for _, w := range e.fake.Webhooks() {
		if w.URI == "https://hooks.example.org/f" {
			t.Fatalf("remote webhook %v survived the rollback", w)
		}
	}
	for _, r := range e.records() {
		if r.Preset == "files_sync" {
			t.Fatalf("local record %+v survived the rollback", r)
		}
	}
	if len(e.fake.Webhooks()) != 3 || len(e.records()) != 3 {
		t.Fatalf("the other preset was touched: %d remote, %d local", len(e.fake.Webhooks()), len(e.records()))
	}
}

func TestWebhooksListRemoteMarksDrift(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://hooks.example.org/a")
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeDeleted, "--uri", "https://hooks.example.org/a")
	recs := e.records() // newest first
	kept, gone := recs[1].ID, recs[0].ID
	e.fake.RemoveWebhook(gone)
	foreign := e.fake.AddWebhook(ncfake.Webhook{UserID: "admin", HTTPMethod: "POST", URI: "https://other.example/", Event: nextcloud.EventNodeWritten})

	l := e.listJSON("--remote")
	states := map[int64]string{}
	for _, w := range l.Webhooks {
		states[w.ID] = w.State
	}
	want := map[int64]string{kept: tools.WebhookMatching, gone: tools.WebhookOnlyLocal, foreign: tools.WebhookOnlyRemote}
	if !l.Remote || len(states) != 3 || states[kept] != want[kept] || states[gone] != want[gone] || states[foreign] != want[foreign] {
		t.Fatalf("states %v, want %v", states, want)
	}
	text := e.mustRun("webhooks", "list", "--remote")
	if !strings.Contains(text, "1 matching, 1 only local, 1 only remote.") || !strings.Contains(text, "only_remote") {
		t.Fatalf("text:\n%s", text)
	}

	// sync forgets the gone one; --adopt records the foreign one.
	out := e.mustRun("webhooks", "sync")
	if !strings.Contains(out, "Forgot 1 record whose") || len(e.records()) != 1 {
		t.Fatalf("sync: %s; %d records", out, len(e.records()))
	}
	out = e.mustRun("webhooks", "sync", "--adopt", "--uri", "https://other.example/")
	recs = e.records()
	if !strings.Contains(out, "Adopted 1 webhook calling") || len(recs) != 2 || recs[0].ID != foreign || recs[0].Preset != "" {
		t.Fatalf("adopt: %s; %+v", out, recs)
	}
	for _, w := range e.listJSON("--remote").Webhooks {
		if w.State != tools.WebhookMatching {
			t.Fatalf("after sync: %+v", w)
		}
	}
	if code, _, _ := e.run("webhooks", "sync", "--adopt"); code != ExitUsage {
		t.Fatalf("--adopt without --uri: exit %d, want %d", code, ExitUsage)
	}
}

func TestWebhooksRegisterChecks(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown event", []string{"--event", `OCA\Mine\Event`, "--uri", "https://h.example/"}, ExitUsage, "--allow-unknown-event"},
		{"plain http", []string{"--event", nextcloud.EventNodeCreated, "--uri", "http://hooks.example.org/"}, ExitUsage, "use https"},
		{"credentials in uri", []string{"--event", nextcloud.EventNodeCreated, "--uri", "https://u:p@hooks.example.org/"}, ExitUsage, "must not carry a user"},
		{"relative uri", []string{"--event", nextcloud.EventNodeCreated, "--uri", "/hook"}, ExitUsage, "not an absolute URL"},
		{"filter not an object", []string{"--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/", "--filter", "[1]"}, ExitUsage, "--filter must be a JSON object"},
		{"unknown event allowed, refused by the server", []string{"--event", `OCA\Mine\Event`, "--uri", "https://h.example/", "--allow-unknown-event"}, ExitFailure, "is not an event class compatible with webhooks"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.fake.RequestCount()
			code, _, errOut := e.run(append([]string{"webhooks", "register"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d (%s), want %d with %q", code, errOut, tc.code, tc.want)
			}
			if tc.code == ExitUsage && e.fake.RequestCount() != before {
				t.Fatal("a usage error reached the server")
			}
		})
	}
	if len(e.fake.Webhooks()) != 0 || len(e.records()) != 0 {
		t.Fatal("a refused registration left something behind")
	}

	out := e.mustRun("webhooks", "register", "--event", `\`+nextcloud.EventTablesRowAdded, "--uri", "http://127.0.0.1:8099/hook",
		"--filter", `{"event.tableId": 42}`, "--user-filter", "alice")
	w := e.fake.Webhooks()
	// --user-filter becomes the event filter on user.uid (webhooks-live/: the
	// server's userIdFilter misses WebDAV changes made with app passwords).
	if len(w) != 1 || w[0].Event != nextcloud.EventTablesRowAdded || w[0].EventFilter["event.tableId"] != float64(42) || w[0].EventFilter["user.uid"] != "alice" ||
		w[0].UserIDFilter != "" || w[0].URI != "http://127.0.0.1:8099/hook" || !strings.Contains(out, "user.uid") {
		t.Fatalf("registered %+v (%s)", w, out)
	}
	if recs := e.records(); len(recs) != 1 || recs[0].Preset != "" || recs[0].ID != w[0].ID {
		t.Fatalf("records %+v", recs)
	}
}

func TestWebhooksDelete(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/")
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeWritten, "--uri", "https://h.example/")
	recs := e.records()
	foreign := e.fake.AddWebhook(ncfake.Webhook{HTTPMethod: "POST", URI: "https://x.example/", Event: nextcloud.EventNodeCreated})

	if out := e.mustRun("webhooks", "delete", idArg(recs[0].ID)); !strings.Contains(out, "Deleted webhook") {
		t.Fatal(out)
	}
	e.fake.RemoveWebhook(recs[1].ID)
	if out := e.mustRun("webhooks", "delete", idArg(recs[1].ID)); !strings.Contains(out, "already gone from the server") {
		t.Fatal(out)
	}
	if out := e.mustRun("webhooks", "delete", idArg(foreign)); !strings.Contains(out, "had not registered it") {
		t.Fatal(out)
	}
	if len(e.fake.Webhooks()) != 0 || len(e.records()) != 0 {
		t.Fatalf("left %v / %v", e.fake.Webhooks(), e.records())
	}
	if code, _, errOut := e.run("webhooks", "delete", "999"); code != ExitFailure || !strings.Contains(errOut, "no webhook 999") {
		t.Fatalf("unknown id: exit %d %s", code, errOut)
	}
	if code, _, _ := e.run("webhooks", "delete", "abc"); code != ExitUsage {
		t.Fatalf("bad id: exit %d", code)
	}
}

func idArg(id int64) string { return strconv.FormatInt(id, 10) }

// The delivery secret reaches Nextcloud and nowhere else: not the output
// (unless generated, then exactly once), not stderr, not the database files.
func TestWebhookSecretIsNeverStoredOrPrinted(t *testing.T) {
	const sentinel = "SENTINEL-delivery-secret-9b2e41"
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	e.env[webhookSecretEnv] = sentinel
	var all strings.Builder
	for _, args := range [][]string{
		{"webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/"},
		{"webhooks", "enable", "deck_sync", "--uri", "https://h.example/deck"},
		{"webhooks", "list"}, {"webhooks", "list", "--remote", "--json"}, {"webhooks", "presets"}, {"webhooks", "sync"},
	} {
		code, out, errOut := e.run(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		all.WriteString(out + errOut)
	}
	e.fake.FailWebhookCreate(2, http.StatusBadRequest, "bad")
	_, out, errOut := e.run("webhooks", "enable", "tables_sync", "--uri", "https://h.example/t")
	all.WriteString(out + errOut)

	if strings.Contains(all.String(), sentinel) {
		t.Fatal("the supplied delivery secret was printed")
	}
	assertNotInFiles(t, e.dir, sentinel)
	got := 0
	for _, w := range e.fake.Webhooks() {
		if w.AuthData["Authorization"] == "Bearer "+sentinel {
			got++
		}
	}
	if got != 4 {
		t.Fatalf("%d webhooks carry the supplied secret, want 4", got)
	}

	// A generated secret is shown exactly once and stored nowhere.
	delete(e.env, webhookSecretEnv)
	out = e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeWritten, "--uri", "https://h.example/")
	m := secretLine.FindStringSubmatch(out)
	if m == nil || strings.Count(out, m[1]) != 1 {
		t.Fatalf("generated secret not shown exactly once:\n%s", out)
	}
	assertNotInFiles(t, e.dir, m[1])
	if l := e.mustRun("webhooks", "list", "--remote"); strings.Contains(l, m[1]) {
		t.Fatal("list printed the generated secret")
	}
}

func assertNotInFiles(t *testing.T, dir, secret string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the delivery secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWebhookSecretFromFileOrStdin(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	file := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(file, []byte("file-secret-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/", "--secret-file", file)
	code, out, errOut, _ := runApp(t, e.env, "stdin-secret-0123456789\n", "webhooks", "register", "--event", nextcloud.EventNodeWritten, "--uri", "https://h.example/", "--secret-file", "-")
	if code != 0 {
		t.Fatalf("stdin secret: %d %s %s", code, out, errOut)
	}
	var got []string
	for _, w := range e.fake.Webhooks() {
		got = append(got, w.AuthData["Authorization"])
	}
	if !slices.Equal(got, []string{"Bearer file-secret-0123456789", "Bearer stdin-secret-0123456789"}) {
		t.Fatalf("auth data %v", got)
	}
	code, _, errOut, _ = runApp(t, e.env, "short\n", "webhooks", "register", "--event", nextcloud.EventNodeWritten, "--uri", "https://h.example/", "--secret-file", "-")
	if code != ExitUsage || !strings.Contains(errOut, "at least 16") {
		t.Fatalf("short secret: exit %d %s", code, errOut)
	}
}

func TestWebhooksNotAdminOrTooOld(t *testing.T) {
	noApp := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "webhook_listeners" })
	cases := []struct {
		name string
		opts ncfake.Options
		user string
		args []string
		code int
		want string
	}{
		{"non-admin register", ncfake.Options{}, "alice", []string{"register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/"}, ExitAuth, `"alice" is not a Nextcloud admin`},
		{"non-admin list --remote", ncfake.Options{}, "alice", []string{"list", "--remote"}, ExitAuth, "admin-only"},
		{"non-admin enable", ncfake.Options{}, "alice", []string{"enable", "files_sync", "--uri", "https://h.example/"}, ExitAuth, "admin-only"},
		{"nextcloud 29 register", ncfake.Options{Major: 29, Apps: noApp}, "admin", []string{"register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/"}, ExitFailure, "webhooks need Nextcloud 30 or newer"},
		{"nextcloud 29 list --remote", ncfake.Options{Major: 29, Apps: noApp}, "admin", []string{"list", "--remote"}, ExitFailure, "webhooks need Nextcloud 30 or newer"},
		{"nextcloud 29 enable", ncfake.Options{Major: 29, Apps: noApp}, "admin", []string{"enable", "files_sync", "--uri", "https://h.example/"}, ExitFailure, "needs Nextcloud 30+"},
		{"app disabled on 31", ncfake.Options{Major: 31, Apps: noApp}, "admin", []string{"register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/"}, ExitFailure, "occ app:enable webhook_listeners"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newWebhookEnv(t, tc.opts, tc.user)
			code, _, errOut := e.run(append([]string{"webhooks"}, tc.args...)...)
			if code != tc.code || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %d with %q", code, errOut, tc.code, tc.want)
			}
			if len(e.records()) != 0 {
				t.Fatal("a refused command left a record")
			}
		})
	}
}

func TestWebhooksPresets(t *testing.T) {
	apps := slices.DeleteFunc(ncfake.AllApps(), func(a string) bool { return a == "deck" })
	e := newWebhookEnv(t, ncfake.Options{Major: 31, Apps: apps}, "admin")
	e.mustRun("webhooks", "enable", "notes_sync", "--uri", "https://h.example/")
	out := e.mustRun("webhooks", "presets")
	for _, want := range []string{"notes_sync", "calendar_sync", "tables_sync", "files_sync", "deck_sync", "forms_sync",
		"the deck app is not installed", "needs Nextcloud 31.0.2+, the server runs 31.0.0", "yes (4 webhooks)", nextcloud.EventTablesRowAdded, `"event.node.path"`} {
		if !strings.Contains(out, want) {
			t.Errorf("presets output lacks %q:\n%s", want, out)
		}
	}
	var rows []presetRow
	if err := json.Unmarshal([]byte(e.mustRun("webhooks", "presets", "--json")), &rows); err != nil || len(rows) != 6 {
		t.Fatalf("presets --json: %v %d", err, len(rows))
	}
	byName := map[string]presetRow{}
	for _, r := range rows {
		byName[r.Name] = r
	}
	if !byName["files_sync"].Supported || byName["deck_sync"].Supported || byName["notes_sync"].Enabled != 4 {
		t.Fatalf("rows %+v", byName)
	}
	code, _, errOut := e.run("webhooks", "enable", "deck_sync", "--uri", "https://h.example/")
	if code != ExitFailure || !strings.Contains(errOut, "deck app is not installed") {
		t.Fatalf("enable an unsupported preset: exit %d %s", code, errOut)
	}
	if code, _, errOut := e.run("webhooks", "enable", "mail_sync", "--uri", "https://h.example/"); code != ExitUsage || !strings.Contains(errOut, "choose from") {
		t.Fatalf("unknown preset: exit %d %s", code, errOut)
	}
}

func TestWebhooksWithoutCredentials(t *testing.T) {
	e := newWebhookEnv(t, ncfake.Options{}, "admin")
	e.mustRun("webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/")
	delete(e.env, "NEXTCLOUD_USERNAME")
	delete(e.env, "NEXTCLOUD_PASSWORD")

	out := e.mustRun("webhooks", "list")
	if !strings.Contains(out, "ACCOUNT") || !strings.Contains(out, "admin@"+e.url) {
		t.Fatalf("list without a signed-in account should show every account:\n%s", out)
	}
	code, out, errOut := e.run("webhooks", "presets")
	if code != 0 || !strings.Contains(out, "not checked") || !strings.Contains(errOut, "Availability is not checked") {
		t.Fatalf("presets offline: exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ := e.run("webhooks", "list", "--remote"); code != ExitAuth {
		t.Fatalf("list --remote without credentials: exit %d, want %d", code, ExitAuth)
	}
}

// With a stored login, `list` needs neither the network nor the key that
// opens the stored password: it names the account from the store alone.
func TestWebhooksListWithStoredLoginNeedsNoKeyOrNetwork(t *testing.T) {
	w := newLoginWorld(t)
	w.loginWithBrowser("admin")
	if code, out, errOut := w.run("", "webhooks", "register", "--event", nextcloud.EventNodeCreated, "--uri", "https://h.example/"); code != 0 {
		t.Fatalf("register with the stored login: exit %d %s %s", code, out, errOut)
	}
	w.keys.fail = errors.New("keyring locked")
	before := w.fake.RequestCount()
	code, out, errOut := w.run("", "webhooks", "list")
	if code != 0 || !strings.Contains(out, "for admin@"+w.ts.URL) || !strings.Contains(out, nextcloud.EventNodeCreated) {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := w.fake.RequestCount() - before; n != 0 {
		t.Fatalf("list made %d requests", n)
	}
}
