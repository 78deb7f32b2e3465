package nextcloud

import (
	"fmt"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// CalTime is a DTSTART, DTEND, DUE or RECURRENCE-ID value as the object
// states it: a date, a date-time in a zone, in UTC, or floating.
type CalTime struct {
	// Time is the instant, in the value's own zone. An all-day value is
	// midnight UTC of its date; a floating value holds its wall clock in UTC.
	Time time.Time
	// AllDay marks a DATE value.
	AllDay bool
	// Floating marks a local time without zone ("whatever zone the reader is in").
	Floating bool
	// TZID is the zone name the object used ("" for UTC, dates and floating).
	TZID string
	// UnknownZone is true when the TZID could not be resolved; Time was then read as UTC.
	UnknownZone bool
}

// IsZero reports an absent value.
func (t CalTime) IsZero() bool { return t.Time.IsZero() }

// Date returns a DATE value.
func DateValue(y int, m time.Month, d int) CalTime {
	return CalTime{Time: time.Date(y, m, d, 0, 0, 0, 0, time.UTC), AllDay: true}
}

// Zoned returns a DATE-TIME in t's location (UTC when the location is UTC).
func ZonedValue(t time.Time) CalTime {
	ct := CalTime{Time: t}
	if t.Location() != time.UTC && t.Location().String() != "UTC" {
		ct.TZID = t.Location().String()
	} else {
		ct.Time = t.UTC()
	}
	return ct
}

// AddDays moves a date or wall-clock time by whole days, keeping the local
// time across daylight-saving changes.
func (t CalTime) AddDays(n int) CalTime {
	t.Time = t.Time.AddDate(0, 0, n)
	return t
}

// In places the value in loc for comparisons: dates and floating times
// become that wall clock in loc; zoned values keep their instant.
func (t CalTime) In(loc *time.Location) time.Time {
	if t.AllDay || t.Floating {
		y, m, d := t.Time.Date()
		return time.Date(y, m, d, t.Time.Hour(), t.Time.Minute(), t.Time.Second(), 0, loc)
	}
	return t.Time
}

// WallTime places a wall-clock time in loc the way RFC 5545 3.3.5 reads a
// TZID value: a time the clocks pass twice (autumn) is the first pass, a
// time they skip (spring) counts with the offset in force before the gap.
// Go's time.Date leaves both cases unspecified.
func WallTime(y int, mo time.Month, d, h, mi, s int, loc *time.Location) time.Time {
	wall := time.Date(y, mo, d, h, mi, s, 0, time.UTC)
	t := time.Date(y, mo, d, h, mi, s, 0, loc)
	_, before := t.Add(-24 * time.Hour).Zone()
	_, after := t.Add(24 * time.Hour).Zone()
	var best time.Time
	for _, off := range []int{before, after} {
		cand := wall.Add(-time.Duration(off) * time.Second).In(loc)
		cy, cmo, cd := cand.Date()
		ch, cmi, cs := cand.Clock()
		if cy == y && cmo == mo && cd == d && ch == h && cmi == mi && cs == s && (best.IsZero() || cand.Before(best)) {
			best = cand
		}
	}
	if best.IsZero() {
		return wall.Add(-time.Duration(before) * time.Second).In(loc)
	}
	return best
}

// readCalTime parses a date or date-time property.
func readCalTime(p *ical.Prop, z *zoneResolver) (CalTime, error) {
	if p == nil {
		return CalTime{}, nil
	}
	vals, err := readCalTimes(p, z)
	if err != nil {
		return CalTime{}, err
	}
	if len(vals) == 0 {
		return CalTime{}, fmt.Errorf("%s has no value", p.Name)
	}
	return vals[0], nil
}

// readCalTimes parses a property that may hold a comma-separated list
// (EXDATE, RDATE); PERIOD values count by their start.
func readCalTimes(p *ical.Prop, z *zoneResolver) ([]CalTime, error) {
	var out []CalTime
	valueType := strings.ToUpper(p.Params.Get(ical.ParamValue))
	tzid := strings.Trim(p.Params.Get(ical.PropTimezoneID), `"`)
	for _, raw := range strings.Split(p.Value, ",") {
		raw = strings.TrimSpace(raw)
		if i := strings.IndexByte(raw, '/'); i >= 0 {
			raw = raw[:i]
		}
		if raw == "" {
			continue
		}
		if valueType == "DATE" || (valueType == "" && len(raw) == 8) {
			t, err := time.ParseInLocation("20060102", raw, time.UTC)
			if err != nil {
				return nil, fmt.Errorf("%s value %q is not a date: %w", p.Name, raw, err)
			}
			out = append(out, CalTime{Time: t, AllDay: true})
			continue
		}
		if strings.HasSuffix(raw, "Z") {
			t, err := time.ParseInLocation("20060102T150405Z", raw, time.UTC)
			if err != nil {
				return nil, fmt.Errorf("%s value %q is not a UTC date-time: %w", p.Name, raw, err)
			}
			out = append(out, CalTime{Time: t})
			continue
		}
		if tzid == "" {
			t, err := time.ParseInLocation("20060102T150405", raw, time.UTC)
			if err != nil {
				return nil, fmt.Errorf("%s value %q is not a date-time: %w", p.Name, raw, err)
			}
			out = append(out, CalTime{Time: t, Floating: true})
			continue
		}
		loc, ok := z.location(tzid)
		ct := CalTime{TZID: tzid}
		if !ok {
			loc, ct.UnknownZone = time.UTC, true
		}
		w, err := time.Parse("20060102T150405", raw)
		if err != nil {
			return nil, fmt.Errorf("%s value %q is not a date-time: %w", p.Name, raw, err)
		}
		ct.Time = WallTime(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), loc)
		out = append(out, ct)
	}
	return out, nil
}

// calTimeProp builds a property holding t.
func calTimeProp(name string, t CalTime) *ical.Prop {
	p := ical.NewProp(name)
	switch {
	case t.AllDay:
		p.SetValueType(ical.ValueDate)
		p.Value = t.Time.Format("20060102")
	case t.Floating:
		p.Value = t.Time.Format("20060102T150405")
	case t.TZID != "":
		p.Params.Set(ical.PropTimezoneID, t.TZID)
		p.Value = t.Time.Format("20060102T150405")
	default:
		p.Value = t.Time.UTC().Format("20060102T150405Z")
	}
	return p
}

// sameRecurrence compares two RECURRENCE-ID style values: dates by date,
// date-times by instant (floating by wall clock).
func sameRecurrence(a, b CalTime) bool {
	if a.AllDay || b.AllDay {
		ay, am, ad := a.Time.Date()
		by, bm, bd := b.Time.Date()
		return ay == by && am == bm && ad == bd
	}
	return a.Time.Equal(b.Time)
}
