package auth

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// memKeyring is an in-memory Keyring; err makes every call fail, block makes
// every call hang until the test ends.
type memKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	err     error
	block   chan struct{}
	calls   int
}

func newMemKeyring() *memKeyring { return &memKeyring{entries: map[string]string{}} }

func (m *memKeyring) wait() error {
	m.mu.Lock()
	m.calls++
	b, err := m.block, m.err
	m.mu.Unlock()
	if b != nil {
		<-b
	}
	return err
}

func (m *memKeyring) Get(service, user string) (string, error) {
	if err := m.wait(); err != nil {
		return "", err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.entries[service+"/"+user]
	if !ok {
		return "", ErrKeyringNotFound
	}
	return v, nil
}

func (m *memKeyring) Set(service, user, secret string) error {
	if err := m.wait(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[service+"/"+user] = secret
	return nil
}

func (m *memKeyring) Delete(service, user string) error {
	if err := m.wait(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.entries[service+"/"+user]; !ok {
		return ErrKeyringNotFound
	}
	delete(m.entries, service+"/"+user)
	return nil
}

func TestKeyIsCreatedOnFirstNeedAndReused(t *testing.T) {
	ctx := context.Background()
	kr := newMemKeyring()
	ks := &KeySource{Keyring: kr}
	if found, err := ks.Check(ctx); found || err != nil {
		t.Fatalf("check before first need: found=%v err=%v", found, err)
	}
	if len(kr.entries) != 0 {
		t.Fatal("Check must not create a key")
	}
	k1, err := ks.Key(ctx)
	if err != nil || len(k1) != 32 {
		t.Fatalf("key: %d bytes, %v", len(k1), err)
	}
	if _, ok := kr.entries[KeyringService+"/"+KeyringUser]; !ok {
		t.Fatalf("key not stored under service %q: %v", KeyringService, kr.entries)
	}
	k2, err := (&KeySource{Keyring: kr}).Key(ctx)
	if err != nil || string(k1) != string(k2) {
		t.Fatal("a second source must read the same key")
	}
	if found, err := ks.Check(ctx); !found || err != nil {
		t.Fatalf("check after creation: %v %v", found, err)
	}
	if ks.Source() != KeySourceKeyring {
		t.Fatal(ks.Source())
	}
	if err := ks.Forget(ctx); err != nil || len(kr.entries) != 0 {
		t.Fatalf("forget: %v %v", err, kr.entries)
	}
}

func TestEnvKeyOverridesKeyring(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	kr := newMemKeyring()
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		ks := &KeySource{EnvKey: " " + enc.EncodeToString(key) + "\n", Keyring: kr}
		got, err := ks.Key(context.Background())
		if err != nil || string(got) != string(key) || ks.Source() != KeySourceEnv {
			t.Fatalf("env key: %v %v", err, ks.Source())
		}
	}
	if kr.calls != 0 {
		t.Fatal("the keyring was asked although TOKEN_ENCRYPTION_KEY is set")
	}
}

func TestEnvKeyIsValidated(t *testing.T) {
	secret := base64.StdEncoding.EncodeToString([]byte("sixteen-byte-key"))
	for name, v := range map[string]string{"short": secret, "not base64": "this is !!! not base64 at all"} {
		t.Run(name, func(t *testing.T) {
			_, err := (&KeySource{EnvKey: v, Keyring: newMemKeyring()}).Key(context.Background())
			if !errors.Is(err, ErrBadEnvKey) {
				t.Fatalf("err = %v", err)
			}
			if strings.Contains(err.Error(), v) {
				t.Fatal("the error repeats the key")
			}
			if !strings.Contains(err.Error(), "openssl rand -base64 32") {
				t.Fatalf("no fix in %q", err)
			}
		})
	}
}

func TestKeyringUnavailableNamesBothFixes(t *testing.T) {
	kr := newMemKeyring()
	kr.err = errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	_, err := (&KeySource{Keyring: kr}).Key(context.Background())
	if !errors.Is(err, ErrKeyringUnavailable) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"TOKEN_ENCRYPTION_KEY", "Secret Service", "org.freedesktop.secrets"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestKeyringCallsTimeOut(t *testing.T) {
	kr := newMemKeyring()
	kr.block = make(chan struct{})
	defer close(kr.block)
	start := time.Now()
	_, err := (&KeySource{Keyring: kr, Timeout: 50 * time.Millisecond}).Key(context.Background())
	if !errors.Is(err, ErrKeyringUnavailable) || !strings.Contains(err.Error(), "no answer within") {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Fatal("a hung keyring was waited on past the timeout")
	}
	if KeyringTimeout < time.Second || KeyringTimeout > 5*time.Second {
		t.Fatalf("default timeout %v, want about 3 s", KeyringTimeout)
	}
}

func TestKeyringEntryThatIsNotAKey(t *testing.T) {
	kr := newMemKeyring()
	kr.entries[KeyringService+"/"+KeyringUser] = "garbage"
	_, err := (&KeySource{Keyring: kr}).Key(context.Background())
	if err == nil || !strings.Contains(err.Error(), "logout --all") {
		t.Fatalf("err = %v", err)
	}
}
