package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// extractXLSX reads a workbook sheet by sheet with values formatted as the
// file formats them (numfmt.go), formulas as their cached results. It reads
// the package itself rather than through excelize: excelize's package
// initialisation alone costs about 9 ms and 1.3 MB at every start of the
// binary, spreadsheet or not, and the start-up time is a budget.
func (x *Extractor) extractXLSX(ctx context.Context, r io.ReaderAt, size int64, o Options) (*Document, error) {
	z, err := x.openZip(ctx, "xlsx", r, size)
	if err != nil {
		return nil, err
	}
	wb, err := z.xml("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	rels, err := z.rels("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	book := &xlsxBook{date1904: isTrue(wb.child("workbookPr").attr("date1904"))}
	if err := book.loadStrings(z); err != nil {
		return nil, err
	}
	if err := book.loadStyles(z); err != nil {
		return nil, err
	}
	doc := &Document{UnitKind: "sheet"}
	z.coreProps(doc)
	var parts []string
	for _, s := range wb.path("sheets").children("sheet") {
		doc.SheetNames = append(doc.SheetNames, s.attr("name"))
		parts = append(parts, rels[s.attrNS(nsOfficeRels, "id")].target)
	}
	doc.UnitCount = len(parts)
	pick, err := pickSheets(o, doc.SheetNames)
	if err != nil {
		return nil, withFormat(err, "xlsx")
	}
	for _, i := range pick {
		sb := newSheetBuilder(o)
		if parts[i] != "" && z.has(parts[i]) {
			data, err := z.read(parts[i])
			if err != nil {
				return nil, err
			}
			if err := book.rows(ctx, parts[i], data, z.maxDepth, sb.add); err != nil {
				return nil, err
			}
		}
		doc.Units = append(doc.Units, sb.unit(i+1, doc.SheetNames[i]))
	}
	return doc, nil
}

type xlsxBook struct {
	date1904 bool
	strings  []string
	// xfFormat is each cell style's number format code, by style index.
	xfFormat []string
}

func isTrue(s string) bool { return s == "1" || s == "true" }

func (b *xlsxBook) loadStrings(z *zipDoc) error {
	sst, err := z.optionalXML("xl/sharedStrings.xml")
	if err != nil || sst == nil {
		return err
	}
	for _, si := range sst.children("si") {
		b.strings = append(b.strings, richText(si))
	}
	return nil
}

// richText is the text of a string item: its t runs, without phonetic guides.
func richText(si *xnode) string {
	var s strings.Builder
	for _, k := range si.Kids {
		switch k.Local {
		case "t":
			s.WriteString(k.text())
		case "r":
			s.WriteString(k.child("t").text())
		}
	}
	return s.String()
}

func (b *xlsxBook) loadStyles(z *zipDoc) error {
	st, err := z.optionalXML("xl/styles.xml")
	if err != nil || st == nil {
		return err
	}
	custom := map[int]string{}
	for _, f := range st.path("numFmts").children("numFmt") {
		if id, err := strconv.Atoi(f.attr("numFmtId")); err == nil {
			custom[id] = f.attr("formatCode")
		}
	}
	for _, xf := range st.path("cellXfs").children("xf") {
		id, _ := strconv.Atoi(xf.attr("numFmtId"))
		code, ok := custom[id]
		if !ok {
			code = builtinNumFmt[id]
		}
		b.xfFormat = append(b.xfFormat, code)
	}
	return nil
}

// rows streams a worksheet's rows to add, with formatted values; a sheet
// is not held as a tree, so big sheets stay small in memory.
func (b *xlsxBook) rows(ctx context.Context, part string, data []byte, maxDepth int, add func(n int, cells []string)) error {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	depth, rowNum := 0, 0
	var cells []string
	var cell struct {
		col, style int
		typ        string
		v, inline  strings.Builder
		inV, inIs  bool
	}
	for n := 0; ; n++ {
		if n%16384 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return failf("xlsx", KindMalformed, err, "its part %s is not well-formed XML (%v)", part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxDepth {
				return failf("xlsx", KindTooLarge, ErrTooLarge, "its part %s nests XML elements more than %d deep, so it was not read", part, maxDepth)
			}
			switch t.Name.Local {
			case "row":
				rowNum++
				if r, err := strconv.Atoi(attrOf(t, "r")); err == nil && r > 0 {
					rowNum = r
				}
				cells = nil
			case "c":
				cell.col = len(cells)
				if ref := attrOf(t, "r"); ref != "" {
					if c := columnIndex(ref); c >= 0 {
						cell.col = c
					}
				}
				cell.style, _ = strconv.Atoi(attrOf(t, "s"))
				cell.typ = attrOf(t, "t")
				cell.v.Reset()
				cell.inline.Reset()
			case "v":
				cell.inV = true
			case "is":
				cell.inIs = true
			}
		case xml.EndElement:
			depth--
			switch t.Name.Local {
			case "v":
				cell.inV = false
			case "is":
				cell.inIs = false
			case "c":
				if cell.col > 16384 {
					continue
				}
				for len(cells) <= cell.col {
					cells = append(cells, "")
				}
				cells[cell.col] = b.value(cell.typ, cell.v.String(), cell.inline.String(), cell.style)
			case "row":
				add(rowNum, cells)
			}
		case xml.CharData:
			if cell.inV {
				cell.v.Write(t)
			} else if cell.inIs {
				cell.inline.Write(t)
			}
		}
	}
	return nil
}

// value renders one cell as the spreadsheet shows it.
func (b *xlsxBook) value(typ, v, inline string, style int) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(b.strings) {
			return ""
		}
		return b.strings[i]
	case "inlineStr":
		return inline
	case "str", "e", "d":
		return v
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE"
		}
		return "FALSE"
	}
	if v == "" {
		return ""
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return v
	}
	code := ""
	if style >= 0 && style < len(b.xfFormat) {
		code = b.xfFormat[style]
	}
	return formatNumber(f, code, b.date1904)
}

func attrOf(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// columnIndex turns a cell reference like "AB12" into its 0-based column.
func columnIndex(ref string) int {
	col := 0
	n := 0
	for _, c := range ref {
		if c >= 'A' && c <= 'Z' {
			col = col*26 + int(c-'A'+1)
			n++
			continue
		}
		if c >= 'a' && c <= 'z' {
			col = col*26 + int(c-'a'+1)
			n++
			continue
		}
		break
	}
	if n == 0 || n > 3 {
		return -1
	}
	return col - 1
}

// withFormat fills in the format of an *Error built without one.
func withFormat(err error, format string) error {
	var e *Error
	if errors.As(err, &e) && e.Format == "" {
		e.Format = format
	}
	return err
}
