package store

import (
	"context"
	"testing"
	"time"
)

func TestWebhookRecords(t *testing.T) {
	ctx := context.Background()
	base := time.Unix(1_800_000_000, 0)
	const acct = "admin@https://cloud.example"
	type step struct {
		name  string
		run   func(t *testing.T, s *Store)
		check func(t *testing.T, s *Store)
	}
	ids := func(ws []Webhook) []int64 {
		var out []int64
		for _, w := range ws {
			out = append(out, w.ID)
		}
		return out
	}
	equal := func(a, b []int64) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if a[i] != b[i] {
				return false
			}
		}
		return true
	}
	steps := []step{
		{"save with presets", func(t *testing.T, s *Store) {
			for i, w := range []Webhook{
				{Account: acct, ID: 1, Preset: "notes_sync", Event: "E1", URI: "https://hook", CreatedAt: base},
				{Account: acct, ID: 2, Preset: "notes_sync", Event: "E2", URI: "https://hook", CreatedAt: base.Add(time.Second)},
				{Account: acct, ID: 3, Preset: "files_sync", Event: "E3", URI: "https://hook", CreatedAt: base.Add(2 * time.Second)},
				{Account: acct, ID: 4, Event: "E4", URI: "https://hook", CreatedAt: base.Add(3 * time.Second)},
				{Account: "other@https://x", ID: 1, Preset: "notes_sync", Event: "E1", URI: "https://hook", CreatedAt: base.Add(4 * time.Second)},
			} {
				if err := s.SaveWebhook(ctx, w); err != nil {
					t.Fatalf("save %d: %v", i, err)
				}
			}
		}, func(t *testing.T, s *Store) {
			all, _ := s.Webhooks(ctx, acct)
			if !equal(ids(all), []int64{4, 3, 2, 1}) {
				t.Fatalf("newest first: %v", ids(all))
			}
			every, _ := s.Webhooks(ctx, "")
			if len(every) != 5 || every[0].Account != "other@https://x" {
				t.Fatalf("all accounts: %+v", every)
			}
			w, ok, err := s.Webhook(ctx, acct, 2)
			if err != nil || !ok || w.Preset != "notes_sync" || w.Event != "E2" || w.URI != "https://hook" || !w.CreatedAt.Equal(base.Add(time.Second)) {
				t.Fatalf("get: %+v %v %v", w, ok, err)
			}
			none, _ := s.WebhooksByPreset(ctx, acct, "")
			if !equal(ids(none), []int64{4}) {
				t.Fatalf("no preset: %v", ids(none))
			}
		}},
		{"same id under another preset replaces the row", func(t *testing.T, s *Store) {
			if err := s.SaveWebhook(ctx, Webhook{Account: acct, ID: 2, Preset: "files_sync", Event: "E2b", URI: "https://hook2", CreatedAt: base.Add(10 * time.Second)}); err != nil {
				t.Fatal(err)
			}
		}, func(t *testing.T, s *Store) {
			notes, _ := s.WebhooksByPreset(ctx, acct, "notes_sync")
			files, _ := s.WebhooksByPreset(ctx, acct, "files_sync")
			if !equal(ids(notes), []int64{1}) || !equal(ids(files), []int64{2, 3}) {
				t.Fatalf("notes %v files %v", ids(notes), ids(files))
			}
			w, _, _ := s.Webhook(ctx, acct, 2)
			if w.Event != "E2b" || w.URI != "https://hook2" {
				t.Fatalf("replaced row: %+v", w)
			}
			all, _ := s.Webhooks(ctx, acct)
			if len(all) != 4 {
				t.Fatalf("replace added a row: %v", ids(all))
			}
		}},
		{"delete present and absent", func(t *testing.T, s *Store) {
			if ok, err := s.DeleteWebhook(ctx, acct, 4); !ok || err != nil {
				t.Fatalf("delete present: %v %v", ok, err)
			}
			if ok, err := s.DeleteWebhook(ctx, acct, 4); ok || err != nil {
				t.Fatalf("delete absent: %v %v", ok, err)
			}
		}, func(t *testing.T, s *Store) {
			if _, ok, _ := s.Webhook(ctx, acct, 4); ok {
				t.Fatal("deleted record readable")
			}
		}},
		{"clear one preset leaves the others", func(t *testing.T, s *Store) {
			n, err := s.ClearPreset(ctx, acct, "files_sync")
			if err != nil || n != 2 {
				t.Fatalf("clear: %d %v", n, err)
			}
			if n, _ := s.ClearPreset(ctx, acct, "files_sync"); n != 0 {
				t.Fatalf("clearing again: %d", n)
			}
		}, func(t *testing.T, s *Store) {
			notes, _ := s.WebhooksByPreset(ctx, acct, "notes_sync")
			other, _ := s.WebhooksByPreset(ctx, "other@https://x", "notes_sync")
			if !equal(ids(notes), []int64{1}) || len(other) != 1 {
				t.Fatalf("other presets touched: %v %v", ids(notes), other)
			}
		}},
	}
	s, _ := openTest(t, nil) // no key: webhook records must not need it
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.run(t, s)
			st.check(t, s)
		})
	}
}

func TestWebhookTimestampIsSet(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1_850_000_000, 0)
	s, err := Open(ctx, t.TempDir(), WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SaveWebhook(ctx, Webhook{Account: "a", ID: 9, Event: "e", URI: "u"}); err != nil {
		t.Fatal(err)
	}
	w, _, _ := s.Webhook(ctx, "a", 9)
	if !w.CreatedAt.Equal(now) {
		t.Fatalf("created_at %v, want %v", w.CreatedAt, now)
	}
	if err := s.SaveWebhook(ctx, Webhook{ID: 1}); err == nil {
		t.Fatal("a webhook without account was accepted")
	}
}
