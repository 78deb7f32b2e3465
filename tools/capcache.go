package tools

import (
	"context"
	"maps"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// Desktop clients list the tools at every start, and the list depends on
// which apps the server has, which takes a network round trip to learn.
// CapabilityCache remembers the answer across restarts: a warm start lists
// the tools from it at once, the server is asked in the background, and when
// the answer differs (an app was enabled or removed) the list is updated and
// the client told with notifications/tools/list_changed. A first start
// without a cache waits for the server, as before.

// CapabilityCache keeps the toolsets' availability per account across runs.
type CapabilityCache interface {
	// Load returns the availability saved for the account the server starts
	// with; ok is false when there is none (or no account yet).
	Load(ctx context.Context) (avail map[string]bool, ok bool)
	// Save records the availability seen for the account a client is signed
	// in as (server root URL and login).
	Save(ctx context.Context, server, login string, avail map[string]bool)
}

// warmLoadBudget bounds how long a tools/list waits for the cache to be
// read; past it the list is built as if there were no cache.
const warmLoadBudget = 2 * time.Second

// warmState is the cached availability, used until the first live answer.
type warmState struct {
	done  chan struct{} // closed when the cache was read
	avail map[string]bool
}

// loadWarm reads the cache in the background; available waits for it.
func (r *Registry) loadWarm(ctx context.Context) {
	if r.deps.Capabilities == nil {
		return
	}
	r.mu.Lock()
	if r.warm != nil {
		r.mu.Unlock()
		return
	}
	w := &warmState{done: make(chan struct{})}
	r.warm = w
	r.mu.Unlock()
	go func() {
		defer close(w.done)
		ctx, cancel := context.WithTimeout(ctx, warmLoadBudget)
		defer cancel()
		if a, ok := r.deps.Capabilities.Load(ctx); ok {
			r.mu.Lock()
			w.avail = a
			r.mu.Unlock()
		}
	}()
}

// warmAvailability returns the cached availability while no live answer has
// come; ok is false once one has, or when there is no cache.
func (r *Registry) warmAvailability(ctx context.Context) (map[string]bool, bool) {
	r.mu.Lock()
	w, live := r.warm, r.liveSeen
	r.mu.Unlock()
	if w == nil || live {
		return nil, false
	}
	select {
	case <-w.done:
	case <-ctx.Done():
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if w.avail == nil || r.liveSeen {
		return nil, false
	}
	r.served = w.avail
	return w.avail, true
}

// learned takes a live answer: it is saved for the next start, and when it
// differs from what the client was last shown the client is told to list
// the tools again.
func (r *Registry) learned(ctx context.Context, server, login string, a map[string]bool) {
	r.mu.Lock()
	r.liveSeen = true
	shown := r.served
	r.served = a
	s := r.server
	r.mu.Unlock()
	if r.deps.Capabilities != nil {
		r.deps.Capabilities.Save(ctx, server, login, a)
	}
	if shown != nil && !maps.Equal(shown, a) && s != nil {
		if r.deps.Logger != nil {
			r.deps.Logger.Info("the server's apps changed since the last start; updating the tool list")
		}
		s.SendNotificationToAllClients(string(mcp.MethodNotificationToolsListChanged), nil)
	}
}
