package extract

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Benchmarks. Run: go test ./extract -run '^$' -bench . -benchtime 3x
// The figures are in docs/documents.md.

// BenchmarkExtract reports MB/s per corpus document that reads.
func BenchmarkExtract(b *testing.B) {
	x := New(Config{CacheDir: testCacheDir(b)})
	defer x.Close()
	for _, f := range loadCorpus(b) {
		if f.wantErr != "" {
			continue
		}
		data, err := os.ReadFile(f.path)
		if err != nil || len(data) == 0 {
			continue
		}
		if _, err := x.Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "", Options{Name: f.name}); err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := x.Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "", Options{Name: f.name}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQuality reports word-level F1 against the oracle per format
// (the mean over that format's corpus documents). TestCorpus fails below 0.90.
func BenchmarkQuality(b *testing.B) {
	x := New(Config{CacheDir: testCacheDir(b)})
	defer x.Close()
	sum, n := map[string]float64{}, map[string]int{}
	for _, f := range loadCorpus(b) {
		if f.wantErr != "" || strings.TrimSpace(f.want) == "" {
			continue
		}
		doc, err := extractFile(b, x, f.path, Options{})
		if err != nil {
			b.Fatalf("%s: %v", f.name, err)
		}
		_, _, f1 := wordF1(comparableText(doc), f.want)
		sum[doc.Format] += f1
		n[doc.Format]++
	}
	for _, format := range sortedKeys(sum) {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
			}
			b.ReportMetric(sum[format]/float64(n[format]), "F1")
			b.ReportMetric(float64(n[format]), "docs")
		})
	}
}

// BenchmarkPDFStart measures the first PDF of a process: with an empty
// compilation cache (the very first run), with the cache filled (every
// later start), and a PDF once the engine is loaded.
func BenchmarkPDFStart(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(corpusDir, "report.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	extract := func(x *Extractor) time.Duration {
		start := time.Now()
		if _, err := x.Extract(context.Background(), bytes.NewReader(data), int64(len(data)), "", Options{}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	cache := b.TempDir()
	b.Run("cold-empty-cache", func(b *testing.B) {
		var total time.Duration
		for i := 0; b.Loop(); i++ {
			x := New(Config{CacheDir: filepath.Join(cache, strconv.Itoa(i))})
			total += extract(x)
			x.Close()
		}
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-pdf")
	})
	warmCache := filepath.Join(cache, "shared")
	x := New(Config{CacheDir: warmCache})
	extract(x)
	x.Close()
	b.Run("cold-cached", func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			x := New(Config{CacheDir: warmCache})
			total += extract(x)
			x.Close()
		}
		b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-pdf")
	})
	b.Run("warm", func(b *testing.B) {
		x := New(Config{CacheDir: warmCache})
		defer x.Close()
		extract(x)
		var total time.Duration
		for b.Loop() {
			total += extract(x)
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "ms/pdf")
	})
}

// BenchmarkHostile measures how fast the zip bomb and the nested XML are refused.
func BenchmarkHostile(b *testing.B) {
	x := New(Config{})
	for _, name := range []string{"zipbomb.docx", "nested.docx"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := extractFile(b, x, filepath.Join(corpusDir, name), Options{}); err == nil {
					b.Fatal("extracted a hostile file")
				}
			}
		})
	}
}

// BenchmarkPeakRSS20MB extracts a generated 20 MB PDF in a child process and
// reports the child's peak resident memory (VmHWM), which includes the Go
// runtime, the PDF engine and its WebAssembly memory.
func BenchmarkPeakRSS20MB(b *testing.B) {
	dir := filepath.Join(testCacheDir(b), "bench")
	p := bigPDF(b, dir, 20<<20)
	st, _ := os.Stat(p)
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.v")
		cmd.Env = append(os.Environ(), "EXTRACT_RSS_CHILD="+p)
		out, err := cmd.CombinedOutput()
		if err != nil {
			b.Fatalf("child: %v\n%s", err, out)
		}
		var kb, pages int
		var secs float64
		for _, l := range strings.Split(string(out), "\n") {
			if i := strings.Index(l, "RSS "); i >= 0 {
				fmt.Sscanf(l[i:], "RSS %d kB pages %d seconds %g", &kb, &pages, &secs)
			}
		}
		if kb == 0 {
			b.Fatalf("child reported no RSS:\n%s", out)
		}
		b.ReportMetric(float64(kb)/1024, "MB-peak-RSS")
		b.ReportMetric(float64(st.Size())/(1<<20)/secs, "MB/s")
		b.ReportMetric(float64(pages), "pages")
	}
}

// TestRSSChild is the child of BenchmarkPeakRSS20MB.
func TestRSSChild(t *testing.T) {
	p := os.Getenv("EXTRACT_RSS_CHILD")
	if p == "" {
		t.Skip("runs as the child of BenchmarkPeakRSS20MB")
	}
	x := New(Config{CacheDir: testCacheDir(t)})
	defer x.Close()
	start := time.Now()
	doc, err := extractFile(t, x, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	secs := time.Since(start).Seconds()
	if !strings.Contains(doc.Units[len(doc.Units)-1].Text, "line 20") {
		t.Fatalf("last page text %q", doc.Units[len(doc.Units)-1].Text)
	}
	t.Logf("RSS %d kB pages %d seconds %g", vmHWM(t), len(doc.Units), secs)
}

func vmHWM(t *testing.T) int {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// BenchmarkRenderSlide reports milliseconds per slide drawn at the default
// size (1568 px) and encoded, per presentation of the tests.
func BenchmarkRenderSlide(b *testing.B) {
	x := New(Config{})
	for _, path := range slideDecks() {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		n := slideCount(b, x, path)
		b.Run(filepath.Base(path), func(b *testing.B) {
			slides := 0
			for b.Loop() {
				for page := 1; page <= n; page++ {
					if _, err := x.RenderPage(context.Background(), bytes.NewReader(data), int64(len(data)), "", page, RenderOptions{}); err != nil {
						b.Fatal(err)
					}
					slides++
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(slides), "ms/slide")
		})
	}
}
