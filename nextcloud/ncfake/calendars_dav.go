package ncfake

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Helpers shared by the fake's CalDAV (calendars*.go) and CardDAV
// (contacts*.go) handlers; "pim" keeps their names apart from files.go's.

const (
	nsCalDAV  = "urn:ietf:params:xml:ns:caldav"
	nsCardDAV = "urn:ietf:params:xml:ns:carddav"
	nsCS      = "http://calendarserver.org/ns/"
	nsApple   = "http://apple.com/ns/ical/"
	nsOC      = "http://owncloud.org/ns"
	nsNC      = "http://nextcloud.org/ns"
	nsNCCom   = "http://nextcloud.com/ns"
)

// pimPrefixes are the prefixes Sabre declares on a multistatus root (x1 and
// x2 Sabre declares inline; declaring them at the root is equivalent XML).
var pimPrefixes = []struct{ prefix, ns string }{
	{"d", nsDAV}, {"s", nsSabre}, {"cal", nsCalDAV}, {"cs", nsCS}, {"card", nsCardDAV},
	{"oc", nsOC}, {"nc", nsNC}, {"x1", nsApple}, {"x2", nsNCCom},
}

func pimPrefix(ns string) string {
	for _, p := range pimPrefixes {
		if p.ns == ns {
			return p.prefix
		}
	}
	return ""
}

func pimRootAttrs() string {
	var b strings.Builder
	for _, p := range pimPrefixes {
		fmt.Fprintf(&b, ` xmlns:%s="%s"`, p.prefix, p.ns)
	}
	return b.String()
}

// pimElem writes <prefix:local>inner</prefix:local> (or an empty element).
func pimElem(name xml.Name, inner string) string {
	p := pimPrefix(name.Space)
	tag := name.Local
	attr := ""
	if p != "" {
		tag = p + ":" + name.Local
	} else if name.Space != "" {
		attr = ` xmlns="` + html.EscapeString(name.Space) + `"`
	}
	if inner == "" {
		return "<" + tag + attr + "/>"
	}
	return "<" + tag + attr + ">" + inner + "</" + tag + ">"
}

// pimEscaper escapes like Sabre: quotes as &quot;, CR as &#13;, LF kept.
var pimEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\r", "&#13;")

func pimEscape(s string) string { return pimEscaper.Replace(s) }

// pimProps is what a resource can report: property name → inner XML.
type pimProps map[xml.Name]string

// pimPropfind is a parsed PROPFIND body: the requested names, or allprop.
type pimPropfind struct {
	all   bool
	names []xml.Name
}

// parsePropfind reads a PROPFIND body; an empty body means allprop.
func parsePropfind(body []byte) (pimPropfind, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return pimPropfind{all: true}, nil
	}
	var pf struct {
		XMLName xml.Name  `xml:"DAV: propfind"`
		AllProp *struct{} `xml:"DAV: allprop"`
		Prop    *struct {
			Props []struct{ XMLName xml.Name } `xml:",any"`
		} `xml:"DAV: prop"`
	}
	if err := xml.Unmarshal(body, &pf); err != nil {
		return pimPropfind{}, err
	}
	if pf.AllProp != nil || pf.Prop == nil {
		return pimPropfind{all: true}, nil
	}
	out := pimPropfind{}
	for _, p := range pf.Prop.Props {
		out.names = append(out.names, p.XMLName)
	}
	return out, nil
}

// pimResponse builds one <d:response>: requested props found go in a 200
// propstat, the missing ones in a 404 propstat, as Sabre does. allNames
// lists what allprop returns.
func pimResponse(href string, props pimProps, pf pimPropfind, allNames []xml.Name) string {
	names := pf.names
	if pf.all {
		names = allNames
	}
	var found, missing strings.Builder
	for _, n := range names {
		if v, ok := props[n]; ok {
			found.WriteString(pimElem(n, v))
		} else if !pf.all {
			missing.WriteString(pimElem(n, ""))
		}
	}
	var b strings.Builder
	b.WriteString("<d:response><d:href>" + pimEscape(href) + "</d:href>")
	if found.Len() > 0 {
		b.WriteString("<d:propstat><d:prop>" + found.String() + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>")
	}
	if missing.Len() > 0 {
		b.WriteString("<d:propstat><d:prop>" + missing.String() + "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>")
	}
	b.WriteString("</d:response>")
	return b.String()
}

// writePimMultistatus writes a one-line 207 body like Sabre's PROPFIND/REPORT answers.
func writePimMultistatus(w http.ResponseWriter, responses []string, extraHeaders map[string]string) {
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Vary", "Brief,Prefer")
	for k, v := range extraHeaders {
		w.Header().Set(k, v)
	}
	w.WriteHeader(http.StatusMultiStatus)
	if len(responses) == 0 {
		fmt.Fprintf(w, "<?xml version=\"1.0\"?>\n<d:multistatus%s/>\n", pimRootAttrs())
		return
	}
	fmt.Fprintf(w, "<?xml version=\"1.0\"?>\n<d:multistatus%s>%s</d:multistatus>\n", pimRootAttrs(), strings.Join(responses, ""))
}

// pimETag is the quoted MD5 of the stored bytes, as Nextcloud computes it.
func pimETag(data []byte) string {
	sum := md5.Sum(data)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

// pimCheckConditions applies If-Match / If-None-Match to a resource that
// exists (etag != "") or not, and answers 412 as Sabre does when one fails.
func pimCheckConditions(w http.ResponseWriter, r *http.Request, etag string) bool {
	if inm := strings.TrimSpace(r.Header.Get("If-None-Match")); inm != "" && etag != "" {
		if inm == "*" || pimETagListHas(inm, etag) {
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"An If-None-Match header was specified, but the ETag matched (or * was specified).", "<s:header>If-None-Match</s:header>")
			return false
		}
	}
	if im := strings.TrimSpace(r.Header.Get("If-Match")); im != "" {
		if etag == "" {
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"An If-Match header was specified and the resource did not exist", "<s:header>If-Match</s:header>")
			return false
		}
		if im != "*" && !pimETagListHas(im, etag) {
			w.Header().Set("ETag", etag)
			writeSabreError(w, http.StatusPreconditionFailed, `Sabre\DAV\Exception\PreconditionFailed`,
				"An If-Match header was specified, but none of the specified ETags matched.", "<s:header>If-Match</s:header>")
			return false
		}
	}
	return true
}

// pimETagListHas compares quoted ETags exactly: an unquoted one never
// matches, which is why Nextcloud answers 412 to it.
func pimETagListHas(list, etag string) bool {
	for _, e := range strings.Split(list, ",") {
		if strings.TrimSpace(e) == etag {
			return true
		}
	}
	return false
}

// writePimCreated answers a successful PUT like Nextcloud behind php -S.
func writePimCreated(w http.ResponseWriter, created bool, etag string, warning string) {
	if warning != "" {
		w.Header().Set("X-Sabre-Ew-Gross", warning)
	}
	w.Header().Set("Content-Length", "0")
	w.Header().Set("ETag", etag)
	w.Header().Set("OC-ETag", etag)
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	if created {
		w.WriteHeader(http.StatusCreated)
	} else {
		w.WriteHeader(http.StatusNoContent)
	}
}

func writePimNoContent(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Length", "0")
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(status)
}

// writePimObject answers a GET of a stored object with Nextcloud's headers.
func writePimObject(w http.ResponseWriter, r *http.Request, contentType, name, etag string, mod time.Time, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	h.Set("ETag", etag)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("OC-ETag", etag)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename*=UTF-8''%s; filename="%s"`, name, name))
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(data)
	}
}

// readPimBody reads a request body with a cap.
func readPimBody(r *http.Request) ([]byte, error) {
	return io.ReadAll(io.LimitReader(r.Body, 10<<20))
}

// pimSplitPath splits the part of a URL path below prefix into segments.
func pimSplitPath(path, prefix string) []string {
	rest := strings.Trim(strings.TrimPrefix(path, prefix), "/")
	if rest == "" {
		return nil
	}
	return strings.Split(rest, "/")
}

// pimMimedirError mirrors Sabre's parse error for data that is not a
// vCard/iCalendar: the first line that is no "NAME:value" content line.
func pimMimedirError(data []byte) string {
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	if !strings.HasPrefix(strings.TrimSpace(text), "BEGIN:") {
		return "This parser only supports VCARD and VCALENDAR files"
	}
	for i, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if !strings.Contains(line, ":") {
			return fmt.Sprintf("Invalid Mimedir file. Line starting at %d did not follow iCalendar/vCard conventions", i+1)
		}
	}
	return "Invalid Mimedir file: the component is not closed"
}

// pimSync is the change log behind sync-collection: each change gets the
// next token, like Sabre's calendarchanges/addressbookchanges tables.
type pimSync struct {
	token   int
	changes []pimChange
}

type pimChange struct {
	token   int
	name    string
	deleted bool
}

func (s *pimSync) record(name string, deleted bool) {
	s.token++
	s.changes = append(s.changes, pimChange{token: s.token, name: name, deleted: deleted})
}

func (s *pimSync) tokenURI() string { return "http://sabre.io/ns/sync/" + strconv.Itoa(s.token) }

// since returns the names changed after token (last change wins) and
// whether the token was understood.
func (s *pimSync) since(token string) (map[string]bool, bool) {
	token = strings.TrimSpace(token)
	from := 0
	if token != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(token, "http://sabre.io/ns/sync/"))
		if err != nil || !strings.HasPrefix(token, "http://sabre.io/ns/sync/") {
			return nil, false
		}
		from = n
	}
	out := map[string]bool{}
	for _, c := range s.changes {
		if c.token > from {
			out[c.name] = c.deleted
		}
	}
	if token == "" {
		// An initial sync lists what exists, never what was deleted before
		// (Sabre's backends answer a null token from the objects table).
		for name, deleted := range out {
			if deleted {
				delete(out, name)
			}
		}
	}
	return out, true
}

// writePimSyncCollection answers sync-collection in Sabre's pretty-printed form.
func writePimSyncCollection(w http.ResponseWriter, baseHref string, changed map[string]bool, etagOf func(name string) (string, bool), token string) {
	var b strings.Builder
	fmt.Fprintf(&b, "<?xml version=\"1.0\"?>\n<d:multistatus%s>\n", pimRootAttrs())
	names := make([]string, 0, len(changed))
	for n := range changed {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		etag, exists := etagOf(n)
		fmt.Fprintf(&b, " <d:response>\n  <d:href>%s</d:href>\n", pimEscape(baseHref+n))
		if changed[n] || !exists {
			b.WriteString("  <d:status>HTTP/1.1 404 Not Found</d:status>\n")
		} else {
			fmt.Fprintf(&b, "  <d:propstat>\n   <d:prop>\n    <d:getetag>%s</d:getetag>\n   </d:prop>\n   <d:status>HTTP/1.1 200 OK</d:status>\n  </d:propstat>\n", pimEscape(etag))
		}
		b.WriteString(" </d:response>\n")
	}
	fmt.Fprintf(&b, " <d:sync-token>%s</d:sync-token>\n</d:multistatus>\n", token)
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.WriteHeader(http.StatusMultiStatus)
	_, _ = io.WriteString(w, b.String())
}

// pimSyncRequest is a parsed sync-collection body.
type pimSyncRequest struct {
	XMLName   xml.Name `xml:"DAV: sync-collection"`
	SyncToken string   `xml:"DAV: sync-token"`
}

// pimPrivileges is the current-user-privilege-set Nextcloud reports for an
// owned collection; read-only collections get the short list.
func pimPrivileges(writable bool, calendar bool) string {
	var privs []string
	if writable {
		privs = []string{"d:write", "d:write-properties", "d:write-content", "d:unlock", "d:bind", "d:unbind", "d:write-acl", "d:read", "d:read-acl", "d:read-current-user-privilege-set"}
	} else {
		privs = []string{"d:write-properties", "d:read", "d:read-acl", "d:read-current-user-privilege-set"}
	}
	if calendar {
		privs = append(privs, "cal:read-free-busy")
	}
	var b strings.Builder
	for _, p := range privs {
		b.WriteString("<d:privilege><" + p + "/></d:privilege>")
	}
	return b.String()
}

// pimProppatch answers a PROPPATCH on a collection: set is called for each
// property in a <d:set>, and every one is reported as set (200), as Sabre
// does for the properties a calendar or address book stores.
func pimProppatch(w http.ResponseWriter, r *http.Request, href string, set func(name xml.Name, value string)) {
	body, _ := readPimBody(r)
	var pu struct {
		Set []struct {
			Prop struct {
				Props []struct {
					XMLName xml.Name
					Value   string `xml:",chardata"`
				} `xml:",any"`
			} `xml:"DAV: prop"`
		} `xml:"DAV: set"`
	}
	if err := xml.Unmarshal(body, &pu); err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body.")
		return
	}
	var done strings.Builder
	for _, s := range pu.Set {
		for _, p := range s.Prop.Props {
			set(p.XMLName, p.Value)
			done.WriteString(pimElem(p.XMLName, ""))
		}
	}
	writePimMultistatus(w, []string{"<d:response><d:href>" + pimEscape(href) + "</d:href><d:propstat><d:prop>" + done.String() + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"}, nil)
}
