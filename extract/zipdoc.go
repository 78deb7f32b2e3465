package extract

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync/atomic"
)

// zipDoc is an office document's zip container, read within a budget of
// expanded bytes shared by all its parts, so a zip bomb stops at the cap
// whatever its headers claim.
type zipDoc struct {
	ctx      context.Context
	format   string
	files    map[string]*zip.File
	budget   atomic.Int64
	maxTotal int64
	maxDepth int
}

func (x *Extractor) openZip(ctx context.Context, format string, r io.ReaderAt, size int64) (*zipDoc, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, failf(format, KindMalformed, err, "the file is damaged or truncated: its zip container cannot be opened (%v)", err)
	}
	z := &zipDoc{ctx: ctx, format: format, files: map[string]*zip.File{}, maxTotal: x.cfg.MaxExpanded, maxDepth: x.cfg.MaxDepth}
	z.budget.Store(x.cfg.MaxExpanded)
	for _, f := range zr.File {
		z.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return z, nil
}

func (z *zipDoc) has(name string) bool { _, ok := z.files[name]; return ok }

// read returns a part's bytes, charging them to the budget.
func (z *zipDoc) read(name string) ([]byte, error) {
	f, ok := z.files[name]
	if !ok {
		return nil, failf(z.format, KindMalformed, ErrMalformed, "the file is incomplete: its part %s is missing", name)
	}
	left := z.budget.Load()
	if f.UncompressedSize64 > uint64(left) {
		return nil, z.bomb(name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, failf(z.format, KindMalformed, err, "its part %s cannot be read (%v)", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, left+1))
	if err != nil {
		if errors.Is(err, zip.ErrChecksum) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, failf(z.format, KindMalformed, err, "the file is damaged or truncated: its part %s is incomplete", name)
		}
		return nil, failf(z.format, KindMalformed, err, "its part %s cannot be read (%v)", name, err)
	}
	if int64(len(b)) > left {
		return nil, z.bomb(name)
	}
	z.budget.Add(-int64(len(b)))
	if err := z.ctx.Err(); err != nil {
		return nil, err
	}
	return b, nil
}

func (z *zipDoc) bomb(name string) error {
	return failf(z.format, KindTooLarge, ErrTooLarge, "its contents expand to more than the %s limit (part %s), which is how a zip bomb looks, so it was not read", humanBytes(z.maxTotal), name)
}

// xml reads and parses a part.
func (z *zipDoc) xml(name string) (*xnode, error) {
	b, err := z.read(name)
	if err != nil {
		return nil, err
	}
	return parseXML(z.ctx, z.format, name, b, z.maxDepth)
}

// optionalXML is xml for parts a document may lack; it returns nil, nil then.
func (z *zipDoc) optionalXML(name string) (*xnode, error) {
	if !z.has(name) {
		return nil, nil
	}
	return z.xml(name)
}

// rels reads an OPC relationships part: id → target resolved against the
// part's folder, plus the type of each.
type rel struct{ target, typ, mode string }

func (z *zipDoc) rels(part string) (map[string]rel, error) {
	dir, file := path.Split(part)
	relsName := dir + "_rels/" + file + ".rels"
	n, err := z.optionalXML(relsName)
	if err != nil || n == nil {
		return map[string]rel{}, err
	}
	out := map[string]rel{}
	for _, r := range n.children("Relationship") {
		t := r.attr("Target")
		mode := r.attr("TargetMode")
		if mode != "External" {
			if strings.HasPrefix(t, "/") {
				t = strings.TrimPrefix(t, "/")
			} else {
				t = path.Clean(dir + t)
			}
		}
		out[r.attr("Id")] = rel{target: t, typ: r.attr("Type"), mode: mode}
	}
	return out, nil
}

// relOfType finds the first relationship whose type ends in suffix.
func relOfType(rels map[string]rel, suffix string) (rel, bool) {
	for _, r := range rels {
		if strings.HasSuffix(r.typ, suffix) {
			return r, true
		}
	}
	return rel{}, false
}

func (z *zipDoc) String() string { return fmt.Sprintf("%s zip with %d parts", z.format, len(z.files)) }
