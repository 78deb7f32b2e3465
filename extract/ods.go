package extract

import (
	"context"
	"io"
	"strconv"
	"strings"
)

// odsMaxRepeat caps how often one repeated row or cell with content is
// expanded; empty repeats (a sheet's unused million rows) are only counted.
// odsMaxCells caps the cells expanded in one document, so repeats cannot
// multiply a small file into billions of cells.
const (
	odsMaxRepeat = 10000
	odsMaxCells  = 4 << 20
)

// extractODS reads an OpenDocument spreadsheet sheet by sheet. Cells hold
// their displayed text, so values come formatted as the file shows them.
func (x *Extractor) extractODS(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	z, err := x.openZip(ctx, "ods", r, size)
	if err != nil {
		return nil, err
	}
	content, err := z.odfContent("ods")
	if err != nil {
		return nil, err
	}
	doc := &Document{UnitKind: "sheet"}
	z.odfMeta(doc)
	tables := content.path("body", "spreadsheet").children("table")
	for _, t := range tables {
		doc.SheetNames = append(doc.SheetNames, t.attrNS(nsODFTable, "name"))
	}
	doc.UnitCount = len(tables)
	pick, err := pickSheets(o, doc.SheetNames)
	if err != nil {
		return nil, withFormat(err, "ods")
	}
	conv := &odfConv{}
	cellsLeft := odsMaxCells
	for _, i := range pick {
		sb := newSheetBuilder(o)
		n := 0
		var rowsOf func(*xnode)
		rowsOf = func(parent *xnode) {
			for _, k := range parent.Kids {
				switch k.Local {
				case "table-row":
					cells := odsCells(conv, k)
					rep := repeat(k.attrNS(nsODFTable, "number-rows-repeated"))
					if len(trimRow(cells)) == 0 {
						n += rep
						continue
					}
					for j := 0; j < min(rep, odsMaxRepeat); j++ {
						n++
						if cellsLeft -= len(cells); cellsLeft < 0 {
							return
						}
						sb.add(n, cells)
					}
				case "table-header-rows", "table-rows", "table-row-group":
					rowsOf(k)
				}
			}
		}
		rowsOf(tables[i])
		if cellsLeft < 0 {
			return nil, failf("ods", KindTooLarge, ErrTooLarge, "its repeated rows and cells expand to more than %d cells, so it was not read", odsMaxCells)
		}
		doc.Units = append(doc.Units, sb.unit(i+1, doc.SheetNames[i]))
	}
	return doc, nil
}

func odsCells(conv *odfConv, row *xnode) []string {
	var cells []string
	for _, c := range row.Kids {
		if c.Local != "table-cell" && c.Local != "covered-table-cell" {
			continue
		}
		var parts []string
		for _, p := range c.children("p") {
			parts = append(parts, strings.TrimSpace(conv.inline(p)))
		}
		v := strings.Join(parts, " ")
		rep := repeat(c.attrNS(nsODFTable, "number-columns-repeated"))
		if v == "" && rep > 1 {
			// Trailing empty columns are trimmed anyway; inner ones matter.
			rep = min(rep, 1024)
		}
		for j := 0; j < min(rep, 1024); j++ {
			cells = append(cells, v)
		}
	}
	return cells
}

func repeat(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 1
	}
	return n
}
