package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"github.com/nextcloud-mcp/nextcloud-mcp/store"
)

// Where the store key lives in the OS keyring.
const (
	KeyringService = "nextcloud-mcp"
	KeyringUser    = "store-key"
	// KeyringTimeout bounds every keyring call: a locked or absent Secret
	// Service can otherwise hang the CLI or the server forever.
	KeyringTimeout = 3 * time.Second
)

// Keyring is the part of an OS keyring the key needs. Tests inject their own.
type Keyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// ErrKeyringNotFound is what a Keyring returns for a missing entry.
var ErrKeyringNotFound = keyring.ErrNotFound

// SystemKeyring is the OS keyring: Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows.
type SystemKeyring struct{}

// Get implements Keyring.
func (SystemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }

// Set implements Keyring.
func (SystemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}

// Delete implements Keyring.
func (SystemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// Errors of the key source.
var (
	// ErrKeyringUnavailable means the OS keyring could not be used and no
	// TOKEN_ENCRYPTION_KEY was set.
	ErrKeyringUnavailable = errors.New("the OS keyring is unavailable")
	// ErrBadEnvKey means TOKEN_ENCRYPTION_KEY is set but is not a base64 32-byte key.
	ErrBadEnvKey = errors.New("TOKEN_ENCRYPTION_KEY is not a base64-encoded 32-byte key")
)

// Key sources, as status reports them.
const (
	KeySourceEnv     = "env"
	KeySourceKeyring = "keyring"
)

// KeySource finds the store key: TOKEN_ENCRYPTION_KEY when set, otherwise
// the OS keyring, where a fresh random key is created on first need.
type KeySource struct {
	// EnvKey is the value of TOKEN_ENCRYPTION_KEY ("" when unset).
	EnvKey string
	// Keyring defaults to SystemKeyring.
	Keyring Keyring
	// User is the keyring entry name; default KeyringUser.
	User string
	// Timeout bounds each keyring call; default KeyringTimeout.
	Timeout time.Duration
}

// Source names where the key comes from: "env" or "keyring".
func (k *KeySource) Source() string {
	if strings.TrimSpace(k.EnvKey) != "" {
		return KeySourceEnv
	}
	return KeySourceKeyring
}

func (k *KeySource) ring() Keyring {
	if k.Keyring != nil {
		return k.Keyring
	}
	return SystemKeyring{}
}

func (k *KeySource) user() string {
	if k.User != "" {
		return k.User
	}
	return KeyringUser
}

// Key returns the 32-byte key. It never appears in an error.
func (k *KeySource) Key(ctx context.Context) ([]byte, error) {
	if k.Source() == KeySourceEnv {
		return ParseEnvKey(k.EnvKey)
	}
	encoded, err := k.call(ctx, func(r Keyring) (string, error) { return r.Get(KeyringService, k.user()) })
	if err == nil {
		key, derr := base64.StdEncoding.DecodeString(encoded)
		if derr != nil || len(key) != store.KeySize {
			return nil, fmt.Errorf("the keyring entry %s/%s does not hold a base64 32-byte key: delete it and run `nextcloud-mcp logout --all`, then log in again", KeyringService, k.user())
		}
		return key, nil
	}
	if !errors.Is(err, keyring.ErrNotFound) {
		return nil, unavailable(err)
	}
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create the store key: %w", err)
	}
	if _, err := k.call(ctx, func(r Keyring) (string, error) {
		return "", r.Set(KeyringService, k.user(), base64.StdEncoding.EncodeToString(key))
	}); err != nil {
		return nil, unavailable(err)
	}
	return key, nil
}

// Check tells whether a key can be had without creating one: nil when the
// env key is valid, or the keyring answers (with or without an entry).
// found reports whether a key already exists.
func (k *KeySource) Check(ctx context.Context) (found bool, err error) {
	if k.Source() == KeySourceEnv {
		_, err := ParseEnvKey(k.EnvKey)
		return err == nil, err
	}
	_, err = k.call(ctx, func(r Keyring) (string, error) { return r.Get(KeyringService, k.user()) })
	if errors.Is(err, keyring.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, unavailable(err)
	}
	return true, nil
}

// Forget deletes the keyring entry (a no-op with an env key or no entry).
func (k *KeySource) Forget(ctx context.Context) error {
	if k.Source() == KeySourceEnv {
		return nil
	}
	_, err := k.call(ctx, func(r Keyring) (string, error) { return "", r.Delete(KeyringService, k.user()) })
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return unavailable(err)
	}
	return nil
}

// call runs one keyring operation under the timeout. A call that hangs is
// abandoned (its goroutine finishes or dies with the process).
func (k *KeySource) call(ctx context.Context, fn func(Keyring) (string, error)) (string, error) {
	timeout := k.Timeout
	if timeout <= 0 {
		timeout = KeyringTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	r := k.ring()
	go func() {
		v, err := fn(r)
		ch <- result{v, err}
	}()
	select {
	case res := <-ch:
		return res.v, res.err
	case <-ctx.Done():
		return "", fmt.Errorf("no answer within %s: %w", timeout, ctx.Err())
	}
}

func unavailable(err error) error {
	return fmt.Errorf("%w (%v): start a Secret Service such as gnome-keyring or KeePassXC in your desktop session, "+
		"or set TOKEN_ENCRYPTION_KEY to a base64-encoded 32-byte key (for example the output of `openssl rand -base64 32`) "+
		"and keep it the same from then on", ErrKeyringUnavailable, err)
}

// ParseEnvKey validates TOKEN_ENCRYPTION_KEY: base64 (standard or URL
// alphabet, padded or not) of exactly 32 bytes.
func ParseEnvKey(v string) ([]byte, error) {
	v = strings.TrimSpace(v)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(v); err == nil {
			if len(key) != store.KeySize {
				return nil, fmt.Errorf("%w: it decodes to %d bytes; generate one with `openssl rand -base64 32`", ErrBadEnvKey, len(key))
			}
			return key, nil
		}
	}
	return nil, fmt.Errorf("%w: it is not valid base64; generate one with `openssl rand -base64 32`", ErrBadEnvKey)
}

// ExplainStoreError adds the way out to store errors a user can act on; any
// other error is returned unchanged.
func ExplainStoreError(err error, keys *KeySource) error {
	if errors.Is(err, store.ErrKeyMismatch) {
		from := "the OS keyring"
		if keys != nil && keys.Source() == KeySourceEnv {
			from = "TOKEN_ENCRYPTION_KEY"
		}
		return fmt.Errorf("%w: the key from %s is not the one they were sealed with (did the key or the keyring change?); "+
			"restore the old key, or run `nextcloud-mcp logout --all` to reset the stored logins and then log in again", err, from)
	}
	return err
}
