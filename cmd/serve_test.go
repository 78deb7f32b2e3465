package cmd

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// stdioSession drives App.Run("serve"...) over pipes like a desktop client.
type stdioSession struct {
	t      *testing.T
	in     *io.PipeWriter
	out    *bufio.Reader
	stderr *syncBuffer
	done   chan int
	cancel context.CancelFunc
	nextID int
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServe(t *testing.T, env map[string]string, args ...string) *stdioSession {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	stderr := &syncBuffer{}
	if env == nil {
		env = map[string]string{}
	}
	if _, ok := env["NEXTCLOUD_MCP_CONFIG_DIR"]; !ok {
		env["NEXTCLOUD_MCP_CONFIG_DIR"] = t.TempDir()
	}
	a := &App{In: inR, Out: outW, Err: stderr, Getenv: envMap(env)}
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
		// The server writes in the config dir (the capability cache) until
		// it stops; the temp dir is removed after this.
		select {
		case code := <-s.done:
			s.done <- code
		case <-time.After(5 * time.Second):
		}
	})
	return s
}

func (s *stdioSession) send(method string, params any) int {
	s.t.Helper()
	s.nextID++
	msg := map[string]any{"jsonrpc": "2.0", "id": s.nextID, "method": method}
	if params != nil {
		msg["params"] = params
	}
	b, _ := json.Marshal(msg)
	if _, err := s.in.Write(append(b, '\n')); err != nil {
		s.t.Fatalf("write %s: %v", method, err)
	}
	return s.nextID
}

func (s *stdioSession) notify(method string) {
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": method})
	_, _ = s.in.Write(append(b, '\n'))
}

// recv reads the next stdout line and requires it to be a JSON-RPC message.
func (s *stdioSession) recv() map[string]any {
	s.t.Helper()
	type res struct {
		line string
		err  error
	}
	ch := make(chan res, 1)
	go func() {
		l, err := s.out.ReadString('\n')
		ch <- res{l, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			s.t.Fatalf("read stdout: %v (stderr: %s)", r.err, s.stderr.String())
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(r.line), &m); err != nil || m["jsonrpc"] != "2.0" {
			s.t.Fatalf("stdout carried a non-JSON-RPC line %q", r.line)
		}
		return m
	case <-time.After(10 * time.Second):
		s.t.Fatalf("no answer on stdout (stderr: %s)", s.stderr.String())
	}
	return nil
}

func (s *stdioSession) initialize() map[string]any {
	s.t.Helper()
	s.send("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "test", "version": "1"}})
	m := s.recv()
	s.notify("notifications/initialized")
	return m
}

func (s *stdioSession) callTool(name string, args map[string]any) map[string]any {
	s.t.Helper()
	id := s.send("tools/call", map[string]any{"name": name, "arguments": args})
	for {
		m := s.recv()
		if fmt.Sprint(m["id"]) == fmt.Sprint(id) {
			return m
		}
	}
}

func (s *stdioSession) wait() int {
	s.t.Helper()
	select {
	case code := <-s.done:
		return code
	case <-time.After(10 * time.Second):
		s.t.Fatal("serve did not stop")
	}
	return -1
}

func TestServeDemoInitializeAndStopOnEOF(t *testing.T) {
	s := startServe(t, nil, "serve", "--demo")
	m := s.initialize()
	result, _ := m["result"].(map[string]any)
	instr, _ := result["instructions"].(string)
	if !strings.Contains(instr, "DEMO") || !strings.Contains(instr, "etag") {
		t.Errorf("instructions must say demo and explain etags: %q", instr)
	}
	s.send("tools/list", nil)
	list := s.recv()
	tools, _ := list["result"].(map[string]any)["tools"].([]any)
	if len(tools) == 0 {
		t.Fatalf("demo lists no tools: %v", list)
	}
	s.in.Close() // EOF on stdin: a clean stop
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d after EOF; stderr: %s", code, s.stderr.String())
	}
	if !strings.Contains(strings.ToLower(s.stderr.String()), "demo") {
		t.Errorf("stderr does not say demo: %s", s.stderr.String())
	}
}

func TestBareCommandServesWithEnvCredentials(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	const sentinel = "SENTINEL-app-password-5f1c"
	fake.AddAppPassword("alice", sentinel)
	env := map[string]string{"NEXTCLOUD_HOST": ts.URL, "NEXTCLOUD_USERNAME": "alice", "NEXTCLOUD_PASSWORD": sentinel, "NEXTCLOUD_MCP_LOG_LEVEL": "debug"}
	s := startServe(t, env) // no arguments at all, as desktop clients start it
	s.initialize()
	s.send("resources/read", map[string]any{"uri": "nc://capabilities"})
	m := s.recv()
	if m["error"] != nil {
		t.Fatalf("capabilities resource failed: %v", m["error"])
	}
	s.cancel() // SIGTERM cancels the context
	if code := s.wait(); code != 0 {
		t.Fatalf("exit %d after cancel", code)
	}
	if strings.Contains(s.stderr.String(), sentinel) {
		t.Fatal("the app password appeared in the logs")
	}
}

func TestServeWrongPasswordIsToolErrorNotRetried(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	const sentinel = "SENTINEL-wrong-password-77a"
	env := map[string]string{"NEXTCLOUD_HOST": ts.URL, "NEXTCLOUD_USERNAME": "alice", "NEXTCLOUD_PASSWORD": sentinel}
	s := startServe(t, env, "serve")
	s.initialize()
	s.send("resources/read", map[string]any{"uri": "nc://capabilities"})
	m := s.recv()
	errObj, _ := m["error"].(map[string]any)
	msg, _ := errObj["message"].(string)
	if !strings.Contains(msg, "app password") || !strings.Contains(msg, "login") {
		t.Errorf("wrong password message should point to the app password and login: %q", msg)
	}
	if strings.Contains(msg, sentinel) || strings.Contains(s.stderr.String(), sentinel) {
		t.Fatal("the password leaked")
	}
	for _, r := range fake.Requests() {
		if r.Path == "/ocs/v2.php/cloud/capabilities" {
			continue
		}
		t.Errorf("unexpected request %s %s", r.Method, r.Path)
	}
}

func TestServeLogFileGetsJSONAndStdoutStaysClean(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "mcp.log")
	s := startServe(t, map[string]string{"NEXTCLOUD_MCP_LOG_FILE": logPath}, "serve", "--demo")
	s.initialize()
	s.in.Close()
	s.wait()
	b, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", l)
		}
	}
	if len(lines) < 2 {
		t.Errorf("expected startup log lines, got %q", b)
	}
}

func TestServeReadOnlyAndToolsetsFilter(t *testing.T) {
	s := startServe(t, nil, "serve", "--demo", "--read-only", "--toolsets", "notes,files")
	s.initialize()
	s.send("tools/list", nil)
	list := s.recv()
	tools, _ := list["result"].(map[string]any)["tools"].([]any)
	for _, raw := range tools {
		tool := raw.(map[string]any)
		name := tool["name"].(string)
		if !strings.HasPrefix(name, "nc_notes_") && !strings.HasPrefix(name, "nc_webdav_") {
			t.Errorf("--toolsets notes,files listed %s", name)
		}
		ann, _ := tool["annotations"].(map[string]any)
		if ann["readOnlyHint"] != true {
			t.Errorf("--read-only listed the write tool %s", name)
		}
	}
	s.in.Close()
	s.wait()
}

func TestServeUnknownToolsetIsUsageError(t *testing.T) {
	code, _, stderr, _ := runApp(t, nil, "", "serve", "--demo", "--toolsets", "nope")
	if code != ExitUsage || !strings.Contains(stderr, "nope") || !strings.Contains(stderr, "notes") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}

// The demo server carries sample data in every main app, reachable through
// the real stdio server.
func TestServeDemoHasSampleData(t *testing.T) {
	s := startServe(t, nil, "serve", "--demo")
	s.initialize()
	structured := func(name string, args map[string]any) map[string]any {
		t.Helper()
		m := s.callTool(name, args)
		res, _ := m["result"].(map[string]any)
		if res == nil || res["isError"] == true {
			t.Fatalf("%s failed: %v", name, m)
		}
		sc, _ := res["structuredContent"].(map[string]any)
		return sc
	}
	text := func(v any) string { b, _ := json.Marshal(v); return string(b) }

	notes := text(structured("nc_notes_list_notes", map[string]any{}))
	for _, want := range []string{"Shopping list", "Q3 planning", "Personal", "Work"} {
		if !strings.Contains(notes, want) {
			t.Errorf("demo notes lack %q: %s", want, notes)
		}
	}
	docs := text(structured("nc_webdav_list_directory", map[string]any{"path": "/Documents"}))
	if !strings.Contains(docs, "Welcome.md") || !strings.Contains(docs, "Projects") {
		t.Errorf("demo Documents: %s", docs)
	}
	start := time.Now().UTC().Format(time.RFC3339)
	end := time.Now().UTC().AddDate(0, 0, 8).Format(time.RFC3339)
	events := text(structured("nc_calendar_list_events", map[string]any{"start": start, "end": end}))
	if !strings.Contains(events, "Team stand-up") || !strings.Contains(events, "Quarterly review") {
		t.Errorf("demo events: %s", events)
	}
	contacts := text(structured("nc_contacts_search", map[string]any{"query": "Bob"}))
	if !strings.Contains(contacts, "Bob Builder") {
		t.Errorf("demo contacts: %s", contacts)
	}
	img := s.callTool("nc_webdav_read_file", map[string]any{"path": "/Photos/sunset.png"})
	if !strings.Contains(text(img), `"type":"image"`) {
		t.Errorf("demo image read did not return image content: %.300s", text(img))
	}
	s.in.Close()
	s.wait()
}
