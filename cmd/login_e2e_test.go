package cmd

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// startServeApp drives a.Run(args) over pipes like a desktop client.
func startServeApp(t *testing.T, a *App, args ...string) *stdioSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	a.In, a.Out, a.Err = inR, outW, stderr
	ctx, cancel := context.WithCancel(context.Background())
	s := &stdioSession{t: t, in: inW, out: bufio.NewReader(outR), stderr: stderr, done: make(chan int, 1), cancel: cancel}
	go func() {
		code := a.Run(ctx, args)
		outW.Close()
		s.done <- code
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
	})
	return s
}

// toolText is the text of a tools/call answer, failing on a JSON-RPC error.
func toolText(t *testing.T, m map[string]any) (string, bool) {
	t.Helper()
	if m["error"] != nil {
		t.Fatalf("JSON-RPC error: %v", m["error"])
	}
	res, _ := m["result"].(map[string]any)
	b, _ := json.Marshal(res)
	isErr, _ := res["isError"].(bool)
	return string(b), isErr
}

// TestFreshHomeStoredLoginServes is the whole stored-login path in a fresh
// HOME: a non-interactive login, then a bare `nextcloud-mcp` (no arguments,
// no secret anywhere in its environment) serves tools with that login. A
// sentinel app password must appear nowhere in plain text: not in the
// database files, the log, any command output or tool result.
func TestFreshHomeStoredLoginServes(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	w := newLoginWorld(t)
	const sentinel = "SENTINEL0app0password0c0ffee0d00d"
	w.fake.AddAppPassword("alice", sentinel)
	logFile := filepath.Join(t.TempDir(), "serve.log")
	// No NEXTCLOUD_MCP_CONFIG_DIR: the default user config dir under HOME.
	w.env = map[string]string{"NEXTCLOUD_MCP_LOG_FILE": logFile, "NEXTCLOUD_MCP_LOG_LEVEL": "debug"}
	cfgDir := filepath.Join(home, ".config", "nextcloud-mcp")
	w.dir = cfgDir
	var outputs strings.Builder
	record := func(code int, out, errOut string) (int, string, string) {
		fmt.Fprintf(&outputs, "%s\n%s\n", out, errOut)
		return code, out, errOut
	}

	code, out, errOut := record(w.run(sentinel+"\n", "login", w.ts.URL, "--user", "alice", "--app-password-stdin"))
	if code != 0 || !strings.Contains(out, "Logged in to "+w.ts.URL+" as Alice (alice)") {
		t.Fatalf("login: exit %d, %q %q", code, out, errOut)
	}
	for path, want := range map[string]os.FileMode{cfgDir: 0o700, filepath.Join(cfgDir, store.FileName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Fatalf("%s: %v, mode %o, want %o", path, err, fi.Mode().Perm(), want)
		}
	}

	for _, v := range w.env {
		if strings.Contains(v, sentinel) {
			t.Fatal("the test put the secret into the environment")
		}
	}
	a := w.app("", nil, nil)
	s := startServeApp(t, a) // a bare `nextcloud-mcp`
	s.initialize()
	s.send("tools/list", nil)
	list := s.recv()
	b, _ := json.Marshal(list)
	for _, name := range []string{"nc_notes_list_notes", "nc_auth_status", "nc_auth_login"} {
		if !strings.Contains(string(b), `"`+name+`"`) {
			t.Errorf("tools/list lacks %s", name)
		}
	}
	txt, isErr := toolText(t, s.callTool("nc_auth_status", map[string]any{}))
	fmt.Fprintln(&outputs, txt)
	if isErr || !strings.Contains(txt, `"signed_in":true`) || !strings.Contains(txt, `"login":"alice"`) {
		t.Fatalf("nc_auth_status: %s", txt)
	}
	txt, isErr = toolText(t, s.callTool("nc_notes_create_note", map[string]any{"title": "from stored login", "content": "hello"}))
	fmt.Fprintln(&outputs, txt)
	if isErr {
		t.Fatalf("a tool failed with the stored login: %s", txt)
	}
	txt, _ = toolText(t, s.callTool("nc_notes_list_notes", map[string]any{}))
	fmt.Fprintln(&outputs, txt)
	if !strings.Contains(txt, "from stored login") {
		t.Fatalf("list: %s", txt)
	}
	s.in.Close()
	if code := s.wait(); code != 0 {
		t.Fatalf("serve exit %d: %s", code, s.stderr.String())
	}
	fmt.Fprintln(&outputs, s.stderr.String())

	record(w.run("", "status"))
	record(w.run("", "status", "--json"))
	code, _, errOut = record(w.run("", "logout"))
	if code != 0 || w.fake.AppPasswordValid("alice", sentinel) {
		t.Fatalf("logout: %d %s", code, errOut)
	}

	if strings.Contains(outputs.String(), sentinel) {
		t.Fatal("the app password appeared in command output, tool results or stderr")
	}
	logBytes, err := os.ReadFile(logFile)
	if err != nil || len(logBytes) == 0 {
		t.Fatalf("log file: %v (%d bytes)", err, len(logBytes))
	}
	if strings.Contains(string(logBytes), sentinel) {
		t.Fatal("the app password appeared in the log")
	}
	entries, _ := os.ReadDir(cfgDir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(cfgDir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), sentinel) {
			t.Fatalf("the app password is in plain text in %s", e.Name())
		}
	}
}

// TestSentinelNeverStoredInPlainTextBeforeLogout checks the database files
// while the credential is stored (logout removes the row).
func TestSentinelNeverStoredInPlainTextBeforeLogout(t *testing.T) {
	w := newLoginWorld(t)
	const sentinel = "SENTINEL1app1password1feedface"
	w.fake.AddAppPassword("alice", sentinel)
	if code, _, errOut := w.run(sentinel, "login", w.ts.URL, "--user", "alice", "--app-password-stdin"); code != 0 {
		t.Fatal(errOut)
	}
	if w.secret("alice") != sentinel {
		t.Fatal("the sentinel is not what is stored")
	}
	entries, _ := os.ReadDir(w.dir)
	if len(entries) == 0 {
		t.Fatal("no database files")
	}
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(w.dir, e.Name()))
		if strings.Contains(string(data), sentinel) || strings.Contains(string(data), "SENTINEL1") {
			t.Fatalf("plain-text secret in %s", e.Name())
		}
	}
}
