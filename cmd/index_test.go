package cmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/index"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// isolateCache points os.UserCacheDir at a temp dir for this test.
func isolateCache(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir)
	t.Setenv("HOME", dir)
	base, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return base
}

func TestIndexCommands(t *testing.T) {
	base := isolateCache(t)
	e := newWebhookEnv(t, ncfake.Options{Major: 29}, "admin")
	e.fake.AddNote("admin", "Invoice", "the penalty clause of the vendor", "")
	_ = e.fake.PutFile("admin", "/Documents/a.txt", []byte("alpha bravo"))
	_ = e.fake.PutFile("admin", "/Documents/pic.png", []byte("\x89PNG"))

	out := e.mustRun("index")
	if !strings.Contains(out, "No folder is chosen") || !strings.Contains(out, "notes") || !strings.Contains(out, "Index up to date") {
		t.Errorf("first sync output:\n%s", out)
	}
	if code, _, errOut := e.run("index", "add", "Nope"); code != ExitUsage || !strings.Contains(errOut, "no folder /Nope") {
		t.Errorf("add missing folder: %d %s", code, errOut)
	}
	if out := e.mustRun("index", "add", "Documents"); !strings.Contains(out, "Added /Documents") {
		t.Errorf("add: %s", out)
	}
	if out := e.mustRun("index", "add", "/Documents/"); !strings.Contains(out, "already indexed") {
		t.Errorf("add twice: %s", out)
	}
	out = e.mustRun("index")
	if !strings.Contains(out, "files") || !strings.Contains(out, "1 added") || !strings.Contains(out, "1 skipped") {
		t.Errorf("sync with a folder:\n%s", out)
	}
	out = e.mustRun("index", "status")
	for _, want := range []string{"Folders:   /Documents", "files 1", "notes 1", "no_text", "/Documents/pic.png", "up to date as of"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// The file sits where the docs say, private.
	dirs, _ := filepath.Glob(filepath.Join(base, "nextcloud-mcp", "index", "*", index.FileName))
	if len(dirs) != 1 {
		t.Fatalf("index files: %v", dirs)
	}
	if fi, _ := os.Stat(dirs[0]); fi.Mode().Perm() != 0o600 {
		t.Errorf("index file mode %v", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Dir(dirs[0])); fi.Mode().Perm() != 0o700 {
		t.Errorf("index dir mode %v", fi.Mode().Perm())
	}
	if out := e.mustRun("index", "remove", "Documents"); !strings.Contains(out, "its 1 files") {
		t.Errorf("remove: %s", out)
	}
	if code, _, errOut := e.run("index", "remove", "Documents"); code != ExitUsage || !strings.Contains(errOut, "not indexed") {
		t.Errorf("remove twice: %d %s", code, errOut)
	}
	if out := e.mustRun("index", "clear"); !strings.Contains(out, "Deleted the index") {
		t.Errorf("clear: %s", out)
	}
	if _, err := os.Stat(dirs[0]); !os.IsNotExist(err) {
		t.Errorf("index file still there after clear: %v", err)
	}
	if out := e.mustRun("index", "clear"); !strings.Contains(out, "nothing to delete") {
		t.Errorf("clear twice: %s", out)
	}

	e.env["NEXTCLOUD_MCP_INDEX"] = "off"
	if code, _, errOut := e.run("index"); code != ExitUsage || !strings.Contains(errOut, "turned off") {
		t.Errorf("index with NEXTCLOUD_MCP_INDEX=off: %d %s", code, errOut)
	}
	e.env["NEXTCLOUD_MCP_INDEX"] = "maybe"
	if code, _, errOut := e.run("index", "status"); code != ExitUsage || !strings.Contains(errOut, "use on or off") {
		t.Errorf("bad NEXTCLOUD_MCP_INDEX: %d %s", code, errOut)
	}
}

// TestServeDemoSearchesContentOutOfTheBox: serve --demo indexes its sample
// data by itself (issue 12 item 6). The first search answers within the
// freshness bound, possibly marked incomplete while the sample documents
// are still read (the first PDF compiles the engine); asked again, the
// search finds notes and file content.
func TestServeDemoSearchesContentOutOfTheBox(t *testing.T) {
	isolateCache(t)
	s := startServe(t, nil, "serve", "--demo")
	s.initialize()
	search := func(q string) map[string]any {
		t.Helper()
		m := s.callTool("nc_search_content", map[string]any{"query": q})
		res, _ := m["result"].(map[string]any)
		if res == nil || res["isError"] == true {
			t.Fatalf("search %q failed: %v", q, m)
		}
		sc, _ := res["structuredContent"].(map[string]any)
		if sc == nil {
			t.Fatalf("search %q: no structured content: %v", q, res)
		}
		return sc
	}
	start := time.Now()
	first := search("offline mode")
	took := time.Since(start)
	_, hasHits := first["hits"].([]any)
	_, hasPending := first["sources_pending"].([]any)
	if _, ok := first["incomplete"].(bool); !ok || !hasHits || !hasPending || first["via"] != "index" {
		t.Fatalf("first answer: %v", first)
	}
	if took > 10*time.Second {
		t.Errorf("the first search took %v: it should answer within the freshness bound and go on in the background", took)
	}
	t.Logf("first answer after %v: incomplete=%v, %d hits, note %q", took, first["incomplete"], len(first["hits"].([]any)), first["note"])

	deadline := time.Now().Add(2 * time.Minute)
	sc := first
	for sc["incomplete"] == true {
		if time.Now().After(deadline) {
			t.Fatalf("the demo index was still incomplete after 2 minutes: %v", sc)
		}
		time.Sleep(250 * time.Millisecond)
		sc = search("offline mode")
	}
	if hits, _ := sc["hits"].([]any); len(hits) == 0 || !strings.Contains(hitTitle(hits[0]), "roadmap.txt") {
		t.Errorf("demo file search: %v", sc)
	}
	// The sample book of that title ranks first, the note beside it.
	if hits, _ := search("lighthouse keeper")["hits"].([]any); !anyHitTitled(hits, "Book ideas") || !anyHitTitled(hits, "The Lighthouse Keeper.epub") {
		t.Errorf("demo note and book search: %v", hits)
	}
	// The sample PDF is read too.
	if hits, _ := search("quarterly")["hits"].([]any); !anyHitTitled(hits, "Q3 report.pdf") {
		t.Errorf("demo PDF search: %v", hits)
	}
}

func anyHitTitled(hits []any, title string) bool {
	for _, h := range hits {
		if hitTitle(h) == title {
			return true
		}
	}
	return false
}

func hitTitle(h any) string {
	m, _ := h.(map[string]any)
	s, _ := m["title"].(string)
	return s
}

func TestServeNoIndexHidesContentSearch(t *testing.T) {
	s := startServe(t, nil, "serve", "--demo", "--no-index")
	s.initialize()
	m := s.callTool("nc_search_content", map[string]any{"query": "x"})
	if _, ok := m["error"]; !ok {
		if res, _ := m["result"].(map[string]any); res == nil || res["isError"] != true {
			t.Errorf("nc_search_content answered with the index off: %v", m)
		}
	}
}

func TestLogoutDeletesIndex(t *testing.T) {
	base := isolateCache(t)
	w := newLoginWorld(t)
	plant := func() string {
		dir := index.AccountDir(base, w.ts.URL, "alice")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, index.FileName), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	w.loginWithBrowser("alice")
	dir := plant()
	code, out, errOut := w.run("", "logout", "--keep-remote")
	if code != 0 || !strings.Contains(out, "is kept in") {
		t.Fatalf("logout: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("plain logout without a terminal deleted the index: %v", err)
	}
	w.loginWithBrowser("alice")
	code, out, errOut = w.run("", "logout", "--keep-remote", "--delete-index")
	if code != 0 || !strings.Contains(out, "Deleted the local search index of alice") {
		t.Fatalf("logout --delete-index: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("--delete-index left the index: %v", err)
	}
	w.loginWithBrowser("alice")
	dir = plant()
	code, out, errOut = w.run("", "logout", "--keep-remote", "--all")
	if code != 0 || !strings.Contains(out, "Deleted every local search index") {
		t.Fatalf("logout --all: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("logout --all left the index: %v", err)
	}
}

// TestSyncPrinterTerminal drives the progress bars as a terminal sees them.
func TestSyncPrinterTerminal(t *testing.T) {
	var b strings.Builder
	p := &syncPrinter{w: &b, tty: true}
	p.update(index.Progress{Source: "notes"})
	p.update(index.Progress{Source: "notes", Done: 3, Total: 10, Bytes: 2048})
	p.update(index.Progress{Source: "notes", Done: 10, Total: 10, Bytes: 4096, Finished: true, Report: &index.SourceReport{Name: "notes", Added: 10, Bytes: 4096}})
	p.update(index.Progress{Source: "files", Done: 1, Total: 0})
	p.update(index.Progress{Source: "files", Finished: true, Report: &index.SourceReport{Name: "files"}})
	p.close()
	out := b.String()
	for _, want := range []string{"notes", "10 added", "4.0 KB of text", "files     unchanged"} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
}
