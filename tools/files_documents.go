package tools

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"io"
	"mime"
	"path"
	"strconv"
	"strings"

	// Decoders for the previews Nextcloud sends.
	_ "image/jpeg"
	_ "image/png"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Documents: nc_webdav_read_file extracts the text of PDF, Office,
// OpenDocument, RTF, HTML and EPUB files in windows; nc_webdav_read_page_image
// renders a PDF page or a slide; nc_webdav_get_preview asks Nextcloud for a
// thumbnail and renders one locally when the server has none.

const (
	// filesDocumentCap is the largest document downloaded for extraction.
	filesDocumentCap = 64 << 20
	// filesSheetRows is the default row window of a spreadsheet.
	filesSheetRows = 500
	// filesDefaultPages is the default window of pages, slides or chapters.
	filesDefaultPages = 20
	// filesPreviewDefault and filesPreviewMax bound nc_webdav_get_preview's size.
	filesPreviewDefault = 512
	filesPreviewMax     = extract.DefaultMaxEdge
)

// errIsDocument tells the read path that the file is a document whose text
// is to be extracted; errLargeImage that an image is over the image cap and
// is to be downscaled.
var (
	errIsDocument = errors.New("file is a document")
	errLargeImage = errors.New("image too large to return as is")
)

// DocumentWindow describes the part of a document a read returned.
type DocumentWindow struct {
	Format      string   `json:"format,omitempty" jsonschema_description:"Document format the text was extracted from, e.g. pdf, docx, xlsx."`
	Title       string   `json:"title,omitempty"`
	UnitKind    string   `json:"unit_kind,omitempty" jsonschema_description:"What the document is divided into: page, slide, sheet, chapter or section."`
	Units       int      `json:"units,omitempty" jsonschema_description:"How many pages, slides, sheets or chapters it has."`
	Sheets      []string `json:"sheets,omitempty" jsonschema_description:"Sheet names of a spreadsheet."`
	Window      string   `json:"window,omitempty" jsonschema_description:"Which part this result holds."`
	Next        string   `json:"next,omitempty" jsonschema_description:"Arguments that read the next part; absent at the end."`
	NoTextPages []int    `json:"no_text_pages,omitempty" jsonschema_description:"Pages without a text layer (scans): read them with nc_webdav_read_page_image."`
	Encrypted   bool     `json:"encrypted,omitempty" jsonschema_description:"The PDF is encrypted but opens without a password."`
}

func (in *FilesReadInput) wantsDocument() bool {
	return in.Pages != "" || in.Sheet != "" || in.Rows != ""
}

func (in *FilesReadInput) validateDocumentWindow() error {
	if !in.wantsDocument() {
		return nil
	}
	if in.Encoding == "base64" || in.Encoding == "source" {
		return inputErrorf("pages, sheet and rows select extracted text: leave encoding out (or text) to use them.")
	}
	if in.Pages != "" && (in.Sheet != "" || in.Rows != "") {
		return inputErrorf("pages is for PDFs, slides and chapters, sheet and rows for spreadsheets: give one or the other.")
	}
	for arg, v := range map[string]string{"pages": in.Pages, "rows": in.Rows} {
		if v == "" {
			continue
		}
		if _, _, err := parseRange(v); err != nil {
			return inputErrorf("%s %q is not a range: write a number like 7 or a range like 3-5.", arg, v)
		}
	}
	return nil
}

// parseRange reads "7", "3-5" or "3-" (to the end) as 1-based first and last; last 0 means the end.
func parseRange(s string) (first, last int, err error) {
	s = strings.TrimSpace(s)
	a, b, isRange := strings.Cut(s, "-")
	first, err = strconv.Atoi(strings.TrimSpace(a))
	if err != nil || first < 1 {
		return 0, 0, fmt.Errorf("bad range %q", s)
	}
	if !isRange {
		return first, first, nil
	}
	if strings.TrimSpace(b) == "" {
		return first, 0, nil
	}
	last, err = strconv.Atoi(strings.TrimSpace(b))
	if err != nil || last < first {
		return 0, 0, fmt.Errorf("bad range %q", s)
	}
	return first, last, nil
}

// documentType reports MIME types that name documents whose text is extracted.
func documentType(ct string) bool {
	switch ct {
	case "application/pdf", "application/rtf", "text/rtf", "application/epub+zip", "text/html", "application/xhtml+xml",
		"application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint":
		return true
	}
	return strings.HasPrefix(ct, "application/vnd.openxmlformats-officedocument.") || strings.HasPrefix(ct, "application/vnd.oasis.opendocument.")
}

// documentFormats are extract's formats that read_file extracts.
var documentFormats = map[string]bool{"pdf": true, "docx": true, "xlsx": true, "pptx": true, "odt": true, "ods": true, "odp": true,
	"epub": true, "rtf": true, "html": true, "doc": true, "xls": true, "ppt": true, "encrypted-ooxml": true, "ole": true}

// peekDocument looks at the start of a download. For a document it reads
// the rest and returns the whole file; otherwise it leaves the body as it
// was for the text and image paths.
func peekDocument(fc *nextcloud.FileContent, ct, dp string) ([]byte, bool, error) {
	br := bufio.NewReaderSize(fc.Body, 4096)
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, false, err
	}
	fc.Body = readCloser{br, fc.Body}
	format, _ := extract.Sniff(bytes.NewReader(head), int64(len(head)), ct, path.Base(dp))
	if !documentFormats[format] && !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return nil, false, nil
	}
	if fc.Size > filesDocumentCap {
		return nil, true, documentTooLarge(dp, fc.Size)
	}
	data, err := io.ReadAll(fc.Body)
	if errors.Is(err, nextcloud.ErrTooLarge) {
		return nil, true, documentTooLarge(dp, -1)
	}
	return data, true, err
}

func documentTooLarge(dp string, size int64) error {
	sz := "more than " + strconv.Itoa(filesDocumentCap>>20) + " MiB"
	if size >= 0 {
		sz = fmt.Sprintf("%d bytes", size)
	}
	return inputErrorf("Document %q is %s, more than the %d MiB whose text is extracted: read its raw bytes with encoding base64, offset and max_bytes instead.", dp, sz, filesDocumentCap>>20)
}

type readCloser struct {
	io.Reader
	io.Closer
}

// looksLikeText reports bytes that read as text in some encoding.
func looksLikeText(data []byte, ct, dp string) bool {
	f, _ := extract.Sniff(bytes.NewReader(data), int64(len(data)), ct, path.Base(dp))
	return f == "text"
}

// fetchDocument downloads a whole file for extraction.
func fetchDocument(ctx context.Context, c *nextcloud.Client, dp string) ([]byte, *nextcloud.FileContent, error) {
	fc, err := c.ReadFile(ctx, dp, nextcloud.ReadOptions{MaxBytes: filesDocumentCap})
	if err != nil {
		return nil, nil, about(err, "file %q", dp)
	}
	defer fc.Body.Close()
	if fc.Size > filesDocumentCap {
		return nil, nil, documentTooLarge(dp, fc.Size)
	}
	data, err := io.ReadAll(fc.Body)
	if errors.Is(err, nextcloud.ErrTooLarge) {
		return nil, nil, documentTooLarge(dp, -1)
	}
	if err != nil {
		return nil, nil, about(err, "file %q", dp)
	}
	return data, fc, nil
}

// readDocumentResult extracts a window of a document's text. got holds the
// file (data, etag, type) when the caller already downloaded it.
func readDocumentResult(ctx context.Context, call *Call, dp string, in FilesReadInput, got *FilesReadOutput, data []byte) (*mcp.CallToolResult, error) {
	var etag, ct string
	if data == nil {
		b, fc, err := fetchDocument(ctx, call.Client, dp)
		if err != nil {
			return nil, err
		}
		data, etag = b, fc.ETag
		ct, _, _ = mime.ParseMediaType(fc.ContentType)
	} else {
		etag, ct = got.ETag, got.ContentType
	}
	progress := func(done, total int) {
		call.Progress(ctx, float64(done), float64(total), fmt.Sprintf("read %d of %d pages", done, total))
	}
	out, err := documentWindow(ctx, call.Deps.extractor(), dp, data, ct, in, progress)
	if err != nil {
		return nil, err
	}
	out.ETag = etag
	return StructuredResult(out)
}

// documentWindow extracts what the arguments ask for and cuts it to the
// size one answer carries.
func documentWindow(ctx context.Context, x *extract.Extractor, dp string, data []byte, ct string, in FilesReadInput, progress func(done, total int)) (FilesReadOutput, error) {
	out := FilesReadOutput{Path: dp, ContentType: ct, Size: int64(len(data)), Encoding: "text"}
	format, _ := extract.Sniff(bytes.NewReader(data), int64(len(data)), ct, path.Base(dp))
	o := extract.Options{Name: path.Base(dp), Sheet: in.Sheet, Progress: progress}
	spreadsheet := format == "xlsx" || format == "ods"
	if in.Pages != "" {
		if spreadsheet {
			return out, inputErrorf("%q is a spreadsheet: choose a sheet with sheet and rows, not pages.", dp)
		}
		o.FirstUnit, o.LastUnit, _ = parseRange(in.Pages)
	} else {
		o.FirstUnit, o.LastUnit = 1, filesDefaultPages
	}
	if spreadsheet {
		if in.Sheet == "" {
			o.FirstUnit, o.LastUnit = 1, 1
		}
		o.FirstRow, o.LastRow = 1, filesSheetRows
		if in.Rows != "" {
			o.FirstRow, o.LastRow, _ = parseRange(in.Rows)
		}
	} else if in.Sheet != "" || in.Rows != "" {
		if format != "" && documentFormats[format] {
			return out, inputErrorf("%q is not a spreadsheet (%s): sheet and rows apply to XLSX and ODS files.", dp, extract.FormatName(format))
		}
	}
	doc, err := x.Extract(ctx, bytes.NewReader(data), int64(len(data)), ct, o)
	if err != nil {
		return out, documentError(dp, err)
	}
	out.Format, out.Title, out.UnitKind, out.Units, out.Sheets = doc.Format, doc.Title, doc.UnitKind, doc.UnitCount, doc.SheetNames
	out.Encrypted = doc.Encrypted
	if doc.Encoding != "" && doc.Encoding != "utf-8" {
		out.Charset = doc.Encoding
	}
	if doc.UnitCount > 0 && len(doc.Units) == 0 && !spreadsheet {
		return out, inputErrorf("%q has %d %ss, so there is no %s %s: ask for pages within 1-%d.", dp, doc.UnitCount, doc.UnitKind, doc.UnitKind, in.Pages, doc.UnitCount)
	}
	text := ""
	switch {
	case spreadsheet:
		text = sheetWindow(doc, &out)
	case doc.UnitKind == "page" || doc.UnitKind == "slide" || doc.UnitKind == "chapter":
		text = unitWindow(doc, in.Pages != "", &out)
	default:
		text = doc.Text()
	}
	return textWindow(out, text, in), nil
}

// unitWindow joins whole pages, slides or chapters up to the text cap,
// marking where each starts, and says which to read next.
func unitWindow(doc *extract.Document, asked bool, out *FilesReadOutput) string {
	var b strings.Builder
	last := 0
	for i, u := range doc.Units {
		part := fmt.Sprintf("--- %s %d ---\n", doc.UnitKind, u.Index)
		if u.Text != "" {
			part += u.Text + "\n"
		}
		if u.NoText {
			out.NoTextPages = append(out.NoTextPages, u.Index)
			part += "(no text layer: this page is an image)\n"
		}
		if u.Notes != "" {
			part += "\nSpeaker notes:\n" + u.Notes + "\n"
		}
		// Without an explicit range, stop before the page that would pass the cap.
		if !asked && i > 0 && b.Len()+len(part) > filesTextCap {
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(part)
		last = u.Index
	}
	if len(doc.Units) == 0 {
		return ""
	}
	first := doc.Units[0].Index
	out.Window = fmt.Sprintf("%ss %d-%d of %d", doc.UnitKind, first, last, doc.UnitCount)
	if first == last {
		out.Window = fmt.Sprintf("%s %d of %d", doc.UnitKind, first, doc.UnitCount)
	}
	if last < doc.UnitCount {
		end := min(doc.UnitCount, last+(last-first+1))
		out.Next = fmt.Sprintf(`pages "%d-%d"`, last+1, end)
		if end == last+1 {
			out.Next = fmt.Sprintf(`pages "%d"`, end)
		}
	}
	return b.String()
}

// sheetWindow renders the rows of one sheet and names the next rows or sheet.
func sheetWindow(doc *extract.Document, out *FilesReadOutput) string {
	if len(doc.Units) == 0 {
		return ""
	}
	u := doc.Units[0]
	switch {
	case u.Rows == 0:
		out.Window = fmt.Sprintf("sheet %q (empty)", u.Name)
	case u.LastRow == 0:
		out.Window = fmt.Sprintf("sheet %q: no rows in this range; it has %d rows", u.Name, u.Rows)
	default:
		out.Window = fmt.Sprintf("sheet %q rows %d-%d of %d", u.Name, u.FirstRow, u.LastRow, u.Rows)
	}
	switch {
	case u.LastRow > 0 && u.LastRow < u.Rows:
		out.Next = fmt.Sprintf(`sheet %q, rows "%d-%d"`, u.Name, u.LastRow+1, u.LastRow+filesSheetRows)
	case u.Index < doc.UnitCount:
		out.Next = fmt.Sprintf(`sheet %q`, doc.SheetNames[u.Index])
	}
	return u.Text
}

// textWindow cuts extracted text to offset and max_bytes (default the text
// cap), on rune boundaries.
func textWindow(out FilesReadOutput, text string, in FilesReadInput) FilesReadOutput {
	limit := in.MaxBytes
	if limit <= 0 {
		limit = filesTextCap
	}
	start := min(in.Offset, int64(len(text)))
	for start > 0 && start < int64(len(text)) && !utf8RuneStart(text[start]) {
		start++
	}
	end := min(start+limit, int64(len(text)))
	for end < int64(len(text)) && end > start && !utf8RuneStart(text[end]) {
		end--
	}
	out.Offset, out.Content = start, text[start:end]
	out.BytesReturned = end - start
	out.Complete = end >= int64(len(text))
	if !out.Complete {
		out.NextOffset = end
		nextArgs := fmt.Sprintf("offset %d", end)
		if out.Window != "" {
			out.Next = "the same window with " + nextArgs
		} else {
			out.Next = nextArgs
		}
	}
	return out
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// documentError turns an extraction failure into one sentence naming the
// file, its format and the reason.
func documentError(dp string, err error) error {
	var e *extract.Error
	if !errors.As(err, &e) {
		return about(err, "file %q", dp)
	}
	hint := ""
	switch e.Kind {
	case extract.KindUnsupported:
		hint = " (its raw bytes are available with encoding base64)"
	case extract.KindTimeout:
		hint = "; try a smaller window of pages"
	}
	return inputErrorf("%q (%s) cannot be read: %s%s.", dp, extract.FormatName(e.Format), strings.TrimSuffix(e.Reason, "."), hint)
}

// --- page images ---

// FilesPageImageInput are the arguments of nc_webdav_read_page_image.
type FilesPageImageInput struct {
	Path string `json:"path"`
	Page int    `json:"page,omitempty" jsonschema:"from 1 (default 1)"`
}

// Validate implements the input check.
func (in *FilesPageImageInput) Validate() error {
	if _, err := nonRootFilePath("path", in.Path); err != nil {
		return err
	}
	if in.Page < 0 {
		return inputErrorf("page starts at 1, got %d.", in.Page)
	}
	return nil
}

// FilesImageOutput describes an image returned as image content.
type FilesImageOutput struct {
	Path        string `json:"path"`
	Page        int    `json:"page,omitempty"`
	ContentType string `json:"content_type" jsonschema_description:"Type of the image content."`
	Width       int    `json:"width"`
	Height      int    `json:"height"`
	// Source says who made a preview: server (Nextcloud) or local.
	Source string `json:"source,omitempty" jsonschema_description:"server: Nextcloud's preview; local: rendered here."`
	ETag   string `json:"etag,omitempty"`
}

func filesPageImageTool(d *Deps) Tool {
	return NewResultTool[FilesPageImageInput, FilesImageOutput](d, Spec{
		Name:        "nc_webdav_read_page_image",
		Title:       "See a page as an image",
		Description: "Render one PDF page or PPTX/ODP slide (or an image) as an image, for scans, charts, forms and slides.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in FilesPageImageInput) (*mcp.CallToolResult, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		page := max(in.Page, 1)
		data, fc, err := fetchDocument(ctx, call.Client, dp)
		if err != nil {
			return nil, err
		}
		ct, _, _ := mime.ParseMediaType(fc.ContentType)
		img, err := call.Deps.extractor().RenderPage(ctx, bytes.NewReader(data), int64(len(data)), ct, page, extract.RenderOptions{})
		if err != nil {
			return nil, documentError(dp, err)
		}
		return imageResult(FilesImageOutput{Path: dp, Page: page, ContentType: img.MIMEType, Width: img.Width, Height: img.Height, ETag: fc.ETag}, img.Data)
	})
}

func imageResult(out FilesImageOutput, data []byte) (*mcp.CallToolResult, error) {
	res, err := StructuredResult(out)
	if err != nil {
		return nil, err
	}
	res.Content = append(res.Content, mcp.NewImageContent(base64.StdEncoding.EncodeToString(data), out.ContentType))
	return res, nil
}

// --- previews ---

// FilesPreviewInput are the arguments of nc_webdav_get_preview.
type FilesPreviewInput struct {
	Path string `json:"path"`
	Size int    `json:"size,omitempty" jsonschema:"longest edge px, 32-1568 (default 512)"`
}

// Validate implements the input check.
func (in *FilesPreviewInput) Validate() error {
	if _, err := nonRootFilePath("path", in.Path); err != nil {
		return err
	}
	if in.Size != 0 && (in.Size < 32 || in.Size > filesPreviewMax) {
		return inputErrorf("size is between 32 and %d pixels, got %d.", filesPreviewMax, in.Size)
	}
	return nil
}

func filesPreviewTool(d *Deps) Tool {
	return NewResultTool[FilesPreviewInput, FilesImageOutput](d, Spec{
		Name:        "nc_webdav_get_preview",
		Title:       "Preview a file",
		Description: "Get a small image of a file, cheaper than reading a large photo.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in FilesPreviewInput) (*mcp.CallToolResult, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		size := in.Size
		if size == 0 {
			size = filesPreviewDefault
		}
		st, err := call.Client.StatPreview(ctx, dp)
		if err != nil {
			return nil, about(err, "file %q", dp)
		}
		if st.IsDir {
			return nil, inputErrorf("%q is a folder, which has no preview: list it with nc_webdav_list_directory.", dp)
		}
		ro := extract.RenderOptions{MaxEdge: size}
		x := call.Deps.extractor()
		if st.HasPreview && st.FileID != 0 {
			pv, err := call.Client.Preview(ctx, st.FileID, nextcloud.PreviewOptions{Width: size, Height: size})
			if err == nil {
				img, err := fitPreview(ctx, x, pv.Data, pv.ContentType, ro)
				if err == nil {
					return imageResult(FilesImageOutput{Path: dp, ContentType: img.MIMEType, Width: img.Width, Height: img.Height, Source: "server", ETag: st.ETag}, img.Data)
				}
			} else if !errors.Is(err, nextcloud.ErrNoPreview) {
				return nil, about(err, "preview of %q", dp)
			}
		}
		// No server preview: render PDFs and pictures here.
		if st.Size > filesDocumentCap {
			return nil, inputErrorf("%q has no preview on the server and is %d bytes, too large to render here.", dp, st.Size)
		}
		data, fc, err := fetchDocument(ctx, call.Client, dp)
		if err != nil {
			return nil, err
		}
		ct, _, _ := mime.ParseMediaType(fc.ContentType)
		img, err := x.RenderPage(ctx, bytes.NewReader(data), int64(len(data)), ct, 1, ro)
		if err != nil {
			var e *extract.Error
			if errors.As(err, &e) && e.Kind == extract.KindUnsupported {
				return nil, inputErrorf("%q has no preview: the server has none for it and a %s cannot be rendered here; read its text with nc_webdav_read_file.", dp, extract.FormatName(e.Format))
			}
			return nil, documentError(dp, err)
		}
		return imageResult(FilesImageOutput{Path: dp, ContentType: img.MIMEType, Width: img.Width, Height: img.Height, Source: "local", ETag: fc.ETag}, img.Data)
	})
}

// fitPreview passes a server preview on when it fits, and downscales it
// when the server sent a bigger one than asked (it rounds sizes up).
func fitPreview(ctx context.Context, x *extract.Extractor, data []byte, ct string, o extract.RenderOptions) (*extract.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err == nil && cfg.Width <= o.MaxEdge && cfg.Height <= o.MaxEdge && len(data) <= extract.DefaultMaxBytes {
		return &extract.Image{MIMEType: ct, Data: data, Width: cfg.Width, Height: cfg.Height}, nil
	}
	return x.Downscale(ctx, bytes.NewReader(data), int64(len(data)), o)
}

// resourceDocumentText is the extracted text of a document for the files
// resource; ok is false for files that are not documents.
func resourceDocumentText(ctx context.Context, d *Deps, data []byte, ct, dp string) (string, bool) {
	format, _ := extract.Sniff(bytes.NewReader(data), int64(len(data)), ct, path.Base(dp))
	if !documentFormats[format] {
		return "", false
	}
	doc, err := d.extractor().Extract(ctx, bytes.NewReader(data), int64(len(data)), ct, extract.Options{Name: path.Base(dp)})
	if err != nil {
		return "", false
	}
	return doc.Text(), true
}

// largeImage reads the rest of an image over the image cap, for downscaling.
func largeImage(fc *nextcloud.FileContent, out FilesReadOutput, dp string) (FilesReadOutput, []byte, error) {
	if fc.Size > filesDocumentCap {
		return out, nil, tooLargeError(dp, fc.Size, true)
	}
	data, err := io.ReadAll(fc.Body)
	if errors.Is(err, nextcloud.ErrTooLarge) {
		return out, nil, tooLargeError(dp, -1, true)
	}
	if err != nil {
		return out, nil, about(err, "file %q", dp)
	}
	return out, data, errLargeImage
}

// downscaledImageResult returns a large image scaled to the limits of image
// content, upright per its EXIF orientation, and says so.
func downscaledImageResult(ctx context.Context, call *Call, out FilesReadOutput, data []byte) (*mcp.CallToolResult, error) {
	img, err := call.Deps.extractor().Downscale(ctx, bytes.NewReader(data), int64(len(data)), extract.RenderOptions{})
	if err != nil {
		return nil, documentError(out.Path, err)
	}
	out.Size = int64(len(data))
	out.Encoding, out.ContentType, out.Complete = "image", img.MIMEType, true
	out.BytesReturned = int64(len(img.Data))
	out.Window = fmt.Sprintf("downscaled to %d×%d (%d bytes); the original is %d bytes: encoding base64 with offset and max_bytes gives its bytes", img.Width, img.Height, len(img.Data), len(data))
	res, err := StructuredResult(out)
	if err != nil {
		return nil, err
	}
	res.Content = append(res.Content, mcp.NewImageContent(base64.StdEncoding.EncodeToString(img.Data), img.MIMEType))
	return res, nil
}
