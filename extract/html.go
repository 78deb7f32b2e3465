package extract

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// extractHTML turns a web page into readable Markdown: the main content
// (article or main when the page marks one), links kept, navigation and
// scripts dropped.
func (x *Extractor) extractHTML(ctx context.Context, r io.ReaderAt, size int64, contentType string) (*Document, error) {
	b, err := x.readAll("html", r, size)
	if err != nil {
		return nil, err
	}
	title, md, err := htmlToMarkdown(ctx, b, contentType, x.cfg.MaxDepth)
	if err != nil {
		return nil, err
	}
	return &Document{Title: title, Encoding: htmlEncoding(b, contentType), UnitKind: "section", Units: []Unit{{Index: 1, Name: title, Text: md}}}, nil
}

// HTMLToMarkdown converts an HTML document or fragment (in the charset its
// content type or meta tag names) to Markdown: headings, paragraphs, lists,
// tables, quotes and code, links as [text](href). Scripts, styles and
// navigation are dropped; when the page marks a main or article element,
// only that is kept.
func HTMLToMarkdown(src []byte, contentType string) (title, markdown string, err error) {
	return htmlToMarkdown(context.Background(), src, contentType, DefaultMaxDepth)
}

func htmlEncoding(b []byte, contentType string) string {
	_, name, _ := charset.DetermineEncoding(b, contentType)
	return name
}

func htmlToMarkdown(ctx context.Context, b []byte, contentType string, maxDepth int) (string, string, error) {
	rd, err := charset.NewReader(bytes.NewReader(b), contentType)
	if err != nil {
		rd = bytes.NewReader(b)
	}
	root, err := html.ParseWithOptions(rd, html.ParseOptionEnableScripting(false))
	if err != nil && strings.Contains(err.Error(), "stack of elements") {
		return "", "", failf("html", KindTooLarge, ErrTooLarge, "the page nests elements too deep, so it was not read")
	}
	if err != nil {
		return "", "", failf("html", KindMalformed, err, "the page could not be parsed (%v)", err)
	}
	if tooDeep(root, maxDepth) {
		return "", "", failf("html", KindTooLarge, ErrTooLarge, "the page nests elements more than %d deep, so it was not read", maxDepth)
	}
	title := ""
	if t := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Title }); t != nil {
		title = collapseSpace(textContent(t))
	}
	body := mainContent(root)
	w := &mdWriter{ctx: ctx, maxDepth: maxDepth}
	w.block(body, 0)
	if w.err != nil {
		return "", "", w.err
	}
	return title, w.String(), nil
}

// mainContent picks the element that holds what a reader came for.
func mainContent(root *html.Node) *html.Node {
	for _, pick := range []func(*html.Node) bool{
		func(n *html.Node) bool { return n.DataAtom == atom.Main || attr(n, "role") == "main" },
		func(n *html.Node) bool { return n.DataAtom == atom.Article },
	} {
		var found []*html.Node
		walk(root, func(n *html.Node) {
			if n.Type == html.ElementNode && pick(n) {
				found = append(found, n)
			}
		})
		if len(found) == 1 && len(collapseSpace(textContent(found[0]))) > 0 {
			return found[0]
		}
	}
	if b := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body }); b != nil {
		return b
	}
	return root
}

// skipped elements carry no readable content, or only site chrome.
func skipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Head, atom.Nav, atom.Form,
		atom.Button, atom.Select, atom.Input, atom.Textarea, atom.Iframe, atom.Object, atom.Canvas, atom.Aside, atom.Footer:
		return true
	}
	if attr(n, "hidden") != "" || attr(n, "aria-hidden") == "true" || strings.Contains(strings.ReplaceAll(attr(n, "style"), " ", ""), "display:none") {
		return true
	}
	return false
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Ul, atom.Ol, atom.Li, atom.Pre, atom.Blockquote, atom.Table, atom.Hr, atom.Dl, atom.Dt, atom.Dd, atom.Figure,
		atom.Figcaption, atom.Address, atom.Details, atom.Summary, atom.Body, atom.Html, atom.Center, atom.Tr, atom.Td, atom.Th,
		atom.Tbody, atom.Thead, atom.Tfoot, atom.Caption:
		return true
	}
	return false
}

// mdWriter renders HTML nodes as Markdown. Inline content gathers in line
// until a block boundary flushes it with the current prefix (quote marks,
// list indentation).
type mdWriter struct {
	ctx      context.Context
	maxDepth int
	err      error
	nodes    int

	out    strings.Builder
	line   strings.Builder
	prefix []string
	bullet string
	// tight is true between items of one list: no blank line between them.
	tight bool
}

func (w *mdWriter) String() string { w.flush(); return strings.TrimSpace(w.out.String()) }

func (w *mdWriter) check(depth int) bool {
	if w.err != nil {
		return false
	}
	if depth > w.maxDepth {
		w.err = failf("html", KindTooLarge, ErrTooLarge, "the page nests elements more than %d deep, so it was not read", w.maxDepth)
		return false
	}
	w.nodes++
	if w.nodes%4096 == 0 && w.ctx.Err() != nil {
		w.err = w.ctx.Err()
		return false
	}
	return true
}

// flush writes the pending line as one paragraph.
func (w *mdWriter) flush() {
	text := strings.TrimSpace(w.line.String())
	w.line.Reset()
	if text == "" {
		return
	}
	if w.out.Len() > 0 {
		if w.tight && w.bullet != "" {
			w.out.WriteString("\n")
		} else {
			w.out.WriteString("\n\n")
		}
	}
	lead := strings.Join(w.prefix, "")
	for i, l := range strings.Split(text, "\n") {
		if i == 0 {
			w.out.WriteString(lead + w.bullet + l)
			continue
		}
		w.out.WriteString("\n" + lead + strings.Repeat(" ", len(w.bullet)) + l)
	}
	w.bullet = ""
}

func (w *mdWriter) block(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.node(c, depth+1)
	}
}

func (w *mdWriter) node(n *html.Node, depth int) {
	if !w.check(depth) {
		return
	}
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		w.block(n, depth)
		return
	default:
		return
	}
	if skipped(n) {
		return
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.flush()
		level := int(n.Data[1] - '0')
		w.line.WriteString(strings.Repeat("#", level) + " ")
		w.inline(n, depth)
		w.line.WriteString("\n")
		w.collapseLine()
		w.flush()
	case atom.P, atom.Div, atom.Section, atom.Article, atom.Main, atom.Header, atom.Figure, atom.Figcaption, atom.Address,
		atom.Details, atom.Summary, atom.Center, atom.Body, atom.Html, atom.Dl, atom.Dt, atom.Caption:
		w.flush()
		w.block(n, depth)
		w.flush()
	case atom.Dd:
		w.flush()
		w.prefix = append(w.prefix, "    ")
		w.block(n, depth)
		w.flush()
		w.prefix = w.prefix[:len(w.prefix)-1]
	case atom.Br:
		w.line.WriteString("\n")
	case atom.Hr:
		w.flush()
		w.line.WriteString("---")
		w.flush()
	case atom.Ul, atom.Ol:
		w.list(n, depth)
	case atom.Li:
		// A list item outside a list.
		w.flush()
		w.bullet = "- "
		w.block(n, depth)
		w.flush()
	case atom.Blockquote:
		w.flush()
		w.prefix = append(w.prefix, "> ")
		w.block(n, depth)
		w.flush()
		w.prefix = w.prefix[:len(w.prefix)-1]
	case atom.Pre:
		w.flush()
		code := strings.Trim(textContent(n), "\n")
		w.line.WriteString("```\n" + code + "\n```")
		w.flush()
	case atom.Table:
		w.flush()
		w.line.WriteString(w.table(n, depth))
		w.flush()
	default:
		w.inlineNode(n, depth)
	}
}

func (w *mdWriter) list(n *html.Node, depth int) {
	w.flush()
	ordered := n.DataAtom == atom.Ol
	num := 1
	if s, err := strconv.Atoi(attr(n, "start")); err == nil {
		num = s
	}
	outerTight := w.tight
	first := true
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Li {
			if c.Type == html.ElementNode {
				w.node(c, depth+1)
			}
			continue
		}
		w.flush()
		if ordered {
			w.bullet = strconv.Itoa(num) + ". "
			num++
		} else {
			w.bullet = "- "
		}
		w.tight = !first || outerTight
		first = false
		indent := strings.Repeat(" ", len(w.bullet))
		bullet := w.bullet
		for cc := c.FirstChild; cc != nil; cc = cc.NextSibling {
			if cc.Type == html.ElementNode && (cc.DataAtom == atom.Ul || cc.DataAtom == atom.Ol) {
				if w.bullet == "" && strings.TrimSpace(w.line.String()) == "" {
					w.bullet = bullet
				}
				w.flush()
				w.prefix = append(w.prefix, indent)
				w.tight = true
				w.list(cc, depth+1)
				w.prefix = w.prefix[:len(w.prefix)-1]
				w.tight = true
				continue
			}
			if cc.Type == html.ElementNode && isBlock(cc.DataAtom) {
				w.inline(cc, depth+1)
				w.line.WriteString(" ")
				continue
			}
			w.node(cc, depth+1)
		}
		w.collapseLine()
		w.flush()
		w.bullet = ""
	}
	w.tight = outerTight
	w.flush()
}

// table renders rows as a Markdown table; the first row is the header.
func (w *mdWriter) table(n *html.Node, depth int) string {
	var rows [][]string
	walk(n, func(c *html.Node) {
		if c.Type == html.ElementNode && c.DataAtom == atom.Tr {
			var row []string
			for td := c.FirstChild; td != nil; td = td.NextSibling {
				if td.Type == html.ElementNode && (td.DataAtom == atom.Td || td.DataAtom == atom.Th) {
					sub := &mdWriter{ctx: w.ctx, maxDepth: w.maxDepth - depth}
					sub.inline(td, 0)
					if sub.err != nil {
						w.err = sub.err
					}
					row = append(row, collapseSpace(sub.line.String()))
				}
			}
			if len(row) > 0 {
				rows = append(rows, row)
			}
		}
	})
	return markdownTable(rows)
}

// inline renders n's children as inline text on the current line.
func (w *mdWriter) inline(n *html.Node, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !w.check(depth + 1) {
			return
		}
		switch {
		case c.Type == html.TextNode:
			w.text(c.Data)
		case c.Type == html.ElementNode && !skipped(c):
			if c.DataAtom == atom.Br {
				w.line.WriteString("\n")
				continue
			}
			if isBlock(c.DataAtom) {
				w.line.WriteString(" ")
				w.inline(c, depth+1)
				w.line.WriteString(" ")
				continue
			}
			w.inlineNode(c, depth+1)
		}
	}
}

func (w *mdWriter) inlineNode(n *html.Node, depth int) {
	switch n.DataAtom {
	case atom.A:
		href := strings.TrimSpace(attr(n, "href"))
		sub := &mdWriter{ctx: w.ctx, maxDepth: w.maxDepth - depth}
		sub.inline(n, 0)
		text := collapseSpace(sub.line.String())
		switch {
		case text == "":
		case href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") || href == text:
			w.line.WriteString(text)
		default:
			w.line.WriteString("[" + text + "](" + strings.ReplaceAll(href, " ", "%20") + ")")
		}
	case atom.Strong, atom.B:
		w.wrapped(n, depth, "**")
	case atom.Em, atom.I:
		w.wrapped(n, depth, "*")
	case atom.Code, atom.Kbd, atom.Samp:
		if t := textContent(n); strings.TrimSpace(t) != "" {
			w.line.WriteString("`" + collapseSpace(t) + "`")
		}
	case atom.Img:
		if alt := strings.TrimSpace(attr(n, "alt")); alt != "" {
			w.line.WriteString("[image: " + alt + "]")
		}
	default:
		w.inline(n, depth)
	}
}

func (w *mdWriter) wrapped(n *html.Node, depth int, mark string) {
	sub := &mdWriter{ctx: w.ctx, maxDepth: w.maxDepth - depth}
	sub.inline(n, 0)
	t := collapseSpace(sub.line.String())
	if t == "" {
		return
	}
	if strings.HasSuffix(w.line.String(), " ") || w.line.Len() == 0 {
		w.line.WriteString(mark + t + mark)
	} else {
		w.line.WriteString(" " + mark + t + mark)
	}
	w.line.WriteString(" ")
}

// text adds a text node with HTML whitespace rules: runs of white space become one space.
func (w *mdWriter) text(s string) {
	if s == "" {
		return
	}
	lead := s[0] == ' ' || s[0] == '\n' || s[0] == '\t' || s[0] == '\r'
	trail := strings.ContainsAny(s[len(s)-1:], " \n\t\r")
	t := collapseSpace(s)
	cur := w.line.String()
	if lead && cur != "" && !strings.HasSuffix(cur, " ") && !strings.HasSuffix(cur, "\n") {
		w.line.WriteString(" ")
	}
	w.line.WriteString(t)
	if trail && t != "" {
		w.line.WriteString(" ")
	}
}

// collapseLine removes spaces around line breaks within the pending line.
func (w *mdWriter) collapseLine() {
	lines := strings.Split(w.line.String(), "\n")
	for i := range lines {
		lines[i] = strings.TrimSpace(lines[i])
	}
	w.line.Reset()
	w.line.WriteString(strings.Join(lines, "\n"))
}

func markdownTable(rows [][]string) string {
	if len(rows) == 0 {
		return ""
	}
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	var b strings.Builder
	for i, r := range rows {
		b.WriteString("|")
		for c := 0; c < cols; c++ {
			cell := ""
			if c < len(r) {
				cell = strings.ReplaceAll(strings.ReplaceAll(r[c], "|", `\|`), "\n", " ")
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n")
		if i == 0 {
			b.WriteString("|" + strings.Repeat(" --- |", cols) + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// tooDeep walks the tree without recursion, so that a hostile page cannot
// exhaust the stack before the depth limit applies.
func tooDeep(root *html.Node, maxDepth int) bool {
	type item struct {
		n *html.Node
		d int
	}
	stack := []item{{root, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.d > maxDepth {
			return true
		}
		for c := it.n.FirstChild; c != nil; c = c.NextSibling {
			stack = append(stack, item{c, it.d + 1})
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

func findFirst(n *html.Node, pred func(*html.Node) bool) *html.Node {
	if n.Type == html.ElementNode && pred(n) {
		return n
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findFirst(c, pred); f != nil {
			return f
		}
	}
	return nil
}

func textContent(n *html.Node) string {
	var b strings.Builder
	walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

func collapseSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
