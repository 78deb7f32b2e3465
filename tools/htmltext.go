package tools

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlText turns an HTML fragment (a feed item's body) into readable plain
// text: block elements break lines, list items get a dash, scripts and
// styles vanish, runs of spaces collapse. Raw HTML would cost the model
// tokens and hide the text.
func htmlText(fragment string) string {
	z := html.NewTokenizer(strings.NewReader(fragment))
	var b strings.Builder
	skip := 0 // depth inside script/style
	space := false
	newline := func() {
		s := b.String()
		if s != "" && !strings.HasSuffix(s, "\n") {
			b.WriteString("\n")
		}
		space = false
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.TrimSpace(collapseBlankLines(b.String()))
		case html.TextToken:
			if skip > 0 {
				continue
			}
			t := string(z.Text())
			if t == "" {
				continue
			}
			if isHTMLSpace(rune(t[0])) {
				space = true
			}
			for i, f := range strings.FieldsFunc(t, isHTMLSpace) {
				if (i > 0 || space) && b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
					b.WriteByte(' ')
				}
				b.WriteString(f)
				space = false
			}
			if isHTMLSpace(rune(t[len(t)-1])) {
				space = true
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				skip++
			case atom.Br:
				b.WriteString("\n")
				space = false
			case atom.Li:
				newline()
				b.WriteString("- ")
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol,
				atom.Blockquote, atom.Pre, atom.Table, atom.Tr, atom.Hr, atom.Figure, atom.Section, atom.Article:
				newline()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch a := atom.Lookup(name); a {
			case atom.Script, atom.Style:
				if skip > 0 {
					skip--
				}
			case atom.P, atom.Div, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Ul, atom.Ol, atom.Li,
				atom.Blockquote, atom.Pre, atom.Table, atom.Tr, atom.Figure, atom.Section, atom.Article:
				newline()
			case atom.Td, atom.Th:
				space = true
			}
		}
	}
}

func isHTMLSpace(r rune) bool {
	return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\f' || r == '\u00a0'
}

// collapseBlankLines trims each line and keeps at most one empty line in a row.
func collapseBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
