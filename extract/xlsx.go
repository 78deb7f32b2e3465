package extract

import (
	"context"
	"errors"
	"io"

	"github.com/xuri/excelize/v2"
)

// extractXLSX reads a workbook sheet by sheet with the values formatted as
// the file formats them (dates, percentages, currencies), formulas as their
// cached results.
func (x *Extractor) extractXLSX(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	// The zip's own directory is checked first, so a bomb or a truncated
	// file is named before excelize reads anything.
	z, err := x.openZip(ctx, "xlsx", r, size)
	if err != nil {
		return nil, err
	}
	var declared uint64
	for _, f := range z.files {
		declared += f.UncompressedSize64
	}
	if declared > uint64(x.cfg.MaxExpanded) {
		return nil, z.bomb("all parts")
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit: x.cfg.MaxExpanded, UnzipXMLSizeLimit: min(x.cfg.MaxExpanded, 16<<20),
	})
	if err != nil {
		return nil, failf("xlsx", KindMalformed, err, "the workbook cannot be opened (%v)", err)
	}
	defer f.Close()
	doc := &Document{UnitKind: "sheet"}
	if p, err := f.GetDocProps(); err == nil {
		doc.Title, doc.Author, doc.Created = p.Title, p.Creator, parseTime(p.Created)
	}
	doc.SheetNames = f.GetSheetList()
	doc.UnitCount = len(doc.SheetNames)
	pick, err := pickSheets(o, doc.SheetNames)
	if err != nil {
		return nil, withFormat(err, "xlsx")
	}
	for _, i := range pick {
		name := doc.SheetNames[i]
		sb := newSheetBuilder(o)
		rows, err := f.Rows(name)
		if err != nil {
			return nil, failf("xlsx", KindMalformed, err, "its sheet %s cannot be read (%v)", quote(name), err)
		}
		for n := 1; rows.Next(); n++ {
			if n%1024 == 0 && ctx.Err() != nil {
				rows.Close()
				return nil, ctx.Err()
			}
			cols, err := rows.Columns()
			if err != nil {
				rows.Close()
				return nil, failf("xlsx", KindMalformed, err, "its sheet %s cannot be read (%v)", quote(name), err)
			}
			sb.add(n, cols)
		}
		if err := rows.Error(); err != nil && !errors.Is(err, io.EOF) {
			rows.Close()
			return nil, failf("xlsx", KindMalformed, err, "its sheet %s cannot be read (%v)", quote(name), err)
		}
		rows.Close()
		doc.Units = append(doc.Units, sb.unit(i+1, name))
	}
	return doc, nil
}

// withFormat fills in the format of an *Error built without one.
func withFormat(err error, format string) error {
	var e *Error
	if errors.As(err, &e) && e.Format == "" {
		e.Format = format
	}
	return err
}
