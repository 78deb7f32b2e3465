package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	_ "image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// documentsHarness serves the extract corpus from the fake under /Docs.
func documentsHarness(t *testing.T, names ...string) *harness {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join("..", "extract", "testdata", "corpus", n))
		if err != nil {
			t.Fatal(err)
		}
		if err := fake.PutFile("admin", "/Docs/"+n, b); err != nil {
			t.Fatal(err)
		}
	}
	return newHarness(t, harnessOpts{fake: fake})
}

func readDoc(t *testing.T, h *harness, args map[string]any) FilesReadOutput {
	t.Helper()
	var out FilesReadOutput
	h.ok("nc_webdav_read_file", args, &out)
	return out
}

func imageOf(t *testing.T, res *mcp.CallToolResult) (image.Config, []byte, string) {
	t.Helper()
	for _, c := range res.Content {
		if ic, ok := c.(mcp.ImageContent); ok {
			b, err := base64.StdEncoding.DecodeString(ic.Data)
			if err != nil {
				t.Fatal(err)
			}
			cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("image content does not decode: %v", err)
			}
			return cfg, b, ic.MIMEType
		}
	}
	t.Fatalf("no image content in %s", resultText(res))
	return image.Config{}, nil, ""
}

func TestReadDocumentsEveryFormat(t *testing.T) {
	files := map[string][]string{
		"report.pdf":     {"pdf", "Quarterly Report Q3", "Region Revenue Growth Customers"},
		"report.docx":    {"docx", "# Summary", "| North | 1.4 M | 9 % | 310 |", "[^1]: Margins are computed"},
		"report.odt":     {"odt", "# Highlights", "[company intranet](https://intranet.example.com/reports/q3)"},
		"report.rtf":     {"rtf", "Leipzig warehouse"},
		"article.html":   {"html", "# Cycling along the Elbe", "[Elbe cycle path website](https://www.elberadweg.example/)"},
		"book.epub":      {"epub", "--- chapter 1 ---", "The storm arrived before dusk"},
		"slides.pptx":    {"pptx", "## Where we stand", "Speaker notes:\nThank the support team"},
		"slides.odp":     {"odp", "## What comes next", "Encryption depends on the key management review"},
		"budget.xlsx":    {"xlsx", "## Expenses", "| 2026-01-05 | Rent | Apartment January | 1,250.00 |"},
		"budget.ods":     {"ods", "| Total |  |  | 1,612.05 |"},
		"docx-named.pdf": {"docx", "# Figures"},
		"unicode.docx":   {"docx", "Grüße aus München", "東京の天気は晴れです", "שלום עולם"},
		"cp1252.txt":     {"", "“Café” kostet 5 €"},
	}
	var names []string
	for n := range files {
		names = append(names, n)
	}
	h := documentsHarness(t, names...)
	for name, want := range files {
		t.Run(name, func(t *testing.T) {
			out := readDoc(t, h, map[string]any{"path": "Docs/" + name})
			if out.Format != want[0] {
				t.Errorf("format %q, want %q", out.Format, want[0])
			}
			for _, w := range want[1:] {
				if !strings.Contains(out.Content, w) {
					t.Errorf("content lacks %q:\n%s", w, out.Content)
				}
			}
			if out.ETag == "" || !out.Complete || out.Encoding != "text" {
				t.Errorf("etag %q complete %v encoding %q", out.ETag, out.Complete, out.Encoding)
			}
		})
	}
	if out := readDoc(t, h, map[string]any{"path": "Docs/cp1252.txt"}); out.Charset != "windows-1252" {
		t.Errorf("cp1252 charset %q", out.Charset)
	}
	if out := readDoc(t, h, map[string]any{"path": "Docs/article.html", "encoding": "source"}); !strings.Contains(out.Content, "<main>") || out.Format != "" {
		t.Errorf("source read: format %q content %.80q", out.Format, out.Content)
	}
}

func TestReadDocumentWindows(t *testing.T) {
	h := documentsHarness(t, "long-300.pdf", "budget.xlsx", "scanned.pdf", "slides.pptx")

	first := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf"})
	if first.Units != 301 || first.UnitKind != "page" || !strings.HasPrefix(first.Window, "pages 1-") || !strings.HasPrefix(first.Next, `pages "`) {
		t.Fatalf("default window: units %d kind %q window %q next %q", first.Units, first.UnitKind, first.Window, first.Next)
	}
	if len(first.Content) > filesTextCap {
		t.Errorf("default window is %d bytes, over the cap", len(first.Content))
	}
	mid := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf", "pages": "3-5"})
	if mid.Window != "pages 3-5 of 301" || mid.Next != `pages "6-8"` || !strings.Contains(mid.Content, "--- page 3 ---\nSection 3") || strings.Contains(mid.Content, "Section 6") {
		t.Fatalf("pages 3-5: window %q next %q content %.120q", mid.Window, mid.Next, mid.Content)
	}
	// A window of the extracted text continues at next_offset.
	part := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf", "pages": "7", "max_bytes": 500})
	if part.Complete || part.NextOffset == 0 || len(part.Content) > 500 {
		t.Fatalf("part: complete %v next %d len %d", part.Complete, part.NextOffset, len(part.Content))
	}
	rest := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf", "pages": "7", "offset": part.NextOffset})
	whole := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf", "pages": "7"})
	if part.Content+rest.Content != whole.Content || !rest.Complete {
		t.Fatalf("windows do not add up to page 7")
	}
	// offset alone on a document also continues in its text.
	cont := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf", "offset": 100, "max_bytes": 50})
	if cont.Format != "pdf" || cont.Offset != 100 || cont.Content != first.Content[100:150] {
		t.Fatalf("offset continuation: format %q offset %d %q", cont.Format, cont.Offset, cont.Content)
	}
	if head := readDoc(t, h, map[string]any{"path": "Docs/long-300.pdf", "max_bytes": 40}); head.Format != "pdf" || head.Content != first.Content[:40] {
		t.Fatalf("max_bytes alone: format %q %q", head.Format, head.Content)
	}
	h.fails("nc_webdav_read_file", map[string]any{"path": "Docs/long-300.pdf", "pages": "400"})

	sheet := readDoc(t, h, map[string]any{"path": "Docs/budget.xlsx"})
	if sheet.Window != `sheet "Expenses" rows 1-7 of 7` || sheet.Next != `sheet "Summary"` || len(sheet.Sheets) != 2 {
		t.Fatalf("first sheet: window %q next %q sheets %v", sheet.Window, sheet.Next, sheet.Sheets)
	}
	rows := readDoc(t, h, map[string]any{"path": "Docs/budget.xlsx", "sheet": "Expenses", "rows": "3-4"})
	if rows.Window != `sheet "Expenses" rows 3-4 of 7` || rows.Next != `sheet "Expenses", rows "5-504"` ||
		!strings.HasPrefix(rows.Content, "## Expenses\n\n| Date | Category | Description | Amount |") || !strings.Contains(rows.Content, "2026-01-19") || strings.Contains(rows.Content, "2026-01-05") {
		t.Fatalf("rows 3-4: window %q next %q\n%s", rows.Window, rows.Next, rows.Content)
	}
	summary := readDoc(t, h, map[string]any{"path": "Docs/budget.xlsx", "sheet": "summary"})
	if !strings.Contains(summary.Content, "| Groceries | 400.00 | 84.30 | 21.1% |") {
		t.Fatalf("summary sheet:\n%s", summary.Content)
	}
	msg := h.fails("nc_webdav_read_file", map[string]any{"path": "Docs/budget.xlsx", "sheet": "Nope"})
	if !strings.Contains(msg, "“Expenses”, “Summary”") {
		t.Errorf("unknown sheet: %s", msg)
	}

	scan := readDoc(t, h, map[string]any{"path": "Docs/scanned.pdf"})
	if len(scan.NoTextPages) != 1 || scan.NoTextPages[0] != 1 {
		t.Fatalf("scan: no_text_pages %v", scan.NoTextPages)
	}
	res := h.call("nc_webdav_read_page_image", map[string]any{"path": "Docs/scanned.pdf", "page": 1})
	if res.IsError {
		t.Fatal(resultText(res))
	}
	cfg, data, mt := imageOf(t, res)
	if max(cfg.Width, cfg.Height) > 1568 || len(data) > 1<<20 || (mt != "image/png" && mt != "image/jpeg") {
		t.Fatalf("page image %s %d×%d %d bytes", mt, cfg.Width, cfg.Height, len(data))
	}
	msg = h.fails("nc_webdav_read_page_image", map[string]any{"path": "Docs/scanned.pdf", "page": 2})
	if !strings.Contains(msg, "no page 2") {
		t.Errorf("page 2: %s", msg)
	}
	slide := readDoc(t, h, map[string]any{"path": "Docs/slides.pptx", "pages": "2"})
	if slide.UnitKind != "slide" || slide.Window != "slide 2 of 4" || !strings.Contains(slide.Content, "## Where we stand") {
		t.Fatalf("slide 2: %q %q\n%s", slide.UnitKind, slide.Window, slide.Content)
	}
}

func TestReadDocumentFailures(t *testing.T) {
	h := documentsHarness(t, "encrypted-user.pdf", "encrypted-owner.pdf", "report.doc", "zipbomb.docx", "nested.docx", "truncated.docx", "empty.pdf", "truncated.pdf")
	for name, want := range map[string]string{
		"encrypted-user.pdf": `"/Docs/encrypted-user.pdf" (PDF) cannot be read: the PDF is encrypted with a password`,
		"report.doc":         "Nextcloud Office",
		"zipbomb.docx":       "zip bomb",
		"nested.docx":        "deep",
		"truncated.docx":     "truncated",
		"truncated.pdf":      "damaged or truncated",
	} {
		msg := h.fails("nc_webdav_read_file", map[string]any{"path": "Docs/" + name})
		if !strings.Contains(msg, want) || strings.Count(msg, ". ") > 0 {
			t.Errorf("%s: %q, want one sentence with %q", name, msg, want)
		}
	}
	if out := readDoc(t, h, map[string]any{"path": "Docs/encrypted-owner.pdf"}); out.Format != "pdf" || !strings.Contains(out.Content, "Quarterly Report") {
		t.Errorf("owner-password PDF: %q", out.Format)
	}
	if out := readDoc(t, h, map[string]any{"path": "Docs/empty.pdf"}); out.Content != "" || !out.Complete {
		t.Errorf("empty file: %+v", out)
	}
}

// A slow extraction must not hold up other calls.
func TestDocumentsServerKeepsAnswering(t *testing.T) {
	h := documentsHarness(t, "long-300.pdf")
	var wg sync.WaitGroup
	var readDone time.Time
	wg.Add(1)
	go func() {
		defer wg.Done()
		req := mcp.CallToolRequest{}
		req.Params.Name = "nc_webdav_read_file"
		req.Params.Arguments = map[string]any{"path": "Docs/long-300.pdf", "pages": "1-150"}
		if _, err := h.client.CallTool(context.Background(), req); err != nil {
			t.Error(err)
		}
		readDone = time.Now()
	}()
	time.Sleep(50 * time.Millisecond)
	var list FilesListOutput
	h.ok("nc_webdav_list_directory", map[string]any{"path": "Docs"}, &list)
	listDone := time.Now()
	wg.Wait()
	if len(list.Entries) != 1 || !listDone.Before(readDone) {
		t.Fatalf("listing waited for the extraction (list %v, read %v)", listDone, readDone)
	}
}

func TestPreviewTool(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2000, 1000)))
	for p, b := range map[string][]byte{"/P/wide.png": buf.Bytes(), "/P/notes.md": []byte("# hi\n")} {
		if err := fake.PutFile("admin", p, b); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"report.pdf", "report.docx"} {
		b, _ := os.ReadFile(filepath.Join("..", "extract", "testdata", "corpus", n))
		if err := fake.PutFile("admin", "/P/"+n, b); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, harnessOpts{fake: fake})
	for path, want := range map[string]string{"P/wide.png": "server", "P/report.pdf": "local"} {
		res := h.call("nc_webdav_get_preview", map[string]any{"path": path, "size": 256})
		if res.IsError {
			t.Fatalf("%s: %s", path, resultText(res))
		}
		cfg, _, _ := imageOf(t, res)
		var out FilesImageOutput
		h.ok("nc_webdav_get_preview", map[string]any{"path": path, "size": 256}, &out)
		if out.Source != want || max(cfg.Width, cfg.Height) > 256 || out.Width != cfg.Width {
			t.Errorf("%s: source %q, %d×%d", path, out.Source, cfg.Width, cfg.Height)
		}
	}
	if msg := h.fails("nc_webdav_get_preview", map[string]any{"path": "P/report.docx"}); !strings.Contains(msg, "has no preview") {
		t.Errorf("docx preview: %s", msg)
	}
	// The resource serves a document's extracted text as Markdown.
	req := mcp.ReadResourceRequest{}
	req.Params.URI = "nc://files/P/report.docx"
	rr, err := h.client.ReadResource(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if tc, ok := rr.Contents[0].(mcp.TextResourceContents); !ok || tc.MIMEType != "text/markdown" || !strings.Contains(tc.Text, "# Summary") {
		t.Fatalf("resource: %#v", rr.Contents[0])
	}
}

// Every document of `serve --demo` reads through the tools.
func TestDemoDocumentsRead(t *testing.T) {
	h := newHarness(t, harnessOpts{fake: ncfake.NewDemo(), user: ncfake.DemoUser, password: ncfake.DemoAppPassword})
	for path, want := range map[string]string{
		"Documents/Reports/Q3 report.pdf":              "Appendix B: Costs",
		"Documents/Reports/Q3 report.docx":             "| Salaries | 1.9 M | 2.0 M | +5 % |",
		"Documents/Reports/Q3 report.odt":              "# Appendix C: Glossary",
		"Documents/Budget 2026.xlsx":                   "| 2026-02-14 | Leisure | Concert tickets | 96.00 |",
		"Documents/Presentations/Roadmap 2027.pptx":    "Speaker notes:",
		"Documents/Travel/Cycling along the Elbe.html": "1. Dresden to Meissen, through vineyards",
		"Documents/Books/The Lighthouse Keeper.epub":   "--- chapter 3 ---",
		"Documents/Scans/scanned page.pdf":             "(no text layer: this page is an image)",
	} {
		out := readDoc(t, h, map[string]any{"path": path})
		if !strings.Contains(out.Content, want) {
			t.Errorf("%s lacks %q:\n%.600s", path, want, out.Content)
		}
	}
	var pdf FilesReadOutput
	h.ok("nc_webdav_read_file", map[string]any{"path": "Documents/Reports/Q3 report.pdf", "pages": "2"}, &pdf)
	if pdf.Units != 3 || pdf.Window != "page 2 of 3" {
		t.Errorf("demo PDF: %d pages, window %q", pdf.Units, pdf.Window)
	}
	res := h.call("nc_webdav_read_page_image", map[string]any{"path": "Documents/Scans/scanned page.pdf"})
	if res.IsError {
		t.Fatal(resultText(res))
	}
	imageOf(t, res)
}

// Reading many PDF pages tells a client that asked for progress how far it got.
func TestReadDocumentReportsProgress(t *testing.T) {
	h := documentsHarness(t, "long-300.pdf")
	progress := make(chan map[string]any, 64)
	h.client.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			select {
			case progress <- n.Params.AdditionalFields:
			default:
			}
		}
	})
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_webdav_read_file"
	req.Params.Arguments = map[string]any{"path": "Docs/long-300.pdf", "pages": "1-40"}
	req.Params.Meta = &mcp.Meta{ProgressToken: "read-1"}
	res, err := h.client.CallTool(context.Background(), req)
	if err != nil || res.IsError {
		t.Fatalf("read: %v %s", err, resultText(res))
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case p := <-progress:
			if p["total"] == float64(40) && p["progress"] == float64(40) {
				return
			}
		case <-deadline:
			t.Fatal("no progress notification reached page 40")
		}
	}
}

// An image over 1 MiB comes back downscaled instead of refused.
func TestReadLargeImageDownscaled(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 1800, 1200))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range src.Pix {
		src.Pix[i] = byte(rng.Uint32())
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, src); err != nil {
		t.Fatal(err)
	}
	if buf.Len() <= 1<<20 {
		t.Fatalf("test image is only %d bytes", buf.Len())
	}
	fake := ncfake.New(ncfake.Options{})
	if err := fake.PutFile("admin", "/P/big.png", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, harnessOpts{fake: fake})
	res := h.call("nc_webdav_read_file", map[string]any{"path": "P/big.png"})
	if res.IsError {
		t.Fatal(resultText(res))
	}
	cfg, data, _ := imageOf(t, res)
	if cfg.Width != 1568 || len(data) > 1<<20 {
		t.Fatalf("downscaled to %d×%d, %d bytes", cfg.Width, cfg.Height, len(data))
	}
	var out FilesReadOutput
	h.ok("nc_webdav_read_file", map[string]any{"path": "P/big.png"}, &out)
	if out.Encoding != "image" || !strings.HasPrefix(out.Window, "downscaled to 1568×1045") || out.Size != int64(buf.Len()) {
		t.Fatalf("result %+v", out.DocumentWindow)
	}
}
