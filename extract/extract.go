// Package extract turns document bytes into text, structure (pages, slides,
// sheets, chapters) and page images. It knows nothing of Nextcloud or MCP:
// callers hand it an io.ReaderAt, a size and a content type.
package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Config is fixed for the life of an Extractor.
type Config struct {
	// CacheDir holds compiled engines (the PDF engine's WebAssembly
	// compilation cache), so later starts are fast. Empty disables the cache.
	CacheDir string
	// Timeout bounds one extraction; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxExpanded caps how many bytes a compressed container (zip, deflate
	// streams) may expand to; 0 means DefaultMaxExpanded.
	MaxExpanded int64
	// MaxInput caps the size of a document read into memory (PDF, HTML,
	// text); 0 means DefaultMaxInput.
	MaxInput int64
	// MaxDepth caps XML element nesting; 0 means DefaultMaxDepth.
	MaxDepth int
}

// Defaults for Config.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxExpanded = 256 << 20
	DefaultMaxInput    = 128 << 20
	DefaultMaxDepth    = 512
)

// Options select what one extraction returns. The zero value returns every
// unit of the document.
type Options struct {
	// Name is the file name, used only as a hint when sniffing fails.
	Name string
	// FirstUnit and LastUnit (1-based, inclusive) limit which pages, slides,
	// sheets or chapters get their text extracted; 0 means from the first
	// and to the last. Document.UnitCount still counts them all.
	FirstUnit, LastUnit int
	// Sheet picks one sheet of a spreadsheet by name, overriding the unit range.
	Sheet string
	// FirstRow and LastRow (1-based, inclusive) window the rows of each
	// sheet returned; 0 means from the first and to the last.
	FirstRow, LastRow int
	// CSV renders sheets as CSV instead of Markdown tables.
	CSV bool
	// Progress, when set, hears how many of the requested pages are done
	// (PDFs, whose pages are the slow part).
	Progress func(done, total int)
}

// Document is what an extraction yields.
type Document struct {
	// Format is a short name: "pdf", "docx", "xlsx", "pptx", "odt", "ods",
	// "odp", "rtf", "html", "epub", "text", "image".
	Format string
	// MIMEType is the sniffed type the extraction used.
	MIMEType string
	Title    string
	Author   string
	Created  time.Time
	// Encoding is the detected character encoding of plain text.
	Encoding string
	// Encrypted is true for a PDF that is encrypted but opens without a password.
	Encrypted bool
	// UnitKind names what Units are: "page", "slide", "sheet", "chapter" or "section".
	UnitKind string
	// UnitCount is how many units the whole document has; Units may hold
	// fewer when Options asked for a window.
	UnitCount int
	// SheetNames lists every sheet of a spreadsheet, in order.
	SheetNames []string
	Units      []Unit
}

// Unit is one page, slide, sheet, chapter or section, 1-based.
type Unit struct {
	Index int
	// Name is a sheet name, a slide or chapter title; may be empty.
	Name string
	// Text is the unit's content as Markdown (tables as Markdown tables).
	Text string
	// Notes holds speaker notes of a slide.
	Notes string
	// NoText is true for a page without a text layer (a scan).
	NoText bool
	// Rows is the number of rows of a sheet; FirstRow and LastRow say which
	// of them Text holds (0 when the sheet is empty).
	Rows, FirstRow, LastRow int
}

// Text joins every unit's text, for indexing and whole-document reads.
func (d *Document) Text() string {
	var b strings.Builder
	for i, u := range d.Units {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(u.Text)
		if u.Notes != "" {
			b.WriteString("\n\n")
			b.WriteString(u.Notes)
		}
	}
	return b.String()
}

// Kind classifies why an extraction failed.
type Kind int

// Failure kinds.
const (
	KindUnsupported Kind = iota + 1 // no extractor for the type (legacy DOC, binary data)
	KindMalformed                   // broken or truncated file
	KindEncrypted                   // needs a password
	KindTooLarge                    // expands past the cap (zip bomb, nesting)
	KindTimeout                     // took longer than the time limit
)

// Error is a failed extraction: which format, what kind of failure, and a
// reason a person can act on.
type Error struct {
	Format string
	Kind   Kind
	Reason string
	Err    error
}

func (e *Error) Error() string {
	if e.Format == "" {
		return e.Reason
	}
	return e.Format + ": " + e.Reason
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinel kinds for errors.Is.
var (
	ErrUnsupported = errors.New("unsupported format")
	ErrMalformed   = errors.New("malformed file")
	ErrEncrypted   = errors.New("encrypted file")
	ErrTooLarge    = errors.New("content too large")
	ErrTimeout     = errors.New("extraction timed out")
)

// Is makes errors.Is(err, ErrEncrypted) and friends work on *Error.
func (e *Error) Is(target error) bool {
	switch e.Kind {
	case KindUnsupported:
		return target == ErrUnsupported
	case KindMalformed:
		return target == ErrMalformed
	case KindEncrypted:
		return target == ErrEncrypted
	case KindTooLarge:
		return target == ErrTooLarge
	case KindTimeout:
		return target == ErrTimeout
	}
	return false
}

// failf builds an *Error of a kind with a formatted reason.
func failf(format string, k Kind, cause error, reason string, a ...any) *Error {
	return &Error{Format: format, Kind: k, Reason: fmt.Sprintf(reason, a...), Err: cause}
}

// Extractor runs extractions. It holds lazily loaded engines, so create one
// per process and share it; it is safe for concurrent use.
type Extractor struct {
	cfg Config
	pdf *pdfEngine
}

// New returns an Extractor; engines load on first use, so New costs nothing.
func New(cfg Config) *Extractor {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxExpanded <= 0 {
		cfg.MaxExpanded = DefaultMaxExpanded
	}
	if cfg.MaxInput <= 0 {
		cfg.MaxInput = DefaultMaxInput
	}
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = DefaultMaxDepth
	}
	return &Extractor{cfg: cfg, pdf: &pdfEngine{cacheDir: cfg.CacheDir}}
}

// Close releases loaded engines.
func (x *Extractor) Close() error { return x.pdf.close() }

// Extract reads a document. contentType may be empty or wrong: the sniffed
// type wins.
func (x *Extractor) Extract(ctx context.Context, r io.ReaderAt, size int64, contentType string, o Options) (*Document, error) {
	t := sniff(r, size, contentType, o.Name)
	if t.format == "pdf" {
		if err := x.pdfReady(ctx); err != nil {
			return nil, err
		}
	}
	var doc *Document
	err := x.run(ctx, t.format, func(ctx context.Context) error {
		var err error
		doc, err = x.extractAs(ctx, t, r, size, o)
		return err
	})
	if err != nil {
		return nil, err
	}
	doc.Format, doc.MIMEType = t.format, t.mime
	if doc.UnitCount == 0 {
		doc.UnitCount = len(doc.Units)
	}
	return doc, nil
}

// Sniff names the format Extract would use for the bytes: the short format
// name and its MIME type. It reads at most a few kilobytes (and a zip's
// directory).
func Sniff(r io.ReaderAt, size int64, contentType, name string) (format, mimeType string) {
	t := sniff(r, size, contentType, name)
	return t.format, t.mime
}

func (x *Extractor) extractAs(ctx context.Context, t sniffed, r io.ReaderAt, size int64, o Options) (*Document, error) {
	switch t.format {
	case "pdf":
		return x.extractPDF(ctx, r, size, o)
	case "docx":
		return x.extractDOCX(ctx, r, size)
	case "xlsx":
		return x.extractXLSX(ctx, r, size, o)
	case "pptx":
		return x.extractPPTX(ctx, r, size, o)
	case "odt":
		return x.extractODT(ctx, r, size)
	case "ods":
		return x.extractODS(ctx, r, size, o)
	case "odp":
		return x.extractODP(ctx, r, size, o)
	case "epub":
		return x.extractEPUB(ctx, r, size, o)
	case "rtf":
		return x.extractRTF(ctx, r, size)
	case "html":
		return x.extractHTML(ctx, r, size, t.mime)
	case "text":
		return x.extractText(ctx, r, size, t.mime)
	case "image":
		return x.describeImage(ctx, r, size)
	case "doc", "xls", "ppt":
		return nil, legacyError(t.format)
	case "empty":
		return nil, failf(t.format, KindMalformed, ErrMalformed, "the file is empty (0 bytes), so there is nothing to read")
	}
	return nil, unsupportedError(t)
}

// readAll reads a whole document into memory, within MaxInput.
func (x *Extractor) readAll(format string, r io.ReaderAt, size int64) ([]byte, error) {
	if size > x.cfg.MaxInput {
		return nil, failf(format, KindTooLarge, ErrTooLarge, "the file is %s, more than the %s that are read into memory", humanBytes(size), humanBytes(x.cfg.MaxInput))
	}
	b := make([]byte, size)
	n, err := r.ReadAt(b, 0)
	if err != nil && !(errors.Is(err, io.EOF) && int64(n) == size) {
		return nil, failf(format, KindMalformed, err, "the file could not be read (%v)", err)
	}
	return b, nil
}

// unitWindow turns Options' unit range into a 0-based half-open range over n units.
func unitWindow(o Options, n int) (lo, hi int) {
	lo, hi = 0, n
	if o.FirstUnit > 0 {
		lo = min(o.FirstUnit-1, n)
	}
	if o.LastUnit > 0 {
		hi = min(o.LastUnit, n)
	}
	if hi < lo {
		hi = lo
	}
	return lo, hi
}

func humanBytes(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
