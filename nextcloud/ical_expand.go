package nextcloud

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// maxRecurrenceSteps bounds how far one series is walked, so a rule like
// FREQ=MINUTELY without end cannot stall a listing.
const maxRecurrenceSteps = 200000

// maxSeriesOccurrences bounds how many occurrences of one series a window
// yields: a minutely rule over a year would otherwise hold half a million
// events in memory (found by FuzzRRule). A week of minutes still fits.
const maxSeriesOccurrences = 12000

// Overlaps reports whether e overlaps [from, to). Dates and floating times
// are read as wall clock in loc. A zero-length event counts when it starts
// inside the window (RFC 4791 9.9).
func (e EventData) Overlaps(from, to time.Time, loc *time.Location) bool {
	s, en := e.Start.In(loc), e.End.In(loc)
	if !en.After(s) {
		return !s.Before(from) && s.Before(to)
	}
	return s.Before(to) && en.After(from)
}

// ExpandEvents returns every occurrence of the object's events that overlaps
// [from, to), sorted by start: single events as they are, recurring ones
// expanded from RRULE and RDATE minus EXDATE, with changed instances
// (RECURRENCE-ID components) in place of the ones they replace. Dates and
// floating times are placed in loc for the overlap test. This is the
// client-side expansion for servers that ignore <c:expand> (Radicale).
func ExpandEvents(cal *ical.Calendar, from, to time.Time, loc *time.Location) (out []EventData, err error) {
	// The guards refuse the rules known to crash rrule-go; one a server
	// sends that they miss must still cost one skipped event, not the server.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%w: %v", ErrRecurrenceUnexpandable, r)
		}
	}()
	if loc == nil {
		loc = time.UTC
	}
	z := newZoneResolver(cal)
	masters := map[string]*ical.Component{}
	overrides := map[string][]*ical.Component{}
	var uids []string
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		uid := icalText(c.Props.Get(ical.PropUID))
		if _, seen := masters[uid]; !seen {
			if _, seen := overrides[uid]; !seen {
				uids = append(uids, uid)
			}
		}
		if c.Props.Get(ical.PropRecurrenceID) != nil {
			overrides[uid] = append(overrides[uid], c)
		} else {
			masters[uid] = c
		}
	}
	for _, uid := range uids {
		var changed []EventData
		for _, oc := range overrides[uid] {
			e, err := icalParseEvent(oc, z)
			if err != nil {
				return nil, err
			}
			e.Recurring = true
			changed = append(changed, e)
			if e.Overlaps(from, to, loc) {
				out = append(out, e)
			}
		}
		mc := masters[uid]
		if mc == nil {
			continue
		}
		master, err := icalParseEvent(mc, z)
		if err != nil {
			return nil, err
		}
		if !master.Recurring {
			if master.Overlaps(from, to, loc) {
				out = append(out, master)
			}
			continue
		}
		occ, err := expandSeries(mc, master, changed, from, to, loc, z)
		if err != nil {
			return nil, err
		}
		out = append(out, occ...)
	}
	sortOccurrences(out)
	return out, nil
}

func sortOccurrences(out []EventData) {
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Start.In(time.UTC).Before(out[j].Start.In(time.UTC))
	})
}

// expandSeries walks the recurrence set of a master event.
func expandSeries(mc *ical.Component, master EventData, changed []EventData, from, to time.Time, loc *time.Location, z *zoneResolver) ([]EventData, error) {
	days := 0
	length := master.End.Time.Sub(master.Start.Time)
	if master.Start.AllDay {
		days = int(length.Hours()/24 + 0.5)
	}
	// Occurrences are generated in the series' own clock; dates and floating
	// times are wall clock in UTC there, so widen the window by a day on
	// each side and let Overlaps decide in loc.
	lower := from.Add(-length).Add(-26 * time.Hour)
	upper := to.Add(26 * time.Hour)
	set, err := recurrenceSet(mc, master.Start, lower, upper, z)
	if err != nil {
		return nil, err
	}
	next := set.Iterator()
	var out []EventData
	for step := 0; step < maxRecurrenceSteps && len(out) < maxSeriesOccurrences; step++ {
		t, ok := next()
		if !ok || t.After(upper) {
			break
		}
		if t.Before(lower) {
			continue
		}
		occ := master
		occ.Start.Time = t
		occ.RecurrenceID = occ.Start
		if master.Start.AllDay {
			occ.End = occ.Start.AddDays(days)
		} else {
			occ.End = occ.Start
			occ.End.Time = t.Add(length)
		}
		replaced := false
		for _, ch := range changed {
			if sameRecurrence(ch.RecurrenceID, occ.RecurrenceID) {
				replaced = true
				break
			}
		}
		if !replaced && occ.Overlaps(from, to, loc) {
			out = append(out, occ)
		}
	}
	return out, nil
}

// recurrenceSet builds the series from RRULE, RDATE and EXDATE, for the
// window [lower, upper].
// DTSTART is always the first instance, as RFC 5545 says, even when the rule
// would not produce it.
func recurrenceSet(mc *ical.Component, start CalTime, lower, upper time.Time, z *zoneResolver) (*rrule.Set, error) {
	set := &rrule.Set{}
	set.DTStart(start.Time)
	set.RDate(start.Time)
	for _, p := range mc.Props[ical.PropRecurrenceRule] {
		opt, err := rrule.StrToROptionInLocation(p.Value, start.Time.Location())
		if err != nil {
			return nil, err
		}
		opt.Dtstart = start.Time
		if !opt.Until.IsZero() && start.AllDay {
			// A date UNTIL includes its whole day.
			opt.Until = opt.Until.Add(24*time.Hour - time.Second)
		}
		// Nothing after the window is read, so the rule may stop there at
		// its next match instead of walking on.
		if opt.Until.IsZero() || opt.Until.After(upper) {
			opt.Until = upper
		}
		if err := checkRuleParts(opt); err != nil {
			return nil, err
		}
		if err := checkRecurrenceWalk(opt, lower); err != nil {
			return nil, err
		}
		if neverMatches(opt) || neverReachesTime(opt) {
			continue // DTSTART (and any RDATE) is all the series holds
		}
		r, err := rrule.NewRRule(*opt)
		if err != nil {
			return nil, err
		}
		set.RRule(r)
	}
	for _, p := range mc.Props[ical.PropRecurrenceDates] {
		vals, err := readCalTimes(&p, z)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			set.RDate(alignToStart(v, start))
		}
	}
	for _, p := range mc.Props[ical.PropExceptionDates] {
		vals, err := readCalTimes(&p, z)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			set.ExDate(alignToStart(v, start))
		}
	}
	return set, nil
}

// alignToStart expresses an RDATE/EXDATE the way the series counts: a date
// exception of a timed series removes the instance on that day at the
// series' time of day.
func alignToStart(v, start CalTime) time.Time {
	switch {
	case start.AllDay || start.Floating:
		y, m, d := v.Time.Date()
		if v.AllDay || start.AllDay {
			return time.Date(y, m, d, start.Time.Hour(), start.Time.Minute(), start.Time.Second(), 0, start.Time.Location())
		}
		return time.Date(y, m, d, v.Time.Hour(), v.Time.Minute(), v.Time.Second(), 0, start.Time.Location())
	case v.AllDay || v.Floating:
		y, m, d := v.Time.Date()
		h, mi, s := v.Time.Clock()
		if v.AllDay {
			h, mi, s = start.Time.Clock()
		}
		return time.Date(y, m, d, h, mi, s, 0, start.Time.Location())
	default:
		return v.Time
	}
}

// hasServerExpansion reports whether calendar-data looks expanded by the
// server: no rule left, and every time in UTC or a date, which is what
// Sabre's <c:expand> produces. Such data has lost the event's own zone.
func hasServerExpansion(cal *ical.Calendar) bool {
	hasTime := false
	for _, c := range cal.Children {
		if c.Name == ical.CompTimezone {
			return false
		}
		if c.Name != ical.CompEvent {
			continue
		}
		if c.Props.Get(ical.PropRecurrenceRule) != nil || c.Props.Get(ical.PropRecurrenceDates) != nil {
			return false
		}
		for _, name := range []string{ical.PropDateTimeStart, ical.PropDateTimeEnd, ical.PropRecurrenceID} {
			p := c.Props.Get(name)
			if p == nil {
				continue
			}
			if p.Params.Get(ical.PropTimezoneID) != "" {
				return false
			}
			if strings.HasSuffix(p.Value, "Z") {
				hasTime = true
			}
		}
	}
	return hasTime
}

// hasFloatingStart reports an event whose DTSTART is a local time without zone.
func hasFloatingStart(cal *ical.Calendar) bool {
	for _, c := range cal.Children {
		if c.Name != ical.CompEvent {
			continue
		}
		if p := c.Props.Get(ical.PropDateTimeStart); p != nil && len(p.Value) == 15 && p.Params.Get(ical.PropTimezoneID) == "" {
			return true
		}
	}
	return false
}

// mergeExpanded pairs the instances a server expanded (times in UTC) with
// the stored object they came from, so each occurrence reads in the event's
// own zone and carries the properties of its master or changed instance.
func mergeExpanded(expanded, original *ical.Calendar, from, to time.Time, loc *time.Location) ([]EventData, error) {
	if loc == nil {
		loc = time.UTC
	}
	zx := newZoneResolver(expanded)
	zo := newZoneResolver(original)
	var out []EventData
	for _, inst := range expanded.Children {
		if inst.Name != ical.CompEvent {
			continue
		}
		start, err := readCalTime(inst.Props.Get(ical.PropDateTimeStart), zx)
		if err != nil {
			return nil, err
		}
		if start.IsZero() {
			continue
		}
		end, err := icalEventEnd(inst, start, zx)
		if err != nil {
			return nil, err
		}
		recID, err := readCalTime(inst.Props.Get(ical.PropRecurrenceID), zx)
		if err != nil {
			return nil, err
		}
		uid := icalText(inst.Props.Get(ical.PropUID))
		src := sourceComponent(original, uid, recID, zo)
		if src == nil {
			e, err := icalParseEvent(inst, zx)
			if err != nil {
				return nil, err
			}
			if e.Overlaps(from, to, loc) {
				out = append(out, e)
			}
			continue
		}
		e, err := icalParseEvent(src, zo)
		if err != nil {
			return nil, err
		}
		master := e.Start
		if !e.RecurrenceID.IsZero() {
			master = e.RecurrenceID
		}
		e.Start = likeValue(start, e.Start)
		e.End = likeValue(end, e.End)
		if !recID.IsZero() {
			e.RecurrenceID = likeValue(recID, master)
			e.Recurring = true
		}
		if e.Overlaps(from, to, loc) {
			out = append(out, e)
		}
	}
	sortOccurrences(out)
	return out, nil
}

// sourceComponent finds the stored component an expanded instance came from:
// the changed instance with that RECURRENCE-ID, else the master.
func sourceComponent(original *ical.Calendar, uid string, recID CalTime, z *zoneResolver) *ical.Component {
	var master *ical.Component
	for _, c := range original.Children {
		if c.Name != ical.CompEvent || icalText(c.Props.Get(ical.PropUID)) != uid {
			continue
		}
		p := c.Props.Get(ical.PropRecurrenceID)
		if p == nil {
			master = c
			continue
		}
		if recID.IsZero() {
			continue
		}
		if v, err := readCalTime(p, z); err == nil && sameRecurrence(v, recID) {
			return c
		}
	}
	return master
}

// likeValue expresses an instant from expanded data the way the stored value
// was written: as a date, as floating wall clock, or in its zone.
func likeValue(v, like CalTime) CalTime {
	switch {
	case like.AllDay:
		y, m, d := v.Time.UTC().Date()
		return DateValue(y, m, d)
	case like.Floating:
		t := v.Time.UTC()
		return CalTime{Time: t, Floating: true}
	case like.TZID != "" && !like.UnknownZone:
		return CalTime{Time: v.Time.In(like.Time.Location()), TZID: like.TZID}
	default:
		return CalTime{Time: v.Time.UTC(), TZID: like.TZID, UnknownZone: like.UnknownZone}
	}
}
