package cmd

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// clientOptions are the transport settings from the config.
func clientOptions(cfg *Config) auth.ClientOptions {
	return auth.ClientOptions{Insecure: cfg.Insecure, CAFile: cfg.CAFile, Version: Build().Version}
}

// buildFactory picks where credentials come from. Precedence: env
// credentials (NEXTCLOUD_USERNAME + NEXTCLOUD_PASSWORD) win; otherwise the
// configured auth mode decides.
func buildFactory(_ context.Context, cfg *Config, _ *slog.Logger) (auth.Factory, error) {
	switch cfg.AuthMode {
	case auth.ModeOAuth, auth.ModeTokenExchange:
		return auth.ErrorFactory{ModeName: cfg.AuthMode, Err: fmt.Errorf("auth mode %q is not available in this build: use --auth-mode basic", cfg.AuthMode)}, nil
	}
	if cfg.HasEnvCredentials() {
		if cfg.ServerURL == "" {
			return auth.ErrorFactory{ModeName: auth.ModeBasic, Err: fmt.Errorf("NEXTCLOUD_USERNAME and NEXTCLOUD_PASSWORD are set but NEXTCLOUD_HOST is not: set it to your server URL, e.g. https://cloud.example.com")}, nil
		}
		return auth.NewBasicFactory(cfg.ServerURL, cfg.Username, cfg.Password, clientOptions(cfg)), nil
	}
	return auth.ErrorFactory{ModeName: auth.ModeBasic, Err: auth.ErrNoCredentials}, nil
}

// startDemo runs the seeded fake Nextcloud on a loopback port and returns a
// factory signed in to it as the demo user.
func startDemo(cfg *Config) (auth.Factory, func(), string) {
	fake := ncfake.NewDemo()
	ts := fake.Start()
	f := auth.NewBasicFactory(ts.URL, ncfake.DemoUser, ncfake.DemoAppPassword, clientOptions(cfg))
	return f, ts.Close, ts.URL
}
