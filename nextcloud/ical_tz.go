package nextcloud

import (
	"fmt"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // the IANA database travels with the binary: Windows and slim containers lack one

	"github.com/emersion/go-ical"
)

// LoadZone resolves an IANA time zone name such as "Europe/Berlin". It
// refuses "Local", whose meaning depends on the machine this runs on.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.EqualFold(name, "local") {
		return nil, fmt.Errorf("time zone %q is not an IANA zone name: use one like \"Europe/Berlin\" or \"America/New_York\"", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("time zone %q is not an IANA zone name: use one like \"Europe/Berlin\" or \"America/New_York\"", name)
	}
	return loc, nil
}

// zoneTransition is one change of UTC offset.
type zoneTransition struct {
	at         time.Time // the instant, UTC
	fromOffset int       // seconds east of UTC before
	toOffset   int       // after
	name       string    // abbreviation after, e.g. CEST
	dst        bool      // daylight saving time after
}

// transitions lists the offset changes of loc in [from, to).
func zoneTransitions(loc *time.Location, from, to time.Time) []zoneTransition {
	var out []zoneTransition
	t := from.In(loc)
	for i := 0; i < 1000 && t.Before(to); i++ {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.Before(to) {
			break
		}
		_, before := t.Zone()
		after := end.In(loc)
		name, offset := after.Zone()
		if offset != before || after.IsDST() != t.IsDST() {
			out = append(out, zoneTransition{at: end.UTC(), fromOffset: before, toOffset: offset, name: name, dst: after.IsDST()})
		}
		t = after
	}
	return out
}

// VTimezone builds a VTIMEZONE for loc that is exact for every instant from
// the year before from to the year after to. Go's zone database has no
// rules, only transitions, so the rules are rebuilt: transitions that repeat
// on the same weekday of the same month at the same wall time become one
// observance with a yearly RRULE; the last such run has no UNTIL so it keeps
// covering occurrences of open-ended recurrences. Anything irregular becomes
// single-onset observances.
func VTimezone(loc *time.Location, from, to time.Time) *ical.Component {
	tz := ical.NewComponent(ical.CompTimezone)
	tz.Props.SetText(ical.PropTimezoneID, loc.String())
	if to.Before(from) {
		to = from
	}
	start := time.Date(from.Year()-1, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year()+2, 1, 1, 0, 0, 0, 0, time.UTC)
	trs := zoneTransitions(loc, start, end)
	if len(trs) == 0 {
		name, offset := from.In(loc).Zone()
		obs := ical.NewComponent(ical.CompTimezoneStandard)
		setLocalProp(obs, ical.PropDateTimeStart, time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC))
		setOffsetProp(obs, ical.PropTimezoneOffsetFrom, offset)
		setOffsetProp(obs, ical.PropTimezoneOffsetTo, offset)
		obs.Props.SetText(ical.PropTimezoneName, name)
		tz.Children = append(tz.Children, obs)
		return tz
	}
	lastYear := end.Year() - 1
	for _, run := range transitionRuns(trs) {
		tz.Children = append(tz.Children, run.observance(lastYear))
	}
	return tz
}

// transitionRun is a sequence of yearly transitions that one RRULE describes.
type transitionRun struct {
	items    []zoneTransition
	ordinals map[int]bool // BYDAY ordinals that fit every item (1..5, -1)
}

func (r *transitionRun) first() zoneTransition { return r.items[0] }
func (r *transitionRun) last() zoneTransition  { return r.items[len(r.items)-1] }

// onsetWall is the local wall-clock time of a transition, in the offset in
// force before it, which is how VTIMEZONE DTSTART and RRULE count.
func onsetWall(t zoneTransition) time.Time {
	return t.at.Add(time.Duration(t.fromOffset) * time.Second)
}

func ordinalsOf(wall time.Time) map[int]bool {
	d := wall.Day()
	days := time.Date(wall.Year(), wall.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
	out := map[int]bool{(d-1)/7 + 1: true}
	if d+7 > days {
		out[-1] = true
	}
	return out
}

// fits reports whether t continues the run a year later under the same rule.
func (r *transitionRun) fits(t zoneTransition) bool {
	prev := r.last()
	pw, tw := onsetWall(prev), onsetWall(t)
	if tw.Year() != pw.Year()+1 || tw.Month() != pw.Month() || tw.Weekday() != pw.Weekday() ||
		tw.Hour() != pw.Hour() || tw.Minute() != pw.Minute() || tw.Second() != pw.Second() ||
		t.fromOffset != prev.fromOffset || t.toOffset != prev.toOffset || t.dst != prev.dst || t.name != prev.name {
		return false
	}
	for o := range r.ordinals {
		if ordinalsOf(tw)[o] {
			return true
		}
	}
	return false
}

func (r *transitionRun) add(t zoneTransition) {
	r.items = append(r.items, t)
	next := ordinalsOf(onsetWall(t))
	for o := range r.ordinals {
		if !next[o] {
			delete(r.ordinals, o)
		}
	}
}

// transitionRuns groups transitions of the same kind into yearly runs.
func transitionRuns(trs []zoneTransition) []*transitionRun {
	var runs []*transitionRun
	open := map[bool]*transitionRun{} // by dst: the run that may continue
	for _, t := range trs {
		if r := open[t.dst]; r != nil && r.fits(t) {
			r.add(t)
			continue
		}
		r := &transitionRun{items: []zoneTransition{t}, ordinals: ordinalsOf(onsetWall(t))}
		runs = append(runs, r)
		open[t.dst] = r
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].first().at.Before(runs[j].first().at) })
	return runs
}

var icalWeekdays = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

func (r *transitionRun) observance(lastYear int) *ical.Component {
	f := r.first()
	kind := ical.CompTimezoneStandard
	if f.dst {
		kind = ical.CompTimezoneDaylight
	}
	obs := ical.NewComponent(kind)
	setLocalProp(obs, ical.PropDateTimeStart, onsetWall(f))
	setOffsetProp(obs, ical.PropTimezoneOffsetFrom, f.fromOffset)
	setOffsetProp(obs, ical.PropTimezoneOffsetTo, f.toOffset)
	obs.Props.SetText(ical.PropTimezoneName, f.name)
	if len(r.items) < 2 {
		return obs
	}
	ordinal := 0
	for _, o := range []int{-1, 1, 2, 3, 4, 5} {
		if r.ordinals[o] {
			ordinal = o
			break
		}
	}
	wall := onsetWall(f)
	rule := fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%d%s", int(wall.Month()), ordinal, icalWeekdays[wall.Weekday()])
	if onsetWall(r.last()).Year() < lastYear {
		// The rule ended (the zone changed its rules); later runs take over.
		rule += ";UNTIL=" + r.last().at.UTC().Format("20060102T150405Z")
	}
	p := ical.NewProp(ical.PropRecurrenceRule)
	p.SetValueType(ical.ValueRecurrence)
	p.Value = rule
	obs.Props.Set(p)
	return obs
}

// setLocalProp writes a floating date-time (no TZID, no Z), as VTIMEZONE wants.
func setLocalProp(c *ical.Component, name string, wall time.Time) {
	p := ical.NewProp(name)
	p.Value = wall.Format("20060102T150405")
	c.Props.Set(p)
}

func setOffsetProp(c *ical.Component, name string, seconds int) {
	sign := '+'
	if seconds < 0 {
		sign, seconds = '-', -seconds
	}
	v := fmt.Sprintf("%c%02d%02d", sign, seconds/3600, seconds%3600/60)
	if s := seconds % 60; s != 0 {
		v += fmt.Sprintf("%02d", s)
	}
	p := ical.NewProp(name)
	p.SetValueType(ical.ValueUTCOffset)
	p.Value = v
	c.Props.Set(p)
}
