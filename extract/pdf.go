package extract

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/klippa-app/go-pdfium"
	pdferr "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// pdfDoc is an open document in one PDFium instance.
type pdfDoc struct {
	inst      pdfium.Pdfium
	ref       references.FPDF_DOCUMENT
	pages     int
	encrypted bool
}

// openPDF opens a document that PDFium reads on demand through r, so the
// file is never copied whole into the engine's memory.
func openPDF(inst pdfium.Pdfium, r io.ReaderAt, size int64, password string) (*pdfDoc, error) {
	req := &requests.OpenDocument{FileReader: io.NewSectionReader(r, 0, size), FileReaderSize: size}
	if password != "" {
		req.Password = &password
	}
	od, err := inst.OpenDocument(req)
	if err != nil {
		switch {
		case errors.Is(err, pdferr.ErrPassword):
			return nil, failf("pdf", KindEncrypted, err, "the PDF is encrypted with a password that is needed to open it; remove the password in the app that made it and upload it again")
		case errors.Is(err, pdferr.ErrSecurity):
			return nil, failf("pdf", KindEncrypted, err, "the PDF uses an encryption scheme that cannot be opened")
		case errors.Is(err, pdferr.ErrFormat), errors.Is(err, pdferr.ErrFile):
			return nil, failf("pdf", KindMalformed, err, "the file is damaged or truncated and cannot be opened as a PDF")
		}
		return nil, failf("pdf", KindMalformed, err, "the PDF cannot be opened (%v)", err)
	}
	d := &pdfDoc{inst: inst, ref: od.Document}
	pc, err := inst.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: od.Document})
	if err != nil {
		d.close()
		return nil, failf("pdf", KindMalformed, err, "the PDF's page tree cannot be read")
	}
	d.pages = pc.PageCount
	if rev, err := inst.FPDF_GetSecurityHandlerRevision(&requests.FPDF_GetSecurityHandlerRevision{Document: od.Document}); err == nil && rev.SecurityHandlerRevision >= 0 {
		d.encrypted = true
	}
	return d, nil
}

func (d *pdfDoc) close() {
	_, _ = d.inst.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: d.ref})
}

// extractPDF reads the text layer page by page, in the order of the page's
// content, with the page count and metadata. A page without text is
// flagged NoText: render it with RenderPage and read it as an image.
func (x *Extractor) extractPDF(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	if size > x.cfg.MaxInput {
		return nil, failf("pdf", KindTooLarge, ErrTooLarge, "the file is %s, more than the %s that are read", humanBytes(size), humanBytes(x.cfg.MaxInput))
	}
	doc := &Document{UnitKind: "page"}
	err := x.withPDF(ctx, r, size, "", func(inst pdfium.Pdfium, d *pdfDoc) error {
		doc.UnitCount, doc.Encrypted = d.pages, d.encrypted
		if md, err := inst.GetMetaData(&requests.GetMetaData{Document: d.ref}); err == nil {
			for _, t := range md.Tags {
				switch t.Tag {
				case "Title":
					doc.Title = strings.TrimSpace(t.Value)
				case "Author":
					doc.Author = strings.TrimSpace(t.Value)
				case "CreationDate":
					doc.Created = pdfDate(t.Value)
				}
			}
		}
		lo, hi := unitWindow(o, d.pages)
		for i := lo; i < hi; i++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			raw, err := d.pageText(i)
			if err != nil {
				return failf("pdf", KindMalformed, err, "page %d cannot be read (%v)", i+1, err)
			}
			text := cleanPDFText(raw)
			doc.Units = append(doc.Units, Unit{Index: i + 1, Text: text, NoText: strings.TrimSpace(text) == ""})
			if o.Progress != nil && (i-lo+1)%10 == 0 {
				o.Progress(i-lo+1, hi-lo)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// pageText reads a page's text layer with one call into the engine; the
// library's GetPageText makes one call per character, which is ten times
// slower in WebAssembly.
func (d *pdfDoc) pageText(index int) (string, error) {
	page := requests.Page{ByIndex: &requests.PageByIndex{Document: d.ref, Index: index}}
	tp, err := d.inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: page})
	if err != nil {
		return "", err
	}
	defer d.inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := d.inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil || n.Count <= 0 {
		return "", err
	}
	t, err := d.inst.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, StartIndex: 0, Count: n.Count})
	if err != nil {
		return "", err
	}
	return t.Text, nil
}

// cleanPDFText normalises PDFium's line ends and drops the soft hyphens
// and NULs it reports for hyphenated and unmapped glyphs.
func cleanPDFText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch r {
		case 0, 0xfffe, 0xffff:
			return -1
		case 0x2:
			return '-'
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// pdfDate parses a PDF date: D:YYYYMMDDHHmmSSOHH'mm'.
func pdfDate(s string) time.Time {
	s = strings.TrimPrefix(strings.TrimSpace(s), "D:")
	s = strings.ReplaceAll(s, "'", "")
	for _, layout := range []string{"20060102150405-0700", "20060102150405Z0700", "20060102150405Z", "20060102150405", "200601021504", "20060102"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	if len(s) >= 14 {
		if t, err := time.Parse("20060102150405", s[:14]); err == nil {
			return t
		}
	}
	return time.Time{}
}
