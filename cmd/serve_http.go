package cmd

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// errPassthroughOverHTTP explains why OAuth pass-through is not offered.
var errPassthroughOverHTTP = errors.New("--auth-mode oauth is not offered over HTTP: it would accept tokens issued for Nextcloud " +
	"rather than for this server and pass them on (the token-passthrough anti-pattern the MCP authorization spec forbids); " +
	"use --auth-mode token-exchange (tokens issued for this server, exchanged per request) or basic (each request carries the user's app password)")

// httpServer is `serve --http`: mcp-go's Streamable HTTP transport behind
// authentication, limits, metrics and access logs.
type httpServer struct {
	cfg     *Config
	hc      *HTTPConfig
	logger  *slog.Logger
	authn   auth.Authenticator
	bearer  *auth.BearerAuthenticator // nil in basic mode
	metrics *httpMetrics
	limits  *userLimits
	mcp     *server.StreamableHTTPServer
	probe   *nextcloudProbe

	shuttingDown atomic.Bool
}

// serveHTTPLogged opens the log and runs HTTP mode.
func (a *App) serveHTTPLogged(ctx context.Context, hc *HTTPConfig) error {
	logger, closeLog, err := newLogger(a.cfg, a.Err)
	if err != nil {
		return err
	}
	defer closeLog()
	return a.serveHTTP(ctx, hc, logger)
}

// serveHTTP runs HTTP mode until ctx ends (SIGTERM), then drains.
func (a *App) serveHTTP(ctx context.Context, hc *HTTPConfig, logger *slog.Logger) error {
	h, err := newHTTPServer(ctx, a.cfg, hc, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", hc.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s (is the port in use? choose another with --http): %w", hc.Addr, err)
	}
	return h.run(ctx, ln)
}

// newHTTPServer checks the configuration and builds every part; nothing is
// listening yet and the credential store is never opened.
func newHTTPServer(ctx context.Context, cfg *Config, hc *HTTPConfig, logger *slog.Logger) (*httpServer, error) {
	switch {
	case cfg.AuthMode == auth.ModeOAuth:
		return nil, &ExitError{Code: ExitUsage, Err: errPassthroughOverHTTP}
	case cfg.HasEnvCredentials():
		return nil, usageError("NEXTCLOUD_USERNAME and NEXTCLOUD_PASSWORD would give every HTTP caller the same account: unset them; over HTTP each request brings its own credentials")
	case cfg.ServerURL == "":
		return nil, usageError("HTTP mode needs the Nextcloud server: set NEXTCLOUD_HOST or pass --server https://cloud.example.com")
	case cfg.AuthMode == auth.ModeBasic && (hc.Issuer != "" || hc.Introspect):
		return nil, usageError("--issuer and --introspect belong to token-exchange mode: add --auth-mode token-exchange, or drop them for Basic pass-through")
	}
	h := &httpServer{cfg: cfg, hc: hc, logger: logger, metrics: newHTTPMetrics(), limits: newUserLimits(hc.RateLimit, hc.RateBurst)}
	shared, err := auth.SharedHTTPClient(clientOptions(cfg), func(rt http.RoundTripper) http.RoundTripper {
		return nextcloudTransport{next: rt, m: h.metrics}
	})
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	target := auth.NextcloudTarget{BaseURL: cfg.ServerURL, HTTPClient: shared, Version: Build().Version}
	if cfg.AuthMode == auth.ModeTokenExchange {
		idp, err := clientOptions(cfg).HTTPClient()
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		idp.Timeout = 10 * time.Second
		h.bearer, err = auth.NewBearerAuthenticator(auth.BearerSettings{
			Issuer: hc.Issuer, ClientID: cfg.ClientID, ClientSecret: hc.ClientSecret,
			Audiences: h.audiences(), ExchangeAudience: cfg.TokenAudience, Introspect: hc.Introspect,
			HTTPClient: idp, JWKSMinRefresh: hc.JWKSMinRefresh, Logger: logger,
			ExchangeObserver: h.metrics, JWKSObserver: h.metrics.jwksFetched,
		}, target)
		if err != nil {
			return nil, &ExitError{Code: ExitUsage, Err: err}
		}
		h.bearer.Start(ctx)
		h.authn = h.bearer
	} else {
		h.authn = &auth.BasicAuthenticator{Nextcloud: target}
	}
	h.probe = &nextcloudProbe{base: cfg.ServerURL, hc: shared}

	factory, err := auth.NewRequestFactory(cfg.AuthMode, cfg.ServerURL, Build().Version, shared)
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	deps := &tools.Deps{Factory: factory, Logger: logger, Extract: newExtractor()}
	reg, err := tools.NewRegistry(deps, withoutSignIn(tools.All(deps)), tools.Options{ReadOnly: cfg.ReadOnly, Toolsets: cfg.Toolsets})
	if err != nil {
		return nil, &ExitError{Code: ExitUsage, Err: err}
	}
	s := tools.NewServer(reg, Build().Version, instructionsBase)
	s.Use(h.metrics.toolMiddleware)
	h.mcp = server.NewStreamableHTTPServer(s,
		server.WithSessionIdManagerResolver(userSessions{}),
		server.WithSessionIdleTTL(30*time.Minute),
		server.WithHeartbeatInterval(30*time.Second),
		server.WithStreamableHTTPLogger(logger.With("component", "mcp-http")),
	)
	return h, nil
}

// withoutSignIn drops the sign-in toolset: over HTTP the caller's own
// credentials arrive with each request, so nothing is signed in from the chat.
func withoutSignIn(all []*tools.Toolset) []*tools.Toolset {
	return slices.DeleteFunc(slices.Clone(all), func(ts *tools.Toolset) bool { return ts.Name == "auth" })
}

// audiences a caller's token may carry: "mcp-server", this server's client
// id and, when the public URL is known, its resource URL (RFC 8707, as MCP
// clients request it).
func (h *httpServer) audiences() []string {
	out := []string{auth.MCPServerAudience}
	if h.cfg.ClientID != "" {
		out = append(out, h.cfg.ClientID)
	}
	if h.hc.PublicURL != "" {
		out = append(out, h.hc.PublicURL+mcpPath, h.hc.PublicURL)
	}
	return out
}

// run serves on ln until ctx ends, then stops taking requests and lets the
// calls in flight finish within the shutdown timeout.
func (h *httpServer) run(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           h.routes(),
		ReadHeaderTimeout: h.hc.ReadHeaderTimeout,
		ReadTimeout:       h.hc.ReadTimeout,
		WriteTimeout:      h.hc.WriteTimeout,
		IdleTimeout:       h.hc.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		// Calls must outlive SIGTERM to be drained: their contexts do not
		// descend from the signal context.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		ErrorLog:    log.New(slogWriter{h.logger}, "", 0),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	h.logger.Info("serving MCP over HTTP", "addr", ln.Addr().String(), "endpoint", mcpPath, "version", Build().Version,
		"mode", h.cfg.AuthMode, "nextcloud", h.cfg.ServerURL, "read_only", h.cfg.ReadOnly)

	select {
	case err := <-served:
		return fmt.Errorf("serve HTTP: %w", err)
	case <-ctx.Done():
	}
	h.shuttingDown.Store(true)
	h.logger.Info("shutting down: draining calls in flight", "timeout", h.hc.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), h.hc.ShutdownTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(sctx) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		// Listening streams never end by themselves; closing them lets Shutdown finish.
		h.mcp.CloseSessions(sctx)
		select {
		case err := <-done:
			if err != nil {
				_ = srv.Close()
				h.logger.Warn("shutdown timed out; remaining calls were cut off", "error", err)
				return nil
			}
			h.logger.Info("stopped serving")
			return nil
		case <-tick.C:
		}
	}
}
