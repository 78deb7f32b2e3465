// Package auth turns the configured auth mode into Nextcloud clients. Tools
// ask the Factory for a client and never learn which mode is active.
package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// ErrNoCredentials means nothing to sign in with is configured. Tools turn it
// into a result that tells the user how to sign in.
var ErrNoCredentials = errors.New("no Nextcloud credentials: run `nextcloud-mcp login https://your.cloud` or set NEXTCLOUD_HOST, NEXTCLOUD_USERNAME and NEXTCLOUD_PASSWORD")

// Factory hands out the client for the current credential.
type Factory interface {
	Client(ctx context.Context) (*nextcloud.Client, error)
	// Mode names the auth mode in effect: basic, oauth or token-exchange.
	Mode() string
}

// Modes.
const (
	ModeBasic         = "basic"
	ModeOAuth         = "oauth"
	ModeTokenExchange = "token-exchange"
)

// ClientOptions are the transport settings every client is built with.
type ClientOptions struct {
	Insecure bool
	CAFile   string
	Version  string
}

func (o ClientOptions) apply(base string, creds nextcloud.Credentials) nextcloud.Options {
	return nextcloud.Options{BaseURL: base, Credentials: creds, Insecure: o.Insecure, CAFile: o.CAFile, Version: o.Version}
}

// StaticFactory serves one fixed client: BasicAuth from the environment, or
// the demo server.
type StaticFactory struct {
	mode   string
	once   sync.Once
	build  func() (*nextcloud.Client, error)
	client *nextcloud.Client
	err    error
}

// NewStaticFactory builds the client on first use, so a bad URL is reported
// to the tool call that needs it rather than stopping the server from starting.
func NewStaticFactory(mode string, build func() (*nextcloud.Client, error)) *StaticFactory {
	return &StaticFactory{mode: mode, build: build}
}

// NewBasicFactory is the env-credential factory.
func NewBasicFactory(server, user, password string, o ClientOptions) *StaticFactory {
	return NewStaticFactory(ModeBasic, func() (*nextcloud.Client, error) {
		c, err := nextcloud.New(o.apply(server, nextcloud.BasicAuth{User: user, Password: password}))
		if err != nil {
			return nil, fmt.Errorf("configure Nextcloud client: %w", err)
		}
		return c, nil
	})
}

// Client implements Factory.
func (f *StaticFactory) Client(context.Context) (*nextcloud.Client, error) {
	f.once.Do(func() { f.client, f.err = f.build() })
	return f.client, f.err
}

// Mode implements Factory.
func (f *StaticFactory) Mode() string { return f.mode }

// ErrorFactory always fails with err; used when the configuration cannot
// produce credentials, so the server still starts and explains the fix.
type ErrorFactory struct {
	ModeName string
	Err      error
}

// Client implements Factory.
func (f ErrorFactory) Client(context.Context) (*nextcloud.Client, error) { return nil, f.Err }

// Mode implements Factory.
func (f ErrorFactory) Mode() string { return f.ModeName }
