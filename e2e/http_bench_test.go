package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/internal/oidctest"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// BenchmarkHTTPMode reports figures, not pass/fail: concurrent MCP sessions
// each making sequential tool calls (nc_notes_list_notes) through HTTP mode
// against the fake, with one server process and with two behind a
// round-robin proxy, in both auth modes. Each run first makes the same
// Nextcloud request directly with the nextcloud client at the same
// concurrency; "added" latency compares each percentile with that.
//
// Concurrency 8 and 32 show the overhead on a machine that is not saturated;
// 200 sessions × 50 calls is issue 15's load, where on 2 cores calls queue
// for CPU and latency follows from throughput (Little's law). CPU time per
// call is reported for the server processes (server-cpu-us/call), for this
// process while it drives them (client, fake and IdP: harness-cpu-us/call)
// and for this process during the direct run (direct-cpu-us/call). Run it
// once:
//
//	go test ./e2e -run '^$' -bench HTTPMode -benchtime 1x
//
// HTTP_BENCH_SESSIONS=200 (a comma list) picks the concurrency levels;
// HTTP_BENCH_BIN runs another build of the server (say, the one before a
// change) instead of building this tree.
func BenchmarkHTTPMode(b *testing.B) {
	bin := os.Getenv("HTTP_BENCH_BIN")
	if bin == "" {
		bin = buildBinary(b)
	}
	levels := []int{8, 32, 200}
	if v := os.Getenv("HTTP_BENCH_SESSIONS"); v != "" {
		levels = nil
		for _, f := range strings.Split(v, ",") {
			if n, _ := strconv.Atoi(strings.TrimSpace(f)); n > 0 {
				levels = append(levels, n)
			}
		}
	}
	for _, mode := range []string{"basic", "token-exchange"} {
		for _, replicas := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/replicas=%d", mode, replicas), func(b *testing.B) {
				w := newBenchWorld(b, bin, mode, replicas)
				for _, sessions := range levels {
					// Issue 15's load is 200 sessions × 50 calls; fewer
					// sessions make more calls each, so every level has
					// enough calls for a p99.
					calls := max(50, 4000/sessions)
					b.Run(fmt.Sprintf("sessions=%d", sessions), func(b *testing.B) {
						for range b.N {
							w.run(b, sessions, calls)
						}
					})
				}
			})
		}
	}
}

// benchWorld is the fake, the IdP and the server processes of one mode.
type benchWorld struct {
	be       *httpBackend
	mode     string
	rs       []*replica
	target   string
	headers  []string
	hc       *http.Client
	direct   [2]*nextcloud.Client
	warmedUp bool
}

func newBenchWorld(b *testing.B, bin, mode string, replicas int) *benchWorld {
	be := newHTTPBackend(b)
	w := &benchWorld{be: be, mode: mode}
	env := be.env(b, mode)
	for range replicas {
		w.rs = append(w.rs, startReplica(b, bin, env))
	}
	w.target = w.rs[0].url
	if replicas > 1 {
		_, proxy := newRoundRobin(b, w.rs...)
		w.target = proxy.URL
	}
	w.headers = []string{be.authorization(b, mode, 0), be.authorization(b, mode, 1)}
	// One pool for every session, large enough that no call dials, as a
	// load balancer's keep-alive pool would be.
	w.hc = &http.Client{Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}, Timeout: time.Minute}
	w.direct = directClients(b, be, mode, w.hc)
	return w
}

func (w *benchWorld) run(b *testing.B, sessions, calls int) {
	if !w.warmedUp {
		// The first calls discover capabilities and exchange tokens; that
		// is not what the levels compare.
		w.warmedUp = true
		w.httpLoad(b, 4, 10)
	}
	cpu0 := cpuTime()
	directLat, directErrs, directWall := runLoad(sessions, calls, func(s int) (func() error, func(), error) {
		c := w.direct[s%2]
		return func() error {
			_, err := c.ListNotes(context.Background(), nextcloud.NotesListOptions{})
			return err
		}, func() {}, nil
	})
	directCPU := cpuTime() - cpu0

	before := w.be.idp.TokenCalls(oidctest.GrantExchange)
	var serverCPU0 time.Duration
	for _, r := range w.rs {
		serverCPU0 += processCPU(r.cmd.Process.Pid)
	}
	cpu0 = cpuTime()
	viaHTTP, httpErrs, wall := w.httpLoad(b, sessions, calls)
	harnessCPU := cpuTime() - cpu0
	var serverCPU time.Duration
	for _, r := range w.rs {
		serverCPU += processCPU(r.cmd.Process.Pid)
	}
	serverCPU -= serverCPU0
	exchanges := w.be.idp.TokenCalls(oidctest.GrantExchange) - before

	n := float64(sessions * calls)
	d50, d99 := pct(directLat, 50), pct(directLat, 99)
	h50, h99 := pct(viaHTTP, 50), pct(viaHTTP, 99)
	b.ReportMetric(ms(h50-d50), "p50-added-ms")
	b.ReportMetric(ms(h99-d99), "p99-added-ms")
	b.ReportMetric(ms(h50), "p50-ms")
	b.ReportMetric(ms(h99), "p99-ms")
	b.ReportMetric(ms(d50), "direct-p50-ms")
	b.ReportMetric(ms(d99), "direct-p99-ms")
	b.ReportMetric(float64(httpErrs), "errors")
	b.ReportMetric(float64(directErrs), "direct-errors")
	if w.mode == "token-exchange" {
		b.ReportMetric(float64(exchanges)/2, "exchanges/user")
	}
	var rss float64
	for _, r := range w.rs {
		rss = max(rss, peakRSSMiB(r.cmd.Process.Pid))
	}
	b.ReportMetric(rss, "peak-RSS-MiB/replica")
	b.ReportMetric(n, "calls")
	b.ReportMetric(float64(len(viaHTTP))/wall.Seconds(), "calls/s")
	b.ReportMetric(float64(len(directLat))/directWall.Seconds(), "direct-calls/s")
	b.ReportMetric(float64(serverCPU.Microseconds())/n, "server-cpu-us/call")
	b.ReportMetric(float64(harnessCPU.Microseconds())/n, "harness-cpu-us/call")
	b.ReportMetric(float64(directCPU.Microseconds())/n, "direct-cpu-us/call")
}

// httpLoad opens sessions MCP sessions over HTTP and makes calls tool calls
// in each.
func (w *benchWorld) httpLoad(b *testing.B, sessions, calls int) ([]time.Duration, int, time.Duration) {
	return runLoad(sessions, calls, func(s int) (func() error, func(), error) {
		c, err := client.NewStreamableHttpClient(w.target+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": w.headers[s%2]}), transport.WithHTTPBasicClient(w.hc))
		if err != nil {
			return nil, nil, err
		}
		ctx := context.Background()
		if err := c.Start(ctx); err != nil {
			return nil, nil, err
		}
		init := mcp.InitializeRequest{}
		init.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		init.Params.ClientInfo = mcp.Implementation{Name: "bench", Version: "1"}
		if _, err := c.Initialize(ctx, init); err != nil {
			return nil, nil, err
		}
		req := mcp.CallToolRequest{}
		req.Params.Name, req.Params.Arguments = "nc_notes_list_notes", map[string]any{}
		return func() error {
			res, err := c.CallTool(ctx, req)
			if err == nil && res.IsError {
				err = fmt.Errorf("tool error: %v", res.Content)
			}
			return err
		}, func() { c.Close() }, nil
	})
}

// directClients are Nextcloud clients for admin and alice with the
// credentials Nextcloud itself sees in mode (an exchanged token or the app
// password).
func directClients(b testing.TB, be *httpBackend, mode string, hc *http.Client) [2]*nextcloud.Client {
	var out [2]*nextcloud.Client
	for i, user := range []string{"admin", "alice"} {
		var creds nextcloud.Credentials = nextcloud.BasicAuth{User: user, Password: user + "-app-password"}
		if mode == "token-exchange" {
			creds = nextcloud.BasicAuth{User: user, Password: exchangeOnce(b, be, strings.TrimPrefix(be.authorization(b, mode, i), "Bearer "))}
		}
		c, err := nextcloud.New(nextcloud.Options{BaseURL: be.nc, Credentials: creds, HTTPClient: hc})
		if err != nil {
			b.Fatal(err)
		}
		out[i] = c
	}
	return out
}

func exchangeOnce(b testing.TB, be *httpBackend, subject string) string {
	form := url.Values{"grant_type": {oidctest.GrantExchange}, "subject_token": {subject},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:access_token"}, "requested_token_type": {"urn:ietf:params:oauth:token-type:access_token"}, "audience": {"nextcloud"}}
	req, _ := http.NewRequest(http.MethodPost, be.idp.TokenURL(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(be.idp.ClientID+":"+be.idp.ClientSecret)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	if out.AccessToken == "" {
		b.Fatalf("exchange: HTTP %d", resp.StatusCode)
	}
	return out.AccessToken
}

// runLoad starts sessions at once; each runs calls sequentially. It returns
// every call's latency and the number of failed calls (a session that
// cannot start counts all its calls as failed).
func runLoad(sessions, calls int, open func(s int) (call func() error, done func(), err error)) ([]time.Duration, int, time.Duration) {
	var mu sync.Mutex
	var lat []time.Duration
	var errs atomic.Int64
	var wg, opened sync.WaitGroup
	start := make(chan struct{})
	for s := range sessions {
		wg.Add(1)
		opened.Add(1)
		go func() {
			defer wg.Done()
			call, done, err := open(s)
			opened.Done()
			if err != nil {
				errs.Add(int64(calls))
				return
			}
			defer done()
			<-start
			mine := make([]time.Duration, 0, calls)
			for range calls {
				t0 := time.Now()
				if err := call(); err != nil {
					errs.Add(1)
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	opened.Wait()
	t0 := time.Now()
	close(start)
	wg.Wait()
	return lat, int(errs.Load()), time.Since(t0)
}

func pct(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// processCPU is the user and system CPU time of a process on Linux
// (/proc/<pid>/stat, in clock ticks of 10 ms).
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; fields count from after it.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond
}

// peakRSSMiB reads VmHWM (peak resident set) of a process on Linux.
func peakRSSMiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}
