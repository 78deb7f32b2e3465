package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/server"
)

// serveMetadata is the OAuth protected resource metadata (RFC 9728) that
// MCP clients read to find the identity provider (MCP 2025-06-18).
func (h *httpServer) serveMetadata(w http.ResponseWriter, r *http.Request) {
	base := h.publicBase(r)
	server.NewProtectedResourceMetadataHandler(server.ProtectedResourceMetadataConfig{
		Resource:               base + mcpPath,
		AuthorizationServers:   []string{h.hc.Issuer},
		BearerMethodsSupported: []string{"header"},
		ResourceName:           "Nextcloud (nextcloud-mcp)",
	}).ServeHTTP(w, r)
}

// serveHealth is liveness: the process answers.
func (h *httpServer) serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintln(w, "ok")
}

// serveReady is readiness: Nextcloud answers, the identity provider's keys
// are loaded (token-exchange mode) and the server is not shutting down.
func (h *httpServer) serveReady(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{}
	ready := true
	fail := func(name, why string) { checks[name], ready = why, false }
	if h.shuttingDown.Load() {
		fail("server", "shutting down")
	}
	if h.bearer != nil {
		if err := h.bearer.Ready(); err != nil {
			fail("identity_provider", err.Error())
		} else {
			checks["identity_provider"] = "ok"
		}
	}
	if err := h.probe.check(r.Context()); err != nil {
		fail("nextcloud", err.Error())
	} else {
		checks["nextcloud"] = "ok"
	}
	status := http.StatusOK
	if !ready {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": ready, "checks": checks})
}

// nextcloudProbe asks Nextcloud's status.php (anonymous) whether it is up
// and out of maintenance; the answer is reused for a few seconds so probes
// from many kubelets do not add up.
type nextcloudProbe struct {
	base string
	hc   *http.Client

	mu    sync.Mutex
	at    time.Time
	err   error
	valid time.Duration
}

func (p *nextcloudProbe) check(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	valid := p.valid
	if valid == 0 {
		valid = 5 * time.Second
	}
	if !p.at.IsZero() && time.Since(p.at) < valid {
		return p.err
	}
	p.err, p.at = p.ask(ctx), time.Now()
	return p.err
}

func (p *nextcloudProbe) ask(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(p.base, "/")+"/status.php", nil)
	if err != nil {
		return err
	}
	resp, err := p.hc.Do(req)
	if err != nil {
		return fmt.Errorf("unreachable: %v", err)
	}
	defer resp.Body.Close()
	var st struct {
		Installed   bool `json:"installed"`
		Maintenance bool `json:"maintenance"`
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &st) != nil {
		return fmt.Errorf("status.php answered HTTP %d", resp.StatusCode)
	}
	if st.Maintenance {
		return fmt.Errorf("in maintenance mode")
	}
	if !st.Installed {
		return fmt.Errorf("not installed")
	}
	return nil
}
