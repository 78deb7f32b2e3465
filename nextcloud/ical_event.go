package nextcloud

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// Attendee is one ATTENDEE of an event.
type Attendee struct {
	Email  string
	Name   string
	Status string // PARTSTAT: NEEDS-ACTION, ACCEPTED, DECLINED, TENTATIVE
	Role   string
}

// EventData is what a VEVENT says, read into plain fields.
type EventData struct {
	UID          string
	Summary      string
	Location     string
	Description  string
	Status       string
	Transparency string
	Class        string
	Start, End   CalTime
	RRule        string
	RecurrenceID CalTime
	Categories   []string
	Attendees    []Attendee
	Organizer    string
	// Reminders are minutes before the start, from relative VALARM triggers.
	Reminders []int
	Sequence  int
	// Recurring is true for the master of a series and for its instances.
	Recurring bool
}

// Busy reports whether the event blocks time: not cancelled, not transparent.
func (e EventData) Busy() bool {
	return !strings.EqualFold(e.Status, "CANCELLED") && !strings.EqualFold(e.Transparency, "TRANSPARENT")
}

// parseEvent reads a VEVENT (or an expanded instance of one).
func icalParseEvent(comp *ical.Component, z *zoneResolver) (EventData, error) {
	e := EventData{
		UID:          icalText(comp.Props.Get(ical.PropUID)),
		Summary:      icalText(comp.Props.Get(ical.PropSummary)),
		Location:     icalText(comp.Props.Get(ical.PropLocation)),
		Description:  icalText(comp.Props.Get(ical.PropDescription)),
		Status:       strings.ToUpper(icalText(comp.Props.Get(ical.PropStatus))),
		Transparency: strings.ToUpper(icalText(comp.Props.Get(ical.PropTransparency))),
		Class:        strings.ToUpper(icalText(comp.Props.Get(ical.PropClass))),
		Categories:   icalTextList(comp, ical.PropCategories),
	}
	if p := comp.Props.Get(ical.PropRecurrenceRule); p != nil {
		e.RRule = p.Value
	}
	var err error
	if e.Start, err = readCalTime(comp.Props.Get(ical.PropDateTimeStart), z); err != nil {
		return e, err
	}
	if e.Start.IsZero() {
		return e, fmt.Errorf("event %q has no DTSTART", e.UID)
	}
	if e.End, err = icalEventEnd(comp, e.Start, z); err != nil {
		return e, err
	}
	if e.RecurrenceID, err = readCalTime(comp.Props.Get(ical.PropRecurrenceID), z); err != nil {
		return e, err
	}
	e.Recurring = e.RRule != "" || comp.Props.Get(ical.PropRecurrenceDates) != nil || !e.RecurrenceID.IsZero()
	if p := comp.Props.Get(ical.PropSequence); p != nil {
		e.Sequence, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	if p := comp.Props.Get(ical.PropOrganizer); p != nil {
		e.Organizer = CalAddressEmail(p.Value)
	}
	for _, p := range comp.Props[ical.PropAttendee] {
		e.Attendees = append(e.Attendees, Attendee{
			Email:  CalAddressEmail(p.Value),
			Name:   p.Params.Get("CN"),
			Status: strings.ToUpper(p.Params.Get("PARTSTAT")),
			Role:   strings.ToUpper(p.Params.Get("ROLE")),
		})
	}
	for _, alarm := range comp.Children {
		if alarm.Name != ical.CompAlarm {
			continue
		}
		if m, ok := reminderMinutes(alarm); ok {
			e.Reminders = append(e.Reminders, m)
		}
	}
	return e, nil
}

// icalEventEnd is DTEND, or DTSTART plus DURATION, or the RFC 5545 default: one
// day for a date, zero length for a date-time.
func icalEventEnd(comp *ical.Component, start CalTime, z *zoneResolver) (CalTime, error) {
	if p := comp.Props.Get(ical.PropDateTimeEnd); p != nil {
		end, err := readCalTime(p, z)
		if err != nil {
			return end, err
		}
		if !end.Time.Before(start.Time) {
			return end, nil
		}
	}
	if p := comp.Props.Get(ical.PropDuration); p != nil {
		d, err := p.Duration()
		if err == nil && d >= 0 {
			return addCalDuration(start, d), nil
		}
	}
	if start.AllDay {
		return start.AddDays(1), nil
	}
	return start, nil
}

// addCalDuration adds whole days as calendar days (so they keep the wall clock
// across DST) and the rest as elapsed time, as RFC 5545 3.3.6 says.
func addCalDuration(t CalTime, d time.Duration) CalTime {
	days := int(d / (24 * time.Hour))
	rest := d - time.Duration(days)*24*time.Hour
	t = t.AddDays(days)
	t.Time = t.Time.Add(rest)
	return t
}

func reminderMinutes(alarm *ical.Component) (int, bool) {
	trig := alarm.Props.Get(ical.PropTrigger)
	if trig == nil || strings.EqualFold(trig.Params.Get("RELATED"), "END") || trig.ValueType() != ical.ValueDuration {
		return 0, false
	}
	d, err := trig.Duration()
	if err != nil {
		return 0, false
	}
	return int(-d / time.Minute), true
}

// EventPatch lists the fields to set on an event; nil leaves a field as it is.
type EventPatch struct {
	Summary     *string
	Location    *string
	Description *string
	Status      *string
	Start       *CalTime
	End         *CalTime
	// RRule sets the recurrence rule; "" removes it (and with it the
	// exceptions and changed instances of the series).
	RRule      *string
	Categories *[]string
	Attendees  *[]Attendee
	// Organizer is written as ORGANIZER when attendees are set and the event
	// has none, so Nextcloud sends the invitations.
	Organizer string
	Reminders *[]int
}

// CheckRRule validates a recurrence rule; "RRULE:" in front is accepted.
func CheckRRule(rule string) (string, error) {
	rule = strings.ToUpper(strings.TrimSpace(rule))
	rule = strings.TrimPrefix(rule, "RRULE:")
	if rule == "" {
		return "", nil
	}
	opt, err := rrule.StrToROption(rule)
	if err != nil {
		return "", fmt.Errorf("recurrence rule %q is not an RFC 5545 RRULE (%v): write it like \"FREQ=WEEKLY;BYDAY=MO\"", rule, err)
	}
	if err := rfcRuleParts(opt); err != nil {
		return "", fmt.Errorf("recurrence rule %q: %w; write it like \"FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=5\"", rule, err)
	}
	if !strings.Contains(strings.ToUpper(rule), "FREQ=") {
		return "", fmt.Errorf("recurrence rule %q has no FREQ: write it like \"FREQ=WEEKLY;BYDAY=MO\"", rule)
	}
	return rule, nil
}

// NewEventObject builds a calendar object holding one new event.
func NewEventObject(uid string, p EventPatch, now time.Time) (*ical.Calendar, error) {
	cal := newCalendarObject()
	ev := ical.NewComponent(ical.CompEvent)
	ev.Props.SetText(ical.PropUID, uid)
	icalSetUTC(ev, ical.PropCreated, now)
	cal.Children = append(cal.Children, ev)
	if p.Start == nil {
		return nil, fmt.Errorf("a new event needs a start")
	}
	if err := ApplyEventPatch(cal, ev, p, now); err != nil {
		return nil, err
	}
	ev.Props.Del(ical.PropSequence)
	return cal, nil
}

func newCalendarObject() *ical.Calendar {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, ProdID)
	cal.Props.SetText(ical.PropCalendarScale, "GREGORIAN")
	return cal
}

func icalSetUTC(c *ical.Component, name string, t time.Time) {
	p := ical.NewProp(name)
	p.Value = t.UTC().Format("20060102T150405Z")
	c.Props.Set(p)
}

// ApplyEventPatch changes ev (a VEVENT of cal) as p says and leaves every
// other property and component alone. It keeps the event's length when only
// the start moves, writes times with TZID and adds the VTIMEZONE they need.
func ApplyEventPatch(cal *ical.Calendar, ev *ical.Component, p EventPatch, now time.Time) error {
	z := newZoneResolver(cal)
	setText := func(name string, v *string) {
		if v == nil {
			return
		}
		if *v == "" {
			ev.Props.Del(name)
			return
		}
		ev.Props.SetText(name, *v)
	}
	setText(ical.PropSummary, p.Summary)
	setText(ical.PropLocation, p.Location)
	setText(ical.PropDescription, p.Description)
	if p.Status != nil {
		s := strings.ToUpper(strings.TrimSpace(*p.Status))
		switch s {
		case "", "TENTATIVE", "CONFIRMED", "CANCELLED":
		default:
			return fmt.Errorf("event status %q is not one of TENTATIVE, CONFIRMED, CANCELLED", *p.Status)
		}
		setText(ical.PropStatus, &s)
	}
	if p.Start != nil || p.End != nil {
		if err := applyEventTimes(ev, p.Start, p.End, z); err != nil {
			return err
		}
	}
	if p.RRule != nil {
		rule, err := CheckRRule(*p.RRule)
		if err != nil {
			return err
		}
		if rule == "" {
			ev.Props.Del(ical.PropRecurrenceRule)
			ev.Props.Del(ical.PropExceptionDates)
			ev.Props.Del(ical.PropRecurrenceDates)
			icalDropOverrides(cal, icalText(ev.Props.Get(ical.PropUID)))
		} else {
			rp := ical.NewProp(ical.PropRecurrenceRule)
			rp.Value = rule
			ev.Props.Set(rp)
		}
	}
	if p.Categories != nil {
		ev.Props.Del(ical.PropCategories)
		if len(*p.Categories) > 0 {
			cp := ical.NewProp(ical.PropCategories)
			cp.SetTextList(*p.Categories)
			ev.Props.Set(cp)
		}
	}
	if p.Attendees != nil {
		ev.Props.Del(ical.PropAttendee)
		for _, a := range *p.Attendees {
			ap := ical.NewProp(ical.PropAttendee)
			ap.Value = "mailto:" + a.Email
			if a.Name != "" {
				ap.Params.Set("CN", a.Name)
			}
			ap.Params.Set("ROLE", "REQ-PARTICIPANT")
			ap.Params.Set("PARTSTAT", "NEEDS-ACTION")
			ap.Params.Set("RSVP", "TRUE")
			ev.Props.Add(ap)
		}
		if len(*p.Attendees) > 0 && ev.Props.Get(ical.PropOrganizer) == nil && p.Organizer != "" {
			op := ical.NewProp(ical.PropOrganizer)
			op.Value = p.Organizer
			ev.Props.Set(op)
		}
	}
	if p.Reminders != nil {
		kept := ev.Children[:0]
		for _, child := range ev.Children {
			if child.Name != ical.CompAlarm {
				kept = append(kept, child)
			}
		}
		ev.Children = kept
		summary := icalText(ev.Props.Get(ical.PropSummary))
		for _, m := range *p.Reminders {
			ev.Children = append(ev.Children, displayAlarm(m, summary))
		}
	}
	icalStamp(ev, now)
	return syncTimezones(cal, z)
}

// applyEventTimes sets DTSTART/DTEND. A new start without an end moves the
// event and keeps its length; DURATION gives way to DTEND.
func applyEventTimes(ev *ical.Component, start, end *CalTime, z *zoneResolver) error {
	oldStart, err := readCalTime(ev.Props.Get(ical.PropDateTimeStart), z)
	if err != nil {
		return err
	}
	var oldEnd CalTime
	if !oldStart.IsZero() {
		if oldEnd, err = icalEventEnd(ev, oldStart, z); err != nil {
			return err
		}
	}
	newStart := oldStart
	if start != nil {
		newStart = *start
	}
	var newEnd CalTime
	switch {
	case end != nil:
		newEnd = *end
	case start != nil && !oldStart.IsZero() && oldStart.AllDay == newStart.AllDay:
		if newStart.AllDay {
			days := int(oldEnd.Time.Sub(oldStart.Time).Hours()/24 + 0.5)
			newEnd = newStart.AddDays(days)
		} else {
			newEnd = newStart
			newEnd.Time = newStart.Time.Add(oldEnd.Time.Sub(oldStart.Time))
		}
	case newStart.AllDay:
		newEnd = newStart.AddDays(1)
	default:
		newEnd = newStart
		newEnd.Time = newStart.Time.Add(time.Hour)
	}
	if newStart.AllDay != newEnd.AllDay {
		return fmt.Errorf("start and end must both be dates (all-day) or both date-times")
	}
	if !newEnd.Time.After(newStart.Time) && !(newEnd.Time.Equal(newStart.Time) && !newStart.AllDay) {
		return fmt.Errorf("the end (%s) must be after the start (%s)", newEnd.Time.Format(time.RFC3339), newStart.Time.Format(time.RFC3339))
	}
	ev.Props.Set(calTimeProp(ical.PropDateTimeStart, newStart))
	ev.Props.Del(ical.PropDuration)
	ev.Props.Set(calTimeProp(ical.PropDateTimeEnd, newEnd))
	return nil
}

func displayAlarm(minutes int, summary string) *ical.Component {
	a := ical.NewComponent(ical.CompAlarm)
	a.Props.SetText(ical.PropAction, "DISPLAY")
	if summary == "" {
		summary = "Reminder"
	}
	a.Props.SetText(ical.PropDescription, summary)
	t := ical.NewProp(ical.PropTrigger)
	t.Value = icalTrigger(minutes)
	a.Props.Set(t)
	return a
}

// icalTrigger writes "-PT15M" for 15 minutes before the start.
func icalTrigger(minutes int) string {
	sign := "-"
	if minutes < 0 {
		sign, minutes = "", -minutes
	}
	switch {
	case minutes == 0:
		return "PT0S"
	case minutes%(24*60) == 0:
		return fmt.Sprintf("%sP%dD", sign, minutes/(24*60))
	default:
		return fmt.Sprintf("%sPT%dM", sign, minutes)
	}
}

// stamp refreshes DTSTAMP and LAST-MODIFIED and bumps SEQUENCE, so other
// clients and attendees see the change as new.
func icalStamp(c *ical.Component, now time.Time) {
	icalSetUTC(c, ical.PropDateTimeStamp, now)
	icalSetUTC(c, ical.PropLastModified, now)
	seq := 0
	if p := c.Props.Get(ical.PropSequence); p != nil {
		seq, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	sp := ical.NewProp(ical.PropSequence)
	sp.Value = strconv.Itoa(seq + 1)
	c.Props.Set(sp)
}

func icalDropOverrides(cal *ical.Calendar, uid string) {
	kept := cal.Children[:0]
	for _, child := range cal.Children {
		if child.Props.Get(ical.PropRecurrenceID) != nil && icalText(child.Props.Get(ical.PropUID)) == uid {
			continue
		}
		kept = append(kept, child)
	}
	cal.Children = kept
}

// syncTimezones adds a VTIMEZONE for every TZID the object uses that has
// none, and drops VTIMEZONEs nothing refers to any more.
func syncTimezones(cal *ical.Calendar, z *zoneResolver) error {
	type span struct{ from, to time.Time }
	used := map[string]*span{}
	var order []string
	for _, comp := range cal.Children {
		if comp.Name == ical.CompTimezone {
			continue
		}
		for _, props := range comp.Props {
			for i := range props {
				tzid := strings.Trim(props[i].Params.Get(ical.PropTimezoneID), `"`)
				if tzid == "" {
					continue
				}
				vals, err := readCalTimes(&props[i], z)
				if err != nil {
					return err
				}
				s := used[tzid]
				if s == nil {
					s = &span{}
					used[tzid] = s
					order = append(order, tzid)
				}
				for _, v := range vals {
					if s.from.IsZero() || v.Time.Before(s.from) {
						s.from = v.Time
					}
					if v.Time.After(s.to) {
						s.to = v.Time
					}
				}
			}
		}
	}
	sort.Strings(order)
	have := map[string]bool{}
	kept := cal.Children[:0]
	for _, comp := range cal.Children {
		if comp.Name == ical.CompTimezone {
			tzid := strings.Trim(icalText(comp.Props.Get(ical.PropTimezoneID)), `"`)
			if used[tzid] == nil {
				continue
			}
			have[tzid] = true
		}
		kept = append(kept, comp)
	}
	cal.Children = kept
	var zones []*ical.Component
	for _, tzid := range order {
		if have[tzid] {
			continue
		}
		loc := resolveTZID(tzid)
		if loc == nil {
			return fmt.Errorf("time zone %q is not an IANA zone name and the object has no VTIMEZONE for it", tzid)
		}
		zones = append(zones, VTimezone(loc, used[tzid].from, used[tzid].to))
	}
	// VTIMEZONEs go first, as most clients write them.
	cal.Children = append(zones, cal.Children...)
	return nil
}

// MasterComponent returns the component of kind (VEVENT, VTODO) that is not
// a changed instance, or the first one when every one is.
func MasterComponent(cal *ical.Calendar, kind string) *ical.Component {
	var first *ical.Component
	for _, c := range cal.Children {
		if c.Name != kind {
			continue
		}
		if c.Props.Get(ical.PropRecurrenceID) == nil {
			return c
		}
		if first == nil {
			first = c
		}
	}
	return first
}

// ObjectUID returns the UID of the object's first non-timezone component.
func ObjectUID(cal *ical.Calendar) string {
	for _, c := range cal.Children {
		if c.Name != ical.CompTimezone {
			return icalText(c.Props.Get(ical.PropUID))
		}
	}
	return ""
}

// ParseEvent reads the master VEVENT of an object.
func ParseEvent(cal *ical.Calendar) (EventData, error) {
	ev := MasterComponent(cal, ical.CompEvent)
	if ev == nil {
		return EventData{}, fmt.Errorf("the object holds no VEVENT")
	}
	return icalParseEvent(ev, newZoneResolver(cal))
}

// CalAddressEmail is the e-mail address of a calendar user address: the
// value without its mailto: scheme.
func CalAddressEmail(v string) string {
	return strings.TrimPrefix(strings.TrimPrefix(v, "mailto:"), "MAILTO:")
}
