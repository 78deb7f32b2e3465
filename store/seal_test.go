package store

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestSealRoundTripAndBinding(t *testing.T) {
	sl, err := newSealer(testKey(1))
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte("SENTINEL-seal-4e1b")
	a, err := sl.seal(secret, "accounts", "secret", "alice@https://x")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := sl.seal(secret, "accounts", "secret", "alice@https://x")
	if bytes.Equal(a, b) {
		t.Error("two seals of the same value are identical: the nonce is not random")
	}
	if bytes.Contains(a, secret) {
		t.Error("sealed value contains the plaintext")
	}
	got, err := sl.open(a, sl.id, "accounts", "secret", "alice@https://x")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open = %q, %v", got, err)
	}
	other, _ := newSealer(testKey(2))
	cases := map[string]func() error{
		"other row": func() error { _, err := sl.open(a, sl.id, "accounts", "secret", "bob@https://x"); return err },
		"other column": func() error {
			_, err := sl.open(a, sl.id, "oauth_tokens", "access_token", "alice@https://x")
			return err
		},
		"other key id": func() error { _, err := other.open(a, sl.id, "accounts", "secret", "alice@https://x"); return err },
		"relabelled key": func() error {
			_, err := other.open(a, other.id, "accounts", "secret", "alice@https://x")
			return err
		},
		"tampered": func() error {
			c := append([]byte(nil), a...)
			c[len(c)-1] ^= 1
			_, err := sl.open(c, sl.id, "accounts", "secret", "alice@https://x")
			return err
		},
		"truncated": func() error { _, err := sl.open(a[:5], sl.id, "accounts", "secret", "alice@https://x"); return err },
	}
	for name, fn := range cases {
		t.Run(name, func(t *testing.T) {
			err := fn()
			if !errors.Is(err, ErrKeyMismatch) {
				t.Fatalf("err = %v, want ErrKeyMismatch", err)
			}
			if strings.Contains(err.Error(), string(secret)) {
				t.Fatal("error reveals the secret")
			}
		})
	}
}

func TestKeyIDIsStableAndRevealsNothing(t *testing.T) {
	k := testKey(9)
	if KeyID(k) != KeyID(testKey(9)) || KeyID(k) == KeyID(testKey(8)) {
		t.Fatal("key id must be a stable function of the key")
	}
	if strings.Contains(KeyID(k), "0909") {
		t.Fatal("key id shows key bytes")
	}
	if _, err := newSealer(make([]byte, 16)); err == nil {
		t.Fatal("a 16-byte key must be refused")
	}
}

func TestSecretsNeedTheKeyOtherDataDoesNot(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, nil)
	if _, err := s.SaveAccount(ctx, Account{ServerURL: "https://x", Login: "a"}, "pw"); !errors.Is(err, ErrNoKey) {
		t.Fatalf("save with secret and no key: %v, want ErrNoKey", err)
	}
	// Without a secret (or for webhooks) no key is needed.
	if _, err := s.SaveAccount(ctx, Account{ServerURL: "https://x", Login: "a", Kind: KindOAuth}, ""); err != nil {
		t.Fatalf("save without secret: %v", err)
	}
	if err := s.SaveWebhook(ctx, Webhook{Account: "a@https://x", ID: 1, Event: "e", URI: "u"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Unlock(ctx); !errors.Is(err, ErrNoKey) {
		t.Fatalf("unlock without key: %v", err)
	}
}

func TestKeyFuncFailureIsRetried(t *testing.T) {
	ctx := context.Background()
	calls := 0
	fn := func(context.Context) ([]byte, error) {
		calls++
		if calls == 1 {
			return nil, errors.New("keyring locked")
		}
		return testKey(3), nil
	}
	s, err := Open(ctx, t.TempDir(), WithKey(fn))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Unlock(ctx); err == nil || !strings.Contains(err.Error(), "keyring locked") {
		t.Fatalf("first unlock: %v", err)
	}
	if err := s.Unlock(ctx); err != nil {
		t.Fatalf("second unlock: %v", err)
	}
	_ = s.Unlock(ctx)
	if calls != 2 {
		t.Fatalf("key func called %d times, want 2 (a good key is kept)", calls)
	}
}

func TestWrongKeyIsReportedAndResetWorks(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t, testKey(1))
	key := AccountKey("https://x", "a")
	if _, err := s.SaveAccount(ctx, Account{ServerURL: "https://x", Login: "a"}, "pw"); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOAuthToken(ctx, OAuthToken{Account: key, AccessToken: "at"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(ctx, dir, WithKey(keyFn(testKey(2))))
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.AccountSecret(ctx, key); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("secret with another key: %v", err)
	}
	if _, _, err := s2.OAuthToken(ctx, key); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("oauth with another key: %v", err)
	}
	if err := s2.VerifyKey(ctx); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("verify with another key: %v", err)
	}
	n, err := s2.DeleteAllAccounts(ctx)
	if err != nil || n != 1 {
		t.Fatalf("reset: %d, %v", n, err)
	}
	if err := s2.VerifyKey(ctx); err != nil {
		t.Fatalf("verify after reset: %v", err)
	}
}

func TestSentinelSecretsNeverInDatabaseFiles(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t, testKey(5))
	const pw, at, rt, cs = "SENTINEL-app-pw-0a1b", "SENTINEL-access-2c3d", "SENTINEL-refresh-4e5f", "SENTINEL-client-6a7b"
	a, err := s.SaveAccount(ctx, Account{ServerURL: "https://x", Login: "a"}, pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveOAuthToken(ctx, OAuthToken{Account: a.Key, AccessToken: at, RefreshToken: rt, ClientSecret: cs}); err != nil {
		t.Fatal(err)
	}
	// Both the WAL and, after a checkpoint, the main file.
	for _, phase := range []string{"wal", "checkpointed"} {
		if phase == "checkpointed" {
			if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
				t.Fatal(err)
			}
		}
		for _, sentinel := range []string{pw, at, rt, cs} {
			if dirContains(t, dir, sentinel) || dirContains(t, dir, "SENTINEL") {
				t.Fatalf("%s: %q found in plain text in the database files", phase, sentinel)
			}
		}
	}
}
