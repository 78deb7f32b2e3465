package nextcloud_test

import (
	"context"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

func TestQuoteETag(t *testing.T) {
	cases := map[string]string{
		"":                  "",
		"abc":               `"abc"`,
		`"abc"`:             `"abc"`,
		` "abc" `:           `"abc"`,
		`W/"abc"`:           `W/"abc"`,
		`"abc`:              `"abc"`,
		"5f1a2b3c4d5e6f708": `"5f1a2b3c4d5e6f708"`,
	}
	for in, want := range cases {
		if got := nextcloud.QuoteETag(in); got != want {
			t.Errorf("QuoteETag(%q) = %q, want %q", in, got, want)
		}
		if got := nextcloud.QuoteETag(nextcloud.ShortETag(want)); got != want {
			t.Errorf("QuoteETag(ShortETag(%q)) = %q: the short form tools show must round-trip", want, got)
		}
	}
}

// Tools show etags without quotes; a write that passes one back must still
// be conditional on it, not refused as Nextcloud refuses a bare If-Match.
func TestFilesWriteAcceptsShortETag(t *testing.T) {
	ctx := context.Background()
	fake, c := filesClient(t)
	wr, err := c.WriteFile(ctx, "s.txt", []byte("one"), nextcloud.WriteOptions{CreateOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteFile(ctx, "s.txt", []byte("two"), nextcloud.WriteOptions{IfMatch: nextcloud.ShortETag(wr.ETag)}); err != nil {
		t.Fatalf("write with the short etag: %v", err)
	}
	if b, _ := fake.ReadFile("admin", "s.txt"); string(b) != "two" {
		t.Fatalf("content = %q, want the conditional write to have happened", b)
	}
	if _, err := c.WriteFile(ctx, "s.txt", []byte("three"), nextcloud.WriteOptions{IfMatch: nextcloud.ShortETag(wr.ETag)}); nextcloud.StatusOf(err) != 412 {
		t.Fatalf("stale short etag: %v, want 412", err)
	}
}
