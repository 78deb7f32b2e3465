package extract

import (
	"context"
	"io"
	"strconv"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// rtfSkip are destinations whose content is not document text.
var rtfSkip = map[string]bool{
	"fonttbl": true, "colortbl": true, "stylesheet": true, "pict": true, "object": true, "header": true, "footer": true,
	"headerl": true, "headerr": true, "headerf": true, "footerl": true, "footerr": true, "footerf": true, "themedata": true,
	"colorschememapping": true, "latentstyles": true, "datastore": true, "xmlnstbl": true, "listtable": true,
	"listoverridetable": true, "rsidtbl": true, "generator": true, "filetbl": true, "revtbl": true, "pgdsctbl": true,
	"fldinst": true, "bkmkstart": true, "bkmkend": true, "nonshppict": true, "pntext": true, "pntxta": true, "pntxtb": true,
	"listtext": true, "operator": true, "company": true, "keywords": true, "comment": true, "doccomm": true, "subject": true,
	"category": true, "manager": true, "hlinkbase": true, "userprops": true, "wgrffmtfilter": true, "mmathPr": true,
	"defchp": true, "defpap": true, "info": true, "xe": true, "tc": true, "template": true, "panose": true, "falt": true,
}

// rtfSymbols are control words that stand for one character.
var rtfSymbols = map[string]string{
	"tab": "\t", "emdash": "\u2014", "endash": "\u2013", "bullet": "\u2022", "lquote": "\u2018", "rquote": "\u2019",
	"ldblquote": "\u201c", "rdblquote": "\u201d", "emspace": " ", "enspace": " ", "qmspace": " ", "line": "\n",
}

// extractRTF reads the text of an RTF document: paragraphs, tables as
// Markdown tables, the title and author from its info group.
func (x *Extractor) extractRTF(ctx context.Context, r io.ReaderAt, size int64) (*Document, error) {
	b, err := x.readAll("rtf", r, size)
	if err != nil {
		return nil, err
	}
	p := &rtfParser{ctx: ctx, src: b, maxDepth: x.cfg.MaxDepth, enc: charmap.Windows1252}
	if err := p.parse(); err != nil {
		return nil, err
	}
	doc := &Document{UnitKind: "section", Title: strings.TrimSpace(p.title), Author: strings.TrimSpace(p.author)}
	doc.Units = []Unit{{Index: 1, Text: p.result()}}
	return doc, nil
}

type rtfState struct {
	skip bool
	uc   int
	// dest names the info field being read ("title", "author"), if any.
	dest string
}

type rtfParser struct {
	ctx      context.Context
	src      []byte
	i        int
	maxDepth int
	enc      encoding.Encoding

	stack []rtfState
	st    rtfState
	// pendingBytes are \'hh bytes awaiting decoding as a run (multi-byte code pages).
	pendingBytes []byte
	// skipChars is how many characters after \uN stand in for it.
	skipChars int

	para     strings.Builder
	out      []string
	inTable  bool
	cells    []string
	rows     [][]string
	title    string
	author   string
	sawGroup bool
}

func (p *rtfParser) malformed(reason string) error {
	return failf("rtf", KindMalformed, ErrMalformed, "%s", reason)
}

func (p *rtfParser) parse() error {
	p.st = rtfState{uc: 1}
	for p.i < len(p.src) {
		if p.i%65536 == 0 && p.ctx.Err() != nil {
			return p.ctx.Err()
		}
		c := p.src[p.i]
		switch c {
		case '{':
			p.flushBytes()
			if len(p.stack) >= p.maxDepth {
				return failf("rtf", KindTooLarge, ErrTooLarge, "the document nests groups more than %d deep, so it was not read", p.maxDepth)
			}
			p.stack = append(p.stack, p.st)
			p.sawGroup = true
			p.i++
		case '}':
			p.flushBytes()
			if len(p.stack) == 0 {
				p.i++
				continue
			}
			p.st = p.stack[len(p.stack)-1]
			p.stack = p.stack[:len(p.stack)-1]
			p.i++
		case '\\':
			if err := p.control(); err != nil {
				return err
			}
		case '\r', '\n':
			p.i++
		default:
			p.flushBytes()
			p.char(string(c))
			p.i++
		}
	}
	if !p.sawGroup {
		return p.malformed("the file is not valid RTF (no groups)")
	}
	if len(p.stack) > 1 {
		return p.malformed("the file is truncated: " + strconv.Itoa(len(p.stack)) + " groups are not closed")
	}
	p.flushBytes()
	return nil
}

// char adds text to the current destination, honouring \uc skipping.
func (p *rtfParser) char(s string) {
	if p.skipChars > 0 {
		p.skipChars--
		return
	}
	if p.st.skip {
		return
	}
	switch p.st.dest {
	case "title":
		p.title += s
	case "author":
		p.author += s
	case "":
		p.para.WriteString(s)
	}
}

func (p *rtfParser) flushBytes() {
	if len(p.pendingBytes) == 0 {
		return
	}
	b, err := p.enc.NewDecoder().Bytes(p.pendingBytes)
	if err != nil {
		b = []byte(strings.Repeat("\uFFFD", len(p.pendingBytes)))
	}
	p.pendingBytes = p.pendingBytes[:0]
	for _, r := range string(b) {
		p.char(string(r))
	}
}

func (p *rtfParser) control() error {
	p.i++ // the backslash
	if p.i >= len(p.src) {
		return nil
	}
	c := p.src[p.i]
	if !isASCIILetter(c) {
		p.i++
		switch c {
		case '\'':
			if p.i+2 > len(p.src) {
				return nil
			}
			v, err := strconv.ParseUint(string(p.src[p.i:p.i+2]), 16, 8)
			p.i += 2
			if err != nil {
				return nil
			}
			if p.skipChars > 0 {
				p.skipChars--
				return nil
			}
			p.pendingBytes = append(p.pendingBytes, byte(v))
		case '*':
			p.st.skip = true
		case '~':
			p.flushBytes()
			p.char("\u00a0")
		case '_':
			p.flushBytes()
			p.char("\u2011")
		case '-':
		case '\\', '{', '}':
			p.flushBytes()
			p.char(string(c))
		case '\n', '\r':
			p.flushBytes()
			p.word("par", 0)
		}
		return nil
	}
	start := p.i
	for p.i < len(p.src) && isASCIILetter(p.src[p.i]) && p.i-start < 32 {
		p.i++
	}
	word := string(p.src[start:p.i])
	num := 0
	if p.i < len(p.src) && (p.src[p.i] == '-' || isASCIIDigit(p.src[p.i])) {
		ns := p.i
		p.i++
		for p.i < len(p.src) && isASCIIDigit(p.src[p.i]) && p.i-ns < 11 {
			p.i++
		}
		num, _ = strconv.Atoi(string(p.src[ns:p.i]))
	}
	if p.i < len(p.src) && p.src[p.i] == ' ' {
		p.i++
	}
	if word != "u" {
		p.flushBytes()
	}
	p.word(word, num)
	return nil
}

func (p *rtfParser) word(w string, num int) {
	switch w {
	case "u":
		p.flushBytes()
		if num < 0 {
			num += 65536
		}
		p.char(string(rune(num)))
		p.skipChars = p.st.uc
		return
	case "uc":
		p.st.uc = num
		return
	case "bin":
		p.i += max(num, 0)
		return
	case "ansicpg":
		if e := codePage(num); e != nil {
			p.enc = e
		}
		return
	case "title", "author":
		p.st.dest = w
		p.st.skip = false
		return
	case "par", "sect", "page":
		p.endParagraph()
		return
	case "intbl":
		p.inTable = true
		return
	case "cell", "nestcell":
		p.cells = append(p.cells, collapseSpace(p.para.String()))
		p.para.Reset()
		return
	case "row", "nestrow":
		p.flushCell()
		p.rows = append(p.rows, p.cells)
		p.cells = nil
		return
	case "pard":
		// Paragraph properties reset; \intbl follows again inside a table.
		p.inTable = false
		return
	}
	if rtfSkip[w] {
		p.st.skip = true
		return
	}
	if s, ok := rtfSymbols[w]; ok {
		p.char(s)
	}
}

func (p *rtfParser) flushCell() {
	if t := strings.TrimSpace(p.para.String()); t != "" {
		p.cells = append(p.cells, collapseSpace(t))
	}
	p.para.Reset()
}

func (p *rtfParser) endParagraph() {
	if p.inTable {
		// Paragraph marks inside a cell separate lines of the cell.
		p.para.WriteString(" ")
		return
	}
	p.endTable()
	if t := strings.TrimSpace(p.para.String()); t != "" {
		p.out = append(p.out, t)
	}
	p.para.Reset()
}

func (p *rtfParser) endTable() {
	if len(p.rows) > 0 {
		p.out = append(p.out, markdownTable(p.rows))
		p.rows = nil
	}
}

func (p *rtfParser) result() string {
	p.inTable = false
	p.endParagraph()
	p.endTable()
	return strings.Join(p.out, "\n\n")
}

func codePage(n int) encoding.Encoding {
	names := map[int]string{932: "shift_jis", 936: "gbk", 949: "euc-kr", 950: "big5", 866: "ibm866", 874: "windows-874", 10000: "macintosh"}
	name, ok := names[n]
	if !ok && n >= 1250 && n <= 1258 {
		name, ok = "windows-"+strconv.Itoa(n), true
	}
	if !ok {
		return nil
	}
	e, err := htmlindex.Get(name)
	if err != nil {
		return nil
	}
	return e
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
