package extract

import (
	"archive/zip"
	"bytes"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/richardlehane/mscfb"
)

// sniffed is what sniff decided: a short format name and the MIME type.
type sniffed struct {
	format string
	mime   string
	// claimed is the type the caller said, when it differs.
	claimed string
}

// MIME types of the formats Extract reads.
const (
	mimePDF  = "application/pdf"
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	mimeODT  = "application/vnd.oasis.opendocument.text"
	mimeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	mimeODP  = "application/vnd.oasis.opendocument.presentation"
	mimeEPUB = "application/epub+zip"
	mimeRTF  = "application/rtf"
	mimeDOC  = "application/msword"
	mimeXLS  = "application/vnd.ms-excel"
	mimePPT  = "application/vnd.ms-powerpoint"
	mimeHTML = "text/html"
)

var formatMIME = map[string]string{
	"pdf": mimePDF, "docx": mimeDOCX, "xlsx": mimeXLSX, "pptx": mimePPTX, "odt": mimeODT, "ods": mimeODS,
	"odp": mimeODP, "epub": mimeEPUB, "rtf": mimeRTF, "doc": mimeDOC, "xls": mimeXLS, "ppt": mimePPT, "html": mimeHTML,
}

// byExtension maps file name extensions to formats, used only when the bytes
// do not decide (OLE2 containers, text flavours).
var byExtension = map[string]string{
	".pdf": "pdf", ".docx": "docx", ".docm": "docx", ".xlsx": "xlsx", ".xlsm": "xlsx", ".pptx": "pptx", ".pptm": "pptx",
	".odt": "odt", ".ods": "ods", ".odp": "odp", ".epub": "epub", ".rtf": "rtf", ".doc": "doc", ".dot": "doc",
	".xls": "xls", ".xlt": "xls", ".ppt": "ppt", ".pps": "ppt", ".html": "html", ".htm": "html", ".xhtml": "html",
}

// sniff decides the format from the bytes first, then from the content type
// and the name: a DOCX called report.pdf is read as a DOCX.
func sniff(r io.ReaderAt, size int64, contentType, name string) sniffed {
	claimed, _, _ := mime.ParseMediaType(contentType)
	claimed = strings.ToLower(claimed)
	ext := strings.ToLower(path.Ext(name))
	mk := func(format, mt string) sniffed {
		if mt == "" {
			mt = formatMIME[format]
		}
		return sniffed{format: format, mime: mt, claimed: claimed}
	}
	if size == 0 {
		return mk("empty", orString(claimed, "application/octet-stream"))
	}
	head := make([]byte, min(size, 4096))
	n, _ := r.ReadAt(head, 0)
	head = head[:n]
	trimmed := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")) || bytes.Contains(head[:min(len(head), 1024)], []byte("%PDF-")):
		return mk("pdf", "")
	case bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")):
		if f := sniffZip(r, size); f != "" {
			return mk(f, "")
		}
		if f, ok := byExtension[ext]; ok && isZipFormat(f) {
			// A zip whose directory is broken (truncated): let the format's reader say so.
			return mk(f, "")
		}
		for f, mt := range formatMIME {
			if mt == claimed && isZipFormat(f) {
				return mk(f, "")
			}
		}
		return mk("zip", "application/zip")
	case bytes.HasPrefix(head, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		return mk(sniffOLE(r, size, claimed, ext), "")
	case bytes.HasPrefix(trimmed, []byte(`{\rtf`)):
		return mk("rtf", "")
	}
	if mt := http.DetectContentType(head); strings.HasPrefix(mt, "image/") {
		return mk("image", mt)
	}
	if looksHTML(trimmed) || ((claimed == mimeHTML || claimed == "application/xhtml+xml" || byExtension[ext] == "html") && !bytes.Contains(head, []byte{0})) {
		return mk("html", mimeHTML)
	}
	if isText(head) {
		mt := claimed
		if !strings.HasPrefix(mt, "text/") && !textLikeApplication(mt) {
			mt = orString(mime.TypeByExtension(ext), "text/plain")
			mt, _, _ = mime.ParseMediaType(mt)
			if !strings.HasPrefix(mt, "text/") && !textLikeApplication(mt) {
				mt = "text/plain"
			}
		}
		return mk("text", mt)
	}
	if f, ok := byExtension[ext]; ok && f != "html" && !isZipFormat(f) {
		return sniffed{format: "unknown", mime: orString(claimed, "application/octet-stream"), claimed: f}
	}
	return mk("unknown", orString(claimed, "application/octet-stream"))
}

func isZipFormat(f string) bool {
	switch f {
	case "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub":
		return true
	}
	return false
}

func textLikeApplication(mt string) bool {
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/x-sh", "application/yaml", "application/x-yaml", "application/toml", "application/sql", "application/x-php":
		return true
	}
	return strings.HasSuffix(mt, "+xml") || strings.HasSuffix(mt, "+json")
}

func looksHTML(b []byte) bool {
	l := bytes.ToLower(b[:min(len(b), 512)])
	for _, p := range []string{"<!doctype html", "<html", "<head", "<body"} {
		if bytes.HasPrefix(l, []byte(p)) {
			return true
		}
	}
	return bytes.HasPrefix(l, []byte("<?xml")) && bytes.Contains(l, []byte("<html"))
}

// sniffZip tells OOXML, OpenDocument and EPUB apart by their parts.
func sniffZip(r io.ReaderAt, size int64) string {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return ""
	}
	for _, f := range zr.File {
		if f.Name == "mimetype" && f.Method == zip.Store && f.UncompressedSize64 < 256 {
			rc, err := f.Open()
			if err != nil {
				break
			}
			b, _ := io.ReadAll(io.LimitReader(rc, 256))
			rc.Close()
			switch strings.TrimSpace(string(b)) {
			case mimeODT, "application/vnd.oasis.opendocument.text-template":
				return "odt"
			case mimeODS, "application/vnd.oasis.opendocument.spreadsheet-template":
				return "ods"
			case mimeODP, "application/vnd.oasis.opendocument.presentation-template":
				return "odp"
			case mimeEPUB:
				return "epub"
			}
		}
	}
	has := map[string]bool{}
	for _, f := range zr.File {
		top, _, _ := strings.Cut(f.Name, "/")
		has[top] = true
		has[f.Name] = true
	}
	switch {
	case has["word/document.xml"] || (has["[Content_Types].xml"] && has["word"]):
		return "docx"
	case has["xl/workbook.xml"] || (has["[Content_Types].xml"] && has["xl"]):
		return "xlsx"
	case has["ppt/presentation.xml"] || (has["[Content_Types].xml"] && has["ppt"]):
		return "pptx"
	case has["META-INF/container.xml"] && has["OEBPS"]:
		return "epub"
	}
	return ""
}

// sniffOLE looks inside an OLE2 compound file: legacy Office binaries, and
// OOXML files encrypted with a password, which Office stores this way.
func sniffOLE(r io.ReaderAt, size int64, claimed, ext string) string {
	doc, err := mscfb.New(io.NewSectionReader(r, 0, size))
	if err == nil {
		for e, err := doc.Next(); err == nil; e, err = doc.Next() {
			switch e.Name {
			case "EncryptedPackage":
				return "encrypted-ooxml"
			case "WordDocument":
				return "doc"
			case "Workbook", "Book":
				return "xls"
			case "PowerPoint Document":
				return "ppt"
			}
		}
	}
	switch claimed {
	case mimeDOC:
		return "doc"
	case mimeXLS:
		return "xls"
	case mimePPT:
		return "ppt"
	}
	if f := byExtension[ext]; f == "doc" || f == "xls" || f == "ppt" {
		return f
	}
	return "ole"
}

// isText reports whether the head of a file reads as text: valid UTF-8, a
// UTF-16 BOM, or single-byte text without control characters.
func isText(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
		return true
	}
	ctrl := 0
	for _, c := range b {
		if c == 0 {
			return false
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b {
			ctrl++
		}
	}
	return ctrl*100 <= len(b)
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
