package ncfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Namespaces of Nextcloud's file properties (nsDAV and nsSabre live in xmlns.go).
const (
	nsOwnCloud  = "http://owncloud.org/ns"
	nsNextcloud = "http://nextcloud.org/ns"
)

// filesMultistatusOpen starts every files multistatus, with the prefixes Sabre declares.
const filesMultistatusOpen = `<?xml version="1.0"?>` + "\n" +
	`<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">`

// davElem is any XML element with its raw content, for property lists.
type davElem struct {
	XMLName xml.Name
	Inner   string `xml:",innerxml"`
}

// davPropList is a <d:prop> holding property names (or values, in PROPPATCH).
type davPropList struct {
	Props []davElem `xml:",any"`
}

func (l *davPropList) names() []xml.Name {
	if l == nil {
		return nil
	}
	out := make([]xml.Name, len(l.Props))
	for i, p := range l.Props {
		out[i] = p.XMLName
	}
	return out
}

// propTarget is the node whose properties are rendered.
type propTarget struct {
	h    *fileHome
	user *User
	p    string
	m    *fileMeta
}

// href is the node's escaped URL path, with a trailing slash for folders.
func (t propTarget) href() string {
	href := "/remote.php/dav/files/" + sabreEncode(t.user.ID)
	if t.p != "/" {
		href += sabreEncodePath(t.p)
	}
	if t.m.dir {
		href += "/"
	}
	return href
}

// propValue returns a property's inner XML and whether the node has it.
// In search results folders carry the directory mimetype.
func (a *filesApp) propValue(t propTarget, name xml.Name, search bool) (string, bool) {
	m := t.m
	switch name.Space + " " + name.Local {
	case nsDAV + " getetag":
		return filesXMLEscape(quoteFileETag(m.etag)), true
	case nsDAV + " getlastmodified":
		return m.mtime.UTC().Format(http.TimeFormat), true
	case nsDAV + " getcontentlength":
		return strconv.FormatInt(m.size, 10), !m.dir
	case nsDAV + " getcontenttype":
		if m.dir {
			return "httpd/unix-directory", search
		}
		return filesXMLEscape(fileMimeType(t.p)), true
	case nsDAV + " resourcetype":
		if m.dir {
			return "<d:collection/>", true
		}
		return "", true
	case nsDAV + " displayname":
		if t.p == "/" {
			return filesXMLEscape(t.user.ID), true
		}
		return filesXMLEscape(path.Base(t.p)), true
	case nsDAV + " quota-available-bytes":
		return strconv.FormatInt(a.quotaAvailable(t.h), 10), m.dir
	case nsDAV + " quota-used-bytes":
		return strconv.FormatInt(t.h.size("/"), 10), m.dir
	case nsOwnCloud + " fileid":
		return strconv.FormatInt(m.id, 10), true
	case nsOwnCloud + " id":
		return fmt.Sprintf("%08d%s", m.id, fakeInstanceID), true
	case nsOwnCloud + " permissions":
		prefix := ""
		if m.share != nil {
			prefix = "S" // shared with the user (sharing/15)
		}
		if m.dir {
			return prefix + "RGDNVCK", true
		}
		return prefix + "RGDNVW", true
	case nsOwnCloud + " size":
		return strconv.FormatInt(t.h.size(t.p), 10), true
	case nsOwnCloud + " favorite":
		if m.favorite {
			return "1", true
		}
		return "0", true
	case nsOwnCloud + " owner-id":
		if m.share != nil {
			return filesXMLEscape(m.share.owner), true
		}
		return filesXMLEscape(t.user.ID), true
	case nsOwnCloud + " owner-display-name":
		if m.share != nil {
			return filesXMLEscape(m.share.ownerName), true
		}
		return filesXMLEscape(t.user.DisplayName), true
	case nsOwnCloud + " share-types":
		if m.share != nil && m.share.root {
			return "<oc:share-type>0</oc:share-type>", true
		}
		return "", true
	case nsNextcloud + " is-mount-root":
		return strconv.FormatBool(m.share != nil && m.share.root), true
	case nsNextcloud + " share-attributes":
		return "[]", m.share != nil
	case nsNextcloud + " has-preview":
		return strconv.FormatBool(!m.dir && hasPreview(fileMimeType(t.p))), true
	case nsNextcloud + " is-encrypted":
		return "0", true
	case nsNextcloud + " mount-type":
		return "", true
	}
	v, ok := m.dead[name.Space+" "+name.Local]
	return v, ok
}

// allProps is what a PROPFIND without body returns (webdav/25).
func allProps(m *fileMeta) []xml.Name {
	names := []xml.Name{{Space: nsDAV, Local: "getlastmodified"}}
	if m.dir {
		names = append(names, xml.Name{Space: nsDAV, Local: "resourcetype"},
			xml.Name{Space: nsDAV, Local: "quota-used-bytes"}, xml.Name{Space: nsDAV, Local: "quota-available-bytes"},
			xml.Name{Space: nsDAV, Local: "getetag"})
	} else {
		names = append(names, xml.Name{Space: nsDAV, Local: "getcontentlength"}, xml.Name{Space: nsDAV, Local: "resourcetype"},
			xml.Name{Space: nsDAV, Local: "getetag"}, xml.Name{Space: nsDAV, Local: "getcontenttype"})
	}
	keys := make([]string, 0, len(m.dead))
	for k := range m.dead {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ns, local, _ := strings.Cut(k, " ")
		names = append(names, xml.Name{Space: ns, Local: local})
	}
	return names
}

// renderProps splits the asked properties into found elements (with
// values) and missing ones (empty elements for the 404 propstat).
func (a *filesApp) renderProps(t propTarget, names []xml.Name, search bool) (found, missing []string) {
	for _, n := range names {
		if v, ok := a.propValue(t, n, search); ok {
			found = append(found, elemXML(n, v))
		} else {
			missing = append(missing, elemXML(n, ""))
		}
	}
	return found, missing
}

// responseXML renders one <d:response>, one line (PROPFIND, SEARCH) or
// pretty-printed with a one-space indent (REPORT), as Sabre does.
func responseXML(href string, found, missing []string, pretty bool) string {
	var b strings.Builder
	nl := func(indent int) {
		if pretty {
			b.WriteString("\n" + strings.Repeat(" ", indent))
		}
	}
	nl(1)
	b.WriteString("<d:response>")
	nl(2)
	b.WriteString("<d:href>" + filesXMLEscape(href) + "</d:href>")
	propstat := func(props []string, status string) {
		nl(2)
		b.WriteString("<d:propstat>")
		nl(3)
		b.WriteString("<d:prop>")
		for _, p := range props {
			nl(4)
			b.WriteString(p)
		}
		nl(3)
		b.WriteString("</d:prop>")
		nl(3)
		b.WriteString("<d:status>" + status + "</d:status>")
		nl(2)
		b.WriteString("</d:propstat>")
	}
	if len(found) > 0 || len(missing) == 0 {
		propstat(found, "HTTP/1.1 200 OK")
	}
	if len(missing) > 0 {
		propstat(missing, "HTTP/1.1 404 Not Found")
	}
	nl(1)
	b.WriteString("</d:response>")
	return b.String()
}

// elemXML writes an element with the prefixes of the multistatus root, or
// a local declaration for other namespaces.
func elemXML(n xml.Name, inner string) string {
	var open, closeTag string
	switch n.Space {
	case nsDAV:
		open, closeTag = "d:"+n.Local, "d:"+n.Local
	case nsOwnCloud:
		open, closeTag = "oc:"+n.Local, "oc:"+n.Local
	case nsNextcloud:
		open, closeTag = "nc:"+n.Local, "nc:"+n.Local
	case nsSabre:
		open, closeTag = "s:"+n.Local, "s:"+n.Local
	case "":
		open, closeTag = n.Local, n.Local
	default:
		open, closeTag = "x1:"+n.Local+` xmlns:x1="`+filesXMLEscape(n.Space)+`"`, "x1:"+n.Local
	}
	if inner == "" {
		return "<" + open + "/>"
	}
	return "<" + open + ">" + inner + "</" + closeTag + ">"
}

// writeMultistatus sends a 207 made of responses.
func writeMultistatus(w http.ResponseWriter, contentType string, responses []string, pretty bool) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(http.StatusMultiStatus)
	var b strings.Builder
	b.WriteString(filesMultistatusOpen)
	for _, r := range responses {
		b.WriteString(r)
	}
	if pretty {
		b.WriteString("\n")
	}
	b.WriteString("</d:multistatus>")
	if pretty {
		b.WriteString("\n")
	}
	_, _ = w.Write([]byte(b.String()))
}

func filesXMLEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), "&#34;", "&quot;")
}

// sabreEncode percent-encodes a path segment the way Sabre writes hrefs:
// lower-case hex, with '&', '#', '%', space and non-ASCII all encoded (webdav/47).
func sabreEncode(s string) string {
	const hexdig = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

// sabreEncodePath encodes each segment of an absolute path.
func sabreEncodePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = sabreEncode(s)
	}
	return strings.Join(segs, "/")
}

// rawURLEncode is PHP's rawurlencode (upper-case hex), which Nextcloud uses
// in Content-Disposition (webdav/48).
func rawURLEncode(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}
