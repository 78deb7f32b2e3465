package tools

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A stopgap for mail bodies while the extract package reads only plain
// text: when it hands HTML back unchanged, mailBodyText turns the markup
// into readable text here instead of passing raw HTML to the model. Once
// extract converts HTML itself (format "html"), this is not used.

// looksLikeHTML reports whether text still carries markup.
func looksLikeHTML(text string) bool {
	return regexp.MustCompile(`(?i)<(p|div|br|table|h[1-6]|a|img|span|body|html)\b`).MatchString(text)
}

// htmlToText renders HTML as plain text: blocks on their own lines, list
// items with "- ", table cells separated by " | ", links as "text (url)";
// scripts, styles and images are dropped.
func htmlToText(src string) string {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(strings.Join(strings.Fields(n.Data), " "))
			if strings.HasSuffix(n.Data, " ") || strings.HasSuffix(n.Data, "\n") {
				b.WriteByte(' ')
			}
			return
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Head, atom.Img, atom.Title:
				return
			case atom.Br:
				b.WriteByte('\n')
				return
			case atom.Li:
				b.WriteString("\n- ")
			case atom.Td, atom.Th:
				if n.PrevSibling != nil {
					b.WriteString(" | ")
				}
			case atom.P, atom.Div, atom.Tr, atom.Table, atom.Ul, atom.Ol, atom.Blockquote,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Hr:
				b.WriteByte('\n')
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.A:
				for _, a := range n.Attr {
					if a.Key == "href" && strings.HasPrefix(a.Val, "http") && !strings.Contains(textOf(n), a.Val) {
						b.WriteString(" (" + a.Val + ")")
					}
				}
			case atom.P, atom.Div, atom.Tr, atom.Table, atom.Ul, atom.Ol, atom.Blockquote,
				atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				b.WriteByte('\n')
			}
		}
	}
	walk(doc)
	var lines []string
	blank := false
	for _, l := range strings.Split(b.String(), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			if !blank && len(lines) > 0 {
				lines = append(lines, "")
			}
			blank = true
			continue
		}
		blank = false
		lines = append(lines, l)
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		} else {
			b.WriteString(textOf(c))
		}
	}
	return b.String()
}
