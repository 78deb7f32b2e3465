package cmd

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// capabilitiesRoundTrip stands in for the network: the fake answers on
// loopback in microseconds, a real Nextcloud took about 55 ms more for the
// tool list than for initialize (measured against Nextcloud 29).
const capabilitiesRoundTrip = 50 * time.Millisecond

// startToToolsList spawns the binary and times the initialize answer and
// then, as a client does after it, the tools/list answer.
func startToToolsList(b *testing.B, bin string, env []string) (toInit, toList time.Duration, tools int) {
	b.Helper()
	cmd := exec.Command(bin, "serve")
	cmd.Env = env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	out := bufio.NewReader(stdout)
	read := func(want float64) map[string]any {
		for {
			line, err := out.ReadBytes('\n')
			if err != nil {
				b.Fatalf("no answer %v: %v", want, err)
			}
			var m map[string]any
			if json.Unmarshal(line, &m) == nil && m["id"] == want {
				return m
			}
		}
	}
	if _, err := io.WriteString(stdin, initializeLine); err != nil {
		b.Fatal(err)
	}
	read(1)
	toInit = time.Since(start)
	_, _ = io.WriteString(stdin, `{"jsonrpc":"2.0","method":"notifications/initialized"}`+"\n"+`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`+"\n")
	m := read(2)
	toList = time.Since(start)
	res, _ := m["result"].(map[string]any)
	list, _ := res["tools"].([]any)
	return toInit, toList, len(list)
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// BenchmarkStartToToolsList: spawn → initialize and spawn → tools/list
// against the fake with a 50 ms capabilities round trip, warm (the
// capability cache has the account) and cold (a fresh config dir); and, as
// the floor, a minimal mcp-go server with one tool (cmd/testdata).
func BenchmarkStartToToolsList(b *testing.B) {
	bin := buildBinary(b)
	minimal := filepath.Join(b.TempDir(), "minimalserver")
	build := exec.Command("go", "build", "-o", minimal, "./testdata/minimalserver")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		b.Fatalf("build the minimal server: %v", err)
	}
	fake := ncfake.New(ncfake.Options{Apps: []string{"notes", "files", "dav", "deck"}})
	fake.AddNetFault(ncfake.NetFault{Method: http.MethodGet, PathPrefix: "/ocs/v2.php/cloud/capabilities", Kind: ncfake.NetLatency, Latency: capabilitiesRoundTrip})
	ts := fake.Start()
	defer ts.Close()
	envFor := func(dir string) []string {
		return []string{"HOME=" + dir, "NEXTCLOUD_MCP_CONFIG_DIR=" + dir,
			"NEXTCLOUD_HOST=" + ts.URL, "NEXTCLOUD_USERNAME=admin", "NEXTCLOUD_PASSWORD=admin-app-password"}
	}
	for _, mode := range []string{"warm", "cold", "minimal-mcp-go"} {
		b.Run(mode, func(b *testing.B) {
			bin := bin
			if mode == "minimal-mcp-go" {
				bin = minimal
			}
			warmDir := b.TempDir()
			if mode == "warm" {
				// One start fills the cache; wait for its background save.
				startToToolsList(b, bin, envFor(warmDir))
				time.Sleep(200 * time.Millisecond)
			}
			var inits, lists []time.Duration
			var tools int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				dir := warmDir
				if mode == "cold" {
					dir = b.TempDir()
				}
				ti, tl, n := startToToolsList(b, bin, envFor(dir))
				inits, lists, tools = append(inits, ti), append(lists, tl), n
			}
			b.StopTimer()
			mi, ml := median(inits), median(lists)
			b.ReportMetric(float64(mi.Microseconds())/1000, "init-ms")
			b.ReportMetric(float64(ml.Microseconds())/1000, "list-ms")
			b.ReportMetric(float64(ml)/float64(mi), "list/init")
			b.ReportMetric(float64(tools), "tools")
		})
	}
}
