package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// xnode is a parsed XML element, or a text node when Local is empty. The
// office formats are small enough per part to hold as a tree, and a tree
// keeps their converters readable.
type xnode struct {
	Space, Local string
	Attr         []xml.Attr
	Kids         []*xnode
	Text         string
}

// parseXML builds the tree, refusing nesting deeper than maxDepth and
// stopping when ctx ends.
func parseXML(ctx context.Context, format, part string, b []byte, maxDepth int) (*xnode, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	d.CharsetReader = func(label string, input io.Reader) (io.Reader, error) { return input, nil }
	root := &xnode{}
	stack := []*xnode{root}
	for n := 0; ; n++ {
		if n%8192 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, failf(format, KindMalformed, err, "its part %s is not well-formed XML (%v)", part, err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > maxDepth {
				return nil, failf(format, KindTooLarge, ErrTooLarge, "its part %s nests XML elements more than %d deep, so it was not read", part, maxDepth)
			}
			e := &xnode{Space: t.Name.Space, Local: t.Name.Local, Attr: t.Attr}
			top.Kids = append(top.Kids, e)
			stack = append(stack, e)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
		case xml.CharData:
			if len(top.Kids) > 0 && top.Kids[len(top.Kids)-1].Local == "" {
				top.Kids[len(top.Kids)-1].Text += string(t)
			} else {
				top.Kids = append(top.Kids, &xnode{Text: string(t)})
			}
		}
	}
	for _, k := range root.Kids {
		if k.Local != "" {
			return k, nil
		}
	}
	return nil, failf(format, KindMalformed, ErrMalformed, "its part %s holds no XML element", part)
}

// attr returns the value of the attribute with this local name (any
// namespace); a missing element has no attributes.
func (n *xnode) attr(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// attrNS returns the value of the attribute with this namespace and local name.
func (n *xnode) attrNS(space, local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value
		}
	}
	return ""
}

// child returns the first child element with this local name.
func (n *xnode) child(local string) *xnode {
	if n == nil {
		return nil
	}
	for _, k := range n.Kids {
		if k.Local == local {
			return k
		}
	}
	return nil
}

// path follows child elements by local names.
func (n *xnode) path(locals ...string) *xnode {
	for _, l := range locals {
		n = n.child(l)
		if n == nil {
			return nil
		}
	}
	return n
}

// children returns the child elements with this local name.
func (n *xnode) children(local string) []*xnode {
	if n == nil {
		return nil
	}
	var out []*xnode
	for _, k := range n.Kids {
		if k.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// find returns every descendant element with this local name, in document
// order, without descending into matches.
func (n *xnode) find(local string) []*xnode {
	var out []*xnode
	var rec func(*xnode)
	rec = func(m *xnode) {
		for _, k := range m.Kids {
			if k.Local == local {
				out = append(out, k)
				continue
			}
			rec(k)
		}
	}
	if n != nil {
		rec(n)
	}
	return out
}

// text is all character data below n, concatenated.
func (n *xnode) text() string {
	if n == nil {
		return ""
	}
	if n.Local == "" {
		return n.Text
	}
	var b strings.Builder
	for _, k := range n.Kids {
		b.WriteString(k.text())
	}
	return b.String()
}
