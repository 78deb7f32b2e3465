package ncfake

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"strings"

	// Decoders for the image types the fake previews.
	_ "image/gif"
	_ "image/jpeg"

	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"
)

// Previews as Nextcloud's core preview controller serves them (previews/):
// GET /index.php/core/preview?fileId=&x=&y=&a= and
// /index.php/core/preview.png?file=<path>&x=&y=&a=. Images are scaled,
// text files drawn as a page of lines; everything else (a PDF on a server
// without Imagick, a folder, a missing or foreign file) is 404 with "[]".

// defaultPreviewSize is the size without x and y (previews/09).
const defaultPreviewSize = 64

func (s *Server) handlePreview(w http.ResponseWriter, r *http.Request) {
	u, fail := s.userFor(r, false)
	if fail != authOK {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Current user is not logged in"})
		return
	}
	q := r.URL.Query()
	var data []byte
	var mimeType, etag string
	var ok bool
	if strings.HasSuffix(r.URL.Path, "/preview.png") {
		data, mimeType, etag, ok = s.previewSourceByPath(u.ID, q.Get("file"))
	} else {
		id, _ := strconv.ParseInt(q.Get("fileId"), 10, 64)
		data, mimeType, etag, ok = s.previewSourceByID(u.ID, id)
	}
	if !ok || !hasPreview(mimeType) {
		writePreviewNotFound(w)
		return
	}
	x, _ := strconv.Atoi(q.Get("x"))
	y, _ := strconv.Atoi(q.Get("y"))
	crop := q.Get("a") != "1"
	if x <= 0 && y <= 0 {
		x, y, crop = defaultPreviewSize, defaultPreviewSize, true
	}
	if x <= 0 {
		x = y
	}
	if y <= 0 {
		y = x
	}
	img, err := previewImage(data, mimeType, x, y, crop)
	if err != nil {
		writePreviewNotFound(w)
		return
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	b := img.Bounds()
	name := fmt.Sprintf("%d-%d", b.Dx(), b.Dy())
	if crop {
		name += "-crop"
	}
	sum := md5.Sum([]byte(etag + "/" + name))
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Content-Disposition", `inline; filename="`+name+`.png"`)
	h.Set("ETag", `"`+hex.EncodeToString(sum[:])+`"`)
	h.Set("Last-Modified", "Thu, 03 Dec 2026 17:36:01 +0000")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

func writePreviewNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", "2")
	w.WriteHeader(http.StatusNotFound)
	_, _ = w.Write([]byte("[]"))
}

// previewSourceByID finds a file of the user by id; other users' files are
// not found (previews/10).
func (s *Server) previewSourceByID(user string, id int64) (data []byte, mimeType, etag string, ok bool) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return nil, "", "", false
	}
	for p, m := range h.meta {
		if m.id == id && !m.dir {
			b, err := a.content(context.Background(), h, p)
			return b, fileMimeType(p), m.etag, err == nil
		}
	}
	return nil, "", "", false
}

func (s *Server) previewSourceByPath(user, p string) (data []byte, mimeType, etag string, ok bool) {
	a := s.files
	a.mu.Lock()
	defer a.mu.Unlock()
	h, err := a.userHome(user)
	if err != nil {
		return nil, "", "", false
	}
	p = cleanFilePath(p)
	m := h.meta[p]
	if m == nil || m.dir {
		return nil, "", "", false
	}
	b, err := a.content(context.Background(), h, p)
	return b, fileMimeType(p), m.etag, err == nil
}

// previewImage scales an image into the box (keeping its aspect ratio, or
// cropping to fill it), or draws a text file as lines on a page.
func previewImage(data []byte, mimeType string, x, y int, crop bool) (image.Image, error) {
	var src image.Image
	if strings.HasPrefix(mimeType, "image/") {
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		src = img
	} else {
		src = textPage(data)
	}
	sb := src.Bounds()
	sw, sh := sb.Dx(), sb.Dy()
	if sw == 0 || sh == 0 {
		return nil, fmt.Errorf("empty image")
	}
	if crop {
		// Fill the box: take the largest centred region of the box's shape.
		cw, ch := sw, sw*y/x
		if ch > sh {
			cw, ch = sh*x/y, sh
		}
		r := image.Rect(sb.Min.X+(sw-cw)/2, sb.Min.Y+(sh-ch)/2, sb.Min.X+(sw-cw)/2+cw, sb.Min.Y+(sh-ch)/2+ch)
		dst := image.NewRGBA(image.Rect(0, 0, x, y))
		draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, r, draw.Src, nil)
		return dst, nil
	}
	w, h := x, sh*x/sw
	if h > y {
		w, h = sw*y/sh, y
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, sb, draw.Src, nil)
	return dst, nil
}

// textPage draws a text file the way Nextcloud's text preview looks from
// afar: a square page with a grey bar per line.
func textPage(data []byte) image.Image {
	const size = 512
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	grey := image.NewUniform(color.Gray{Y: 90})
	for i, line := range strings.Split(string(data), "\n") {
		top := 16 + i*14
		if top+8 > size {
			break
		}
		width := min(len(strings.TrimRight(line, " \t\r"))*7, size-32)
		draw.Draw(img, image.Rect(16, top, 16+width, top+8), grey, image.Point{}, draw.Src)
	}
	return img
}
