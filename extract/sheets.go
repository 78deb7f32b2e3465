package extract

import (
	"bytes"
	"encoding/csv"
	"strings"
)

// sheetBuilder gathers one sheet's rows as they stream by and keeps only
// the header (row 1) and the rows of the requested window.
type sheetBuilder struct {
	o      Options
	header []string
	rows   []numberedRow
	// total is the number of the last non-empty row.
	total int
}

type numberedRow struct {
	n     int
	cells []string
}

func newSheetBuilder(o Options) *sheetBuilder { return &sheetBuilder{o: o} }

// add takes row n (1-based) with its formatted cell values.
func (s *sheetBuilder) add(n int, cells []string) {
	cells = trimRow(cells)
	if len(cells) == 0 {
		return
	}
	s.total = n
	if n == 1 {
		s.header = cells
	}
	if s.inWindow(n) {
		s.rows = append(s.rows, numberedRow{n, cells})
	}
}

func (s *sheetBuilder) inWindow(n int) bool {
	return (s.o.FirstRow <= 0 || n >= s.o.FirstRow) && (s.o.LastRow <= 0 || n <= s.o.LastRow)
}

func trimRow(cells []string) []string {
	end := len(cells)
	for end > 0 && strings.TrimSpace(cells[end-1]) == "" {
		end--
	}
	return cells[:end]
}

// unit renders the sheet: a Markdown table whose header is row 1 (repeated
// for windows further down, so columns keep their names), or CSV.
func (s *sheetBuilder) unit(index int, name string) Unit {
	u := Unit{Index: index, Name: name, Rows: s.total}
	if len(s.rows) > 0 {
		u.FirstRow, u.LastRow = s.rows[0].n, s.rows[len(s.rows)-1].n
	}
	var body string
	if s.o.CSV {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		for _, r := range s.rows {
			_ = w.Write(r.cells)
		}
		w.Flush()
		body = strings.TrimRight(b.String(), "\n")
	} else {
		rows, header := s.rows, s.header
		if header == nil && len(rows) > 0 {
			header, rows = rows[0].cells, rows[1:]
		}
		var table [][]string
		if header != nil {
			table = append(table, append([]string(nil), header...))
		}
		for _, r := range rows {
			if r.n != 1 {
				table = append(table, append([]string(nil), r.cells...))
			}
		}
		body = markdownTable(escapeCells(table))
	}
	u.Text = "## " + name
	if body != "" {
		u.Text += "\n\n" + body
	}
	return u
}

func escapeCells(rows [][]string) [][]string {
	for _, r := range rows {
		for i, c := range r {
			r[i] = strings.ReplaceAll(strings.ReplaceAll(c, "\r\n", " "), "\n", " ")
		}
	}
	return rows
}

// pickSheets returns the 0-based indexes of the sheets Options select.
func pickSheets(o Options, names []string) (idx []int, err error) {
	if o.Sheet != "" {
		for i, n := range names {
			if n == o.Sheet {
				return []int{i}, nil
			}
		}
		for i, n := range names {
			if strings.EqualFold(n, o.Sheet) {
				return []int{i}, nil
			}
		}
		return nil, &Error{Kind: KindMalformed, Err: ErrNoSuchSheet, Reason: "it has no sheet named " + quote(o.Sheet) + "; its sheets are " + quoteList(names)}
	}
	lo, hi := unitWindow(o, len(names))
	for i := lo; i < hi; i++ {
		idx = append(idx, i)
	}
	return idx, nil
}

// ErrNoSuchSheet is returned when Options.Sheet names no sheet.
var ErrNoSuchSheet = errorString("no such sheet")

type errorString string

func (e errorString) Error() string { return string(e) }

func quote(s string) string { return "\u201c" + s + "\u201d" }

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
