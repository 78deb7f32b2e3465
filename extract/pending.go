package extract

import (
	"context"
	"io"
)

type pdfEngine struct {
	cacheDir string
	once     interface{ Do(func()) }
}

func (p *pdfEngine) close() error { return nil }

func notYet(format string) error {
	return &Error{Format: format, Kind: KindUnsupported, Reason: "not supported yet", Err: ErrUnsupported}
}

func (x *Extractor) extractPDF(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	return nil, notYet("pdf")
}
func (x *Extractor) extractDOCX(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	return nil, notYet("docx")
}
func (x *Extractor) extractXLSX(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	return nil, notYet("xlsx")
}
func (x *Extractor) extractPPTX(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	return nil, notYet("pptx")
}
func (x *Extractor) extractODT(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	return nil, notYet("odt")
}
func (x *Extractor) extractODS(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	return nil, notYet("ods")
}
func (x *Extractor) extractODP(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	return nil, notYet("odp")
}
func (x *Extractor) extractEPUB(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	return nil, notYet("epub")
}
func (x *Extractor) extractRTF(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	return nil, notYet("rtf")
}
func (x *Extractor) describeImage(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	return nil, notYet("image")
}
