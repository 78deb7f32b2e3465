package extract

import (
	"bytes"
	"context"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// extractText reads plain text in UTF-8, UTF-16 (with a BOM) or a Western
// single-byte encoding, and reports which one it found.
func (x *Extractor) extractText(_ context.Context, r io.ReaderAt, size int64, mt string) (*Document, error) {
	b, err := x.readAll("text", r, size)
	if err != nil {
		return nil, err
	}
	text, enc := DecodeText(b)
	return &Document{Encoding: enc, UnitKind: "section", Units: []Unit{{Index: 1, Text: text}}}, nil
}

// DecodeText turns bytes of unknown encoding into UTF-8 and names the
// encoding: "utf-8", "utf-16le", "utf-16be", "windows-1252" or "iso-8859-1".
// A byte order mark is removed.
func DecodeText(b []byte) (text, encodingName string) {
	var dec encoding.Encoding
	switch {
	case bytes.HasPrefix(b, []byte{0xef, 0xbb, 0xbf}):
		return string(b[3:]), "utf-8"
	case bytes.HasPrefix(b, []byte{0xff, 0xfe}):
		dec, encodingName = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "utf-16le"
	case bytes.HasPrefix(b, []byte{0xfe, 0xff}):
		dec, encodingName = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "utf-16be"
	case utf8.Valid(b):
		return string(b), "utf-8"
	case usesWindows1252Range(b):
		dec, encodingName = charmap.Windows1252, "windows-1252"
	default:
		dec, encodingName = charmap.ISO8859_1, "iso-8859-1"
	}
	out, err := dec.NewDecoder().Bytes(b)
	if err != nil {
		return string(bytes.ToValidUTF8(b, []byte("\uFFFD"))), encodingName
	}
	return string(out), encodingName
}

// usesWindows1252Range reports bytes 0x80–0x9F, which are control codes in
// Latin-1 but printable (curly quotes, euro sign, dashes) in Windows-1252.
func usesWindows1252Range(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 && c <= 0x9f {
			return true
		}
	}
	return false
}
