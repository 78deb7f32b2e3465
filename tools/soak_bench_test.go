package tools

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// soakCall is one entry of the mix; writes undo themselves so the demo's
// data, and with it the fake's memory, stays the same size.
type soakCall struct {
	tool string
	args func(i int) map[string]any
}

var soakMix = []soakCall{
	{"nc_notes_list_notes", func(int) map[string]any { return map[string]any{} }},
	{"nc_notes_search_notes", func(int) map[string]any { return map[string]any{"query": "list"} }},
	{"nc_webdav_list_directory", func(int) map[string]any { return map[string]any{"path": "/Documents"} }},
	{"nc_webdav_read_file", func(int) map[string]any { return map[string]any{"path": "/Documents/Welcome.md"} }},
	{"nc_webdav_write_file", func(i int) map[string]any {
		return map[string]any{"path": "/Documents/soak.txt", "content": "pass " + strconv.Itoa(i), "overwrite": true}
	}},
	{"nc_calendar_list_events", func(int) map[string]any {
		now := time.Now().UTC()
		return map[string]any{"start": now.Format("2006-01-02"), "end": now.AddDate(0, 0, 14).Format("2006-01-02")}
	}},
	{"nc_contacts_search", func(int) map[string]any { return map[string]any{"query": "bob"} }},
	{"nc_deck_list_boards", func(int) map[string]any { return map[string]any{} }},
	{"nc_sharing_list", func(int) map[string]any { return map[string]any{} }},
	{"nc_talk_list_conversations", func(int) map[string]any { return map[string]any{} }},
	{"nc_tasks_list", func(int) map[string]any { return map[string]any{} }},
	{"nc_activity_list", func(int) map[string]any { return map[string]any{"limit": 5} }},
	{"nc_notes_get_note", func(int) map[string]any { return map[string]any{"note_id": 999999} }}, // an error result
}

// rssBytes is the process's resident set (Linux), 0 elsewhere.
func rssBytes() int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

type soakSample struct {
	goroutines int
	rss, heap  int64
}

func soakMeasure() soakSample {
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return soakSample{goroutines: runtime.NumGoroutine(), rss: rssBytes(), heap: int64(ms.HeapInuse)}
}

// runSoak makes n calls of the mix through the stdio server, conc at a time.
func runSoak(b *testing.B, rig *stdioRig, n, conc int) (errs int) {
	b.Helper()
	var mu sync.Mutex
	next := 0
	var wg sync.WaitGroup
	for range conc {
		wg.Go(func() {
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				c := soakMix[i%len(soakMix)]
				m := rig.wait(rig.callTool(c.tool, c.args(i)), 30*time.Second)
				if _, ok := m["result"]; !ok {
					b.Errorf("%s: no result: %v", c.tool, m)
				}
				if isToolError(m) && c.tool != "nc_notes_get_note" {
					mu.Lock()
					errs++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return errs
}

// BenchmarkSoak: 10,000 mixed calls, 8 at a time, through the real stdio
// JSON-RPC server against the demo fake (in this process). Goroutines and
// resident memory are measured after a warm-up and after the soak, each time
// after a GC that returns free memory to the OS. Run it once:
//
//	go test ./tools -run '^$' -bench BenchmarkSoak -benchtime 1x
func BenchmarkSoak(b *testing.B) {
	const calls, conc, warmup = 10_000, 8, 2_000
	rig := newStdioRig(b, ncfake.NewDemo(), conc)
	if e := runSoak(b, rig, warmup, conc); e > 0 {
		b.Fatalf("%d of the warm-up calls failed", e)
	}
	before := soakMeasure()
	b.ResetTimer()
	start := time.Now()
	for range b.N {
		if e := runSoak(b, rig, calls, conc); e > 0 {
			b.Errorf("%d calls failed", e)
		}
	}
	took := time.Since(start)
	b.StopTimer()
	time.Sleep(100 * time.Millisecond) // let finished handlers' goroutines exit
	after := soakMeasure()
	growth := after.rss - before.rss
	b.ReportMetric(float64(calls*b.N)/took.Seconds(), "calls/s")
	b.ReportMetric(float64(before.goroutines), "goroutines-before")
	b.ReportMetric(float64(after.goroutines), "goroutines-after")
	b.ReportMetric(float64(before.rss)/(1<<20), "rss-before-MB")
	b.ReportMetric(float64(after.rss)/(1<<20), "rss-after-MB")
	b.ReportMetric(float64(after.heap-before.heap)/(1<<20), "heap-growth-MB")
	b.Logf("soak: %d calls, %d at a time, in %v; goroutines %d → %d; RSS %.1f → %.1f MB; heap in use %.1f → %.1f MB",
		calls*b.N, conc, took.Round(time.Millisecond), before.goroutines, after.goroutines,
		float64(before.rss)/(1<<20), float64(after.rss)/(1<<20), float64(before.heap)/(1<<20), float64(after.heap)/(1<<20))
	if growth > 5<<20 {
		b.Errorf("RSS grew by %.1f MB over the soak (limit 5 MB)", float64(growth)/(1<<20))
	}
	if after.goroutines > before.goroutines+4 {
		b.Errorf("goroutines grew from %d to %d", before.goroutines, after.goroutines)
	}
}
