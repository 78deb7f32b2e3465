package cmd

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// BenchmarkHTTPToolCall runs `serve --http` in-process against the fake and
// calls nc_notes_list_notes from a few concurrent sessions. Client, server
// and fake share the process, so a CPU profile shows every part of a call:
//
//	go test ./cmd -run '^$' -bench HTTPToolCall -cpuprofile cpu.out
func BenchmarkHTTPToolCall(b *testing.B) {
	for _, mode := range []string{auth.ModeBasic, auth.ModeTokenExchange} {
		b.Run(mode, func(b *testing.B) {
			w := startHTTPWorld(b, mode)
			sessions := 8
			if v, _ := strconv.Atoi(os.Getenv("HTTP_BENCH_SESSIONS")); v > 0 {
				sessions = v
			}
			// One pool for all sessions, large enough that no call waits
			// for or dials a connection, as a load balancer's pool would be.
			hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}}
			clients := make([]*client.Client, sessions)
			for i := range clients {
				clients[i] = connect(b, w.url, w.header(b, i%2), transport.WithHTTPBasicClient(hc))
			}
			req := mcp.CallToolRequest{}
			req.Params.Name, req.Params.Arguments = "nc_notes_list_notes", map[string]any{}
			var next, failed atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			var wg sync.WaitGroup
			for _, c := range clients {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for next.Add(1) <= int64(b.N) {
						res, err := c.CallTool(context.Background(), req)
						if err != nil || res.IsError {
							failed.Add(1)
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			if n := failed.Load(); n > 0 {
				b.Fatal(fmt.Sprintf("%d calls failed", n))
			}
		})
	}
}
