package nextcloud

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav/caldav"
)

// CalendarObject is one .ics resource of a calendar.
type CalendarObject struct {
	// Href is the escaped path below the base URL.
	Href string
	// ETag as the server sent it (quoted).
	ETag string
	Data *ical.Calendar
}

// CalendarQuery selects objects with a calendar-query REPORT.
type CalendarQuery struct {
	// Component is VEVENT or VTODO.
	Component string
	// Start and End bound a time-range filter when set.
	Start, End time.Time
	// Expand asks the server to expand recurrences into instances within
	// [Start, End). Servers without support return the stored data.
	Expand bool
	// UID keeps objects whose UID contains this text (the caller compares exactly).
	UID string
	// Open keeps tasks without a COMPLETED date.
	Open bool
}

const icalUTC = "20060102T150405Z"

func (q CalendarQuery) body() string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop><d:getetag/>`)
	if q.Expand && !q.Start.IsZero() && !q.End.IsZero() {
		b.WriteString(`<c:calendar-data><c:expand start="` + q.Start.UTC().Format(icalUTC) + `" end="` + q.End.UTC().Format(icalUTC) + `"/></c:calendar-data>`)
	} else {
		b.WriteString(`<c:calendar-data/>`)
	}
	b.WriteString(`</d:prop><c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="` + xmlText(q.Component) + `">`)
	if !q.Start.IsZero() || !q.End.IsZero() {
		b.WriteString(`<c:time-range`)
		if !q.Start.IsZero() {
			b.WriteString(` start="` + q.Start.UTC().Format(icalUTC) + `"`)
		}
		if !q.End.IsZero() {
			b.WriteString(` end="` + q.End.UTC().Format(icalUTC) + `"`)
		}
		b.WriteString(`/>`)
	}
	if q.UID != "" {
		b.WriteString(`<c:prop-filter name="UID"><c:text-match collation="i;octet">` + xmlText(q.UID) + `</c:text-match></c:prop-filter>`)
	}
	if q.Open {
		b.WriteString(`<c:prop-filter name="COMPLETED"><c:is-not-defined/></c:prop-filter>`)
	}
	b.WriteString(`</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>`)
	return b.String()
}

type calendarDataProps struct {
	ETag *string `xml:"DAV: getetag"`
	Data *string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
}

// QueryCalendar runs a calendar-query REPORT on a calendar. Objects whose
// data does not parse are counted in skipped rather than failing the query:
// one broken event from another client must not hide the others.
func (c *Client) QueryCalendar(ctx context.Context, calHref string, q CalendarQuery) (objs []CalendarObject, skipped int, err error) {
	ms, err := davTyped[calendarDataProps](ctx, c, "REPORT", calHref, "1", nil, []byte(q.body()))
	if err != nil {
		return nil, 0, err
	}
	for _, r := range ms.Responses {
		for _, p := range r.found() {
			if p.Data == nil {
				continue
			}
			cal, err := DecodeICS([]byte(*p.Data))
			if err != nil {
				skipped++
				continue
			}
			etag := ""
			if p.ETag != nil {
				etag = strings.TrimSpace(*p.ETag)
			}
			objs = append(objs, CalendarObject{Href: c.objectPath(r.Href), ETag: etag, Data: cal})
		}
	}
	return objs, skipped, nil
}

// MultiGetCalendar fetches objects by href with calendar-multiget.
func (c *Client) MultiGetCalendar(ctx context.Context, calHref string, hrefs []string) ([]CalendarObject, error) {
	cc, err := c.caldavClient()
	if err != nil {
		return nil, err
	}
	paths := make([]string, len(hrefs))
	for i, h := range hrefs {
		paths[i] = c.absolutePath(h)
	}
	objs, err := cc.MultiGetCalendar(ctx, c.absolutePath(calHref), &caldav.CalendarMultiGet{
		Paths:       paths,
		CompRequest: caldav.CalendarCompRequest{Name: ical.CompCalendar, AllProps: true, AllComps: true},
	})
	if err != nil {
		return nil, fmt.Errorf("calendar-multiget on %s: %w", calHref, err)
	}
	out := make([]CalendarObject, 0, len(objs))
	for _, o := range objs {
		out = append(out, CalendarObject{Href: c.objectPath(o.Path), ETag: QuoteETag(o.ETag), Data: o.Data})
	}
	return out, nil
}

// GetCalendarObject reads one object with its ETag.
func (c *Client) GetCalendarObject(ctx context.Context, href string) (*CalendarObject, error) {
	resp, body, err := c.Call(ctx, &Request{Method: http.MethodGet, Path: href, API: APIDAV, Header: http.Header{"Accept": {"text/calendar"}}})
	if err != nil {
		return nil, err
	}
	cal, err := DecodeICS(body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", href, err)
	}
	return &CalendarObject{Href: href, ETag: resp.Header.Get("ETag"), Data: cal}, nil
}

// Precondition makes a write conditional. Set exactly one field: IfMatch to
// overwrite only the version read, or IfNoneMatch to create only.
type Precondition struct {
	IfMatch     string
	IfNoneMatch bool
}

func (p Precondition) header() (http.Header, error) {
	h := http.Header{}
	switch {
	case p.IfNoneMatch:
		h.Set("If-None-Match", "*")
	case p.IfMatch != "":
		h.Set("If-Match", QuoteETag(p.IfMatch))
	default:
		return nil, errors.New("refusing an unconditional write: pass the etag that was read, or create only")
	}
	return h, nil
}

// PutCalendarObject writes an object and returns its new ETag. The server's
// 412 comes back as an *Error when the precondition fails.
func (c *Client) PutCalendarObject(ctx context.Context, href string, cal *ical.Calendar, cond Precondition) (string, error) {
	data, err := EncodeICS(cal)
	if err != nil {
		return "", err
	}
	return c.putDAVObject(ctx, href, "text/calendar; charset=utf-8", data, cond)
}

func (c *Client) putDAVObject(ctx context.Context, href, contentType string, data []byte, cond Precondition) (string, error) {
	h, err := cond.header()
	if err != nil {
		return "", err
	}
	h.Set("Content-Type", contentType)
	resp, _, err := c.Call(ctx, &Request{Method: http.MethodPut, Path: href, API: APIDAV, Header: h, Body: data, OK: []int{http.StatusCreated, http.StatusNoContent, http.StatusOK}})
	if err != nil {
		return "", err
	}
	if etag := resp.Header.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
		return etag, nil
	}
	// No (strong) ETag in the answer: the stored bytes may differ from ours,
	// so ask for the current one instead of guessing.
	head, _, err := c.Call(ctx, &Request{Method: http.MethodHead, Path: href, API: APIDAV})
	if err != nil {
		return "", nil
	}
	return head.Header.Get("ETag"), nil
}

// DeleteDAVObject deletes one calendar object or vCard, only if it still has
// the ETag ifMatch (required).
func (c *Client) DeleteDAVObject(ctx context.Context, href, ifMatch string) error {
	h, err := Precondition{IfMatch: ifMatch}.header()
	if err != nil {
		return err
	}
	_, _, err = c.Call(ctx, &Request{Method: http.MethodDelete, Path: href, API: APIDAV, Header: h, OK: []int{http.StatusNoContent, http.StatusOK}})
	return err
}

// FindByUID returns the object of a calendar whose component has this UID,
// or an error matching ErrNotFound. Objects from other clients are not
// always named after their UID, so the server is asked by UID.
func (c *Client) FindByUID(ctx context.Context, calHref, component, uid string) (*CalendarObject, error) {
	objs, _, err := c.QueryCalendar(ctx, calHref, CalendarQuery{Component: component, UID: uid})
	if err != nil {
		return nil, err
	}
	for i := range objs {
		if ObjectUID(objs[i].Data) == uid {
			return &objs[i], nil
		}
	}
	return nil, &Error{Method: "REPORT", Path: calHref, Status: http.StatusNotFound, Message: "no " + component + " with UID " + uid}
}

// Occurrences lists the event occurrences of one calendar overlapping
// [from, to). The server is asked to expand recurrences (Nextcloud does);
// expanded data has lost the event's zone, so the stored objects are fetched
// to give it back. Data the server did not expand (Radicale) is expanded
// here. Dates and floating times are placed in loc.
func (c *Client) Occurrences(ctx context.Context, calHref string, from, to time.Time, loc *time.Location) ([]Occurrence, int, error) {
	// Dates and floating times are wall clock; widen the server's window so
	// none at the edges is missed, and filter exactly below.
	q := CalendarQuery{Component: ical.CompEvent, Start: from.Add(-26 * time.Hour), End: to.Add(26 * time.Hour), Expand: true}
	objs, skipped, err := c.QueryCalendar(ctx, calHref, q)
	if err != nil {
		return nil, 0, err
	}
	var out []Occurrence
	var expandedHrefs []string
	expanded := map[string]CalendarObject{}
	for _, o := range objs {
		if hasServerExpansion(o.Data) {
			expandedHrefs = append(expandedHrefs, o.Href)
			expanded[hrefKey(o.Href)] = o
			continue
		}
		evs, err := ExpandEvents(o.Data, from, to, loc)
		if err != nil {
			skipped++
			continue
		}
		for _, e := range evs {
			out = append(out, Occurrence{EventData: e, Href: o.Href, ETag: o.ETag})
		}
	}
	if len(expandedHrefs) > 0 {
		originals, err := c.MultiGetCalendar(ctx, calHref, expandedHrefs)
		if err != nil {
			return nil, 0, err
		}
		for _, orig := range originals {
			x, ok := expanded[hrefKey(orig.Href)]
			if !ok {
				continue
			}
			var evs []EventData
			if hasFloatingStart(orig.Data) {
				// The server turned floating times into UTC with a zone of its
				// choosing; the stored object says what they were.
				evs, err = ExpandEvents(orig.Data, from, to, loc)
			} else {
				evs, err = mergeExpanded(x.Data, orig.Data, from, to, loc)
			}
			if err != nil {
				skipped++
				continue
			}
			etag := orig.ETag
			if etag == "" {
				etag = x.ETag
			}
			for _, e := range evs {
				out = append(out, Occurrence{EventData: e, Href: orig.Href, ETag: etag})
			}
		}
	}
	return out, skipped, nil
}

// Occurrence is one instance of an event, with the object it belongs to.
type Occurrence struct {
	EventData
	Href string
	ETag string
}
