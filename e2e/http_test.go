package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/internal/oidctest"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// httpBackend is a fake Nextcloud (users admin and alice) and an OpenID
// provider whose users id1 and id2 sign in to them through exchanged tokens.
type httpBackend struct {
	fake *ncfake.Server
	nc   string
	idp  *oidctest.Provider
}

func newHTTPBackend(t testing.TB) *httpBackend {
	idp := oidctest.Start(t, oidctest.Options{})
	fake := ncfake.New(ncfake.Options{})
	fake.SetBearerValidator(idp.Validator(map[string]string{"id1": "admin", "id2": "alice"}, "nextcloud"))
	ts := httptest.NewServer(fake.Handler())
	t.Cleanup(ts.Close)
	return &httpBackend{fake: fake, nc: ts.URL, idp: idp}
}

// env is the environment of a server process in mode.
func (b *httpBackend) env(t testing.TB, mode string) []string {
	env := []string{
		"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"),
		"NEXTCLOUD_HOST=" + b.nc, "NEXTCLOUD_MCP_AUTH_MODE=" + mode,
		"NEXTCLOUD_MCP_CONFIG_DIR=" + filepath.Join(t.TempDir(), "never-created"),
		"NEXTCLOUD_MCP_RATE_LIMIT=0",
	}
	if mode == "token-exchange" {
		env = append(env, "NEXTCLOUD_MCP_OIDC_ISSUER="+b.idp.Issuer, "NEXTCLOUD_MCP_CLIENT_ID="+b.idp.ClientID,
			"NEXTCLOUD_MCP_CLIENT_SECRET="+b.idp.ClientSecret)
	}
	return env
}

// authorization is the header of user i (0: admin/id1, 1: alice/id2).
func (b *httpBackend) authorization(t testing.TB, mode string, i int) string {
	if mode == "token-exchange" {
		return "Bearer " + b.idp.AccessToken(t, b.idp.Users[i])
	}
	u := []string{"admin", "alice"}[i]
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(u+":"+u+"-app-password"))
}

// replica is one server process.
type replica struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
	exited chan error
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listenLine = regexp.MustCompile(`serving MCP over HTTP.* addr=(\S+)`)

// startReplica runs `serve --http 127.0.0.1:0` and waits until it listens.
func startReplica(t testing.TB, bin string, env []string, extra ...string) *replica {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--http", "127.0.0.1:0"}, extra...)...)
	cmd.Env = env
	pr, pw := io.Pipe()
	r := &replica{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = io.MultiWriter(pw, r.stderr)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.exited <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-r.exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listenLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case addr := <-found:
		r.url = "http://" + addr
	case err := <-r.exited:
		t.Fatalf("the server exited: %v\n%s", err, r.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("the server did not start listening:\n%s", r.stderr.String())
	}
	return r
}

// roundRobin spreads requests over the replicas in turn, as a load balancer
// without sticky sessions does, and counts what each one got.
type roundRobin struct {
	targets []*url.URL
	next    atomic.Int64
	hits    []atomic.Int64
}

func newRoundRobin(t testing.TB, replicas ...*replica) (*roundRobin, *httptest.Server) {
	rr := &roundRobin{hits: make([]atomic.Int64, len(replicas))}
	for _, r := range replicas {
		u, _ := url.Parse(r.url)
		rr.targets = append(rr.targets, u)
	}
	proxy := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			i := int(rr.next.Add(1)-1) % len(rr.targets)
			rr.hits[i].Add(1)
			pr.SetURL(rr.targets[i])
		},
		FlushInterval: -1,
		// A balancer keeps its connections to the replicas alive; the
		// default pool (two idle per host) would dial anew for most calls.
		Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024},
	}
	ts := httptest.NewServer(proxy)
	t.Cleanup(ts.Close)
	return rr, ts
}

type sdkSummary struct {
	SessionID   string         `json:"sessionId"`
	Server      map[string]any `json:"server"`
	ToolCount   int            `json:"toolCount"`
	AuthTools   []string       `json:"authTools"`
	CreateError bool           `json:"createError"`
	Errors      int            `json:"errors"`
	Titles      []string       `json:"titles"`
	Refused     bool           `json:"refused"`
	Code        *int           `json:"code"`
	Message     string         `json:"message"`
}

func runSDK(t *testing.T, node, mcpURL, authorization, title string, calls int) sdkSummary {
	t.Helper()
	cmd := exec.Command(node, "sdkclient/http.mjs", mcpURL, authorization, title, strconvItoa(calls))
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("sdk client: %v\n%s", err, stderr)
	}
	var s sdkSummary
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return s
}

func strconvItoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// TestHTTPSDKClientTwoReplicas: the official TypeScript SDK client, as two
// users in each mode, through a round-robin proxy over two server
// processes: every session spreads over both replicas and each user sees
// only their own notes.
func TestHTTPSDKClientTwoReplicas(t *testing.T) {
	node := requireSDK(t)
	bin := buildBinary(t)
	for _, mode := range []string{"basic", "token-exchange"} {
		t.Run(mode, func(t *testing.T) {
			b := newHTTPBackend(t)
			env := b.env(t, mode)
			r1, r2 := startReplica(t, bin, env), startReplica(t, bin, env)
			rr, proxy := newRoundRobin(t, r1, r2)

			for i, user := range []string{"admin", "alice"} {
				s := runSDK(t, node, proxy.URL+"/mcp", b.authorization(t, mode, i), "note of "+user, 6)
				if s.SessionID == "" || s.Server["name"] != "nextcloud-mcp" {
					t.Fatalf("%s: session %q, server %v", user, s.SessionID, s.Server)
				}
				if s.CreateError || s.Errors != 0 {
					t.Fatalf("%s: %d failed calls (create failed: %v)", user, s.Errors, s.CreateError)
				}
				if len(s.Titles) != 1 || s.Titles[0] != "note of "+user {
					t.Fatalf("%s sees %q", user, s.Titles)
				}
				if len(s.AuthTools) != 0 || s.ToolCount < 50 {
					t.Fatalf("%s: %d tools, auth tools %v", user, s.ToolCount, s.AuthTools)
				}
			}
			if rr.hits[0].Load() < 5 || rr.hits[1].Load() < 5 {
				t.Fatalf("the sessions did not spread over both replicas: %d and %d requests", rr.hits[0].Load(), rr.hits[1].Load())
			}
			if mode == "token-exchange" {
				// At most one exchange per user per replica.
				if n := b.idp.TokenCalls(oidctest.GrantExchange); n < 2 || n > 4 {
					t.Fatalf("%d exchanges for 2 users on 2 replicas", n)
				}
				// Without a token the SDK is told to sign in (401 with discovery).
				s := runSDK(t, node, proxy.URL+"/mcp", "-", "", 0)
				if !s.Refused || (s.Code != nil && *s.Code != 401) {
					t.Fatalf("without a token: %+v", s)
				}
			}
			for _, dir := range env {
				if p, ok := strings.CutPrefix(dir, "NEXTCLOUD_MCP_CONFIG_DIR="); ok {
					if _, err := os.Stat(p); err == nil {
						t.Fatal("HTTP mode created the credential store directory")
					}
				}
			}
		})
	}
}

// TestHTTPSIGTERMDrainsCallsInFlight: a call that is running when the
// process gets SIGTERM still gets its answer, and the process exits 0.
func TestHTTPSIGTERMDrainsCallsInFlight(t *testing.T) {
	bin := buildBinary(t)
	b := newHTTPBackend(t)
	r := startReplica(t, bin, b.env(t, "basic"))
	authz := b.authorization(t, "basic", 1)
	do := func(body, session string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, r.url+"/mcp", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", authz)
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
			req.Header.Set("Mcp-Protocol-Version", "2025-06-18")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	init := do(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, "")
	init.Body.Close()
	sid := init.Header.Get("Mcp-Session-Id")
	b.fake.AddFault(ncfake.Fault{PathPrefix: "/index.php/apps/notes", Delay: 1500 * time.Millisecond, Times: 1})
	answer := make(chan string, 1)
	go func() {
		resp := do(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"nc_notes_list_notes","arguments":{}}}`, sid)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		answer <- resp.Status + " " + string(body)
	}()
	// Signal only once the call is surely in flight at Nextcloud.
	deadline := time.Now().Add(10 * time.Second)
	for !slices.ContainsFunc(b.fake.Requests(), func(q ncfake.RecordedRequest) bool { return strings.HasPrefix(q.Path, "/index.php/apps/notes") }) {
		if time.Now().After(deadline) {
			t.Fatal("the call never reached Nextcloud")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := r.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-answer:
		if !strings.HasPrefix(got, "200") || !strings.Contains(got, `"notes"`) || strings.Contains(got, `"isError":true`) {
			t.Fatalf("the call in flight got %s", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the call in flight never got an answer")
	}
	select {
	case err := <-r.exited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, r.stderr.String())
		}
		r.exited <- nil
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not exit after draining")
	}
	if !strings.Contains(r.stderr.String(), "draining calls in flight") {
		t.Fatalf("no drain in the log:\n%s", r.stderr.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, r.url+"/healthz", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("still answering after exit")
	}
}
