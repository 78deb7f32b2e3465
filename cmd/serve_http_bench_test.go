package cmd

import (
	"context"
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
// calls nc_notes_list_notes from concurrent sessions (8, or
// HTTP_BENCH_SESSIONS), with the protocol version the official TypeScript
// SDK speaks (2025-11-25) and with the stateless 2026-07-28 one, whose
// requests each carry the client's metadata. Client, server and fake share
// the process, so a CPU profile shows every part of a call:
//
//	go test ./cmd -run '^$' -bench HTTPToolCall -benchtime 20000x -cpuprofile cpu.out
func BenchmarkHTTPToolCall(b *testing.B) {
	sessions := 8
	if v, _ := strconv.Atoi(os.Getenv("HTTP_BENCH_SESSIONS")); v > 0 {
		sessions = v
	}
	for _, mode := range []string{auth.ModeBasic, auth.ModeTokenExchange} {
		for _, version := range []string{mcp.ProtocolVersion20251125, mcp.ProtocolVersion20260728} {
			b.Run(mode+"/"+version, func(b *testing.B) {
				benchToolCalls(b, mode, version, sessions)
			})
		}
	}
}

func benchToolCalls(b *testing.B, mode, version string, sessions int) {
	w := startHTTPWorld(b, mode)
	// One pool for all sessions, large enough that no call waits for or
	// dials a connection, as a load balancer's pool would be.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024}}
	clients := make([]*client.Client, sessions)
	for i := range clients {
		clients[i] = connectVersion(b, w.url, w.header(b, i%2), version, transport.WithHTTPBasicClient(hc))
	}
	req := mcp.CallToolRequest{}
	req.Params.Name, req.Params.Arguments = "nc_notes_list_notes", map[string]any{}
	for _, c := range clients { // warm: capabilities, exchanges, principals
		if _, err := c.CallTool(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	var next, failed atomic.Int64
	b.ReportAllocs()
	cpu0 := cpuTime()
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
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/call")
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d calls failed", n)
	}
}
