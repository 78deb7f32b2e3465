package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// The corpus in testdata/corpus is made by scripts/gen-doc-corpus.sh. Each
// document has either <name>.expected.txt, the text an independent tool
// (pdftotext, LibreOffice, pandoc, iconv) read from it, or
// <name>.expected-error.txt, the kind of failure it must give.

const corpusDir = "testdata/corpus"

type corpusFile struct {
	name, path string
	want       string // expected text
	wantErr    string // expected failure kind
}

func loadCorpus(t testing.TB) []corpusFile {
	t.Helper()
	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	var out []corpusFile
	for _, e := range entries {
		n := e.Name()
		if strings.Contains(n, ".expected") {
			continue
		}
		f := corpusFile{name: n, path: filepath.Join(corpusDir, n)}
		if b, err := os.ReadFile(f.path + ".expected.txt"); err == nil {
			f.want = string(b)
		} else if b, err := os.ReadFile(f.path + ".expected-error.txt"); err == nil {
			f.wantErr = strings.TrimSpace(string(b))
		} else {
			t.Fatalf("%s has no expected text or error", n)
		}
		out = append(out, f)
	}
	if len(out) < 30 {
		t.Fatalf("corpus has %d documents, want at least 30", len(out))
	}
	return out
}

func extractFile(t testing.TB, x *Extractor, path string, o Options) (*Document, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	o.Name = filepath.Base(path)
	return x.Extract(context.Background(), f, st.Size(), "", o)
}

// comparableText is what the oracle saw: slides without speaker notes
// (printing slides to PDF drops them), and links without their targets
// (plain-text oracles drop URLs that the Markdown keeps).
func comparableText(d *Document) string {
	text := d.Text()
	if d.UnitKind == "slide" {
		var parts []string
		for _, u := range d.Units {
			parts = append(parts, u.Text)
		}
		text = strings.Join(parts, "\n")
	}
	return linkTarget.ReplaceAllString(text, "]")
}

var linkTarget = regexp.MustCompile(`\]\([^)\s]*\)`)

var kindNames = map[Kind]string{KindMalformed: "malformed", KindEncrypted: "encrypted", KindUnsupported: "unsupported", KindTooLarge: "toolarge", KindTimeout: "timeout"}

func TestCorpus(t *testing.T) {
	x := New(Config{CacheDir: testCacheDir(t)})
	defer x.Close()
	for _, f := range loadCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			doc, err := extractFile(t, x, f.path, Options{})
			if f.wantErr != "" {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("err = %v, want a %s *Error", err, f.wantErr)
				}
				if kindNames[e.Kind] != f.wantErr {
					t.Errorf("kind %s, want %s (%v)", kindNames[e.Kind], f.wantErr, err)
				}
				msg := err.Error()
				if strings.Count(strings.TrimSuffix(msg, "."), ". ") > 0 || strings.Contains(msg, "\n") || len(msg) > 300 || e.Format == "" {
					t.Errorf("error is not one sentence naming the format: %q", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			switch {
			case strings.TrimSpace(f.want) == "":
				for _, u := range doc.Units {
					if !u.NoText || strings.TrimSpace(u.Text) != "" {
						t.Errorf("unit %d: NoText=%v text %q, want a page without text", u.Index, u.NoText, u.Text)
					}
				}
			default:
				p, r, f1 := wordF1(comparableText(doc), f.want)
				t.Logf("%s: F1 %.3f (precision %.3f, recall %.3f)", doc.Format, f1, p, r)
				if f1 < 0.90 {
					t.Errorf("F1 %.3f below 0.90 (precision %.3f, recall %.3f)\n--- got:\n%s", f1, p, r, clip(comparableText(doc), 3000))
				}
			}
		})
	}
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// testCacheDir keeps the PDF engine's compiled code between test runs.
func testCacheDir(t testing.TB) string {
	d, err := os.UserCacheDir()
	if err != nil {
		return t.TempDir()
	}
	return filepath.Join(d, "nextcloud-mcp-test")
}

// words splits text into comparable words: NFKC-normalised (ligatures
// become letters), lower case, letters and digits only; each CJK character
// is a word of its own, since neither side puts spaces between them.
func words(s string) map[string]int {
	s = strings.ToLower(norm.NFKC.String(s))
	out := map[string]int{}
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out[cur.String()]++
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			flush()
			out[string(r)]++
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// wordF1 compares the multisets of words of got and want.
func wordF1(got, want string) (precision, recall, f1 float64) {
	g, w := words(got), words(want)
	common, ng, nw := 0, 0, 0
	for k, n := range g {
		ng += n
		common += min(n, w[k])
	}
	for _, n := range w {
		nw += n
	}
	if ng == 0 || nw == 0 {
		if ng == nw {
			return 1, 1, 1
		}
		return 0, 0, 0
	}
	precision, recall = float64(common)/float64(ng), float64(common)/float64(nw)
	if common == 0 {
		return precision, recall, 0
	}
	return precision, recall, 2 * precision * recall / (precision + recall)
}

func TestWordF1(t *testing.T) {
	if _, _, f := wordF1("The office ﬁles", "the office files"); f != 1 {
		t.Errorf("ligature: F1 %v", f)
	}
	if p, r, _ := wordF1("a b", "a b c d"); p != 1 || r != 0.5 {
		t.Errorf("p %v r %v", p, r)
	}
	if _, _, f := wordF1("東京", "東 京"); f != 1 {
		t.Errorf("cjk: F1 %v", f)
	}
}

// sortedKeys is for stable benchmark output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
