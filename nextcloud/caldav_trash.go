package nextcloud

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// Nextcloud keeps deleted events, tasks and calendars in a per-user CalDAV
// trash bin (caldav-trashbin/). Its properties are in http://nextcloud.com/ns
// (.com, unlike the .org of the other nc: properties).

// Kinds of calendar trash items.
const (
	CalendarTrashEvent    = "event"
	CalendarTrashTask     = "task"
	CalendarTrashCalendar = "calendar"
)

// CalendarTrashItem is a deleted event, task or calendar.
type CalendarTrashItem struct {
	// ID is "object/<n>.ics" for an event or task (a new number, not its
	// old name) and "calendar/<name>" for a calendar.
	ID   string
	Kind string
	// Calendar is the name (URI) of the calendar it was in, or the
	// calendar's own name.
	Calendar  string
	Title     string
	UID       string
	Start     string
	DeletedAt time.Time
}

type calTrashObjectProps struct {
	Data      *string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
	Calendar  *string `xml:"http://nextcloud.com/ns calendar-uri"`
	DeletedAt *string `xml:"http://nextcloud.com/ns deleted-at"`
}

type calTrashHomeProps struct {
	DisplayName  *string `xml:"DAV: displayname"`
	ResourceType *struct {
		Deleted *struct{} `xml:"http://nextcloud.com/ns deleted-calendar"`
	} `xml:"DAV: resourcetype"`
	DeletedAt *string `xml:"http://nextcloud.com/ns deleted-at"`
}

// PROPFIND Depth 1 on trashbin/objects/ is 501 (caldav-trashbin/05): the
// deleted objects are listed with a calendar-query REPORT (06).
const calTrashReport = `<?xml version="1.0"?><c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:x1="http://nextcloud.com/ns">` +
	`<d:prop><d:getetag/><c:calendar-data/><x1:calendar-uri/><x1:deleted-at/></d:prop><c:filter><c:comp-filter name="VCALENDAR"/></c:filter></c:calendar-query>`

const calTrashHomePropfind = `<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x1="http://nextcloud.com/ns">` +
	`<d:prop><d:resourcetype/><d:displayname/><x1:deleted-at/></d:prop></d:propfind>`

// CalendarTrash lists the calendar trash bin, most recently deleted first:
// deleted events and tasks, and deleted calendars (which stay listed in the
// calendar home, marked deleted-calendar, caldav-trashbin/11).
func (c *Client) CalendarTrash(ctx context.Context) ([]CalendarTrashItem, error) {
	home, err := c.CalendarHome(ctx)
	if err != nil {
		return nil, err
	}
	objects := home + "trashbin/objects/"
	ms, err := davTyped[calTrashObjectProps](ctx, c, "REPORT", objects, "1", nil, []byte(calTrashReport))
	if err != nil {
		return nil, fmt.Errorf("list the calendar trash bin: %w", err)
	}
	var out []CalendarTrashItem
	for _, r := range ms.Responses {
		name := davLastSegment(c.objectPath(r.Href))
		if name == "" {
			continue
		}
		item := CalendarTrashItem{ID: "object/" + name, Kind: CalendarTrashEvent}
		for _, p := range r.found() {
			if p.Calendar != nil {
				item.Calendar = strings.TrimSpace(*p.Calendar)
			}
			if p.DeletedAt != nil {
				item.DeletedAt = parseDeletedAt(*p.DeletedAt)
			}
			if p.Data != nil {
				if cal, err := DecodeICS([]byte(*p.Data)); err == nil {
					item.describe(cal)
				}
			}
		}
		out = append(out, item)
	}
	hs, err := davTyped[calTrashHomeProps](ctx, c, "PROPFIND", home, "1", nil, []byte(calTrashHomePropfind))
	if err != nil {
		return nil, fmt.Errorf("list deleted calendars: %w", err)
	}
	for _, r := range hs.Responses {
		var item *CalendarTrashItem
		for _, p := range r.found() {
			if p.ResourceType == nil || p.ResourceType.Deleted == nil {
				continue
			}
			name := davLastSegment(c.collectionPath(r.Href))
			item = &CalendarTrashItem{ID: "calendar/" + name, Kind: CalendarTrashCalendar, Calendar: name, Title: name}
		}
		if item == nil {
			continue
		}
		for _, p := range r.found() {
			if p.DisplayName != nil && strings.TrimSpace(*p.DisplayName) != "" {
				item.Title = strings.TrimSpace(*p.DisplayName)
			}
			if p.DeletedAt != nil {
				item.DeletedAt = parseDeletedAt(*p.DeletedAt)
			}
		}
		out = append(out, *item)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DeletedAt.After(out[j].DeletedAt) })
	return out, nil
}

// describe takes the title, uid, start and kind from the object's data.
func (item *CalendarTrashItem) describe(cal *ical.Calendar) {
	for _, comp := range cal.Children {
		switch comp.Name {
		case ical.CompEvent:
		case ical.CompToDo:
			item.Kind = CalendarTrashTask
		default:
			continue
		}
		if p := comp.Props.Get(ical.PropSummary); p != nil {
			item.Title = p.Value
		}
		if p := comp.Props.Get(ical.PropUID); p != nil {
			item.UID = p.Value
		}
		if p := comp.Props.Get(ical.PropDateTimeStart); p != nil {
			item.Start = p.Value
		}
		return
	}
}

func parseDeletedAt(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// RestoreCalendarTrash brings an item back: an event or task into the
// calendar it was deleted from, under its old name (caldav-trashbin/07-08),
// a calendar with its events (13-14).
func (c *Client) RestoreCalendarTrash(ctx context.Context, id string) error {
	home, err := c.CalendarHome(ctx)
	if err != nil {
		return err
	}
	kind, name, ok := strings.Cut(id, "/")
	if !ok || name == "" || strings.ContainsAny(name, "/\\") || name == "." || name == ".." {
		return fmt.Errorf("%w: calendar trash id %q is not one of nc_calendar_list_trash's ids", ErrNotFound, id)
	}
	var src string
	switch kind {
	case "object":
		src = home + "trashbin/objects/" + url.PathEscape(name)
	case "calendar":
		src = home + url.PathEscape(name)
	default:
		return fmt.Errorf("%w: calendar trash id %q is not one of nc_calendar_list_trash's ids", ErrNotFound, id)
	}
	dst := c.URL(home+"trashbin/restore/"+url.PathEscape(name), nil).String()
	_, _, err = c.Call(ctx, &Request{Method: "MOVE", Path: src, Header: http.Header{"Destination": {dst}},
		API: APIDAV, OK: []int{http.StatusCreated, http.StatusNoContent}})
	return err
}
