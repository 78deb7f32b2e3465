package ncfake

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func getWithFault(t *testing.T, f NetFault) (*http.Response, []byte, error) {
	t.Helper()
	s := New(Options{})
	s.AddNote("admin", "n", strings.Repeat("content ", 64), "")
	f.PathPrefix = "/index.php/apps/notes/"
	s.AddNetFault(f)
	ts := s.Start()
	t.Cleanup(ts.Close)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/index.php/apps/notes/api/v1/notes", nil)
	req.SetBasicAuth("admin", "admin-app-password")
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, body, err
}

// Each network fault does what its name says.
func TestNetFaultKinds(t *testing.T) {
	resp, _, err := getWithFault(t, NetFault{Kind: NetThrottle, RetryAfter: "7"})
	if err != nil || resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" {
		t.Errorf("throttle: %v %v", resp, err)
	}
	resp, body, err := getWithFault(t, NetFault{Kind: NetGateway, Status: 504})
	if err != nil || resp.StatusCode != 504 || !strings.Contains(string(body), "<title>504 Gateway Timeout</title>") {
		t.Errorf("gateway: %v %q %v", resp, body, err)
	}
	resp, body, err = getWithFault(t, NetFault{Kind: NetProxyPage})
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(body), "<html>") {
		t.Errorf("proxy page: %v %q %v", resp, body, err)
	}
	if _, _, err = getWithFault(t, NetFault{Kind: NetResetBeforeHeaders}); !errors.Is(err, syscall.ECONNRESET) && !errors.Is(err, io.EOF) {
		t.Errorf("reset before headers: %v", err)
	}
	resp, _, err = getWithFault(t, NetFault{Kind: NetResetMidBody})
	if resp == nil || resp.StatusCode != 200 || err == nil {
		t.Errorf("reset mid-body: headers %v, body error %v", resp, err)
	}
	resp, body, err = getWithFault(t, NetFault{Kind: NetTruncateBody})
	if err != nil || resp.StatusCode != 200 || len(body) == 0 || strings.HasSuffix(strings.TrimSpace(string(body)), "]") {
		t.Errorf("truncated: %q %v", body, err)
	}
	resp, body, err = getWithFault(t, NetFault{Kind: NetInvalidBody})
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(string(body), `{"ocs"`) {
		t.Errorf("invalid: %q %v", body, err)
	}
	start := time.Now()
	resp, body, err = getWithFault(t, NetFault{Kind: NetSlowDrip, DripBytes: 64, DripEvery: 5 * time.Millisecond})
	if err != nil || resp.StatusCode != 200 || len(body) < 512 || time.Since(start) < 30*time.Millisecond {
		t.Errorf("slow drip: %d bytes in %v, %v", len(body), time.Since(start), err)
	}
	start = time.Now()
	if _, _, err = getWithFault(t, NetFault{Kind: NetLatency, Latency: 100 * time.Millisecond}); err != nil || time.Since(start) < 100*time.Millisecond {
		t.Errorf("latency: %v after %v", err, time.Since(start))
	}
}

// The request log keeps the most recent requests only, the count all.
func TestRequestLogIsBounded(t *testing.T) {
	s := New(Options{})
	h := s.Handler()
	for range maxLoggedRequests + 100 {
		h.ServeHTTP(discard{}, httptestRequest())
	}
	if n := len(s.Requests()); n > maxLoggedRequests || n == 0 {
		t.Errorf("%d requests logged", n)
	}
	if s.RequestCount() != maxLoggedRequests+100 {
		t.Errorf("count %d", s.RequestCount())
	}
}

type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}

func httptestRequest() *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "http://fake/status.php", nil)
	return r
}
