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

// BenchmarkHTTPMode reports figures, not pass/fail: 200 concurrent MCP
// sessions × 50 tool calls (nc_notes_list_notes) through HTTP mode against
// the fake, with one server process and with two behind a round-robin
// proxy, in both auth modes. "Added" latency compares each percentile with
// the same Nextcloud request made directly by the nextcloud client, under
// the same concurrency. Run it once:
//
//	go test ./e2e -run '^$' -bench HTTPMode -benchtime 1x
func BenchmarkHTTPMode(b *testing.B) {
	bin := buildBinary(b)
	sessions, calls := 200, 50
	if v, _ := strconv.Atoi(os.Getenv("HTTP_BENCH_SESSIONS")); v > 0 {
		sessions = v
	}
	for _, mode := range []string{"basic", "token-exchange"} {
		for _, replicas := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/replicas=%d", mode, replicas), func(b *testing.B) {
				for range b.N {
					benchHTTPOnce(b, bin, mode, replicas, sessions, calls)
				}
			})
		}
	}
}

func benchHTTPOnce(b *testing.B, bin, mode string, replicas, sessions, calls int) {
	be := newHTTPBackend(b)
	env := be.env(b, mode)
	var rs []*replica
	for range replicas {
		rs = append(rs, startReplica(b, bin, env))
	}
	target := rs[0].url
	if replicas > 1 {
		_, proxy := newRoundRobin(b, rs...)
		target = proxy.URL
	}
	headers := []string{be.authorization(b, mode, 0), be.authorization(b, mode, 1)}
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 512, MaxConnsPerHost: 0}, Timeout: time.Minute}

	// Direct: the same Nextcloud request without MCP, same concurrency.
	direct := directClients(b, be, mode, hc)
	directLat, directErrs, _ := runLoad(sessions, calls, func(s int) (func() error, func(), error) {
		c := direct[s%2]
		return func() error {
			_, err := c.ListNotes(context.Background(), nextcloud.NotesListOptions{})
			return err
		}, func() {}, nil
	})

	before := be.idp.TokenCalls(oidctest.GrantExchange)
	viaHTTP, httpErrs, wall := runLoad(sessions, calls, func(s int) (func() error, func(), error) {
		c, err := client.NewStreamableHttpClient(target+"/mcp", transport.WithHTTPHeaders(map[string]string{"Authorization": headers[s%2]}), transport.WithHTTPBasicClient(hc))
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
	exchanges := be.idp.TokenCalls(oidctest.GrantExchange) - before

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
	if mode == "token-exchange" {
		b.ReportMetric(float64(exchanges)/2, "exchanges/user")
	}
	var rss float64
	for _, r := range rs {
		rss = max(rss, peakRSSMiB(r.cmd.Process.Pid))
	}
	b.ReportMetric(rss, "peak-RSS-MiB/replica")
	b.ReportMetric(float64(sessions*calls), "calls")
	b.ReportMetric(float64(len(viaHTTP))/wall.Seconds(), "calls/s")
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
	var wg sync.WaitGroup
	start := make(chan struct{})
	for s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			call, done, err := open(s)
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
	time.Sleep(200 * time.Millisecond)
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
