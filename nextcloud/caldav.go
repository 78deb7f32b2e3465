package nextcloud

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// Calendar is one calendar collection of the user's calendar home.
type Calendar struct {
	// Href is the escaped path below the base URL, ending in "/".
	Href string
	// Name is the last path segment, unescaped: the stable id tools use.
	Name        string
	DisplayName string
	Description string
	Color       string
	// Components lists what the calendar accepts: VEVENT, VTODO, VJOURNAL.
	Components []string
	CTag       string
	SyncToken  string
	// Writable is false when the server grants no write privilege (birthday
	// calendars, Deck boards, shares with read access).
	Writable bool
	// Transparent calendars (schedule-calendar-transp) never count as busy.
	Transparent bool
}

// Supports reports whether the calendar accepts a component (VEVENT, VTODO).
func (cal Calendar) Supports(component string) bool {
	if len(cal.Components) == 0 {
		// RFC 4791: a calendar without the property accepts every component.
		return true
	}
	for _, c := range cal.Components {
		if strings.EqualFold(c, component) {
			return true
		}
	}
	return false
}

type calendarProps struct {
	DisplayName  *string `xml:"DAV: displayname"`
	ResourceType *struct {
		Calendar        *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
		DeletedCalendar *struct{} `xml:"http://nextcloud.com/ns deleted-calendar"`
	} `xml:"DAV: resourcetype"`
	Components *struct {
		Comp []struct {
			Name string `xml:"name,attr"`
		} `xml:"urn:ietf:params:xml:ns:caldav comp"`
	} `xml:"urn:ietf:params:xml:ns:caldav supported-calendar-component-set"`
	CTag        *string `xml:"http://calendarserver.org/ns/ getctag"`
	SyncToken   *string `xml:"DAV: sync-token"`
	Color       *string `xml:"http://apple.com/ns/ical/ calendar-color"`
	Description *string `xml:"urn:ietf:params:xml:ns:caldav calendar-description"`
	Privileges  *struct {
		Privilege []davPrivilege `xml:"DAV: privilege"`
	} `xml:"DAV: current-user-privilege-set"`
	Transp *struct {
		Transparent *struct{} `xml:"urn:ietf:params:xml:ns:caldav transparent"`
	} `xml:"urn:ietf:params:xml:ns:caldav schedule-calendar-transp"`
}

const calendarPropfind = `<?xml version="1.0" encoding="utf-8"?>
<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:cs="http://calendarserver.org/ns/" xmlns:x1="http://apple.com/ns/ical/">
  <d:prop><d:displayname/><d:resourcetype/><c:supported-calendar-component-set/><cs:getctag/><d:sync-token/><x1:calendar-color/><c:calendar-description/><d:current-user-privilege-set/><c:schedule-calendar-transp/></d:prop>
</d:propfind>`

// Calendars lists the calendars of the user's calendar home. Nextcloud keeps
// a deleted calendar listed (as nc:deleted-calendar) until the trash bin is
// emptied; those, the scheduling inbox/outbox and the trash bin are left out.
func (c *Client) Calendars(ctx context.Context) ([]Calendar, error) {
	home, err := c.CalendarHome(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := davTyped[calendarProps](ctx, c, "PROPFIND", home, "1", nil, []byte(calendarPropfind))
	if err != nil {
		return nil, fmt.Errorf("list calendars in %s: %w", home, err)
	}
	var out []Calendar
	for _, r := range ms.Responses {
		href := c.collectionPath(r.Href)
		if href == home {
			continue
		}
		cal, ok := calendarFrom(href, r.found())
		if ok {
			out = append(out, cal)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func calendarFrom(href string, props []calendarProps) (Calendar, bool) {
	cal := Calendar{Href: href, Name: davLastSegment(href), Writable: true}
	isCalendar := false
	for _, p := range props {
		if p.ResourceType != nil {
			if p.ResourceType.DeletedCalendar != nil {
				return Calendar{}, false
			}
			isCalendar = isCalendar || p.ResourceType.Calendar != nil
		}
		if p.DisplayName != nil {
			cal.DisplayName = strings.TrimSpace(*p.DisplayName)
		}
		if p.Description != nil {
			cal.Description = strings.TrimSpace(*p.Description)
		}
		if p.Color != nil {
			cal.Color = strings.TrimSpace(*p.Color)
		}
		if p.CTag != nil {
			cal.CTag = strings.TrimSpace(*p.CTag)
		}
		if p.SyncToken != nil {
			cal.SyncToken = strings.TrimSpace(*p.SyncToken)
		}
		if p.Components != nil {
			for _, comp := range p.Components.Comp {
				cal.Components = append(cal.Components, strings.ToUpper(comp.Name))
			}
		}
		if p.Privileges != nil {
			cal.Writable = davCanWrite(p.Privileges.Privilege)
		}
		if p.Transp != nil && p.Transp.Transparent != nil {
			cal.Transparent = true
		}
	}
	return cal, isCalendar
}

// davPrivilege is one <d:privilege>; only the ones that allow writing
// objects matter here.
type davPrivilege struct {
	Write        *struct{} `xml:"DAV: write"`
	WriteContent *struct{} `xml:"DAV: write-content"`
	All          *struct{} `xml:"DAV: all"`
	Bind         *struct{} `xml:"DAV: bind"`
}

func davCanWrite(privs []davPrivilege) bool {
	for _, p := range privs {
		if p.Write != nil || p.WriteContent != nil || p.All != nil || p.Bind != nil {
			return true
		}
	}
	return false
}

// davLastSegment returns the unescaped last segment of an escaped collection path.
func davLastSegment(href string) string {
	segs := strings.Split(strings.Trim(href, "/"), "/")
	s := segs[len(segs)-1]
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// NewCalendar describes a calendar to create.
type NewCalendar struct {
	DisplayName string
	Color       string
	Description string
	// Components defaults to VEVENT and VTODO.
	Components []string
}

// CreateCalendar creates a calendar named name (the URL segment) in the
// calendar home with MKCALENDAR. An existing name answers 405.
func (c *Client) CreateCalendar(ctx context.Context, name string, o NewCalendar) (*Calendar, error) {
	if err := checkCollectionName(name); err != nil {
		return nil, err
	}
	home, err := c.CalendarHome(ctx)
	if err != nil {
		return nil, err
	}
	comps := o.Components
	if len(comps) == 0 {
		comps = []string{"VEVENT", "VTODO"}
	}
	var props strings.Builder
	if o.DisplayName != "" {
		props.WriteString("<d:displayname>" + xmlText(o.DisplayName) + "</d:displayname>")
	}
	if o.Color != "" {
		props.WriteString("<x1:calendar-color>" + xmlText(o.Color) + "</x1:calendar-color>")
	}
	if o.Description != "" {
		props.WriteString("<c:calendar-description>" + xmlText(o.Description) + "</c:calendar-description>")
	}
	props.WriteString("<c:supported-calendar-component-set>")
	for _, comp := range comps {
		props.WriteString(`<c:comp name="` + xmlText(strings.ToUpper(comp)) + `"/>`)
	}
	props.WriteString("</c:supported-calendar-component-set>")
	body := `<?xml version="1.0" encoding="utf-8"?>
<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav" xmlns:x1="http://apple.com/ns/ical/"><d:set><d:prop>` + props.String() + `</d:prop></d:set></c:mkcalendar>`
	href := home + url.PathEscape(name) + "/"
	_, _, err = c.Call(ctx, &Request{
		Method: "MKCALENDAR", Path: href, API: APIDAV, Body: []byte(body),
		Header: http.Header{"Content-Type": {"application/xml; charset=utf-8"}},
		OK:     []int{http.StatusCreated},
	})
	if err != nil {
		return nil, err
	}
	return &Calendar{Href: href, Name: name, DisplayName: o.DisplayName, Color: o.Color, Description: o.Description, Components: comps, Writable: true}, nil
}

// DeleteCalendar deletes a calendar collection. Nextcloud moves it to its
// calendar trash bin, from where the web UI can restore it.
func (c *Client) DeleteCalendar(ctx context.Context, cal Calendar) error {
	_, _, err := c.Call(ctx, &Request{Method: http.MethodDelete, Path: cal.Href, API: APIDAV, OK: []int{http.StatusNoContent, http.StatusOK}})
	return err
}

// checkCollectionName refuses names that would not stay one URL segment.
func checkCollectionName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\\") {
		return fmt.Errorf("collection name %q must be one non-empty path segment without slashes, like \"work\"", name)
	}
	return nil
}
