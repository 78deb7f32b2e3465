package ncfake

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
)

type cardTextMatch struct {
	Value     string `xml:",chardata"`
	Collation string `xml:"collation,attr"`
	MatchType string `xml:"match-type,attr"`
	Negate    string `xml:"negate-condition,attr"`
}

type cardPropFilter struct {
	Name         string          `xml:"name,attr"`
	Test         string          `xml:"test,attr"`
	IsNotDefined *struct{}       `xml:"urn:ietf:params:xml:ns:carddav is-not-defined"`
	TextMatches  []cardTextMatch `xml:"urn:ietf:params:xml:ns:carddav text-match"`
}

type cardReportProp struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Inner   string     `xml:",innerxml"`
}

type cardReportBody struct {
	XMLName xml.Name
	Prop    *struct {
		Items []cardReportProp `xml:",any"`
	} `xml:"DAV: prop"`
	Filter *struct {
		Test        string           `xml:"test,attr"`
		PropFilters []cardPropFilter `xml:"urn:ietf:params:xml:ns:carddav prop-filter"`
	} `xml:"urn:ietf:params:xml:ns:carddav filter"`
	Limit *struct {
		NResults int `xml:"urn:ietf:params:xml:ns:carddav nresults"`
	} `xml:"urn:ietf:params:xml:ns:carddav limit"`
	Hrefs     []string `xml:"DAV: href"`
	SyncToken string   `xml:"DAV: sync-token"`
}

var (
	addressDataName = xml.Name{Space: nsCardDAV, Local: "address-data"}
	propNameAttr    = regexp.MustCompile(`name="([^"]+)"`)
)

func (a *contactsApp) report(w http.ResponseWriter, r *http.Request, ab *fakeAddressBook, bookHref string) {
	body, _ := readPimBody(r)
	var rep cardReportBody
	if err := xml.Unmarshal(body, &rep); err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body. (message: "+err.Error()+")")
		return
	}
	switch rep.XMLName {
	case xml.Name{Space: nsCardDAV, Local: "addressbook-query"}:
		var names []string
		for _, n := range sortedCardNames(ab) {
			if rep.Filter == nil || matchCardFilter(rep.Filter.Test, rep.Filter.PropFilters, ab.cards[n]) {
				names = append(names, n)
			}
		}
		if rep.Limit != nil && rep.Limit.NResults > 0 && len(names) > rep.Limit.NResults {
			names = names[:rep.Limit.NResults]
		}
		writeCards(w, ab, bookHref, names, rep.Prop)
	case xml.Name{Space: nsCardDAV, Local: "addressbook-multiget"}:
		var names []string
		for _, h := range rep.Hrefs {
			p, err := url.PathUnescape(strings.TrimSpace(h))
			if err != nil {
				continue
			}
			dir, name := path.Split(p)
			if d, _ := url.PathUnescape(bookHref); dir != d || ab.cards[name] == nil {
				continue
			}
			names = append(names, name)
		}
		writeCards(w, ab, bookHref, names, rep.Prop)
	case xml.Name{Space: nsDAV, Local: "sync-collection"}:
		changed, ok := ab.sync.since(rep.SyncToken)
		if !ok {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\InvalidSyncToken`, "Invalid or unknown sync token", "<d:valid-sync-token/>")
			return
		}
		writePimSyncCollection(w, bookHref, changed, func(n string) (string, bool) {
			if c := ab.cards[n]; c != nil {
				return c.etag, true
			}
			return "", false
		}, ab.sync.tokenURI())
	default:
		writeSabreError(w, http.StatusUnsupportedMediaType, `Sabre\DAV\Exception\ReportNotSupported`, "The {"+rep.XMLName.Space+"}"+rep.XMLName.Local+" REPORT is not supported on this url.")
	}
}

// matchCardFilter applies an addressbook-query filter (RFC 6352 10.5).
func matchCardFilter(test string, filters []cardPropFilter, c *cardObject) bool {
	if len(filters) == 0 {
		return true
	}
	all := strings.EqualFold(test, "allof")
	for _, f := range filters {
		ok := matchCardProp(f, c)
		if all && !ok {
			return false
		}
		if !all && ok {
			return true
		}
	}
	return all
}

func matchCardProp(f cardPropFilter, c *cardObject) bool {
	fields := c.card[strings.ToUpper(f.Name)]
	if f.IsNotDefined != nil {
		return len(fields) == 0
	}
	if len(fields) == 0 {
		return false
	}
	if len(f.TextMatches) == 0 {
		return true
	}
	all := strings.EqualFold(f.Test, "allof")
	for _, tm := range f.TextMatches {
		hit := false
		for _, field := range fields {
			if textMatches(tm, field.Value) {
				hit = true
				break
			}
		}
		if tm.Negate == "yes" {
			hit = !hit
		}
		if all && !hit {
			return false
		}
		if !all && hit {
			return true
		}
	}
	return all
}

// textMatches compares with i;unicode-casemap (case-insensitive) unless the
// collation is i;octet.
func textMatches(tm cardTextMatch, value string) bool {
	needle := tm.Value
	if tm.Collation != "i;octet" {
		needle, value = strings.ToLower(needle), strings.ToLower(value)
	}
	switch tm.MatchType {
	case "equals":
		return value == needle
	case "starts-with":
		return strings.HasPrefix(value, needle)
	case "ends-with":
		return strings.HasSuffix(value, needle)
	default:
		return strings.Contains(value, needle)
	}
}

// writeCards answers an addressbook-query or multiget; address-data is the
// card as vCard 3.0 (or the version asked for), whole or cut to the <prop>s
// asked for, with CRLF line ends.
func writeCards(w http.ResponseWriter, ab *fakeAddressBook, bookHref string, names []string, prop *struct {
	Items []cardReportProp `xml:",any"`
}) {
	var resps []string
	for _, n := range names {
		c := ab.cards[n]
		var found, missing strings.Builder
		if prop != nil {
			for _, item := range prop.Items {
				switch item.XMLName {
				case getETagName:
					found.WriteString(pimElem(getETagName, pimEscape(c.etag)))
				case addressDataName:
					found.WriteString(pimElem(addressDataName, pimEscape(addressData(c, item))))
				default:
					missing.WriteString(pimElem(item.XMLName, ""))
				}
			}
		}
		var b strings.Builder
		b.WriteString("<d:response><d:href>" + pimEscape(bookHref+url.PathEscape(n)) + "</d:href>")
		if found.Len() > 0 {
			b.WriteString("<d:propstat><d:prop>" + found.String() + "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat>")
		}
		if missing.Len() > 0 {
			b.WriteString("<d:propstat><d:prop>" + missing.String() + "</d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat>")
		}
		b.WriteString("</d:response>")
		resps = append(resps, b.String())
	}
	writePimMultistatus(w, resps, nil)
}

func addressData(c *cardObject, item cardReportProp) string {
	version := "3.0"
	for _, at := range item.Attrs {
		if at.Name.Local == "version" && at.Value == "4.0" {
			version = "4.0"
		}
	}
	data := convertVCard(c.data, version)
	lines := vcardLines(data)
	wanted := propNameAttr.FindAllStringSubmatch(item.Inner, -1)
	if len(wanted) > 0 {
		keep := map[string]bool{"BEGIN": true, "END": true, "VERSION": true, "PRODID": true, "UID": true}
		for _, m := range wanted {
			keep[strings.ToUpper(m[1])] = true
		}
		var cut []string
		for _, l := range lines {
			if keep[lineName(l)] {
				cut = append(cut, l)
			}
		}
		lines = cut
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}
