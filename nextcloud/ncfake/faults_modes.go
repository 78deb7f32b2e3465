package ncfake

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// NetFault is a failure between the client and Nextcloud: the network, a
// reverse proxy or a gateway, as opposed to a Fault, which is an answer of
// Nextcloud itself. Tests use them to prove how the client and the tools
// behave when the path to the server misbehaves.
type NetFault struct {
	// Method matches the request method; empty matches any.
	Method string
	// PathPrefix matches the start of the URL path; empty matches any.
	PathPrefix string
	// Times is how many matching requests the fault applies to; 0 means every one.
	Times int
	Kind  NetFaultKind
	// Latency is waited before the request is served (NetLatency), plus a
	// random part up to Jitter.
	Latency, Jitter time.Duration
	// Status is the gateway's status for NetGateway (default 502).
	Status int
	// RetryAfter is the Retry-After header of NetThrottle (default "1").
	RetryAfter string
	// DripEvery and DripBytes pace NetSlowDrip (defaults 20 ms and 16 bytes).
	DripEvery time.Duration
	DripBytes int
}

// NetFaultKind says what goes wrong.
type NetFaultKind int

const (
	// NetLatency delays the request, then serves it.
	NetLatency NetFaultKind = iota + 1
	// NetThrottle answers 429 with Retry-After, as a rate limiter does.
	NetThrottle
	// NetGateway answers Status with an nginx error page: the proxy could
	// not reach Nextcloud (502), it is down (503) or too slow (504).
	NetGateway
	// NetResetBeforeHeaders resets the connection before any answer.
	NetResetBeforeHeaders
	// NetResetMidBody serves the request, sends the headers and half the
	// body, then resets the connection. The handler has acted.
	NetResetMidBody
	// NetTruncateBody sends the first half of the body as if it were all of
	// it (Content-Length says so): well-framed HTTP, a broken document.
	NetTruncateBody
	// NetInvalidBody keeps the status and headers and replaces the body by
	// malformed XML or JSON of the same content type.
	NetInvalidBody
	// NetSlowDrip sends the answer a few bytes at a time.
	NetSlowDrip
	// NetProxyPage answers 200 with an HTML sign-in page, as a captive
	// portal or an authenticating proxy in front of Nextcloud does.
	NetProxyPage
)

// String names the kind for test output.
func (k NetFaultKind) String() string {
	switch k {
	case NetLatency:
		return "latency"
	case NetThrottle:
		return "429 throttle"
	case NetGateway:
		return "gateway error"
	case NetResetBeforeHeaders:
		return "reset before headers"
	case NetResetMidBody:
		return "reset mid-body"
	case NetTruncateBody:
		return "truncated body"
	case NetInvalidBody:
		return "invalid body"
	case NetSlowDrip:
		return "slow drip"
	case NetProxyPage:
		return "proxy page"
	}
	return "kind " + strconv.Itoa(int(k))
}

type netFaultList struct {
	mu     sync.Mutex
	faults []*netFaultState
	// cancelled counts requests whose context ended while a fault held them.
	cancelled int
}

type netFaultState struct {
	NetFault
	used int
}

// AddNetFault installs a network fault; they are tried in the order added,
// before any Fault.
func (s *Server) AddNetFault(f NetFault) {
	s.netFaults.mu.Lock()
	defer s.netFaults.mu.Unlock()
	s.netFaults.faults = append(s.netFaults.faults, &netFaultState{NetFault: f})
}

// ClearNetFaults removes every network fault.
func (s *Server) ClearNetFaults() {
	s.netFaults.mu.Lock()
	defer s.netFaults.mu.Unlock()
	s.netFaults.faults = nil
}

// NetFaultCancellations is how many requests ended (the client went away)
// while a network fault was holding them.
func (s *Server) NetFaultCancellations() int {
	s.netFaults.mu.Lock()
	defer s.netFaults.mu.Unlock()
	return s.netFaults.cancelled
}

func (l *netFaultList) match(r *http.Request) *NetFault {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, f := range l.faults {
		if f.Method != "" && f.Method != r.Method || !strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			continue
		}
		if f.Times > 0 && f.used >= f.Times {
			continue
		}
		f.used++
		cp := f.NetFault
		return &cp
	}
	return nil
}

func (l *netFaultList) noteCancelled() {
	l.mu.Lock()
	l.cancelled++
	l.mu.Unlock()
}

// serveNet runs the network faults in front of the fake.
func (s *Server) serveNet(w http.ResponseWriter, r *http.Request) {
	f := s.netFaults.match(r)
	if f == nil {
		s.serveHTTP(w, r)
		return
	}
	switch f.Kind {
	case NetLatency:
		wait := f.Latency
		if f.Jitter > 0 {
			wait += rand.N(f.Jitter)
		}
		if !s.netFaults.hold(r, wait) {
			return
		}
		s.serveHTTP(w, r)
	case NetThrottle:
		s.noteRequest(r)
		ra := f.RetryAfter
		if ra == "" {
			ra = "1"
		}
		w.Header().Set("Retry-After", ra)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte("Too Many Requests\n"))
	case NetGateway:
		s.noteRequest(r)
		status := f.Status
		if status == 0 {
			status = http.StatusBadGateway
		}
		writeHTMLPage(w, status, fmt.Sprintf("%d %s", status, http.StatusText(status)))
	case NetProxyPage:
		s.noteRequest(r)
		writeHTMLPage(w, http.StatusOK, "Sign in to continue")
	case NetResetBeforeHeaders:
		s.noteRequest(r)
		resetConnection(w, nil)
	case NetResetMidBody, NetTruncateBody, NetInvalidBody, NetSlowDrip:
		rec := httptest.NewRecorder()
		s.serveHTTP(rec, r)
		body := rec.Body.Bytes()
		switch f.Kind {
		case NetResetMidBody:
			resetConnection(w, rawResponse(rec, body[:len(body)/2], len(body)))
		case NetTruncateBody:
			replayWith(w, rec, body[:len(body)/2])
		case NetInvalidBody:
			replayWith(w, rec, invalidLike(rec.Header().Get("Content-Type")))
		case NetSlowDrip:
			s.netFaults.drip(w, r, rec, body, f)
		}
	default:
		s.serveHTTP(w, r)
	}
}

// noteRequest records a request a fault answered without the fake.
func (s *Server) noteRequest(r *http.Request) {
	s.requests.Add(1)
	s.log.add(r)
}

// hold waits d unless the client goes away first; false means it went away.
func (l *netFaultList) hold(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		l.noteCancelled()
		return false
	}
}

func writeHTMLPage(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Server", "nginx")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<html>\r\n<head><title>%s</title></head>\r\n<body>\r\n<center><h1>%s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", title, title)
}

// replayWith writes a recorded answer with another body, framed by its length.
func replayWith(w http.ResponseWriter, rec *httptest.ResponseRecorder, body []byte) {
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	_, _ = w.Write(body)
}

// rawResponse is the recorded answer as HTTP/1.1 bytes, announcing length
// bytes of body but carrying only body.
func rawResponse(rec *httptest.ResponseRecorder, body []byte, length int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", rec.Code, http.StatusText(rec.Code))
	h := rec.Header().Clone()
	h.Set("Content-Length", strconv.Itoa(length))
	_ = h.Write(&b)
	b.WriteString("\r\n")
	b.Write(body)
	return b.Bytes()
}

// resetConnection writes prefix (if any) and then resets the TCP connection
// (RST, not FIN), as a crashed proxy or a dropped NAT entry does.
func resetConnection(w http.ResponseWriter, prefix []byte) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, buf, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if len(prefix) > 0 {
		_, _ = buf.Write(prefix)
		_ = buf.Flush()
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// invalidLike is a malformed document of the content type.
func invalidLike(contentType string) []byte {
	switch {
	case strings.Contains(contentType, "json"):
		return []byte(`{"ocs":{"meta":{"status":"ok","statuscode":200},"data":[{"id":1,"title":`)
	case strings.Contains(contentType, "xml"):
		return []byte(`<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/x</d:propstat></d:multistatus>`)
	}
	return []byte("\x00\xff garbage \xfe")
}

// drip sends the recorded answer a few bytes at a time.
func (l *netFaultList) drip(w http.ResponseWriter, r *http.Request, rec *httptest.ResponseRecorder, body []byte, f *NetFault) {
	every, n := f.DripEvery, f.DripBytes
	if every <= 0 {
		every = 20 * time.Millisecond
	}
	if n <= 0 {
		n = 16
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rec.Code)
	flusher, _ := w.(http.Flusher)
	for len(body) > 0 {
		chunk := body[:min(n, len(body))]
		body = body[len(chunk):]
		if _, err := w.Write(chunk); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		if len(body) > 0 && !l.hold(r, every) {
			return
		}
	}
}
