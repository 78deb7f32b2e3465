package index

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// env is a fake Nextcloud, a client for admin and an index in a temp dir.
type env struct {
	t    *testing.T
	fake *ncfake.Server
	c    *nextcloud.Client
	ix   *Index
	dir  string
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	t.Cleanup(ts.Close)
	c, err := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		t.Fatal(err)
	}
	if o.Extractor == nil {
		o.Extractor = testExtractor(t)
	}
	dir := t.TempDir()
	ix, err := Open(context.Background(), dir, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return &env{t: t, fake: fake, c: c, ix: ix, dir: dir}
}

// testExtractor keeps the PDF engine's compiled code between tests and
// runs, so each test does not compile it again (slow under -race).
func testExtractor(t *testing.T) *extract.Extractor {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = t.TempDir()
	}
	x := extract.New(extract.Config{CacheDir: filepath.Join(dir, "nextcloud-mcp-test")})
	t.Cleanup(func() { _ = x.Close() })
	return x
}

// dav PUTs or DELETEs a DAV object through the client.
func (e *env) dav(method, path, body string) {
	e.t.Helper()
	r := &nextcloud.Request{Method: method, Path: path, API: nextcloud.APIDAV}
	if body != "" {
		ct := "text/calendar; charset=utf-8"
		if strings.Contains(body, "BEGIN:VCARD") {
			ct = "text/vcard; charset=utf-8"
		}
		r.Body = []byte(body)
		r.Header = http.Header{"Content-Type": {ct}}
	}
	if _, _, err := e.c.Call(context.Background(), r); err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
}

// taskList creates the task list at taskHome: a stock Nextcloud's
// "personal" calendar refuses VTODO, so tasks need a calendar of their own.
func (e *env) taskList() {
	e.t.Helper()
	if _, err := e.c.CreateCalendar(context.Background(), "tasks", nextcloud.NewCalendar{DisplayName: "Tasks", Components: []string{"VTODO"}}); err != nil {
		e.t.Fatal(err)
	}
}

// changeFile replaces a file's content the way our own client writes
// (X-OC-Mtime past the file's mtime), so the file gets a new etag even
// within the second of its last change, as on a real server.
func (e *env) changeFile(p, content string) {
	e.t.Helper()
	if _, err := e.c.WriteFile(context.Background(), p, []byte(content), nextcloud.WriteOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) putFile(p, content string) {
	e.t.Helper()
	if err := e.fake.PutFile("admin", p, []byte(content)); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) sync(sources ...string) *Report {
	e.t.Helper()
	rep, err := e.ix.Sync(context.Background(), e.c, SyncOptions{Sources: sources})
	if err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	if err := rep.Err(); err != nil {
		e.t.Fatalf("sync: %v", err)
	}
	return rep
}

func (e *env) search(q Query) []Hit {
	e.t.Helper()
	hits, err := e.ix.Search(context.Background(), q)
	if err != nil {
		e.t.Fatalf("search %q: %v", q.Text, err)
	}
	return hits
}

// keys returns app:key of each hit.
func keys(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.App+":"+h.Key)
	}
	return out
}

func hasKey(hits []Hit, app, key string) bool {
	for _, h := range hits {
		if h.App == app && h.Key == key {
			return true
		}
	}
	return false
}

func ics(uid, comp, summary, extra string) string {
	return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:" + comp + "\r\nUID:" + uid +
		"\r\nDTSTAMP:20261101T080000Z\r\nDTSTART:20261201T090000Z\r\nSUMMARY:" + summary + "\r\n" + extra + "END:" + comp + "\r\nEND:VCALENDAR\r\n"
}

func vcf(uid, fn, extra string) string {
	return "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:" + uid + "\r\nFN:" + fn + "\r\n" + extra + "END:VCARD\r\n"
}

func (e *env) count(source string) int {
	e.t.Helper()
	st, err := e.ix.Status(context.Background())
	if err != nil {
		e.t.Fatal(err)
	}
	for _, s := range st.Sources {
		if s.Name == source {
			return s.Docs
		}
	}
	return 0
}
