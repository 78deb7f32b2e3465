package tools

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// Tools are registered in the background; a tools/list sent right after
// initialize must still see every tool.
func TestToolsListRightAfterInitializeIsComplete(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}}
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := len(reg.Tools())
	for i := 0; i < 20; i++ {
		c, err := client.NewInProcessClient(NewServer(reg, "test", "test"))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		if err := c.Start(ctx); err != nil {
			t.Fatal(err)
		}
		req := mcp.InitializeRequest{}
		req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
		if _, err := c.Initialize(ctx, req); err != nil {
			t.Fatal(err)
		}
		res, err := c.ListTools(ctx, mcp.ListToolsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Tools) != want {
			t.Fatalf("run %d: tools/list right after initialize saw %d of %d tools", i, len(res.Tools), want)
		}
		_ = c.Close()
	}
}

func TestIsLifecycleRequest(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"jsonrpc":"2.0","id":1,"method":"initialize"}`: true,
		`{"jsonrpc":"2.0","id":2,"method":"ping"}`:       true,
		`{"jsonrpc":"2.0","id":3,"method":"tools/list"}`: false,
		`{"jsonrpc":"2.0","id":4,"method":"tools/call"}`: false,
		`not json`: false,
	} {
		if got := isLifecycleRequest(json.RawMessage(raw)); got != want {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
}
