package store

import (
	"context"
	"testing"
	"time"
)

func TestCapabilitiesCache(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s, err := Open(context.Background(), t.TempDir(), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, _, ok, err := s.Capabilities(ctx, "admin@https://cloud.example.com"); ok || err != nil {
		t.Fatalf("empty cache: ok=%v err=%v", ok, err)
	}
	if err := s.SaveCapabilities(ctx, "admin@https://cloud.example.com", []byte(`{"notes":true}`)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if err := s.SaveCapabilities(ctx, "admin@https://cloud.example.com", []byte(`{"notes":false}`)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCapabilities(ctx, "alice@https://cloud.example.com", []byte(`{"deck":true}`)); err != nil {
		t.Fatal(err)
	}
	doc, at, ok, err := s.Capabilities(ctx, "admin@https://cloud.example.com")
	if err != nil || !ok || string(doc) != `{"notes":false}` || !at.Equal(now) {
		t.Errorf("got %s at %v (ok=%v, err=%v)", doc, at, ok, err)
	}
	if err := s.SaveCapabilities(ctx, "", nil); err == nil {
		t.Error("saved without an account")
	}
	if v, _ := s.SchemaVersion(ctx); v != 5 {
		t.Errorf("schema version %d, want 5", v)
	}
}
