package index

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// Figures for docs/search.md, not timed tests. Run once:
//
//	go test ./index -run '^$' -bench BenchmarkIndex10k -benchtime 1x
//
// The account holds 5,000 notes and 5,000 files in 100 folders, with text
// drawn from a Zipf-distributed vocabulary and sizes spread log-uniformly
// from 100 bytes to 32 KB.

const (
	benchNotes   = 5000
	benchFiles   = 5000
	benchFolders = 100
)

type corpus struct {
	vocab []string
	rng   *rand.Rand
	zipf  *rand.Zipf
}

func newCorpus(seed uint64) *corpus {
	rng := rand.New(rand.NewPCG(seed, 1))
	syll := []string{"ka", "lo", "mi", "ne", "ru", "ta", "vo", "shi", "pe", "dor", "an", "el", "ist", "ung", "ber", "qua", "zen", "tri", "mo", "sa"}
	seen := map[string]bool{}
	var vocab []string
	for len(vocab) < 30000 {
		n := 2 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syll[rng.IntN(len(syll))])
		}
		if w := b.String(); !seen[w] {
			seen[w] = true
			vocab = append(vocab, w)
		}
	}
	return &corpus{vocab: vocab, rng: rng, zipf: rand.NewZipf(rand.New(rand.NewPCG(seed, 2)), 1.07, 2, uint64(len(vocab)-1))}
}

func (c *corpus) word() string { return c.vocab[c.zipf.Uint64()] }

// text returns about n bytes of words in sentences.
func (c *corpus) text(n int) string {
	var b strings.Builder
	b.Grow(n + 16)
	for i := 0; b.Len() < n; i++ {
		b.WriteString(c.word())
		if i%12 == 11 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// size is log-uniform between 100 B and 32 KB.
func (c *corpus) size() int {
	lo, hi := 4.6, 10.4 // ln(100), ln(32768)
	f := lo + c.rng.Float64()*(hi-lo)
	return int(math.Exp(f))
}

func seedBench(fake *ncfake.Server, c *corpus) (textBytes int64) {
	for i := range benchNotes {
		body := c.text(c.size())
		textBytes += int64(len(body))
		fake.AddNote("admin", fmt.Sprintf("%s %s %d", c.word(), c.word(), i), body, fmt.Sprintf("cat%d", i%20))
	}
	for i := range benchFiles {
		body := c.text(c.size())
		textBytes += int64(len(body))
		if err := fake.PutFile("admin", fmt.Sprintf("/Bench/f%03d/%s-%d.txt", i%benchFolders, c.word(), i), []byte(body)); err != nil {
			panic(err)
		}
	}
	return textBytes
}

func benchClient(b *testing.B, url string) *nextcloud.Client {
	c, err := nextcloud.New(nextcloud.Options{BaseURL: url, Credentials: nextcloud.BasicAuth{User: "admin", Password: "admin-app-password"}})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func BenchmarkIndex10k(b *testing.B) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	c := newCorpus(42)
	textBytes := seedBench(fake, c)
	ts := fake.Start()
	defer ts.Close()
	var ix *Index
	var elapsed time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		if ix != nil {
			ix.Close()
		}
		dir := b.TempDir()
		var err error
		ix, err = Open(ctx, dir, DefaultOptions())
		if err != nil {
			b.Fatal(err)
		}
		ix.AddFolder("/Bench")
		client := benchClient(b, ts.URL)
		b.StartTimer()
		start := time.Now()
		rep, err := ix.Sync(ctx, client, SyncOptions{})
		elapsed = time.Since(start)
		if err != nil || rep.Err() != nil {
			b.Fatalf("sync %d: %v %v", i, err, rep.Err())
		}
	}
	b.StopTimer()
	defer ix.Close()
	docs := benchNotes + benchFiles
	mb := float64(textBytes) / (1 << 20)
	b.ReportMetric(float64(docs)/elapsed.Seconds(), "docs/s")
	b.ReportMetric(mb/elapsed.Seconds(), "MBtext/s")
	b.ReportMetric(mb, "MBtext")
	ixMB := float64(ix.Size()) / (1 << 20)
	b.ReportMetric(ixMB/mb, "MBindex/MBtext")

	// No-change sync, once with the client of the first sync (discovery
	// cached, as in a running server) and once with a new one (a CLI run).
	for _, fresh := range []bool{false, true} {
		client := benchClient(b, ts.URL)
		if !fresh {
			_, _ = ix.Sync(ctx, client, SyncOptions{})
		}
		before := fake.RequestCount()
		start := time.Now()
		rep, err := ix.Sync(ctx, client, SyncOptions{})
		d := time.Since(start)
		if err != nil || rep.Err() != nil {
			b.Fatal(err, rep.Err())
		}
		name := "warm"
		if fresh {
			name = "cold"
		}
		b.ReportMetric(float64(fake.RequestCount()-before), "nochange_requests_"+name)
		b.ReportMetric(float64(d.Microseconds())/1000, "nochange_ms_"+name)
	}

	queries := benchQueries(c, 300)
	p50, p95, c50, c95 := queryLatency(b, ix, queries)
	b.ReportMetric(p50, "query_p50_ms")
	b.ReportMetric(p95, "query_p95_ms")
	b.ReportMetric(c50, "query_p50_cpu_ms")
	b.ReportMetric(c95, "query_p95_cpu_ms")
	// The worst case: a three-letter prefix that this synthetic vocabulary
	// (words built from 20 syllables) shares with most documents.
	_, broad, _, broadCPU := queryLatency(b, ix, []string{"zen*"})
	b.ReportMetric(broad, "query_broad_prefix_ms")
	b.ReportMetric(broadCPU, "query_broad_prefix_cpu_ms")

	// The same text with every body trigram-indexed, for the size and
	// speed side of the tokenizer comparison.
	all, err := Open(ctx, b.TempDir(), Options{TrigramBody: TrigramBodyAll})
	if err != nil {
		b.Fatal(err)
	}
	defer all.Close()
	start := time.Now()
	copyText(b, ix, all)
	b.ReportMetric(float64(docs)/time.Since(start).Seconds(), "docs/s_local_trigramall")
	b.ReportMetric(float64(all.Size())/(1<<20)/mb, "MBindex/MBtext_trigramall")
	_, p95, _, c95 = queryLatency(b, all, queries)
	b.ReportMetric(p95, "query_p95_ms_trigramall")
	b.ReportMetric(c95, "query_p95_cpu_ms_trigramall")
	cjk, err := Open(ctx, b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer cjk.Close()
	start = time.Now()
	copyText(b, ix, cjk)
	b.ReportMetric(float64(docs)/time.Since(start).Seconds(), "docs/s_local_default")
}

// benchQueries is a mix a person might type: one to three words (70%),
// a five-letter prefix* (10%), a five-letter fragment from inside a word,
// found through trigrams (10%), and a two-word "phrase" from the text (10%).
func benchQueries(c *corpus, n int) []string {
	var out []string
	for i := range n {
		switch i % 10 {
		case 7:
			w := c.vocab[c.rng.IntN(5000)]
			out = append(out, w[:min(len(w), 5)]+"*")
		case 8:
			w := c.vocab[c.rng.IntN(5000)]
			for len(w) < 7 {
				w = c.vocab[c.rng.IntN(5000)]
			}
			out = append(out, w[1:6])
		case 9:
			f := strings.Fields(c.text(40))
			out = append(out, `"`+f[0]+" "+f[1]+`"`)
		default:
			words := make([]string, 1+i%3)
			for j := range words {
				words[j] = c.vocab[c.rng.IntN(len(c.vocab))]
			}
			out = append(out, strings.Join(words, " "))
		}
	}
	return out
}

// queryLatency runs each query three times and keeps its fastest run, in
// wall time and in CPU time (the query's own cost on a shared, loaded
// machine); it returns p50 and p95 in milliseconds of each.
func queryLatency(b *testing.B, ix *Index, queries []string) (p50, p95, cpu50, cpu95 float64) {
	ctx := context.Background()
	var ds, cs []float64
	for _, q := range queries {
		best, bestCPU := time.Duration(1<<62), time.Duration(1<<62)
		for range 3 {
			start, startCPU := time.Now(), cpuTime()
			if _, err := ix.Search(ctx, Query{Text: q, Limit: 10}); err != nil {
				b.Fatalf("%q: %v", q, err)
			}
			best, bestCPU = min(best, time.Since(start)), min(bestCPU, cpuTime()-startCPU)
		}
		ds = append(ds, float64(best.Microseconds())/1000)
		cs = append(cs, float64(bestCPU.Microseconds())/1000)
	}
	slices.Sort(ds)
	slices.Sort(cs)
	return ds[len(ds)/2], ds[len(ds)*95/100], cs[len(cs)/2], cs[len(cs)*95/100]
}

// copyText fills dst from src's stored text without the network.
func copyText(b *testing.B, src, dst *Index) {
	ctx := context.Background()
	sdb, _ := src.handle(ctx)
	rows, err := sdb.QueryContext(ctx, `SELECT d.source, d.app, d.key, d.parent, d.title, f.title, f.body, f.meta FROM docs d JOIN fts_words f ON f.rowid = d.id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	if err := dst.acquireLease(ctx); err != nil {
		b.Fatal(err)
	}
	defer dst.releaseLease()
	var batch []doc
	flush := func() {
		err := dst.write(ctx, func(tx *sql.Tx) error {
			for _, d := range batch {
				if err := dst.putDoc(ctx, tx, d); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	for rows.Next() {
		var d doc
		if err := rows.Scan(&d.Source, &d.App, &d.Key, &d.Parent, &d.Title, &d.TitleText, &d.Body, &d.Meta); err != nil {
			b.Fatal(err)
		}
		batch = append(batch, d)
		if len(batch) == 500 {
			flush()
		}
	}
	flush()
}
