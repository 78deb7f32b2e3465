package tools

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// EventAttendee is one invited person.
type EventAttendee struct {
	Email  string `json:"email" jsonschema_description:"Attendee's email address."`
	Name   string `json:"name,omitempty" jsonschema_description:"Attendee's name."`
	Status string `json:"status,omitempty" jsonschema_description:"NEEDS-ACTION, ACCEPTED, DECLINED or TENTATIVE."`
}

// EventInfo is an event, or one occurrence of a recurring event.
type EventInfo struct {
	Calendar string `json:"calendar" jsonschema_description:"Name of the calendar (or task list) holding it."`
	UID      string `json:"uid" jsonschema_description:"Its iCalendar/vCard uid, the id other tools take."`
	// RecurrenceID identifies one occurrence of a recurring event: its original start.
	RecurrenceID string `json:"recurrence_id,omitempty" jsonschema_description:"Original start of this occurrence of a recurring event."`
	Title        string `json:"title" jsonschema_description:"The event's title (SUMMARY)."`
	Start        string `json:"start" jsonschema_description:"In the event's own time zone (RFC 3339 with offset), or a date for all-day events."`
	End          string `json:"end,omitempty" jsonschema_description:"Exclusive end in the event's own zone; for all-day events the last day (inclusive)."`
	StartUTC     string `json:"start_utc,omitempty" jsonschema_description:"Start in UTC (RFC 3339); absent for all-day and floating events."`
	EndUTC       string `json:"end_utc,omitempty" jsonschema_description:"End in UTC (RFC 3339); absent for all-day and floating events."`
	TimeZone     string `json:"timezone,omitempty" jsonschema_description:"The event's own zone: an IANA name, or UTC."`
	AllDay       bool   `json:"all_day,omitempty" jsonschema_description:"True for an all-day event (dates, no times)."`
	// Floating times have no zone: they mean that wall clock wherever the reader is.
	Floating       bool            `json:"floating,omitempty" jsonschema_description:"True when the times have no zone: they mean that wall-clock time wherever the reader is."`
	Location       string          `json:"location,omitempty" jsonschema_description:"Where it takes place."`
	Description    string          `json:"description,omitempty" jsonschema_description:"The event's description; cut to 300 characters in lists, whole from nc_calendar_get_event."`
	Status         string          `json:"status,omitempty" jsonschema_description:"CONFIRMED, TENTATIVE or CANCELLED"`
	Busy           *bool           `json:"busy,omitempty" jsonschema_description:"False when the event does not block time (transparent or cancelled)."`
	Recurring      bool            `json:"recurring,omitempty" jsonschema_description:"True when the event repeats."`
	RecurrenceRule string          `json:"recurrence_rule,omitempty" jsonschema_description:"The repeat rule (RRULE), for example FREQ=WEEKLY;BYDAY=MO."`
	Categories     []string        `json:"categories,omitempty" jsonschema_description:"Its categories (tags)."`
	Organizer      string          `json:"organizer,omitempty" jsonschema_description:"Organizer's email address."`
	Attendees      []EventAttendee `json:"attendees,omitempty" jsonschema_description:"Invited people and their answers."`
	Reminders      []int           `json:"reminder_minutes,omitempty" jsonschema_description:"Reminders, in minutes before the start."`
	ETag           string          `json:"etag" jsonschema_description:"Pass to update or delete so a concurrent change is not overwritten."`
}

func eventInfo(calendar string, e nextcloud.EventData, etag string, full bool) EventInfo {
	out := EventInfo{
		Calendar: calendar, UID: e.UID, Title: e.Summary,
		Start: calTimeOut(e.Start), StartUTC: calUTCOut(e.Start), TimeZone: calZoneOut(e.Start),
		AllDay: e.Start.AllDay, Floating: e.Start.Floating,
		Location: e.Location, Status: e.Status, Recurring: e.Recurring, Categories: e.Categories,
		ETag: nextcloud.ShortETag(etag),
	}
	if e.Start.UnknownZone {
		out.TimeZone = e.Start.TZID + " (unknown zone, read as UTC)"
	}
	if !e.End.IsZero() && !e.End.Time.Equal(e.Start.Time) {
		end := e.End
		if end.AllDay {
			end = end.AddDays(-1)
		}
		out.End, out.EndUTC = calTimeOut(end), calUTCOut(end)
	}
	if !e.RecurrenceID.IsZero() {
		out.RecurrenceID = calTimeOut(e.RecurrenceID)
	}
	if !e.Busy() {
		f := false
		out.Busy = &f
	}
	out.Description = e.Description
	// The organizer tells an invitation from the user's own event (untrusted text).
	out.Organizer = e.Organizer
	if full {
		out.RecurrenceRule = e.RRule
		out.Reminders = e.Reminders
		for _, a := range e.Attendees {
			out.Attendees = append(out.Attendees, EventAttendee{Email: a.Email, Name: a.Name, Status: a.Status})
		}
	} else {
		out.Description = clipText(out.Description, 300)
	}
	return out
}

// --- list events ---

// CalendarListEventsInput are the arguments of nc_calendar_list_events.
type CalendarListEventsInput struct {
	Start        string `json:"start"`
	End          string `json:"end"`
	CalendarName string `json:"calendar_name,omitempty" jsonschema_description:"default all"`
	Query        string `json:"query,omitempty" jsonschema_description:"text in title, location, description, categories"`
	Limit        int    `json:"limit,omitempty" jsonschema_description:"default 100, max 500"`
	TimeZone     string `json:"timezone,omitempty" jsonschema_description:"default UTC"`
}

// Validate implements the input check.
func (in *CalendarListEventsInput) Validate() error {
	if in.Limit < 0 || in.Limit > 500 {
		return inputErrorf("limit must be between 1 and 500, got %d", in.Limit)
	}
	return nil
}

// CalendarListEventsOutput is the result of nc_calendar_list_events.
type CalendarListEventsOutput struct {
	Events    []EventInfo `json:"events" jsonschema_description:"Events and occurrences in the window, in start order."`
	Total     int         `json:"total" jsonschema_description:"How many matched in all, before the limit."`
	Truncated bool        `json:"truncated,omitempty" jsonschema_description:"True when more matched than are listed; narrow the query or raise the limit."`
	// Warnings name calendars that could not be read; the others are listed.
	Warnings []string `json:"warnings,omitempty" jsonschema_description:"Parts that could not be read (for example one calendar that failed); the rest is still listed."`
}

// eventWindow parses and checks a start/end pair.
func eventWindow(startArg, endArg string, loc *time.Location, maxDays int) (time.Time, time.Time, error) {
	from, err := calBound("start", startArg, loc)
	if err != nil {
		return from, from, err
	}
	to, err := calBound("end", endArg, loc)
	if err != nil {
		return from, to, err
	}
	if !to.After(from) {
		return from, to, inputErrorf("end (%s) must be after start (%s)", endArg, startArg)
	}
	if to.Sub(from) > time.Duration(maxDays)*24*time.Hour {
		return from, to, inputErrorf("the window from %s to %s is longer than %d days: ask for a shorter one", startArg, endArg, maxDays)
	}
	return from, to, nil
}

type calendarOccurrence struct {
	calendar string
	nextcloud.Occurrence
}

// collectOccurrences lists occurrences in [from, to) from several calendars
// at once; a calendar that fails becomes a warning, not a failure.
func collectOccurrences(ctx context.Context, c *nextcloud.Client, cals []nextcloud.Calendar, from, to time.Time, loc *time.Location) ([]calendarOccurrence, []string, error) {
	var (
		mu       sync.Mutex
		out      []calendarOccurrence
		warnings []string
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, 4)
	)
	for _, cal := range cals {
		wg.Add(1)
		go func(cal nextcloud.Calendar) {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			occ, skipped, err := c.Occurrences(ctx, cal.Href, from, to, loc)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = about(err, "calendar %q", cal.Name)
				}
				warnings = append(warnings, Explain(about(err, "calendar %q", cal.Name)))
				return
			}
			if skipped > 0 {
				warnings = append(warnings, fmt.Sprintf("calendar %q: %d object(s) could not be read and were left out", cal.Name, skipped))
			}
			for _, o := range occ {
				out = append(out, calendarOccurrence{calendar: cal.Name, Occurrence: o})
			}
		}(cal)
	}
	wg.Wait()
	if len(out) == 0 && firstErr != nil && len(warnings) == len(cals) {
		return nil, nil, firstErr
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Start.In(loc), out[j].Start.In(loc)
		if !a.Equal(b) {
			return a.Before(b)
		}
		return out[i].Summary < out[j].Summary
	})
	sort.Strings(warnings)
	return out, warnings, nil
}

func eventMatches(e nextcloud.EventData, q string) bool {
	if q == "" {
		return true
	}
	q = strings.ToLower(q)
	hay := strings.ToLower(e.Summary + "\n" + e.Location + "\n" + e.Description + "\n" + strings.Join(e.Categories, "\n"))
	return strings.Contains(hay, q)
}

func calendarListEventsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_list_events",
		Title: "List events",
		Description: "List events between start and end, from one calendar or " +
			"all, with recurring events expanded into occurrences.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in CalendarListEventsInput) (CalendarListEventsOutput, error) {
		loc, err := calZoneArg(in.TimeZone)
		if err != nil {
			return CalendarListEventsOutput{}, err
		}
		from, to, err := eventWindow(in.Start, in.End, loc, 400)
		if err != nil {
			return CalendarListEventsOutput{}, err
		}
		if loc == nil {
			loc = time.UTC
		}
		cals, err := calendarsWith(ctx, call.Client, in.CalendarName, "VEVENT")
		if err != nil {
			return CalendarListEventsOutput{}, err
		}
		occ, warnings, err := collectOccurrences(ctx, call.Client, cals, from, to, loc)
		if err != nil {
			return CalendarListEventsOutput{}, err
		}
		limit := in.Limit
		if limit == 0 {
			limit = 100
		}
		out := CalendarListEventsOutput{Events: []EventInfo{}, Warnings: warnings}
		for _, o := range occ {
			if !eventMatches(o.EventData, in.Query) {
				continue
			}
			out.Total++
			if len(out.Events) < limit {
				out.Events = append(out.Events, eventInfo(o.calendar, o.EventData, o.ETag, false))
			}
		}
		out.Truncated = out.Total > len(out.Events)
		return out, nil
	})
}

// --- get event ---

// CalendarGetEventInput are the arguments of nc_calendar_get_event.
type CalendarGetEventInput struct {
	CalendarName string `json:"calendar_name"`
	EventUID     string `json:"event_uid"`
}

func calendarGetEventTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_get_event",
		Title: "Get an event",
		Description: "Read one event in full: times, recurrence, " +
			"attendees, reminders and etag.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in CalendarGetEventInput) (EventInfo, error) {
		cal, obj, err := findEvent(ctx, call.Client, in.CalendarName, in.EventUID)
		if err != nil {
			return EventInfo{}, err
		}
		e, err := nextcloud.ParseEvent(obj.Data)
		if err != nil {
			return EventInfo{}, about(err, "event %q", in.EventUID)
		}
		return eventInfo(cal.Name, e, obj.ETag, true), nil
	})
}

// findEvent resolves the calendar and the event object by UID.
func findEvent(ctx context.Context, c *nextcloud.Client, calendar, uid string) (nextcloud.Calendar, *nextcloud.CalendarObject, error) {
	return findObject(ctx, c, calendar, uid, ical.CompEvent, "event")
}

func findObject(ctx context.Context, c *nextcloud.Client, calendar, uid, component, word string) (nextcloud.Calendar, *nextcloud.CalendarObject, error) {
	if strings.TrimSpace(uid) == "" {
		return nextcloud.Calendar{}, nil, inputErrorf("%s uid is empty: take it from the list tool's output", word)
	}
	cal, err := resolveCalendar(ctx, c, calendar, component)
	if err != nil {
		return cal, nil, err
	}
	obj, err := c.FindByUID(ctx, cal.Href, component, uid)
	if err != nil {
		if errors.Is(err, nextcloud.ErrNotFound) {
			return cal, nil, inputErrorf("no %s with uid %q in calendar %q: list them first to get the uid", word, uid, cal.Name)
		}
		return cal, nil, about(err, "%s %q in calendar %q", word, uid, cal.Name)
	}
	return cal, obj, nil
}

// --- create event ---

// EventFields are the settable fields shared by create and update.
type EventFields struct {
	Location        *string  `json:"location,omitempty"`
	Description     *string  `json:"description,omitempty"`
	Attendees       []string `json:"attendees,omitempty" jsonschema_description:"emails to invite"`
	RecurrenceRule  *string  `json:"recurrence_rule,omitempty" jsonschema_description:"RRULE, e.g. FREQ=WEEKLY;BYDAY=MO,WE"`
	ReminderMinutes []int    `json:"reminder_minutes,omitempty" jsonschema_description:"minutes before the start, e.g. [15]"`
	Categories      []string `json:"categories,omitempty"`
	Status          *string  `json:"status,omitempty" jsonschema_description:"CONFIRMED, TENTATIVE or CANCELLED"`
}

// CalendarCreateEventInput are the arguments of nc_calendar_create_event.
type CalendarCreateEventInput struct {
	CalendarName    string `json:"calendar_name"`
	Title           string `json:"title"`
	Start           string `json:"start"`
	End             string `json:"end,omitempty" jsonschema_description:"exclusive; all-day: the last day; or duration_minutes"`
	DurationMinutes int    `json:"duration_minutes,omitempty" jsonschema_description:"instead of end; default 60, all-day 1 day"`
	AllDay          bool   `json:"all_day,omitempty"`
	TimeZone        string `json:"timezone,omitempty" jsonschema_description:"needed for local times and recurring events"`
	UID             string `json:"uid,omitempty" jsonschema_description:"optional; a retry with it makes no duplicate"`
	EventFields
}

// Validate implements the input check.
func (in *CalendarCreateEventInput) Validate() error {
	if strings.TrimSpace(in.Title) == "" {
		return inputErrorf("title is empty: give the event a title")
	}
	if strings.TrimSpace(in.Start) == "" {
		return inputErrorf("start is empty: %s", calTimeRules)
	}
	if in.End != "" && in.DurationMinutes != 0 {
		return inputErrorf("give end or duration_minutes, not both")
	}
	if in.DurationMinutes < 0 {
		return inputErrorf("duration_minutes must be positive, got %d", in.DurationMinutes)
	}
	return in.EventFields.validate()
}

func (f *EventFields) validate() error {
	for _, m := range f.ReminderMinutes {
		if m < 0 || m > 60*24*60 {
			return inputErrorf("reminder_minutes %d must be between 0 and %d (60 days)", m, 60*24*60)
		}
	}
	for _, a := range f.Attendees {
		if !strings.Contains(a, "@") || strings.ContainsAny(a, " \t<>\"") {
			return inputErrorf("attendee %q is not an email address like ann@example.com", a)
		}
	}
	if f.Status != nil && *f.Status != "" {
		switch strings.ToUpper(*f.Status) {
		case "CONFIRMED", "TENTATIVE", "CANCELLED":
		default:
			return inputErrorf("status %q is not CONFIRMED, TENTATIVE or CANCELLED", *f.Status)
		}
	}
	if f.RecurrenceRule != nil {
		if _, err := nextcloud.CheckRRule(*f.RecurrenceRule); err != nil {
			return inputErrorf("%v", err)
		}
	}
	return nil
}

// patch turns the shared fields into an EventPatch (times are set by the caller).
func (f *EventFields) patch(organizer string) nextcloud.EventPatch {
	p := nextcloud.EventPatch{Location: f.Location, Description: f.Description, Status: f.Status, RRule: f.RecurrenceRule, Organizer: organizer}
	if f.Attendees != nil {
		as := make([]nextcloud.Attendee, 0, len(f.Attendees))
		for _, a := range f.Attendees {
			as = append(as, nextcloud.Attendee{Email: strings.TrimPrefix(strings.TrimSpace(a), "mailto:")})
		}
		p.Attendees = &as
	}
	if f.ReminderMinutes != nil {
		r := append([]int(nil), f.ReminderMinutes...)
		p.Reminders = &r
	}
	if f.Categories != nil {
		c := append([]string(nil), f.Categories...)
		p.Categories = &c
	}
	return p
}

// eventTimes works out start and end from the arguments.
func eventTimes(startArg, endArg string, durationMin int, allDay bool, loc *time.Location) (nextcloud.CalTime, *nextcloud.CalTime, error) {
	start, err := parseCalTime("start", startArg, loc)
	if err != nil {
		return start, nil, err
	}
	if allDay && !start.AllDay {
		return start, nil, inputErrorf("all_day events take dates: start %q should look like 2026-03-29", startArg)
	}
	var end *nextcloud.CalTime
	switch {
	case endArg != "":
		e, err := parseCalTime("end", endArg, loc)
		if err != nil {
			return start, nil, err
		}
		if e.AllDay != start.AllDay {
			return start, nil, inputErrorf("start and end must both be dates (all-day) or both times")
		}
		if e.AllDay {
			e = e.AddDays(1) // the last day is inclusive for people, exclusive in iCalendar
		}
		end = &e
	case durationMin > 0:
		e := start
		if start.AllDay {
			e = start.AddDays((durationMin + 24*60 - 1) / (24 * 60))
		} else {
			e.Time = start.Time.Add(time.Duration(durationMin) * time.Minute)
		}
		end = &e
	}
	return start, end, nil
}

func calendarCreateEventTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_create_event",
		Title: "Create an event",
		Description: "Create an event; dates make an all-day event. Attendees " +
			"get an invitation email. Returns its uid and etag.",
		Hints: Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in CalendarCreateEventInput) (EventInfo, error) {
		loc, err := calZoneArg(in.TimeZone)
		if err != nil {
			return EventInfo{}, err
		}
		start, end, err := eventTimes(in.Start, in.End, in.DurationMinutes, in.AllDay, loc)
		if err != nil {
			return EventInfo{}, err
		}
		if in.RecurrenceRule != nil && *in.RecurrenceRule != "" && !start.AllDay && loc == nil {
			return EventInfo{}, inputErrorf("a recurring event needs timezone (e.g. Europe/Berlin) so its occurrences keep their local time across daylight-saving changes")
		}
		cal, err := writableCalendar(ctx, call.Client, in.CalendarName, "VEVENT")
		if err != nil {
			return EventInfo{}, err
		}
		uid := strings.TrimSpace(in.UID)
		if uid == "" {
			uid = nextcloud.NewUID()
		} else if _, err := call.Client.FindByUID(ctx, cal.Href, ical.CompEvent, uid); err == nil {
			return EventInfo{}, inputErrorf("an event with uid %q already exists in calendar %q: update it with nc_calendar_update_event or pick another uid", uid, cal.Name)
		}
		organizer := ""
		if len(in.Attendees) > 0 {
			if homes, err := call.Client.DAVHomes(ctx); err == nil {
				organizer = homes.Mailto()
			}
		}
		p := in.EventFields.patch(organizer)
		title := strings.TrimSpace(in.Title)
		p.Summary, p.Start, p.End = &title, &start, end
		obj, err := nextcloud.NewEventObject(uid, p, time.Now())
		if err != nil {
			return EventInfo{}, inputErrorf("%v", err)
		}
		href := cal.Href + nextcloud.ResourceName(uid, "ics")
		etag, err := call.Client.PutCalendarObject(ctx, href, obj, nextcloud.Precondition{IfNoneMatch: true})
		if err != nil {
			if isDuplicateUID(err) {
				return EventInfo{}, inputErrorf("an event with uid %q already exists in calendar %q: update it with nc_calendar_update_event or pick another uid", uid, cal.Name)
			}
			return EventInfo{}, about(err, "new event %q in calendar %q", title, cal.Name)
		}
		e, err := nextcloud.ParseEvent(obj)
		if err != nil {
			return EventInfo{}, err
		}
		return eventInfo(cal.Name, e, etag, true), nil
	})
}

// --- update event ---

// CalendarUpdateEventInput are the arguments of nc_calendar_update_event.
type CalendarUpdateEventInput struct {
	CalendarName    string  `json:"calendar_name"`
	EventUID        string  `json:"event_uid"`
	ETag            string  `json:"etag,omitempty" jsonschema_description:"default: the current one"`
	Title           *string `json:"title,omitempty"`
	Start           string  `json:"start,omitempty" jsonschema_description:"alone keeps the length"`
	End             string  `json:"end,omitempty"`
	DurationMinutes int     `json:"duration_minutes,omitempty"`
	AllDay          *bool   `json:"all_day,omitempty"`
	TimeZone        string  `json:"timezone,omitempty"`
	EventFields
}

// Validate implements the input check.
func (in *CalendarUpdateEventInput) Validate() error {
	if in.Title != nil && strings.TrimSpace(*in.Title) == "" {
		return inputErrorf("title cannot be empty")
	}
	if in.End != "" && in.DurationMinutes != 0 {
		return inputErrorf("give end or duration_minutes, not both")
	}
	if in.DurationMinutes < 0 {
		return inputErrorf("duration_minutes must be positive, got %d", in.DurationMinutes)
	}
	return in.EventFields.validate()
}

func calendarUpdateEventTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_update_event",
		Title: "Update an event",
		Description: "Change fields of an event, keeping everything else (other apps' " +
			"data too). Applies to the whole series; attendees are notified.",
		Hints: Hints{Destructive: true, Idempotent: true, OpenWorld: true},
	}, func(ctx context.Context, call *Call, in CalendarUpdateEventInput) (EventInfo, error) {
		loc, err := calZoneArg(in.TimeZone)
		if err != nil {
			return EventInfo{}, err
		}
		cal, obj, err := findEvent(ctx, call.Client, in.CalendarName, in.EventUID)
		if err != nil {
			return EventInfo{}, err
		}
		if err := requireWritable(ctx, call.Client, cal, "VEVENT"); err != nil {
			return EventInfo{}, err
		}
		ev := nextcloud.MasterComponent(obj.Data, ical.CompEvent)
		current, err := nextcloud.ParseEvent(obj.Data)
		if err != nil {
			return EventInfo{}, about(err, "event %q", in.EventUID)
		}
		organizer := ""
		if len(in.Attendees) > 0 {
			if homes, err := call.Client.DAVHomes(ctx); err == nil {
				organizer = homes.Mailto()
			}
		}
		p := in.EventFields.patch(organizer)
		if in.Title != nil {
			t := strings.TrimSpace(*in.Title)
			p.Summary = &t
		}
		if err := updateEventTimes(&p, in, current, loc); err != nil {
			return EventInfo{}, err
		}
		if in.RecurrenceRule != nil && *in.RecurrenceRule != "" {
			st := current.Start
			if p.Start != nil {
				st = *p.Start
			}
			if !st.AllDay && st.TZID == "" {
				return EventInfo{}, inputErrorf("a recurring event needs a time zone so its occurrences keep their local time across daylight-saving changes: pass timezone too")
			}
		}
		if err := nextcloud.ApplyEventPatch(obj.Data, ev, p, time.Now()); err != nil {
			return EventInfo{}, inputErrorf("%v", err)
		}
		etag := calFirst(in.ETag, obj.ETag)
		newTag, err := call.Client.PutCalendarObject(ctx, obj.Href, obj.Data, nextcloud.Precondition{IfMatch: etag})
		if err != nil {
			return EventInfo{}, about(err, "event %q in calendar %q", in.EventUID, cal.Name)
		}
		e, err := nextcloud.ParseEvent(obj.Data)
		if err != nil {
			return EventInfo{}, err
		}
		return eventInfo(cal.Name, e, newTag, true), nil
	})
}

// updateEventTimes fills the time fields of a patch. Local times without a
// timezone argument are read in the event's own zone.
func updateEventTimes(p *nextcloud.EventPatch, in CalendarUpdateEventInput, current nextcloud.EventData, loc *time.Location) error {
	if loc == nil && current.Start.TZID != "" && !current.Start.UnknownZone {
		loc = current.Start.Time.Location()
	}
	allDay := current.Start.AllDay
	if in.AllDay != nil {
		allDay = *in.AllDay
	}
	switch {
	case in.Start != "" || in.End != "" || in.DurationMinutes > 0:
		startArg := in.Start
		if startArg == "" {
			if allDay != current.Start.AllDay {
				return inputErrorf("switching all_day needs a new start (a date for all-day, a time otherwise)")
			}
			start := current.Start
			p.Start = &start
			if in.End != "" || in.DurationMinutes > 0 {
				_, end, err := eventTimesFrom(start, in.End, in.DurationMinutes, loc)
				if err != nil {
					return err
				}
				p.End = end
			}
			return nil
		}
		start, end, err := eventTimes(startArg, in.End, in.DurationMinutes, allDay, loc)
		if err != nil {
			return err
		}
		if in.AllDay != nil && !*in.AllDay && start.AllDay {
			return inputErrorf("all_day is false but start %q is a date: give a time", in.Start)
		}
		p.Start, p.End = &start, end
		if end == nil && start.AllDay != current.Start.AllDay {
			// The old length does not carry over between dates and times.
			var e nextcloud.CalTime
			if start.AllDay {
				e = start.AddDays(1)
			} else {
				e = start
				e.Time = start.Time.Add(time.Hour)
			}
			p.End = &e
		}
	case in.AllDay != nil && *in.AllDay != current.Start.AllDay:
		return inputErrorf("switching all_day needs a new start (a date for all-day, a time otherwise)")
	case in.TimeZone != "" && !current.Start.AllDay:
		// Same instants, written in the new zone.
		s, e := current.Start, current.End
		s = nextcloud.ZonedValue(s.Time.In(loc))
		e = nextcloud.ZonedValue(e.Time.In(loc))
		p.Start, p.End = &s, &e
	}
	return nil
}

// eventTimesFrom computes a new end for a kept start.
func eventTimesFrom(start nextcloud.CalTime, endArg string, durationMin int, loc *time.Location) (nextcloud.CalTime, *nextcloud.CalTime, error) {
	if endArg != "" {
		e, err := parseCalTime("end", endArg, loc)
		if err != nil {
			return start, nil, err
		}
		if e.AllDay != start.AllDay {
			return start, nil, inputErrorf("the end must be a date for an all-day event and a time otherwise")
		}
		if e.AllDay {
			e = e.AddDays(1)
		}
		return start, &e, nil
	}
	e := start
	if start.AllDay {
		e = start.AddDays((durationMin + 24*60 - 1) / (24 * 60))
	} else {
		e.Time = start.Time.Add(time.Duration(durationMin) * time.Minute)
	}
	return start, &e, nil
}

// --- delete event ---

// CalendarDeleteEventInput are the arguments of nc_calendar_delete_event.
type CalendarDeleteEventInput struct {
	CalendarName string `json:"calendar_name"`
	EventUID     string `json:"event_uid"`
	ETag         string `json:"etag,omitempty"`
}

// CalendarDeleteEventOutput confirms a deletion.
type CalendarDeleteEventOutput struct {
	Deleted  bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
	Calendar string `json:"calendar" jsonschema_description:"Name of the calendar (or task list) holding it."`
	UID      string `json:"uid" jsonschema_description:"Uid of the deleted event."`
}

func calendarDeleteEventTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_delete_event",
		Title: "Delete an event",
		Description: "Delete an event; a recurring one with all occurrences. " +
			"Attendees of the user's own event get a cancellation.",
		Hints: Hints{Destructive: true, Idempotent: true, OpenWorld: true},
	}, func(ctx context.Context, call *Call, in CalendarDeleteEventInput) (CalendarDeleteEventOutput, error) {
		cal, obj, err := findEvent(ctx, call.Client, in.CalendarName, in.EventUID)
		if err != nil {
			return CalendarDeleteEventOutput{}, err
		}
		if err := requireWritable(ctx, call.Client, cal, "VEVENT"); err != nil {
			return CalendarDeleteEventOutput{}, err
		}
		if err := call.Client.DeleteDAVObject(ctx, obj.Href, calFirst(in.ETag, obj.ETag)); err != nil {
			return CalendarDeleteEventOutput{}, about(err, "event %q in calendar %q", in.EventUID, cal.Name)
		}
		return CalendarDeleteEventOutput{Deleted: true, Calendar: cal.Name, UID: in.EventUID}, nil
	})
}
