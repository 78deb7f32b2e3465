package cmd

import (
	"context"
	"slices"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// oauthFactory serves the session of `login --oauth`, passed through
// (ModeOAuth) or exchanged at the identity provider (ModeTokenExchange). The
// store opens when the first tool call needs the token, and closes with ctx.
func oauthFactory(ctx context.Context, cfg *Config, kr auth.Keyring) auth.Factory {
	opener := storeOpener(cfg, kr)
	context.AfterFunc(ctx, func() { _ = opener.Close() })
	return auth.NewOAuthFactory(cfg.AuthMode, opener, clientOptions(cfg), exchangeSettings(cfg))
}

// toolsetsForMode drops the sign-in toolset in token-exchange mode: there the
// identity provider owns the session, so nothing can be signed in from the
// chat. The decision lives here so the tools never look at the auth mode.
func toolsetsForMode(mode string, all []*tools.Toolset) []*tools.Toolset {
	if mode != auth.ModeTokenExchange {
		return all
	}
	return slices.DeleteFunc(slices.Clone(all), func(ts *tools.Toolset) bool { return ts.Name == "auth" })
}
