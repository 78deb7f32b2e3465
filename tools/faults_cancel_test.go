package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// stdioRig is the real stdio JSON-RPC server over pipes, with answers
// routed to their callers by id so calls can overlap.
type stdioRig struct {
	t       testing.TB
	in      io.Writer
	mu      sync.Mutex
	nextID  int
	waiting map[int]chan map[string]any
	// notifications the server sent, in order.
	notifications chan map[string]any
	// url is the fake's root.
	url string
	// initResult is the answer to initialize.
	initResult map[string]any
}

// newStdioRig serves the fake's demo user over stdio pipes; adjust changes
// the deps before the registry is built.
func newStdioRig(t testing.TB, fake *ncfake.Server, workers int, adjust ...func(*Deps)) *stdioRig {
	t.Helper()
	ts := fake.Start()
	t.Cleanup(ts.Close)
	f := auth.NewBasicFactory(ts.URL, ncfake.DemoUser, ncfake.DemoAppPassword, auth.ClientOptions{Version: "test"})
	d := &Deps{Factory: f}
	for _, a := range adjust {
		a(d)
	}
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	stdio := server.NewStdioServer(NewServer(reg, "test", "test"))
	reg.Prefetch(ctx)
	server.WithWorkerPoolSize(workers)(stdio)
	go func() { _ = stdio.Listen(ctx, inR, outW) }()
	t.Cleanup(func() { cancel(); inW.Close(); outW.Close() })
	rig := &stdioRig{t: t, in: inW, waiting: map[int]chan map[string]any{}, notifications: make(chan map[string]any, 64), url: ts.URL}
	go func() {
		rd := bufio.NewReader(outR)
		for {
			line, err := rd.ReadBytes('\n')
			if err != nil {
				return
			}
			var m map[string]any
			if json.Unmarshal(line, &m) != nil {
				continue
			}
			id, ok := m["id"].(float64)
			if !ok {
				select {
				case rig.notifications <- m:
				default:
				}
				continue
			}
			rig.mu.Lock()
			ch := rig.waiting[int(id)]
			delete(rig.waiting, int(id))
			rig.mu.Unlock()
			if ch != nil {
				ch <- m
			}
		}
	}()
	init := rig.send("initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "rig", "version": "1"}})
	rig.initResult, _ = rig.wait(init, 5*time.Second)["result"].(map[string]any)
	rig.notify("notifications/initialized", nil)
	return rig
}

// send writes a request and returns the channel its answer arrives on.
func (r *stdioRig) send(method string, params any) chan map[string]any {
	r.mu.Lock()
	r.nextID++
	id := r.nextID
	ch := make(chan map[string]any, 1)
	r.waiting[id] = ch
	r.mu.Unlock()
	r.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
	return ch
}

func (r *stdioRig) lastID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nextID
}

func (r *stdioRig) notify(method string, params any) {
	msg := map[string]any{"jsonrpc": "2.0", "method": method}
	if params != nil {
		msg["params"] = params
	}
	r.write(msg)
}

func (r *stdioRig) write(msg map[string]any) {
	b, _ := json.Marshal(msg)
	if _, err := r.in.Write(append(b, '\n')); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

func (r *stdioRig) wait(ch chan map[string]any, d time.Duration) map[string]any {
	r.t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(d):
		r.t.Fatalf("no answer within %v", d)
		return nil
	}
}

func (r *stdioRig) callTool(name string, args map[string]any) chan map[string]any {
	return r.send("tools/call", map[string]any{"name": name, "arguments": args})
}

func isToolError(m map[string]any) bool {
	res, _ := m["result"].(map[string]any)
	return res == nil || res["isError"] == true
}

// A call stuck on a slow Nextcloud does not hold up the others, and
// cancelling it ends its HTTP request at once.
func TestSlowCallCancelsAndOthersGoOn(t *testing.T) {
	fake := ncfake.NewDemo()
	fake.AddNetFault(ncfake.NetFault{Method: http.MethodGet, PathPrefix: "/index.php/apps/notes/", Times: 1, Kind: ncfake.NetLatency, Latency: time.Minute})
	rig := newStdioRig(t, fake, 4)

	slow := rig.callTool("nc_notes_list_notes", map[string]any{})
	slowID := rig.lastID()
	time.Sleep(100 * time.Millisecond)

	start := time.Now()
	for _, c := range []struct {
		tool string
		args map[string]any
	}{{"nc_deck_list_boards", nil}, {"nc_webdav_list_directory", map[string]any{"path": "/"}}, {"nc_sharing_list", nil}} {
		if m := rig.wait(rig.callTool(c.tool, c.args), 5*time.Second); isToolError(m) {
			t.Errorf("%s while another call hangs: %v", c.tool, m)
		}
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("three calls beside a stuck one took %v", d)
	}

	cancelled := time.Now()
	rig.notify("notifications/cancelled", map[string]any{"requestId": slowID, "reason": "user stopped it"})
	for fake.NetFaultCancellations() == 0 {
		if time.Since(cancelled) > 2*time.Second {
			t.Fatalf("the cancelled call's HTTP request was still open after %v", time.Since(cancelled))
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("cancellation reached Nextcloud after %v", time.Since(cancelled))
	select {
	case m := <-slow:
		t.Logf("the cancelled call answered: %v", m)
	default:
	}
	if m := rig.wait(rig.callTool("nc_notes_list_notes", map[string]any{}), 5*time.Second); isToolError(m) {
		t.Errorf("the next call after a cancellation failed: %v", m)
	}
}

// Under a fault on every request the server still answers each call with a
// result, in bounded time, while other calls overlap with it.
func TestConcurrentCallsUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a few seconds")
	}
	fake := ncfake.NewDemo()
	fake.AddNetFault(ncfake.NetFault{Kind: ncfake.NetLatency, Jitter: 200 * time.Millisecond})
	fake.AddNetFault(ncfake.NetFault{Kind: ncfake.NetGateway, Status: http.StatusServiceUnavailable, Times: 5})
	rig := newStdioRig(t, fake, 8)
	start := time.Now()
	var pending []chan map[string]any
	for i := range 24 {
		tool := []string{"nc_notes_list_notes", "nc_deck_list_boards", "nc_sharing_list", "nc_webdav_list_directory"}[i%4]
		args := map[string]any{}
		if tool == "nc_webdav_list_directory" {
			args["path"] = "/"
		}
		pending = append(pending, rig.callTool(tool, args))
	}
	for i, ch := range pending {
		m := rig.wait(ch, 30*time.Second)
		if _, ok := m["result"]; !ok {
			t.Errorf("call %d: no result: %v", i, m)
		}
	}
	t.Logf("24 overlapping calls under latency and 503s took %v", time.Since(start))
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("took %v", d)
	}
}
