package auth

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// RequestFactory is the Factory of HTTP mode: every client belongs to the
// caller of the current request (see Caller). Clients are kept per caller,
// so the DAV principal and capabilities are discovered once per user, but
// they hold no credential: each request authorizes with what its own
// context carries. All clients share one transport and its connection pool.
type RequestFactory struct {
	mode    string
	base    string
	version string
	hc      *http.Client

	mu      sync.Mutex
	clients map[string]*requestClient
	max     int
	idle    time.Duration
}

type requestClient struct {
	c    *nextcloud.Client
	used time.Time
}

// NewRequestFactory serves clients for server; hc is shared by every client
// (its transport decides TLS and pooling; redirects must not be followed).
func NewRequestFactory(mode, server, version string, hc *http.Client) (*RequestFactory, error) {
	if _, err := nextcloud.ParseBaseURL(server); err != nil {
		return nil, err
	}
	return &RequestFactory{mode: mode, base: server, version: version, hc: hc, clients: map[string]*requestClient{}, max: 4096, idle: 30 * time.Minute}, nil
}

// sharedIdleConns is how many idle connections to Nextcloud are kept for
// reuse: enough for the calls a busy replica has in flight at once.
const sharedIdleConns = 512

// SharedHTTPClient builds the client every per-user Nextcloud client shares:
// the TLS options applied, redirects surfaced rather than followed (a DAV
// method would silently turn into a GET), and wrap, when set, around the
// transport (metrics).
func SharedHTTPClient(o ClientOptions, wrap func(http.RoundTripper) http.RoundTripper) (*http.Client, error) {
	tr, err := nextcloud.NewTransport(o.Insecure, o.CAFile)
	if err != nil {
		return nil, err
	}
	// Every caller's requests go to the one Nextcloud host. When the idle
	// pool is smaller than the calls in flight, each call beyond it closes
	// its connection afterwards and the next one dials (and shakes hands)
	// anew: at 200 concurrent calls that churn cost more CPU than the calls.
	tr.MaxIdleConns = sharedIdleConns
	tr.MaxIdleConnsPerHost = sharedIdleConns
	var rt http.RoundTripper = tr
	if wrap != nil {
		rt = wrap(tr)
	}
	return &http.Client{Transport: rt, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, nil
}

// Mode implements Factory.
func (f *RequestFactory) Mode() string { return f.mode }

// Client implements Factory: the client of the request's caller.
func (f *RequestFactory) Client(ctx context.Context) (*nextcloud.Client, error) {
	caller, ok := CallerFrom(ctx)
	if !ok {
		return nil, ErrNoCaller
	}
	now := time.Now()
	f.mu.Lock()
	defer f.mu.Unlock()
	if rc, ok := f.clients[caller.ID]; ok {
		rc.used = now
		return rc.c, nil
	}
	c, err := nextcloud.New(nextcloud.Options{
		BaseURL:     f.base,
		Credentials: callerCredentials{id: caller.ID, login: caller.Login},
		Version:     f.version,
		HTTPClient:  f.hc,
	})
	if err != nil {
		return nil, fmt.Errorf("configure Nextcloud client: %w", err)
	}
	if len(f.clients) >= f.max {
		f.evict(now)
	}
	f.clients[caller.ID] = &requestClient{c: c, used: now}
	return c, nil
}

// evict drops idle clients, or the least recently used half when none is
// idle; f.mu is held. Eviction is rare (the map holds thousands of users),
// so a scan is cheaper than keeping an ordered list on every call.
func (f *RequestFactory) evict(now time.Time) {
	for id, rc := range f.clients {
		if now.Sub(rc.used) > f.idle {
			delete(f.clients, id)
		}
	}
	if len(f.clients) < f.max {
		return
	}
	times := make([]time.Time, 0, len(f.clients))
	for _, rc := range f.clients {
		times = append(times, rc.used)
	}
	cut := medianTime(times)
	for id, rc := range f.clients {
		if !rc.used.After(cut) {
			delete(f.clients, id)
		}
	}
}

func medianTime(ts []time.Time) time.Time {
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts[len(ts)/2]
}
