package cmd

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// storeCapabilities is the tools' capability cache, kept in the store.
// The store is read in the background while the client initializes; a
// store that cannot be opened only costs the warm start, never the server.
type storeCapabilities struct {
	st     *storeWebhooks // the lazily opened store the server shares
	cfg    *Config
	logger *slog.Logger
}

// Load implements tools.CapabilityCache.
func (c *storeCapabilities) Load(ctx context.Context) (map[string]bool, bool) {
	s, err := c.st.open(ctx)
	if err != nil {
		c.logger.Debug("capability cache unavailable", "error", err)
		return nil, false
	}
	account, ok := c.startAccount(ctx, s)
	if !ok {
		return nil, false
	}
	doc, _, ok, err := s.Capabilities(ctx, account)
	if err != nil || !ok {
		return nil, false
	}
	var avail map[string]bool
	if json.Unmarshal(doc, &avail) != nil {
		return nil, false
	}
	return avail, true
}

// Save implements tools.CapabilityCache.
func (c *storeCapabilities) Save(ctx context.Context, server, login string, avail map[string]bool) {
	s, err := c.st.open(ctx)
	if err != nil {
		return
	}
	doc, err := json.Marshal(avail)
	if err == nil {
		err = s.SaveCapabilities(ctx, store.AccountKey(server, login), doc)
	}
	if err != nil {
		c.logger.Debug("capability cache not saved", "error", err)
	}
}

// startAccount names the account the server starts with: the env
// credentials, else the default account of `nextcloud-mcp login`.
func (c *storeCapabilities) startAccount(ctx context.Context, s *store.Store) (string, bool) {
	if c.cfg.HasEnvCredentials() {
		u, err := nextcloud.ParseBaseURL(c.cfg.ServerURL)
		if err != nil {
			return "", false
		}
		return store.AccountKey(u.String(), c.cfg.Username), true
	}
	a, ok, err := s.DefaultAccount(ctx)
	if err != nil || !ok {
		return "", false
	}
	return a.Key, true
}
