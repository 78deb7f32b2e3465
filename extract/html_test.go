package extract

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func extractBytes(t *testing.T, x *Extractor, b []byte, ct, name string, o Options) (*Document, error) {
	t.Helper()
	o.Name = name
	return x.Extract(context.Background(), bytes.NewReader(b), int64(len(b)), ct, o)
}

func TestHTMLToMarkdown(t *testing.T) {
	page := `<!doctype html><html><head><title>Trip  report</title><style>p{}</style></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main>
<h1>Trip report</h1>
<p>We visited <a href="https://example.com/lisbon">Lisbon</a> and
   <strong>loved</strong> it.<br>Second line.</p>
<ul><li>Trams</li><li>Custard tarts<ul><li>warm</li></ul></li></ul>
<ol start="3"><li>three</li><li>four</li></ol>
<table><tr><th>Day</th><th>Cost</th></tr><tr><td>Mon</td><td>12 €</td></tr></table>
<blockquote><p>Saudade.</p></blockquote>
<pre>line 1
  line 2</pre>
<script>alert(1)</script>
</main>
<footer>© 2026</footer></body></html>`
	title, md, err := HTMLToMarkdown([]byte(page), "text/html; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	if title != "Trip report" {
		t.Errorf("title %q", title)
	}
	want := "# Trip report\n\nWe visited [Lisbon](https://example.com/lisbon) and **loved** it.\nSecond line.\n\n- Trams\n- Custard tarts\n  - warm\n\n3. three\n4. four\n\n| Day | Cost |\n| --- | --- |\n| Mon | 12 € |\n\n> Saudade.\n\n```\nline 1\n  line 2\n```"
	if md != want {
		t.Errorf("markdown:\n%s\n--- want:\n%s", md, want)
	}
	for _, bad := range []string{"Home", "alert", "©"} {
		if strings.Contains(md, bad) {
			t.Errorf("markdown keeps %q", bad)
		}
	}
}

func TestHTMLCharsetAndFragment(t *testing.T) {
	latin := []byte("<p>Gr\xfc\xdfe aus K\xf6ln</p>")
	_, md, err := HTMLToMarkdown(latin, "text/html; charset=iso-8859-1")
	if err != nil || md != "Grüße aus Köln" {
		t.Fatalf("got %q, %v", md, err)
	}
	x := New(Config{})
	doc, err := extractBytes(t, x, latin, "text/html; charset=iso-8859-1", "mail.html", Options{})
	if err != nil || doc.Format != "html" || doc.Units[0].Text != "Grüße aus Köln" || doc.Encoding != "windows-1252" {
		t.Fatalf("doc %+v, %v", doc, err)
	}
}

func TestHTMLTooDeep(t *testing.T) {
	page := strings.Repeat("<div>", 5000) + "x" + strings.Repeat("</div>", 5000)
	_, _, err := HTMLToMarkdown([]byte(page), "text/html")
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
}

func TestDecodeText(t *testing.T) {
	for _, tc := range []struct {
		in        []byte
		text, enc string
	}{
		{[]byte("plain ü"), "plain ü", "utf-8"},
		{[]byte("\xef\xbb\xbfbom"), "bom", "utf-8"},
		{[]byte{0xff, 0xfe, 'h', 0, 0xfc, 0}, "hü", "utf-16le"},
		{[]byte{0xfe, 0xff, 0, 'h', 0, 0xfc}, "hü", "utf-16be"},
		{[]byte("\x93quoted\x94 \x80 5"), "“quoted” € 5", "windows-1252"},
		{[]byte("caf\xe9"), "café", "iso-8859-1"},
	} {
		text, enc := DecodeText(tc.in)
		if text != tc.text || enc != tc.enc {
			t.Errorf("DecodeText(%q) = %q, %s; want %q, %s", tc.in, text, enc, tc.text, tc.enc)
		}
	}
}

func TestExtractTextAndSniff(t *testing.T) {
	x := New(Config{})
	doc, err := extractBytes(t, x, []byte("caf\xe9 au lait"), "application/octet-stream", "menu.txt", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != "text" || doc.Encoding != "iso-8859-1" || doc.Text() != "café au lait" {
		t.Fatalf("doc %+v", doc)
	}
	_, err = extractBytes(t, x, nil, "application/pdf", "empty.pdf", Options{})
	var e *Error
	if !errors.As(err, &e) || e.Kind != KindMalformed || !strings.Contains(err.Error(), "empty") {
		t.Fatalf("empty: %v", err)
	}
	_, err = extractBytes(t, x, []byte{0, 1, 2, 3, 0, 0, 7}, "", "blob.bin", Options{})
	if !errors.Is(err, ErrUnsupported) {
		t.Fatalf("binary: %v", err)
	}
}
