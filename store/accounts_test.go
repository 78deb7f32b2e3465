package store

import (
	"context"
	"testing"
	"time"
)

func TestAccountsLifecycle(t *testing.T) {
	ctx := context.Background()
	clock := time.Unix(1_800_000_000, 0)
	dir := t.TempDir()
	s, err := Open(ctx, dir, WithKey(keyFn(testKey(4))), WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	if _, ok, err := s.DefaultAccount(ctx); ok || err != nil {
		t.Fatalf("fresh store has a default: %v %v", ok, err)
	}
	verified := clock.Add(-time.Minute)
	alice, err := s.SaveAccount(ctx, Account{ServerURL: "https://one.example", Login: "alice", DisplayName: "Alice", VerifiedAt: verified}, "pw-a")
	if err != nil {
		t.Fatal(err)
	}
	if alice.Key != "alice@https://one.example" || !alice.IsDefault || alice.Kind != KindAppPassword {
		t.Fatalf("first account: %+v (the first one becomes default)", alice)
	}
	if !alice.CreatedAt.Equal(clock) || !alice.VerifiedAt.Equal(verified) {
		t.Fatalf("timestamps: %+v", alice)
	}
	clock = clock.Add(time.Hour)
	bob, err := s.SaveAccount(ctx, Account{ServerURL: "https://two.example", Login: "bob"}, "pw-b")
	if err != nil {
		t.Fatal(err)
	}
	if bob.IsDefault {
		t.Fatal("a second account must not steal the default unless asked")
	}
	if d, _, _ := s.DefaultAccount(ctx); d.Key != alice.Key {
		t.Fatalf("default %s", d.Key)
	}
	// Logging in again replaces the credential, keeps created_at, and can take the default.
	clock = clock.Add(time.Hour)
	bob2, err := s.SaveAccount(ctx, Account{ServerURL: "https://two.example", Login: "bob", DisplayName: "Bob", IsDefault: true}, "pw-b2")
	if err != nil {
		t.Fatal(err)
	}
	if !bob2.CreatedAt.Equal(bob.CreatedAt) || !bob2.UpdatedAt.Equal(clock) || !bob2.IsDefault || bob2.DisplayName != "Bob" {
		t.Fatalf("replaced account: %+v", bob2)
	}
	if sec, _ := s.AccountSecret(ctx, bob2.Key); sec != "pw-b2" {
		t.Fatalf("secret after replace %q", sec)
	}
	all, err := s.Accounts(ctx)
	if err != nil || len(all) != 2 || all[0].Key != bob2.Key || all[1].IsDefault {
		t.Fatalf("accounts: %+v %v (exactly one default, listed first)", all, err)
	}
	if err := s.SetDefault(ctx, alice.Key); err != nil {
		t.Fatal(err)
	}
	if d, _, _ := s.DefaultAccount(ctx); d.Key != alice.Key {
		t.Fatalf("default after SetDefault: %s", d.Key)
	}
	if err := s.SetDefault(ctx, "nobody@x"); err == nil {
		t.Fatal("SetDefault of an unknown account must fail")
	}
	if d, _, _ := s.DefaultAccount(ctx); d.Key != alice.Key {
		t.Fatal("a failed SetDefault changed the default")
	}
	if ok, err := s.DeleteAccount(ctx, alice.Key); !ok || err != nil {
		t.Fatalf("delete: %v %v", ok, err)
	}
	if ok, _ := s.DeleteAccount(ctx, alice.Key); ok {
		t.Fatal("deleting twice reports true")
	}
	if _, ok, _ := s.Account(ctx, alice.Key); ok {
		t.Fatal("deleted account still readable")
	}
	if _, err := s.AccountSecret(ctx, alice.Key); err == nil {
		t.Fatal("secret of a deleted account")
	}
}

func TestSaveAccountValidates(t *testing.T) {
	s, _ := openTest(t, testKey(1))
	if _, err := s.SaveAccount(context.Background(), Account{Login: "a"}, "x"); err == nil {
		t.Fatal("account without server accepted")
	}
}
