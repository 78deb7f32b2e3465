package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestOAuthTokenURLRoundTrip: the token endpoint is kept with the session,
// so a refresh needs no discovery.
func TestOAuthTokenURLRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, testKey(7))
	acct := AccountKey("https://x", "alice")
	in := OAuthToken{Account: acct, Issuer: "https://idp", ClientID: "cid", TokenURL: "https://idp/oauth/token", RefreshToken: "rt"}
	if err := s.SaveOAuthToken(ctx, in); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.OAuthToken(ctx, acct)
	if err != nil || !ok || got.TokenURL != in.TokenURL {
		t.Fatalf("token url: %q %v %v", got.TokenURL, ok, err)
	}
}

// TestMigrationAddsTokenURLToExistingSessions: a database written at schema
// 2 keeps its OAuth rows, which read back with an empty token URL.
func TestMigrationAddsTokenURLToExistingSessions(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cfg")
	s, err := Open(ctx, dir, WithKey(keyFn(testKey(8))))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Rebuild the file as schema 2 wrote it.
	db, err := sql.Open("sqlite3", filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE oauth_tokens`, `DROP TABLE accounts`, `DROP TABLE registered_webhooks`, `DELETE FROM schema_version`,
		migrations[0], migrations[1], `INSERT INTO schema_version VALUES (2)`,
		`INSERT INTO oauth_tokens (account, issuer, client_id, updated_at) VALUES ('a@https://x', 'https://idp', 'cid', 1)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	s, err = Open(ctx, dir, WithKey(keyFn(testKey(8))))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != LatestSchemaVersion() {
		t.Fatalf("version %d, want %d", v, LatestSchemaVersion())
	}
	got, ok, err := s.OAuthToken(ctx, "a@https://x")
	if err != nil || !ok || got.Issuer != "https://idp" || got.TokenURL != "" {
		t.Fatalf("after migration: %+v %v %v", got, ok, err)
	}
}
