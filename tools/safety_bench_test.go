package tools

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// BenchmarkAuditWrite: one audit line (encode and append).
func BenchmarkAuditWrite(b *testing.B) {
	l, err := OpenAuditLog(filepath.Join(b.TempDir(), "audit.jsonl"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	args := map[string]any{"path": "/Documents/report.pdf", "content": "not logged"}
	b.ReportAllocs()
	for b.Loop() {
		rec := newAuditRecord("nc_webdav_write_file", args)
		rec.settle(nil, nil)
		l.Write(rec)
	}
}

// BenchmarkMarkUntrustedTalk: marking a page of 200 Talk messages, half of
// them by someone else (decode, mark, encode twice).
func BenchmarkMarkUntrustedTalk(b *testing.B) {
	fake := ncfake.New(ncfake.Options{})
	ts := fake.Start()
	defer ts.Close()
	d := &Deps{Factory: auth.NewBasicFactory(ts.URL, "admin", "admin-app-password", auth.ClientOptions{Version: "bench"})}
	g := newGuard(d, All(d))
	out := TalkReadOutput{}
	for i := range 200 {
		author := "admin"
		if i%2 == 1 {
			author = "alice"
		}
		out.Messages = append(out.Messages, TalkMessage{ID: i, Author: author, AuthorID: author, AuthorType: "users", Time: "2026-12-04T08:00:00Z",
			Text: fmt.Sprintf("message %d with a few words of text in it, as chats have", i)})
	}
	res, err := StructuredResult(out)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := mcp.CallToolRequest{}
	if marked := g.markUntrusted(ctx, "nc_talk_read_messages", req, res); marked == res {
		b.Fatal("nothing marked")
	}
	b.ReportAllocs()
	for b.Loop() {
		g.markUntrusted(ctx, "nc_talk_read_messages", req, res)
	}
}
