package ncfake

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/teambition/rrule-go"
)

// The fake's own recurrence expansion and calendar-query matching. It is
// written apart from the client's (nextcloud/ical_expand.go) on purpose: a
// shared bug would make the tests agree with themselves.

var errNoInstances = errors.New("no instances in range")

type fakeInstance struct {
	comp         *ical.Component
	start, end   time.Time
	allDay       bool
	recurrenceID time.Time
	recurring    bool
}

// overlaps follows RFC 4791 9.9 for VEVENT.
func (in fakeInstance) overlaps(from, to time.Time) bool {
	if in.end.Equal(in.start) {
		return !in.start.Before(from) && in.start.Before(to)
	}
	return in.start.Before(to) && in.end.After(from)
}

// fakeTime reads a DATE, UTC, TZID or floating value; dates and floating
// times count as UTC, as Sabre does for a calendar without a time zone.
func fakeTime(p *ical.Prop) (time.Time, bool, error) {
	if p == nil {
		return time.Time{}, false, nil
	}
	v := strings.TrimSpace(strings.Split(p.Value, ",")[0])
	if strings.EqualFold(p.Params.Get(ical.ParamValue), "DATE") || len(v) == 8 {
		t, err := time.Parse("20060102", v)
		return t, true, err
	}
	if strings.HasSuffix(v, "Z") {
		t, err := time.Parse("20060102T150405Z", v)
		return t, false, err
	}
	loc := time.UTC
	if tzid := p.Params.Get(ical.PropTimezoneID); tzid != "" {
		if l, err := time.LoadLocation(strings.Trim(tzid, `"`)); err == nil {
			loc = l
		}
	}
	t, err := time.ParseInLocation("20060102T150405", v, loc)
	return t, false, err
}

func fakeTimes(p ical.Prop) []time.Time {
	var out []time.Time
	for _, v := range strings.Split(p.Value, ",") {
		q := p
		q.Value = strings.TrimSpace(strings.Split(v, "/")[0])
		if t, _, err := fakeTime(&q); err == nil {
			out = append(out, t)
		}
	}
	return out
}

func fakeSpan(c *ical.Component) (start, end time.Time, allDay bool, err error) {
	start, allDay, err = fakeTime(c.Props.Get(ical.PropDateTimeStart))
	if err != nil || start.IsZero() {
		return start, start, allDay, err
	}
	if p := c.Props.Get(ical.PropDateTimeEnd); p != nil {
		end, _, err = fakeTime(p)
		return start, end, allDay, err
	}
	if p := c.Props.Get(ical.PropDuration); p != nil {
		d, err := p.Duration()
		return start, start.Add(d), allDay, err
	}
	if allDay {
		return start, start.AddDate(0, 0, 1), true, nil
	}
	return start, start, false, nil
}

// fakeInstances lists every instance of the object's components of kind,
// walking each series to a fixed horizon.
func fakeInstances(cal *ical.Calendar, kind string) ([]fakeInstance, error) {
	overrides := map[string]map[int64]*ical.Component{}
	var masters []*ical.Component
	for _, c := range cal.Children {
		if c.Name != kind {
			continue
		}
		if rid := c.Props.Get(ical.PropRecurrenceID); rid != nil {
			t, _, err := fakeTime(rid)
			if err != nil {
				return nil, err
			}
			uid := c.Props.Get(ical.PropUID)
			key := ""
			if uid != nil {
				key = uid.Value
			}
			if overrides[key] == nil {
				overrides[key] = map[int64]*ical.Component{}
			}
			overrides[key][t.Unix()] = c
			continue
		}
		masters = append(masters, c)
	}
	var out []fakeInstance
	for _, m := range masters {
		key := ""
		if uid := m.Props.Get(ical.PropUID); uid != nil {
			key = uid.Value
		}
		start, end, allDay, err := fakeSpan(m)
		if err != nil {
			return nil, err
		}
		if start.IsZero() {
			out = append(out, fakeInstance{comp: m})
			continue
		}
		rr := m.Props.Get(ical.PropRecurrenceRule)
		if rr == nil && m.Props.Get(ical.PropRecurrenceDates) == nil {
			out = append(out, fakeInstance{comp: m, start: start, end: end, allDay: allDay})
			continue
		}
		set := rrule.Set{}
		set.DTStart(start)
		set.RDate(start)
		if rr != nil {
			opt, err := rrule.StrToROptionInLocation(rr.Value, start.Location())
			if err != nil {
				return nil, fmt.Errorf("invalid RRULE %q: %w", rr.Value, err)
			}
			opt.Dtstart = start
			rule, err := rrule.NewRRule(*opt)
			if err != nil {
				return nil, err
			}
			set.RRule(rule)
		}
		for _, p := range m.Props[ical.PropRecurrenceDates] {
			for _, t := range fakeTimes(p) {
				set.RDate(t)
			}
		}
		for _, p := range m.Props[ical.PropExceptionDates] {
			for _, t := range fakeTimes(p) {
				set.ExDate(t)
			}
		}
		length := end.Sub(start)
		horizon := time.Now().AddDate(20, 0, 0)
		next := set.Iterator()
		for i := 0; i < 100000; i++ {
			t, ok := next()
			if !ok || t.After(horizon) {
				break
			}
			if oc := overrides[key][t.Unix()]; oc != nil {
				os, oe, oAllDay, err := fakeSpan(oc)
				if err != nil {
					return nil, err
				}
				out = append(out, fakeInstance{comp: oc, start: os, end: oe, allDay: oAllDay, recurrenceID: t, recurring: true})
				continue
			}
			out = append(out, fakeInstance{comp: m, start: t, end: t.Add(length), allDay: allDay, recurrenceID: t, recurring: true})
		}
	}
	return out, nil
}

// matchCalFilter applies a calendar-query filter (RFC 4791 9.7) to an object.
func matchCalFilter(f compFilterXML, cal *ical.Calendar) (bool, error) {
	if !strings.EqualFold(f.Name, ical.CompCalendar) {
		return f.IsNotDefined != nil, nil
	}
	for _, child := range f.CompFilters {
		ok, err := matchComponents(child, cal)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, pf := range f.PropFilters {
		if !matchPropFilter(pf, cal.Component) {
			return false, nil
		}
	}
	return true, nil
}

// matchComponents checks a comp-filter against the components of that name.
func matchComponents(f compFilterXML, cal *ical.Calendar) (bool, error) {
	name := strings.ToUpper(f.Name)
	var comps []*ical.Component
	for _, c := range cal.Children {
		if c.Name == name {
			comps = append(comps, c)
		}
	}
	if f.IsNotDefined != nil {
		return len(comps) == 0, nil
	}
	if len(comps) == 0 {
		return false, nil
	}
	if f.TimeRange != nil {
		from, to, err := parseTimeRange(f.TimeRange)
		if err != nil {
			return false, err
		}
		hit, err := componentInRange(cal, name, comps, from, to)
		if err != nil || !hit {
			return false, err
		}
	}
	for _, c := range comps {
		ok := true
		for _, pf := range f.PropFilters {
			if !matchPropFilter(pf, c) {
				ok = false
				break
			}
		}
		for _, sub := range f.CompFilters {
			if !ok {
				break
			}
			hit := false
			for _, child := range c.Children {
				if strings.EqualFold(child.Name, sub.Name) {
					hit = true
				}
			}
			if sub.IsNotDefined != nil {
				hit = !hit
			}
			ok = hit
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func parseTimeRange(tr *timeRangeXML) (time.Time, time.Time, error) {
	from, to := time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	var err error
	if tr.Start != "" {
		if from, err = time.Parse("20060102T150405Z", tr.Start); err != nil {
			return from, to, fmt.Errorf("the time-range start %q is not a UTC date-time", tr.Start)
		}
	}
	if tr.End != "" {
		if to, err = time.Parse("20060102T150405Z", tr.End); err != nil {
			return from, to, fmt.Errorf("the time-range end %q is not a UTC date-time", tr.End)
		}
	}
	return from, to, nil
}

// componentInRange: events by instance overlap, tasks by RFC 4791 9.9's table.
func componentInRange(cal *ical.Calendar, name string, comps []*ical.Component, from, to time.Time) (bool, error) {
	switch name {
	case ical.CompEvent:
		insts, err := fakeInstances(cal, name)
		if err != nil {
			return false, err
		}
		for _, in := range insts {
			if in.overlaps(from, to) {
				return true, nil
			}
		}
		return false, nil
	case ical.CompToDo:
		for _, c := range comps {
			if todoInRange(c, from, to) {
				return true, nil
			}
		}
		return false, nil
	}
	return true, nil
}

func todoInRange(c *ical.Component, from, to time.Time) bool {
	start, _, _ := fakeTime(c.Props.Get(ical.PropDateTimeStart))
	due, _, _ := fakeTime(c.Props.Get(ical.PropDue))
	completed, _, _ := fakeTime(c.Props.Get(ical.PropCompleted))
	created, _, _ := fakeTime(c.Props.Get(ical.PropCreated))
	switch {
	case !start.IsZero() && !due.IsZero():
		return (from.Before(due) || !from.After(start)) && (to.After(start) || !to.Before(due))
	case !start.IsZero():
		return !start.Before(from) && start.Before(to)
	case !due.IsZero():
		return from.Before(due) && !due.After(to)
	case !completed.IsZero() && !created.IsZero():
		return (!from.After(created) || !from.After(completed)) && (!to.Before(created) || !to.Before(completed))
	case !completed.IsZero():
		return !completed.Before(from) && !completed.After(to)
	case !created.IsZero():
		return to.After(created)
	}
	return true
}

// matchPropFilter: is-not-defined, text-match (case-insensitive unless the
// collation is i;octet, against every instance of the property), or presence.
func matchPropFilter(pf propFilterXML, c *ical.Component) bool {
	props := c.Props[strings.ToUpper(pf.Name)]
	if pf.IsNotDefined != nil {
		return len(props) == 0
	}
	if len(props) == 0 {
		return false
	}
	if pf.TextMatch == nil {
		return true
	}
	needle := pf.TextMatch.Value
	octet := pf.TextMatch.Collation == "i;octet"
	hit := false
	for _, p := range props {
		v := unescapeICalText(p.Value)
		if octet && strings.Contains(v, needle) || !octet && strings.Contains(strings.ToLower(v), strings.ToLower(needle)) {
			hit = true
			break
		}
	}
	if pf.TextMatch.Negate == "yes" {
		return !hit
	}
	return hit
}

func unescapeICalText(v string) string {
	r := strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	return r.Replace(v)
}
