package index

import (
	"strings"
	"time"

	"github.com/emersion/go-ical"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// deckCalendarPrefix marks the read-only calendars Nextcloud generates from
// Deck boards (caldav/05); their cards are indexed by the Deck source.
const deckCalendarPrefix = "app-generated--deck--"

// syncCalendars indexes events (app calendar) and tasks (app tasks). The
// home listing carries each calendar's sync token, so an unchanged account
// costs that one PROPFIND.
func (r *run) syncCalendars() error {
	cals, err := r.c.Calendars(r.ctx)
	if err != nil {
		return err
	}
	var cols []davCollection
	for _, c := range cals {
		if strings.HasPrefix(c.Name, deckCalendarPrefix) {
			continue
		}
		cols = append(cols, davCollection{Href: c.Href, Name: c.Name, DisplayName: c.DisplayName, Token: c.SyncToken})
	}
	return r.syncDAVCollections(cols, false, calendarDoc)
}

// calendarDoc indexes an object's summary, description, location,
// categories and attendees.
func calendarDoc(col davCollection, o nextcloud.DAVObjectData) (doc, bool) {
	cal, err := nextcloud.DecodeICS([]byte(o.Data))
	if err != nil {
		return doc{}, false
	}
	app, comp := AppCalendar, nextcloud.MasterComponent(cal, ical.CompEvent)
	if comp == nil {
		app, comp = AppTasks, nextcloud.MasterComponent(cal, ical.CompToDo)
	}
	if comp == nil {
		return doc{}, false
	}
	text := func(name string) string {
		if p := comp.Props.Get(name); p != nil {
			return strings.TrimSpace(p.Value)
		}
		return ""
	}
	uid := text(ical.PropUID)
	title := text(ical.PropSummary)
	var body []string
	for _, s := range []string{text(ical.PropDescription), text(ical.PropLocation)} {
		if s != "" {
			body = append(body, s)
		}
	}
	for _, name := range []string{ical.PropOrganizer, ical.PropAttendee} {
		for _, p := range comp.Props.Values(name) {
			who := strings.TrimSpace(p.Params.Get(ical.ParamCommonName))
			mail := nextcloud.CalAddressEmail(p.Value)
			body = append(body, strings.TrimSpace(who+" "+mail))
		}
	}
	meta := []string{col.DisplayName}
	if c := text(ical.PropCategories); c != "" {
		meta = append(meta, c)
	}
	d := doc{
		App: app, Title: title, Body: strings.Join(body, "\n"), Meta: strings.Join(meta, "\n"),
		Modified: icalModified(comp),
	}
	// An invitation's text is the organiser's.
	if p := comp.Props.Get(ical.PropOrganizer); p != nil {
		d.Author = strings.TrimSpace(nextcloud.CalAddressEmail(p.Value))
	}
	if app == AppCalendar {
		d.Open = OpenRef{Tool: "nc_calendar_get_event", Args: map[string]any{"calendar_name": col.Name, "event_uid": uid}}
	} else {
		d.Open = OpenRef{Tool: "nc_tasks_list", Args: map[string]any{"calendar_name": col.Name, "status": "all", "query": title}}
	}
	return d, true
}

// icalModified is LAST-MODIFIED, else DTSTAMP, else CREATED.
func icalModified(comp *ical.Component) time.Time {
	for _, name := range []string{ical.PropLastModified, ical.PropDateTimeStamp, ical.PropCreated} {
		if p := comp.Props.Get(name); p != nil {
			if t, err := p.DateTime(time.UTC); err == nil {
				return t
			}
		}
	}
	return time.Time{}
}
