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

// factoryOption adjusts buildFactory; the defaults suit the real process.
type factoryOption func(*factorySettings)

type factorySettings struct {
	keyring auth.Keyring
}

// withKeyring makes the store key come from kr (nil: the OS keyring).
func withKeyring(kr auth.Keyring) factoryOption {
	return func(s *factorySettings) { s.keyring = kr }
}

// keySource is where the store key comes from: TOKEN_ENCRYPTION_KEY, else the keyring.
func keySource(cfg *Config, kr auth.Keyring) *auth.KeySource {
	return &auth.KeySource{EnvKey: cfg.TokenKey, Keyring: kr}
}

// storeOpener opens the store in the config dir on first need.
func storeOpener(cfg *Config, kr auth.Keyring) *auth.StoreOpener {
	return &auth.StoreOpener{Dir: cfg.ConfigDir, Keys: keySource(cfg, kr)}
}

// buildFactory picks where credentials come from. Precedence: env
// credentials (NEXTCLOUD_USERNAME + NEXTCLOUD_PASSWORD) win; otherwise the
// configured auth mode decides, and in basic mode that is the default
// account stored by `nextcloud-mcp login`. The store is opened only when the
// first tool call needs it, and closed when ctx ends.
func buildFactory(ctx context.Context, cfg *Config, logger *slog.Logger, opts ...factoryOption) (auth.Factory, error) {
	var set factorySettings
	for _, o := range opts {
		o(&set)
	}
	switch cfg.AuthMode {
	case auth.ModeOAuth, auth.ModeTokenExchange:
		return oauthFactory(ctx, cfg, set.keyring), nil
	}
	if cfg.HasEnvCredentials() {
		if cfg.ServerURL == "" {
			return auth.ErrorFactory{ModeName: auth.ModeBasic, Err: fmt.Errorf("NEXTCLOUD_USERNAME and NEXTCLOUD_PASSWORD are set but NEXTCLOUD_HOST is not: set it to your server URL, e.g. https://cloud.example.com")}, nil
		}
		return auth.NewBasicFactory(cfg.ServerURL, cfg.Username, cfg.Password, clientOptions(cfg)), nil
	}
	opener := storeOpener(cfg, set.keyring)
	context.AfterFunc(ctx, func() { _ = opener.Close() })
	f := auth.NewStoredFactory(opener, clientOptions(cfg), 0)
	signIn := &auth.SignIn{
		Store:         opener,
		Client:        clientOptions(cfg),
		DefaultServer: cfg.ServerURL,
		OnSignedIn:    f.Use,
		Background:    ctx,
		Logger:        logger,
	}
	return &storedLogin{StoredFactory: f, signIn: signIn}, nil
}

// storedLogin is the factory of a stored login together with the chat
// sign-in that can replace it while the server runs.
type storedLogin struct {
	*auth.StoredFactory
	signIn *auth.SignIn
}

// signInFor returns the chat sign-in service when the factory serves a
// stored login, and nil otherwise: with env credentials, in the demo and in
// token-exchange mode a sign-in from the chat would not be used, so the
// nc_auth_login tool is not offered.
func signInFor(f auth.Factory) auth.SignInService {
	if s, ok := f.(*storedLogin); ok {
		return s.signIn
	}
	return nil
}

// startDemo runs the seeded fake Nextcloud on a loopback port and returns a
// factory signed in to it as the demo user.
func startDemo(cfg *Config) (auth.Factory, func(), string) {
	fake := ncfake.NewDemo()
	ts := fake.Start()
	f := auth.NewBasicFactory(ts.URL, ncfake.DemoUser, ncfake.DemoAppPassword, clientOptions(cfg))
	return f, ts.Close, ts.URL
}
