package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkToolCallOverhead compares nc_notes_get_note through the real stdio
// JSON-RPC server with a direct HTTP GET of the same note from the same fake.
// The difference of the medians is what the MCP layer adds per call.
func BenchmarkToolCallOverhead(b *testing.B) {
	fake := ncfake.New(ncfake.Options{})
	id := fake.AddNote("admin", "Bench", "some text for the benchmark", "Work")
	ts := fake.Start()
	defer ts.Close()

	f := auth.NewBasicFactory(ts.URL, "admin", "admin-app-password", auth.ClientOptions{Version: "bench"})
	d := &Deps{Factory: f}
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := NewServer(reg, "bench", "bench")
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = server.NewStdioServer(s).Listen(ctx, inR, outW) }()
	out := bufio.NewReader(outR)
	rpc := func(id int, method string, params any) map[string]any {
		msg, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params})
		if _, err := inW.Write(append(msg, '\n')); err != nil {
			b.Fatal(err)
		}
		for {
			line, err := out.ReadBytes('\n')
			if err != nil {
				b.Fatal(err)
			}
			var m map[string]any
			_ = json.Unmarshal(line, &m)
			if fmt.Sprint(m["id"]) == fmt.Sprint(id) {
				return m
			}
		}
	}
	rpc(0, "initialize", map[string]any{"protocolVersion": "2025-06-18", "capabilities": map[string]any{}, "clientInfo": map[string]any{"name": "bench", "version": "1"}})
	call := map[string]any{"name": "nc_notes_get_note", "arguments": map[string]any{"note_id": id}}
	if res := rpc(1, "tools/call", call); res["result"].(map[string]any)["isError"] == true {
		b.Fatalf("tool failed: %v", res)
	}

	hc := &http.Client{}
	url := fmt.Sprintf("%s/index.php/apps/notes/api/v1/notes/%d", ts.URL, id)
	direct := func() {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.SetBasicAuth("admin", "admin-app-password")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	direct()

	var viaTool, viaHTTP []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		rpc(i+2, "tools/call", call)
		viaTool = append(viaTool, time.Since(t0))
		t1 := time.Now()
		direct()
		viaHTTP = append(viaHTTP, time.Since(t1))
	}
	b.StopTimer()
	mt, mh := median(viaTool), median(viaHTTP)
	b.ReportMetric(float64(mt.Microseconds()), "tool-median-µs")
	b.ReportMetric(float64(mh.Microseconds()), "http-median-µs")
	b.ReportMetric(float64((mt - mh).Microseconds()), "overhead-µs")
}
