package ncfake

import (
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault makes matching requests fail or slow down, so tests can exercise
// retries, throttling, locks and dropped connections.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// PathPrefix matches the start of the URL path; empty matches any.
	PathPrefix string
	// Times is how many matching requests the fault applies to; 0 means every one.
	Times int
	// Delay is waited before answering (or before passing the request on).
	Delay time.Duration
	// Status, when non-zero, is answered instead of the real handler.
	Status int
	Body   string
	Header http.Header
	// Drop closes the connection without an answer.
	Drop bool
	// CutAfter, when > 0, lets that many bytes through and then closes the
	// connection: of the request body when the request has one (an upload
	// cut mid-way, the handler never runs), else of the response body (a
	// download cut mid-way). See faults_cut.go.
	CutAfter int64
}

type faultList struct {
	mu     sync.Mutex
	faults []*faultState
}

type faultState struct {
	Fault
	used int
}

// AddFault installs a fault; faults are tried in the order they were added.
func (s *Server) AddFault(f Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, &faultState{Fault: f})
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = nil
}

// apply runs the first matching fault and reports whether it answered.
// next serves the request when a fault only cuts its response short.
func (l *faultList) apply(w http.ResponseWriter, r *http.Request, next http.Handler) bool {
	l.mu.Lock()
	var hit *Fault
	for _, f := range l.faults {
		if f.Method != "" && f.Method != r.Method {
			continue
		}
		if !strings.HasPrefix(r.URL.Path, f.PathPrefix) {
			continue
		}
		if f.Times > 0 && f.used >= f.Times {
			continue
		}
		f.used++
		cp := f.Fault
		hit = &cp
		break
	}
	l.mu.Unlock()
	if hit == nil {
		return false
	}
	if hit.Delay > 0 {
		select {
		case <-time.After(hit.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	if hit.CutAfter > 0 {
		cutConnection(w, r, hit.CutAfter, next)
		return true
	}
	if hit.Drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	}
	if hit.Status == 0 {
		return false
	}
	for k, vs := range hit.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(hit.Status)
	_, _ = w.Write([]byte(hit.Body))
	return true
}
