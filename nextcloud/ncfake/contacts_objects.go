package ncfake

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/emersion/go-vcard"
)

func decodeCard(data []byte) (vcard.Card, error) {
	return vcard.NewDecoder(bytes.NewReader(data)).Decode()
}

// serveCard handles one vCard resource.
func (a *contactsApp) serveCard(w http.ResponseWriter, r *http.Request, ab *fakeAddressBook, bookHref, name string) {
	obj := ab.cards[name]
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		if obj == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Card not found")
			return
		}
		accept := strings.ToLower(r.Header.Get("Accept"))
		switch {
		case strings.Contains(accept, "application/vcard+json"):
			writePimObject(w, r, "application/vcard+json; charset=utf-8", name, obj.etag, obj.mod, toJCard(obj.data))
		case strings.Contains(accept, "version=4.0"):
			writePimObject(w, r, "text/vcard; version=4.0; charset=utf-8", name, obj.etag, obj.mod, convertVCard(obj.data, "4.0"))
		default:
			writePimObject(w, r, "text/vcard; charset=utf-8", name, obj.etag, obj.mod, convertVCard(obj.data, "3.0"))
		}
	case http.MethodPut:
		a.putCard(w, r, ab, name)
	case http.MethodDelete:
		if obj == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Card not found")
			return
		}
		if !pimCheckConditions(w, r, obj.etag) {
			return
		}
		if ab.readOnly {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\Forbidden`, "Permission denied to delete node")
			return
		}
		delete(ab.cards, name)
		ab.sync.record(name, true)
		writePimNoContent(w, http.StatusNoContent)
	case "PROPFIND":
		if obj == nil {
			writeSabreError(w, http.StatusNotFound, `Sabre\DAV\Exception\NotFound`, "Card not found")
			return
		}
		body, _ := readPimBody(r)
		pf, err := parsePropfind(body)
		if err != nil {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
			return
		}
		writePimMultistatus(w, []string{pimResponse(bookHref+url.PathEscape(name), cardProps(obj), pf, objectAllProps)}, nil)
	default:
		writeSabreError(w, http.StatusNotImplemented, `Sabre\DAV\Exception\NotImplemented`, "There was no plugin in the system that was willing to handle this "+r.Method+" method.")
	}
}

// putCard stores a vCard as sent; like Sabre it adds a UID the card lacks
// and only warns about a missing FN.
func (a *contactsApp) putCard(w http.ResponseWriter, r *http.Request, ab *fakeAddressBook, name string) {
	existing := ab.cards[name]
	etag := ""
	if existing != nil {
		etag = existing.etag
	}
	if !pimCheckConditions(w, r, etag) {
		return
	}
	if ab.readOnly {
		writeSabreError(w, http.StatusForbidden, `Sabre\DAVACL\Exception\NeedPrivileges`, "User did not have the required privileges ({DAV:}bind) for path \"addressbooks/users/"+ab.name+"/"+name+"\"")
		return
	}
	data, err := readPimBody(r)
	if err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "could not read the request body")
		return
	}
	card, err := decodeCard(data)
	if err != nil || !bytes.HasPrefix(bytes.TrimSpace(data), []byte("BEGIN:VCARD")) {
		writeSabreError(w, http.StatusUnsupportedMediaType, `Sabre\DAV\Exception\UnsupportedMediaType`,
			"This resource only supports valid vCard or jCard data. Parse error: "+pimMimedirError(data))
		return
	}
	var warnings []string
	uid := strings.TrimSpace(card.Value(vcard.FieldUID))
	if uid == "" {
		warnings = append(warnings, "vCard validation warning: vCards on CardDAV servers MUST have a UID property.")
		uid = fakeUUID()
		data = insertBeforeEnd(data, "UID:"+uid)
		card, _ = decodeCard(data)
	}
	if len(card[vcard.FieldFormattedName]) != 1 {
		warnings = append(warnings, "vCard validation warning: The FN property must appear in the VCARD component exactly 1 time")
	}
	for other, o := range ab.cards {
		if other != name && o.uid == uid {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "VCard object with uid already exists in this addressbook collection.")
			return
		}
	}
	obj := &cardObject{data: data, etag: pimETag(data), uid: uid, mod: time.Now(), card: card}
	ab.cards[name] = obj
	ab.sync.record(name, false)
	writePimCreated(w, existing == nil, obj.etag, strings.Join(warnings, ", "))
}

func insertBeforeEnd(data []byte, line string) []byte {
	nl := "\n"
	if bytes.Contains(data, []byte("\r\n")) {
		nl = "\r\n"
	}
	i := bytes.LastIndex(bytes.ToUpper(data), []byte("END:VCARD"))
	if i < 0 {
		return data
	}
	out := append([]byte{}, data[:i]...)
	out = append(out, line+nl...)
	return append(out, data[i:]...)
}

func fakeUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// vcardLines unfolds a vCard into content lines.
func vcardLines(data []byte) []string {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\n ", "")
	text = strings.ReplaceAll(text, "\n\t", "")
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func lineName(l string) string {
	end := strings.IndexAny(l, ";:")
	if end < 0 {
		return strings.ToUpper(l)
	}
	name := strings.ToUpper(l[:end])
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name
}

// convertVCard gives the card in another version the way Sabre's GET does:
// a new PRODID, VERSION changed, and what 3.0 cannot say (KIND) dropped.
// A card already in that version comes back byte for byte.
func convertVCard(data []byte, version string) []byte {
	lines := vcardLines(data)
	current := ""
	for _, l := range lines {
		if lineName(l) == "VERSION" {
			current = strings.TrimSpace(l[strings.IndexByte(l, ':')+1:])
		}
	}
	if current == version {
		return data
	}
	var out []string
	for _, l := range lines {
		switch lineName(l) {
		case "VERSION":
			out = append(out, "VERSION:"+version, "PRODID:-//Sabre//Sabre VObject 4.5.4//EN")
			continue
		case "PRODID":
			continue
		case "KIND":
			if version == "3.0" {
				continue
			}
		}
		out = append(out, l)
	}
	return []byte(strings.Join(out, "\r\n") + "\r\n")
}

// toJCard renders a vCard as RFC 7095 jCard, enough for the fake's GET.
func toJCard(data []byte) []byte {
	props := []any{[]any{"version", map[string]any{}, "text", "4.0"}, []any{"prodid", map[string]any{}, "text", "-//Sabre//Sabre VObject 4.5.4//EN"}}
	for _, l := range vcardLines(convertVCard(data, "4.0")) {
		name := strings.ToLower(lineName(l))
		if name == "begin" || name == "end" || name == "version" || name == "prodid" {
			continue
		}
		colon := strings.IndexByte(l, ':')
		if colon < 0 {
			continue
		}
		params := map[string]any{}
		head := l[:colon]
		for _, p := range strings.Split(head, ";")[1:] {
			k, v, _ := strings.Cut(p, "=")
			vals := strings.Split(strings.Trim(v, `"`), ",")
			if len(vals) == 1 {
				params[strings.ToLower(k)] = vals[0]
			} else {
				params[strings.ToLower(k)] = vals
			}
		}
		value := l[colon+1:]
		var v any = value
		switch name {
		case "n", "adr", "org":
			parts := strings.Split(value, ";")
			arr := make([]any, len(parts))
			for i, p := range parts {
				arr[i] = p
			}
			v = arr
		}
		props = append(props, []any{name, params, "text", v})
	}
	b, _ := json.Marshal([]any{"vcard", props})
	return b
}
