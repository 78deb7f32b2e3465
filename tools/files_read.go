package tools

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

const (
	// filesTextCap is how much read_file returns when no window is asked for.
	filesTextCap = 256 << 10
	// filesWindowCap is the largest window max_bytes may ask for.
	filesWindowCap = 1 << 20
	// filesImageCap is the largest image returned as image content.
	filesImageCap = 1 << 20
)

// filesImageTypes are the image types assistants can display.
var filesImageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// FilesReadInput are the arguments of nc_webdav_read_file.
type FilesReadInput struct {
	Path     string `json:"path"`
	Offset   int64  `json:"offset,omitempty" jsonschema:"first byte; pass next_offset"`
	MaxBytes int64  `json:"max_bytes,omitempty" jsonschema:"max 1048576; default whole file up to 256 KiB"`
	Encoding string `json:"encoding,omitempty" jsonschema:"text (default), source (raw text, e.g. HTML) or base64,enum=text,enum=source,enum=base64"`
	Pages    string `json:"pages,omitempty" jsonschema:"pages, slides or chapters, like 3-5"`
	Sheet    string `json:"sheet,omitempty" jsonschema:"default the first"`
	Rows     string `json:"rows,omitempty" jsonschema:"like 1-200 (default 1-500)"`
}

// Validate implements the input check.
func (in *FilesReadInput) Validate() error {
	if _, err := nonRootFilePath("path", in.Path); err != nil {
		return err
	}
	if in.Offset < 0 || in.MaxBytes < 0 {
		return inputErrorf("offset and max_bytes must not be negative.")
	}
	if in.MaxBytes > filesWindowCap {
		return inputErrorf("max_bytes is at most %d; read larger files in several windows with offset.", filesWindowCap)
	}
	switch in.Encoding {
	case "", "text", "source", "base64":
	default:
		return inputErrorf("encoding must be text, source or base64, got %q.", in.Encoding)
	}
	return in.validateDocumentWindow()
}

// FilesReadOutput is a file's content, or a window of it. It always says
// which bytes were returned, so a partial read is never mistaken for the whole file.
type FilesReadOutput struct {
	Path        string `json:"path" jsonschema_description:"Path of the file."`
	ContentType string `json:"content_type,omitempty" jsonschema_description:"MIME type."`
	ETag        string `json:"etag,omitempty" jsonschema_description:"The file's etag; pass it as if_match to overwrite it safely."`
	// Size is the whole file's size in bytes (-1 if the server did not say).
	Size int64 `json:"size" jsonschema_description:"Size of the whole file in bytes (-1 if the server did not say)."`
	// Offset is where the returned bytes start.
	Offset        int64 `json:"offset" jsonschema_description:"Where the returned bytes start."`
	BytesReturned int64 `json:"bytes_returned" jsonschema_description:"How many bytes this answer holds."`
	// NextOffset is where to continue; absent when the end was reached.
	NextOffset int64 `json:"next_offset,omitempty" jsonschema_description:"Pass as offset to read on; absent at the end of the file."`
	// Complete is true when the returned bytes reach the end of the file.
	Complete bool `json:"complete" jsonschema_description:"True when the returned bytes reach the end of the file."`
	// Encoding of content: text, base64, or image (the bytes are in an image content block).
	Encoding string `json:"encoding" jsonschema_description:"How content is given: text, base64, or image (the bytes are in an image content block)."`
	Content  string `json:"content,omitempty" jsonschema_description:"The bytes read, as encoding says."`
	// Charset is the detected encoding of a text file that is not UTF-8.
	Charset string `json:"charset,omitempty" jsonschema_description:"Detected encoding of a text file that was not UTF-8."`
	DocumentWindow
}

func filesReadTool(d *Deps) Tool {
	return NewResultTool[FilesReadInput, FilesReadOutput](d, Spec{
		Name:  "nc_webdav_read_file",
		Title: "Read a file",
		Description: "Read a file: text as text; PDF, Office, OpenDocument, RTF, HTML, EPUB as extracted " +
			"text in windows (the result says what comes next); images as images (large ones downscaled).",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in FilesReadInput) (*mcp.CallToolResult, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		if in.wantsDocument() {
			return readDocumentResult(ctx, call, dp, in, nil, nil)
		}
		out, data, err := readFileWindow(ctx, call.Client, dp, in)
		if errors.Is(err, errIsDocument) {
			return readDocumentResult(ctx, call, dp, in, &out, data)
		}
		if errors.Is(err, errLargeImage) {
			return downscaledImageResult(ctx, call, out, data)
		}
		if err != nil {
			return nil, err
		}
		if out.Encoding == "image" {
			res, err := StructuredResult(out)
			if err != nil {
				return nil, err
			}
			res.Content = append(res.Content, mcp.NewImageContent(base64.StdEncoding.EncodeToString(data), out.ContentType))
			return res, nil
		}
		return StructuredResult(out)
	})
}

// readFileWindow downloads what the arguments ask for and decides how to
// return it. It returns the raw bytes for images. A document read as text
// fails with errIsDocument: with the whole file's bytes when it was read
// whole, so that they are not downloaded twice.
func readFileWindow(ctx context.Context, c *nextcloud.Client, dp string, in FilesReadInput) (FilesReadOutput, []byte, error) {
	windowed := in.Offset > 0 || in.MaxBytes > 0
	extractText := in.Encoding == "" || in.Encoding == "text"
	ro := nextcloud.ReadOptions{Offset: in.Offset, MaxBytes: filesImageCap}
	if extractText && !windowed {
		ro.MaxBytes = filesDocumentCap
	}
	if windowed {
		ro.Length = in.MaxBytes
		if ro.Length == 0 {
			ro.Length = filesTextCap
		}
		ro.MaxBytes = ro.Length
	}
	fc, err := c.ReadFile(ctx, dp, ro)
	if err != nil {
		return FilesReadOutput{}, nil, about(err, "file %q", dp)
	}
	defer fc.Body.Close()
	ct, _, _ := mime.ParseMediaType(fc.ContentType)
	out := FilesReadOutput{Path: dp, ContentType: ct, ETag: fc.ETag, Size: fc.Size, Offset: fc.Offset}
	isImage := filesImageTypes[ct] && in.Encoding != "base64"
	if extractText {
		if windowed && documentType(ct) {
			// offset and max_bytes window a document's extracted text.
			return out, nil, errIsDocument
		}
		if !windowed {
			data, isDoc, err := peekDocument(fc, ct, dp)
			if err != nil {
				return out, nil, about(err, "file %q", dp)
			}
			if isDoc {
				return out, data, errIsDocument
			}
			if isImage && fc.Size > filesImageCap {
				return largeImage(fc, out, dp)
			}
		}
	}

	if !windowed {
		limit := int64(filesTextCap)
		if isImage {
			limit = filesImageCap
		}
		if fc.Size > limit {
			return out, nil, tooLargeError(dp, fc.Size, isImage)
		}
	}
	data, err := io.ReadAll(fc.Body)
	if errors.Is(err, nextcloud.ErrTooLarge) {
		return out, nil, tooLargeError(dp, -1, isImage)
	}
	if err == nil && isImage && extractText && !windowed && int64(len(data)) > filesImageCap {
		return out, data, errLargeImage
	}
	if err != nil {
		return out, nil, about(err, "file %q", dp)
	}
	if !windowed && !isImage && int64(len(data)) > filesTextCap {
		return out, nil, tooLargeError(dp, int64(len(data)), false)
	}

	switch {
	case isImage && !windowed:
		out.Encoding = "image"
	case in.Encoding == "base64":
		out.Encoding = "base64"
		out.Content = base64.StdEncoding.EncodeToString(data)
	case isImage:
		return out, nil, inputErrorf("File %q is an image (%s): read it whole without offset and max_bytes to see it, or pass encoding base64 to get raw bytes.", dp, ct)
	default:
		atEnd := out.Size >= 0 && out.Offset+int64(len(data)) >= out.Size
		text, skipped, ok := utf8Window(data, out.Offset > 0, !atEnd)
		if !ok && !windowed && looksLikeText(data, ct, dp) {
			text, out.Charset = extract.DecodeText(data)
			ok = true
		}
		if !ok {
			return out, nil, inputErrorf("File %q is binary (%s, %d bytes), not text: pass encoding base64 to get its bytes (with max_bytes up to %d for big files).", dp, orUnknown(ct), out.Size, filesWindowCap)
		}
		out.Offset += int64(skipped)
		data = []byte(text)
		out.Encoding = "text"
		out.Content = text
	}
	out.BytesReturned = int64(len(data))
	end := out.Offset + out.BytesReturned
	if out.Size < 0 && !windowed {
		out.Size = end
	}
	out.Complete = out.Size >= 0 && end >= out.Size
	if !out.Complete {
		out.NextOffset = end
	}
	return out, data, nil
}

func orUnknown(ct string) string {
	if ct == "" {
		return "unknown type"
	}
	return ct
}

// tooLargeError refuses a whole-file read that is over the cap, naming the
// size and the way to read it anyway.
func tooLargeError(dp string, size int64, image bool) error {
	sz := "more than " + fmt.Sprint(filesTextCap) + " bytes"
	if size >= 0 {
		sz = fmt.Sprintf("%d bytes", size)
	}
	if image {
		return inputErrorf("Image %q is %s, more than the %d bytes returned as an image: pass encoding base64 with offset and max_bytes to get its bytes in windows.", dp, sz, filesImageCap)
	}
	return inputErrorf("File %q is %s, more than the %d bytes returned at once, so nothing was returned: read it in windows with offset and max_bytes, e.g. offset 0 and max_bytes %d, then continue at next_offset.", dp, sz, filesTextCap, filesTextCap)
}

// utf8Window checks that a window is text and trims runes the window cut in
// half: continuation bytes at the start (when it starts mid-file) and an
// incomplete rune at the end (when more follows). skipped is how many
// leading bytes were dropped.
func utf8Window(b []byte, midStart, more bool) (text string, skipped int, ok bool) {
	if midStart {
		for skipped < len(b) && skipped < utf8.UTFMax && !utf8.RuneStart(b[skipped]) {
			skipped++
		}
		b = b[skipped:]
	}
	if more {
		// Drop a trailing incomplete rune, at most UTFMax-1 bytes.
		for i := 1; i < utf8.UTFMax && i <= len(b); i++ {
			if utf8.RuneStart(b[len(b)-i]) {
				if !utf8.FullRune(b[len(b)-i:]) {
					b = b[:len(b)-i]
				}
				break
			}
		}
	}
	if !utf8.Valid(b) || bytes.IndexByte(b, 0) >= 0 {
		return "", 0, false
	}
	return string(b), skipped, true
}

// filesResourceTemplate exposes files as nc://files/{+path}: text as text,
// documents as their extracted text (text/markdown), anything else as a
// base64 blob, up to 1 MiB.
func filesResourceTemplate(d *Deps) server.ServerResourceTemplate {
	return server.ServerResourceTemplate{
		Template: mcp.NewResourceTemplate("nc://files/{+path}", "Nextcloud file",
			mcp.WithTemplateDescription("A file of the user's Nextcloud files, by path (e.g. nc://files/Documents/notes.md): text files as text, documents (PDF, Office, OpenDocument, EPUB) as extracted Markdown, other files as base64 blobs, up to 1 MiB."),
		),
		Handler: func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			raw := strings.TrimPrefix(req.Params.URI, "nc://files/")
			p, err := url.PathUnescape(raw)
			if err != nil {
				p = raw
			}
			dp, err := nonRootFilePath("path", p)
			if err != nil {
				return nil, errors.New(Explain(err))
			}
			c, err := d.Factory.Client(ctx)
			if err != nil {
				return nil, errors.New(Explain(err))
			}
			fc, err := c.ReadFile(ctx, dp, nextcloud.ReadOptions{MaxBytes: filesImageCap})
			if err != nil {
				return nil, errors.New(Explain(about(err, "file %q", dp)))
			}
			defer fc.Body.Close()
			data, err := io.ReadAll(fc.Body)
			if errors.Is(err, nextcloud.ErrTooLarge) {
				return nil, fmt.Errorf("file %q is larger than %d bytes: read it in windows with the nc_webdav_read_file tool (offset, max_bytes)", dp, filesImageCap)
			}
			if err != nil {
				return nil, errors.New(Explain(about(err, "file %q", dp)))
			}
			ct, _, _ := mime.ParseMediaType(fc.ContentType)
			if text, ok := resourceDocumentText(ctx, d, data, ct, dp); ok {
				return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: "text/markdown", Text: text}}, nil
			}
			if text, _, ok := utf8Window(data, false, false); ok && !filesImageTypes[ct] {
				return []mcp.ResourceContents{mcp.TextResourceContents{URI: req.Params.URI, MIMEType: orDefault(ct, "text/plain"), Text: text}}, nil
			}
			return []mcp.ResourceContents{mcp.BlobResourceContents{URI: req.Params.URI, MIMEType: orDefault(ct, "application/octet-stream"), Blob: base64.StdEncoding.EncodeToString(data)}}, nil
		},
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
