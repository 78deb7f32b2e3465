package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// StoreOpener opens the store the first time something needs it and keeps
// it open. A failure is returned to that caller, with the path and the
// reason, and is not remembered: the next caller tries again.
type StoreOpener struct {
	// Dir is the config directory holding nextcloud-mcp.db.
	Dir string
	// Keys supplies the sealing key when a secret is first touched.
	Keys *KeySource

	mu sync.Mutex
	st *store.Store
}

// Open returns the open store.
func (o *StoreOpener) Open(ctx context.Context) (*store.Store, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.st != nil {
		return o.st, nil
	}
	var opts []store.Option
	if o.Keys != nil {
		opts = append(opts, store.WithKey(o.Keys.Key))
	}
	st, err := store.Open(ctx, o.Dir, opts...)
	if err != nil {
		return nil, err
	}
	o.st = st
	return st, nil
}

// Close closes the store if it was opened.
func (o *StoreOpener) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.st == nil {
		return nil
	}
	err := o.st.Close()
	o.st = nil
	return err
}

// notSignedIn is the error for "no stored login": it matches
// ErrNoCredentials, and its text is the sentence tools show the model.
type notSignedIn struct{}

func (notSignedIn) Error() string {
	return "not signed in to Nextcloud: call the nc_auth_login tool to sign in from this chat, " +
		"or run `nextcloud-mcp login https://your.cloud` in a terminal"
}

func (notSignedIn) Is(target error) bool { return target == ErrNoCredentials }

// ErrNotSignedIn is returned by StoredFactory when the store holds no default account.
var ErrNotSignedIn error = notSignedIn{}

// DefaultRecheck is how often StoredFactory re-reads the default account, so
// a `login` run in a terminal reaches a running server without a restart.
const DefaultRecheck = 5 * time.Second

// StoredFactory serves the store's default account: the app password that
// `nextcloud-mcp login` (or nc_auth_login) saved. The credential can change
// while the server runs: Use swaps it at once, and a change made by another
// process is picked up within Recheck.
type StoredFactory struct {
	store   *StoreOpener
	opts    ClientOptions
	recheck time.Duration
	now     func() time.Time

	mu      sync.Mutex
	client  *nextcloud.Client
	account store.Account
	checked time.Time
}

// NewStoredFactory builds the factory; nothing is opened until the first Client call.
func NewStoredFactory(st *StoreOpener, o ClientOptions, recheck time.Duration) *StoredFactory {
	if recheck <= 0 {
		recheck = DefaultRecheck
	}
	return &StoredFactory{store: st, opts: o, recheck: recheck, now: time.Now}
}

// Mode implements Factory.
func (f *StoredFactory) Mode() string { return ModeBasic }

// Client implements Factory.
func (f *StoredFactory) Client(ctx context.Context) (*nextcloud.Client, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.client != nil && f.now().Sub(f.checked) < f.recheck {
		return f.client, nil
	}
	st, err := f.store.Open(ctx)
	if err != nil {
		return nil, err
	}
	a, ok, err := st.DefaultAccount(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		f.client, f.account = nil, store.Account{}
		return nil, ErrNotSignedIn
	}
	if f.client != nil && a.Key == f.account.Key && a.UpdatedAt.Equal(f.account.UpdatedAt) {
		f.checked = f.now()
		return f.client, nil
	}
	if a.Kind != store.KindAppPassword {
		return nil, fmt.Errorf("the stored account %s signs in with %s, which this auth mode (basic) cannot use: run with --auth-mode oauth, or run `nextcloud-mcp login` again", a.Key, a.Kind)
	}
	secret, err := st.AccountSecret(ctx, a.Key)
	if err != nil {
		return nil, ExplainStoreError(err, f.store.Keys)
	}
	if err := f.use(a, secret); err != nil {
		return nil, err
	}
	return f.client, nil
}

// Use switches to the account at once, as when a chat sign-in completes.
func (f *StoredFactory) Use(a store.Account, secret string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.use(a, secret)
}

func (f *StoredFactory) use(a store.Account, secret string) error {
	c, err := nextcloud.New(f.opts.apply(a.ServerURL, nextcloud.BasicAuth{User: a.Login, Password: secret}))
	if err != nil {
		return fmt.Errorf("stored account %s: %w", a.Key, err)
	}
	f.client, f.account, f.checked = c, a, f.now()
	return nil
}

// Account returns the account in use, reading the store if no client was
// built yet. ok is false when nobody is signed in.
func (f *StoredFactory) Account(ctx context.Context) (store.Account, bool, error) {
	if _, err := f.Client(ctx); err != nil {
		if errors.Is(err, ErrNoCredentials) {
			return store.Account{}, false, nil
		}
		return store.Account{}, false, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.account, true, nil
}

// NewClient builds a client for base with creds and these transport settings.
func (o ClientOptions) NewClient(base string, creds nextcloud.Credentials) (*nextcloud.Client, error) {
	return nextcloud.New(o.apply(base, creds))
}
