package cmd

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"
)

// buildBinary compiles nextcloud-mcp once per benchmark run.
func buildBinary(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "nextcloud-mcp")
	cmd := exec.Command("go", "build", "-o", bin, "..")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("build: %v", err)
	}
	return bin
}

const initializeLine = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}` + "\n"

// startToInitialize spawns the binary and times until the initialize answer
// arrives on stdout: what a desktop client waits for at launch.
func startToInitialize(b *testing.B, bin string, env []string, args ...string) time.Duration {
	b.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	if _, err := io.WriteString(stdin, initializeLine); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	elapsed := time.Since(start)
	if err != nil {
		b.Fatalf("no initialize answer: %v", err)
	}
	var m map[string]any
	if json.Unmarshal(line, &m) != nil || m["result"] == nil {
		b.Fatalf("bad initialize answer %q", line)
	}
	stdin.Close()
	_ = cmd.Wait()
	return elapsed
}

func benchStartup(b *testing.B, args ...string) {
	bin := buildBinary(b)
	env := []string{
		"HOME=" + b.TempDir(),
		"NEXTCLOUD_MCP_CONFIG_DIR=" + b.TempDir(),
		// Credentials for a server that is never contacted before initialize.
		"NEXTCLOUD_HOST=http://127.0.0.1:9", "NEXTCLOUD_USERNAME=bench", "NEXTCLOUD_PASSWORD=bench",
	}
	var samples []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		samples = append(samples, startToInitialize(b, bin, env, args...))
	}
	b.StopTimer()
	sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
	b.ReportMetric(float64(samples[len(samples)/2].Microseconds())/1000, "median-ms")
	b.ReportMetric(float64(samples[len(samples)*9/10].Microseconds())/1000, "p90-ms")
}

// BenchmarkStartToInitialize: process start to the initialize answer, env credentials.
func BenchmarkStartToInitialize(b *testing.B) { benchStartup(b) }

// BenchmarkStartToInitializeDemo: the same with the embedded demo server.
func BenchmarkStartToInitializeDemo(b *testing.B) { benchStartup(b, "serve", "--demo") }
