// Package tools is the MCP surface of nextcloud-mcp: one toolset per
// Nextcloud app, resources, capability and read-only filters, and the mapping
// of Nextcloud failures to isError results.
package tools

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/index"
	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Deps are what every tool needs; tests build their own.
type Deps struct {
	Factory auth.Factory
	Logger  *slog.Logger
	// Demo is true when serving the built-in demo server.
	Demo bool
	// Webhooks reads the registrations nextcloud-mcp recorded; nil when no
	// store is available (demo, tests).
	Webhooks WebhookLister
	// SignIn runs Login Flow v2 from the chat; nil when a sign-in would not
	// be used (env credentials, demo, token exchange), and then
	// nc_auth_login is not offered.
	SignIn auth.SignInService
	// Extract reads documents; nil means one is made on first use.
	Extract *extract.Extractor
	// Index is the local content index; nil when it is off (--no-index),
	// and then nc_search_content and nc_index_status are not offered.
	Index *index.Service
	// LocalRoots are the local folders file transfers may read and write;
	// without any the transfer tools are not offered.
	LocalRoots *localfs.Roots
	// UploadSessions keeps chunked uploads resumable across restarts; nil
	// keeps them in memory for the life of the server.
	UploadSessions nextcloud.UploadSessions
	// Safety configures confirmations, untrusted-text marking, --lockdown
	// and the audit log (safety.go).
	Safety Safety
	// Capabilities keeps the toolsets' availability across runs, so a warm
	// start lists the tools without waiting for the server; nil: none.
	Capabilities CapabilityCache

	// transfers guards destinations and holds in-memory upload sessions.
	transfers transferState
	// schemas are the tools' JSON schemas, read once from schemas.json.
	schemas schemaCache

	extractOnce sync.Once
}

// extractor returns Extract, creating one the first time when the caller
// did not give one (tests), with the PDF engine's code cached where serve
// caches it.
func (d *Deps) extractor() *extract.Extractor {
	d.extractOnce.Do(func() {
		if d.Extract == nil {
			dir := ""
			if base, err := os.UserCacheDir(); err == nil {
				dir = filepath.Join(base, "nextcloud-mcp", "engines")
			}
			d.Extract = extract.New(extract.Config{CacheDir: dir})
		}
	})
	return d.Extract
}

// Toolset groups the tools, resources and templates of one Nextcloud app.
type Toolset struct {
	// Name is what --toolsets selects, e.g. "notes".
	Name        string
	Description string
	// Available decides from the server's capabilities (and, if it must, the
	// user) whether the app is there. nil means always available.
	Available func(ctx context.Context, c *nextcloud.Client, caps *nextcloud.Capabilities) bool
	Tools     []Tool
	Resources []server.ServerResource
	Templates []server.ServerResourceTemplate
}

// Options select what is exposed.
type Options struct {
	// ReadOnly keeps only tools annotated read-only.
	ReadOnly bool
	// Toolsets keeps only these toolsets; empty keeps all.
	Toolsets []string
	// Tools adds these tools on top of Toolsets; given alone, only they are kept.
	Tools []string
	// ExcludeTools removes these tools; it wins over Toolsets and Tools.
	ExcludeTools []string
	// CapabilityTimeout bounds the capabilities fetch behind the capability
	// filter; on failure every selected tool stays listed and each call reports
	// its own error.
	CapabilityTimeout time.Duration
	// Dynamic lists a small core at start and lets the model turn toolsets
	// on (dynamic.go); stdio only.
	Dynamic bool
}

// Registry is the selected toolsets and the filters that hold at list and call time.
type Registry struct {
	deps     *Deps
	opts     Options
	toolsets []*Toolset
	byTool   map[string]*Toolset
	guard    *guard

	mu    sync.Mutex
	avail map[*nextcloud.Client]map[string]bool
	// failed remembers when the capabilities fetch last failed per client:
	// with a wrong password every fetch is a failed login, which feeds
	// Nextcloud's brute-force throttling, so failures are not retried at once.
	failed map[*nextcloud.Client]time.Time

	// dynamic is the toolsets turned on in dynamic mode; nil in static mode.
	dynamic *dynamicToolsets
	// The cached availability (capcache.go): warm is read at start and
	// used until the first live answer (liveSeen); served is what the
	// client was last shown; server is where list changes are announced.
	warm       *warmState
	liveSeen   bool
	served     map[string]bool
	server     *server.MCPServer
	bg         context.Context
	refreshing bool
}

// maxCachedClients bounds the per-client capability answers kept.
const maxCachedClients = 4096

// capabilityRetryAfter is how long a failed capabilities fetch is not repeated.
const capabilityRetryAfter = 30 * time.Second

// NewRegistry applies --toolsets and --read-only to the toolsets.
func NewRegistry(d *Deps, all []*Toolset, o Options) (*Registry, error) {
	if o.CapabilityTimeout <= 0 {
		o.CapabilityTimeout = 5 * time.Second
	}
	if err := validateSelection(o, all); err != nil {
		return nil, err
	}
	r := &Registry{deps: d, opts: o, byTool: map[string]*Toolset{}, avail: map[*nextcloud.Client]map[string]bool{}, failed: map[*nextcloud.Client]time.Time{}}
	r.guard = newGuard(d, all)
	for _, ts := range all {
		sel := *ts
		sel.Tools = nil
		for _, t := range ts.Tools {
			if !o.selects(ts.Name, t.Def.Name) || (o.ReadOnly && !t.ReadOnly()) {
				continue
			}
			sel.Tools = append(sel.Tools, t)
			r.byTool[t.Def.Name] = &sel
		}
		if len(sel.Tools) > 0 || len(o.Toolsets) == 0 && len(o.Tools) == 0 || slices.Contains(o.Toolsets, ts.Name) {
			r.toolsets = append(r.toolsets, &sel)
		}
	}
	if o.Dynamic {
		r.dynamic = newDynamicToolsets()
	}
	return r, nil
}

// Toolsets returns the selected toolsets.
func (r *Registry) Toolsets() []*Toolset { return r.toolsets }

// Tools returns every selected tool, sorted by name.
func (r *Registry) Tools() []Tool {
	var out []Tool
	for _, ts := range r.toolsets {
		out = append(out, ts.Tools...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Def.Name < out[j].Def.Name })
	return out
}

// ServerOptions returns the mcp-go options the registry needs: the capability
// filter, applied by mcp-go at list time and again at call time, and the
// safety layer (safety.go) around every call.
func (r *Registry) ServerOptions() []server.ServerOption {
	return append([]server.ServerOption{server.WithToolFilter(r.filter),
		server.WithToolFilter(r.guard.filter), server.WithToolHandlerMiddleware(r.guard.middleware)}, r.extraOptions()...)
}

// Register adds the tools, resources and templates to the server.
func (r *Registry) Register(s *server.MCPServer) {
	var st []server.ServerTool
	for _, t := range r.Tools() {
		st = append(st, server.ServerTool{Tool: t.Def, Handler: t.Handler})
	}
	r.mu.Lock()
	r.server = s
	r.mu.Unlock()
	s.AddTools(st...)
	for _, ts := range r.toolsets {
		if len(ts.Resources) > 0 {
			s.AddResources(ts.Resources...)
		}
		if len(ts.Templates) > 0 {
			s.AddResourceTemplates(ts.Templates...)
		}
	}
	r.registerExtras(s)
}

// Prefetch reads the cached availability and asks the server in the
// background, so the first tools/list does not wait for the network.
func (r *Registry) Prefetch(ctx context.Context) {
	r.mu.Lock()
	r.bg = ctx
	r.mu.Unlock()
	r.loadWarm(ctx)
	r.refreshInBackground()
}

// refreshInBackground asks the server for its apps unless a request is
// under way already.
func (r *Registry) refreshInBackground() {
	r.mu.Lock()
	if r.refreshing {
		r.mu.Unlock()
		return
	}
	r.refreshing = true
	bg := r.bg
	r.mu.Unlock()
	if bg == nil {
		bg = context.Background()
	}
	go func() {
		defer func() {
			r.mu.Lock()
			r.refreshing = false
			r.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(bg, r.opts.CapabilityTimeout)
		defer cancel()
		_ = r.liveAvailability(ctx)
	}()
}

// available returns, per toolset name, whether the server has the app. nil
// means unknown (no credentials or the server did not answer). Until the
// server has answered once, the cached availability stands in for it.
func (r *Registry) available(ctx context.Context) map[string]bool {
	if a, ok := r.warmAvailability(ctx); ok {
		r.refreshInBackground()
		return a
	}
	return r.liveAvailability(ctx)
}

// liveAvailability is what the server says, asked once per client.
func (r *Registry) liveAvailability(ctx context.Context) map[string]bool {
	c, err := r.deps.Factory.Client(ctx)
	if err != nil || c == nil {
		return nil
	}
	r.mu.Lock()
	if a, ok := r.avail[c]; ok {
		r.served = a
		r.mu.Unlock()
		return a
	}
	if t, ok := r.failed[c]; ok && time.Since(t) < capabilityRetryAfter {
		r.mu.Unlock()
		return nil
	}
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, r.opts.CapabilityTimeout)
	defer cancel()
	caps, err := c.Capabilities(ctx)
	if err != nil {
		if r.deps.Logger != nil {
			r.deps.Logger.Warn("capabilities unavailable; listing every selected tool", "error", err)
		}
		if ctx.Err() == nil {
			r.mu.Lock()
			if len(r.failed) >= maxCachedClients {
				clear(r.failed)
			}
			r.failed[c] = time.Now()
			r.mu.Unlock()
		}
		return nil
	}
	a := map[string]bool{}
	for _, ts := range r.toolsets {
		a[ts.Name] = ts.Available == nil || ts.Available(ctx, c, caps)
	}
	r.mu.Lock()
	if len(r.avail) >= maxCachedClients {
		// HTTP mode has a client per user: forget them all rather than grow
		// without end; each user's next list fetches capabilities again.
		clear(r.avail)
		clear(r.failed)
	}
	r.avail[c] = a
	r.mu.Unlock()
	r.learned(ctx, c.BaseURL().String(), c.Login(), a)
	return a
}

func (r *Registry) filter(ctx context.Context, tools []mcp.Tool) []mcp.Tool {
	tools = r.dynamicFilter(tools)
	a := r.available(ctx)
	if a == nil {
		return tools
	}
	out := tools[:0:0]
	for _, t := range tools {
		ts, ok := r.byTool[t.Name]
		if !ok || a[ts.Name] {
			out = append(out, t)
		}
	}
	return out
}

// hasApp is the Available func of toolsets that need one capability block.
func hasApp(app string) func(context.Context, *nextcloud.Client, *nextcloud.Capabilities) bool {
	return func(_ context.Context, _ *nextcloud.Client, caps *nextcloud.Capabilities) bool { return caps.Has(app) }
}
