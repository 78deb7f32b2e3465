package ncfake

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

type reportProp struct {
	XMLName xml.Name
	Inner   string `xml:",innerxml"`
}

type timeRangeXML struct {
	Start string `xml:"start,attr"`
	End   string `xml:"end,attr"`
}

type textMatchXML struct {
	Value     string `xml:",chardata"`
	Collation string `xml:"collation,attr"`
	Negate    string `xml:"negate-condition,attr"`
}

type propFilterXML struct {
	Name         string        `xml:"name,attr"`
	IsNotDefined *struct{}     `xml:"urn:ietf:params:xml:ns:caldav is-not-defined"`
	TextMatch    *textMatchXML `xml:"urn:ietf:params:xml:ns:caldav text-match"`
	TimeRange    *timeRangeXML `xml:"urn:ietf:params:xml:ns:caldav time-range"`
}

type compFilterXML struct {
	Name         string          `xml:"name,attr"`
	IsNotDefined *struct{}       `xml:"urn:ietf:params:xml:ns:caldav is-not-defined"`
	TimeRange    *timeRangeXML   `xml:"urn:ietf:params:xml:ns:caldav time-range"`
	PropFilters  []propFilterXML `xml:"urn:ietf:params:xml:ns:caldav prop-filter"`
	CompFilters  []compFilterXML `xml:"urn:ietf:params:xml:ns:caldav comp-filter"`
}

type calReportBody struct {
	XMLName xml.Name
	Prop    *struct {
		Items []reportProp `xml:",any"`
	} `xml:"DAV: prop"`
	Filter *struct {
		CompFilter *compFilterXML `xml:"urn:ietf:params:xml:ns:caldav comp-filter"`
	} `xml:"urn:ietf:params:xml:ns:caldav filter"`
	Hrefs     []string `xml:"DAV: href"`
	SyncToken string   `xml:"DAV: sync-token"`
}

var (
	calDataName = xml.Name{Space: nsCalDAV, Local: "calendar-data"}
	getETagName = xml.Name{Space: nsDAV, Local: "getetag"}
	expandAttrs = regexp.MustCompile(`expand[^>]*?start="([^"]+)"[^>]*?end="([^"]+)"`)
)

func (a *calendarsApp) report(w http.ResponseWriter, r *http.Request, cal *fakeCalendar, calHref string) {
	body, _ := readPimBody(r)
	var rep calReportBody
	if err := xml.Unmarshal(body, &rep); err != nil {
		writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The request body had an invalid XML body. (message: "+err.Error()+")")
		return
	}
	switch rep.XMLName {
	case xml.Name{Space: nsCalDAV, Local: "calendar-query"}:
		if rep.Filter == nil || rep.Filter.CompFilter == nil {
			writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, "The {urn:ietf:params:xml:ns:caldav}filter element is required for this request")
			return
		}
		var names []string
		for _, n := range sortedObjectNames(cal) {
			ok, err := matchCalFilter(*rep.Filter.CompFilter, cal.objects[n].cal)
			if err != nil {
				writeSabreError(w, http.StatusBadRequest, `Sabre\DAV\Exception\BadRequest`, err.Error())
				return
			}
			if ok {
				names = append(names, n)
			}
		}
		a.writeObjects(w, cal, calHref, names, rep.Prop)
	case xml.Name{Space: nsCalDAV, Local: "calendar-multiget"}:
		var names []string
		for _, h := range rep.Hrefs {
			p, err := url.PathUnescape(strings.TrimSpace(h))
			if err != nil {
				continue
			}
			dir, name := path.Split(p)
			if d, _ := url.PathUnescape(calHref); dir != d || cal.objects[name] == nil {
				continue
			}
			names = append(names, name)
		}
		a.writeObjects(w, cal, calHref, names, rep.Prop)
	case xml.Name{Space: nsDAV, Local: "sync-collection"}:
		changed, ok := cal.sync.since(rep.SyncToken)
		if !ok {
			writeSabreError(w, http.StatusForbidden, `Sabre\DAV\Exception\InvalidSyncToken`, "Invalid or unknown sync token", "<d:valid-sync-token/>")
			return
		}
		writePimSyncCollection(w, calHref, changed, func(n string) (string, bool) {
			if o := cal.objects[n]; o != nil {
				return o.etag, true
			}
			return "", false
		}, cal.sync.tokenURI())
	default:
		writeSabreError(w, http.StatusUnsupportedMediaType, `Sabre\DAV\Exception\ReportNotSupported`, "The {"+rep.XMLName.Space+"}"+rep.XMLName.Local+" REPORT is not supported on this url.")
	}
}

// writeObjects answers a calendar-query or multiget with the requested props.
func (a *calendarsApp) writeObjects(w http.ResponseWriter, cal *fakeCalendar, calHref string, names []string, prop *struct {
	Items []reportProp `xml:",any"`
}) {
	var resps []string
	for _, n := range names {
		o := cal.objects[n]
		var found, missing strings.Builder
		if prop != nil {
			for _, item := range prop.Items {
				switch item.XMLName {
				case getETagName:
					found.WriteString(pimElem(getETagName, pimEscape(o.etag)))
				case calDataName:
					found.WriteString(pimElem(calDataName, pimEscape(calendarData(o, item.Inner))))
				default:
					missing.WriteString(pimElem(item.XMLName, ""))
				}
			}
		}
		var b strings.Builder
		b.WriteString("<d:response><d:href>" + pimEscape(calHref+url.PathEscape(n)) + "</d:href>")
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

// calendarData is the stored text with LF line ends (Sabre strips the CRs),
// or, when <c:expand> asks for it, the instances in UTC without VTIMEZONE.
func calendarData(o *calObject, inner string) string {
	if m := expandAttrs.FindStringSubmatch(inner); m != nil {
		from, err1 := time.Parse("20060102T150405Z", m[1])
		to, err2 := time.Parse("20060102T150405Z", m[2])
		if err1 == nil && err2 == nil {
			if out, err := expandObject(o.cal, from, to); err == nil {
				return out
			}
		}
	}
	return strings.ReplaceAll(string(o.data), "\r\n", "\n")
}

// expandObject writes what Sabre's expand gives: every instance overlapping
// [from, to) as its own component in UTC, RECURRENCE-ID on recurring ones.
func expandObject(cal *ical.Calendar, from, to time.Time) (string, error) {
	out := ical.NewCalendar()
	out.Props.SetText(ical.PropVersion, "2.0")
	out.Props.SetText(ical.PropProductID, "-//Sabre//Sabre VObject 4.5.4//EN")
	out.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	kind := ""
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			kind = c.Name
			break
		}
	}
	insts, err := fakeInstances(cal, kind)
	if err != nil {
		return "", err
	}
	for _, in := range insts {
		if !in.overlaps(from, to) {
			continue
		}
		c := ical.NewComponent(in.comp.Name)
		for name, props := range in.comp.Props {
			switch name {
			case ical.PropDateTimeStart, ical.PropDateTimeEnd, ical.PropDuration, ical.PropRecurrenceRule,
				ical.PropRecurrenceDates, ical.PropExceptionDates, ical.PropRecurrenceID:
				continue
			}
			c.Props[name] = append([]ical.Prop(nil), props...)
		}
		c.Children = in.comp.Children
		setInstant(c, ical.PropDateTimeStart, in.start, in.allDay)
		if in.comp.Props.Get(ical.PropDateTimeEnd) != nil || in.comp.Props.Get(ical.PropDuration) != nil {
			setInstant(c, ical.PropDateTimeEnd, in.end, in.allDay)
		}
		if in.recurring {
			setInstant(c, ical.PropRecurrenceID, in.recurrenceID, in.allDay)
		}
		out.Children = append(out.Children, c)
	}
	if len(out.Children) == 0 {
		return "", errNoInstances
	}
	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(out); err != nil {
		return "", err
	}
	return buf.String(), nil
}

func setInstant(c *ical.Component, name string, t time.Time, allDay bool) {
	p := ical.NewProp(name)
	if allDay {
		p.SetValueType(ical.ValueDate)
		p.Value = t.UTC().Format("20060102")
	} else {
		p.Value = t.UTC().Format("20060102T150405Z")
	}
	c.Props.Set(p)
}
