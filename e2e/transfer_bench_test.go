//go:build unix

package e2e

import (
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// BenchmarkTransfer measures `nextcloud-mcp files put/get` of one big file
// (1 GiB; NCMCP_BENCH_BYTES overrides) against the fake on loopback, next to
// curl -T / curl -o to the same fake in the same run, the peak RSS of each
// process, and how much a resume after a kill at 50% sends again. The fake
// keeps file bodies on disk (Options.FilesDir), so it does not hold the
// file in memory. It is a measurement, not a timed test: run it with
//
//	go test ./e2e -run '^$' -bench Transfer -benchtime 1x
func BenchmarkTransfer(b *testing.B) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		b.Skip("curl is needed for the comparison (apt-get install curl)")
	}
	size := int64(1 << 30)
	if v := os.Getenv("NCMCP_BENCH_BYTES"); v != "" {
		size, _ = strconv.ParseInt(v, 10, 64)
	}
	work := b.TempDir()
	if d := os.Getenv("NCMCP_BENCH_DIR"); d != "" {
		// A tmpfs (/dev/shm) takes the disk out of the comparison.
		w, err := os.MkdirTemp(d, "ncmcp-bench-")
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(w)
		work = w
	}
	bin := filepath.Join(work, "nextcloud-mcp")
	if out, err := exec.Command("go", "build", "-o", bin, "..").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	src := filepath.Join(work, "big.bin")
	writeRandomFile(b, src, size)

	fake := ncfake.New(ncfake.Options{FilesDir: filepath.Join(work, "fake")})
	var uploadBytes atomic.Int64
	var onUpload atomic.Pointer[func(int64)]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && strings.HasPrefix(r.URL.Path, "/remote.php/dav/uploads/") {
			r.Body = &countBody{ReadCloser: r.Body, n: &uploadBytes, hook: &onUpload}
		}
		fake.Handler().ServeHTTP(w, r)
	}))
	defer ts.Close()
	env := append(os.Environ(), "NEXTCLOUD_HOST="+ts.URL, "NEXTCLOUD_USERNAME=admin", "NEXTCLOUD_PASSWORD=admin-app-password",
		"NEXTCLOUD_MCP_CONFIG_DIR="+filepath.Join(work, "cfg"))
	dav := ts.URL + "/remote.php/dav/files/admin/"

	run := func(name string, args ...string) (time.Duration, int64, []byte) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = env
		start := time.Now()
		out, err := cmd.Output()
		took := time.Since(start)
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			b.Fatalf("%s: %v\n%s", name, err, stderr)
		}
		return took, maxRSS(cmd), out
	}
	mbps := func(d time.Duration) float64 { return float64(size) / 1e6 / d.Seconds() }

	rounds := 3
	if v := os.Getenv("NCMCP_BENCH_ROUNDS"); v != "" {
		rounds, _ = strconv.Atoi(v)
	}
	// best keeps the fastest of the rounds: the machine is shared, and the
	// fastest run is the one least disturbed by others.
	best := func(cur, d time.Duration) time.Duration {
		if cur == 0 || d < cur {
			return d
		}
		return cur
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var upT, curlUpT, oneT, downT, curlDownT time.Duration
		var upRSS, downRSS, oneRSS, curlRSS int64
		dst := filepath.Join(work, "down.bin")
		for r := 0; r < rounds; r++ {
			d, rss, _ := run("files put", bin, "files", "put", src, "/up.bin", "--overwrite")
			upT, upRSS = best(upT, d), max(upRSS, rss)
			d, rss, _ = run("curl -T", curl, "-sS", "-f", "-u", "admin:admin-app-password", "-T", src, dav+"curl-up.bin")
			curlUpT, curlRSS = best(curlUpT, d), max(curlRSS, rss)
			// The same upload as one streamed PUT, which is what curl -T does.
			d, rss, _ = run("files put (one PUT)", bin, "files", "put", src, "/one.bin", "--overwrite", "--chunk-threshold", strconv.FormatInt(size+1, 10))
			oneT, oneRSS = best(oneT, d), max(oneRSS, rss)
			d, rss, _ = run("files get", bin, "files", "get", "/up.bin", dst, "--overwrite")
			downT, downRSS = best(downT, d), max(downRSS, rss)
			d, rss, _ = run("curl -o", curl, "-sS", "-f", "-u", "admin:admin-app-password", "-o", dst+".curl", dav+"up.bin")
			curlDownT, curlRSS = best(curlDownT, d), max(curlRSS, rss)
			if st, err := os.Stat(dst); err != nil || st.Size() != size {
				b.Fatalf("download size: %v %v", st, err)
			}
		}

		// Resume: kill the uploader once half the file reached the server.
		uploadBytes.Store(0)
		cmd := exec.Command(bin, "files", "put", src, "/resume.bin", "--overwrite")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		half := size / 2
		hook := func(n int64) {
			if n >= half {
				_ = cmd.Process.Kill()
			}
		}
		onUpload.Store(&hook)
		_ = cmd.Wait()
		onUpload.Store(nil)
		firstRun := uploadBytes.Load()
		_, _, out := run("files put (resume)", bin, "files", "put", src, "/resume.bin", "--overwrite", "--json")
		var res struct {
			Resumed     bool  `json:"resumed"`
			Transferred int64 `json:"transferred"`
		}
		if err := json.Unmarshal(out, &res); err != nil || !res.Resumed {
			b.Fatalf("resume: %v %s", err, out)
		}
		resent := firstRun + res.Transferred - size

		b.ReportMetric(mbps(upT), "put_MB/s")
		b.ReportMetric(mbps(oneT), "put1_MB/s")
		b.ReportMetric(mbps(curlUpT), "curlT_MB/s")
		b.ReportMetric(curlUpT.Seconds()/upT.Seconds(), "put_ratio")
		b.ReportMetric(curlUpT.Seconds()/oneT.Seconds(), "put1_ratio")
		b.ReportMetric(mbps(downT), "get_MB/s")
		b.ReportMetric(mbps(curlDownT), "curlO_MB/s")
		b.ReportMetric(curlDownT.Seconds()/downT.Seconds(), "get_ratio")
		b.ReportMetric(float64(upRSS)/1e6, "put_RSS_MB")
		b.ReportMetric(float64(oneRSS)/1e6, "put1_RSS_MB")
		b.ReportMetric(float64(downRSS)/1e6, "get_RSS_MB")
		b.ReportMetric(float64(curlRSS)/1e6, "curl_RSS_MB")
		b.ReportMetric(float64(firstRun)/float64(1<<20), "killed_after_MiB")
		b.ReportMetric(float64(resent)/float64(1<<20), "resent_MiB")
	}
}

// countBody counts upload bytes as the fake reads them and calls the hook.
type countBody struct {
	io.ReadCloser
	n    *atomic.Int64
	hook *atomic.Pointer[func(int64)]
}

func (c *countBody) Read(p []byte) (int, error) {
	n, err := c.ReadCloser.Read(p)
	v := c.n.Add(int64(n))
	if h := c.hook.Load(); h != nil {
		(*h)(v)
	}
	return n, err
}

// maxRSS is the finished child's peak resident set size in bytes.
func maxRSS(cmd *exec.Cmd) int64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		if runtime.GOOS == "darwin" {
			return ru.Maxrss // bytes on macOS
		}
		return ru.Maxrss * 1024 // KiB on Linux
	}
	return 0
}

func writeRandomFile(b *testing.B, p string, size int64) {
	f, err := os.Create(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4<<20)
	_, _ = rand.Read(buf)
	for left := size; left > 0; {
		n := min(left, int64(len(buf)))
		buf[0]++ // no two blocks alike
		if _, err := f.Write(buf[:n]); err != nil {
			b.Fatal(err)
		}
		left -= n
	}
}
