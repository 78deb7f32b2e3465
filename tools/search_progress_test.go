package tools

import (
	"context"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// A unified search asks many providers; with a progress token the client
// hears each one finish.
func TestUnifiedSearchReportsProgress(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	// Notifications may arrive after the result: the channel is never closed.
	progress := make(chan map[string]any, 64)
	h.client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			select {
			case progress <- n.Params.AdditionalFields:
			default:
			}
		}
	})
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_search_unified"
	req.Params.Arguments = map[string]any{"query": "report"}
	req.Params.Meta = &mcp.Meta{ProgressToken: "search-1"}
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("search: %v %s", err, resultText(res))
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case p := <-progress:
			if p["total"] != nil && p["progress"] == p["total"] {
				return // every provider reported
			}
		case <-deadline:
			t.Fatal("no progress notification reached the total during a unified search")
		}
	}
}
