package tools

import (
	"regexp"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Time arguments of the calendar and task tools. The rules, which the tool
// descriptions repeat:
//   - "2026-03-29T09:00:00+02:00" (RFC 3339 with offset or Z) is an instant;
//   - "2026-03-29T09:00" is a local time and needs an IANA timezone;
//   - "2026-03-29" is a date, for all-day events and due dates;
//   - a local time without a zone (floating) is refused: it would show at a
//     different hour on every device in another zone.

var (
	calDateOnly  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	calLocalTime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?$`)
)

const calTimeRules = `use RFC 3339 with an offset ("2026-03-29T09:00:00+02:00"), a local time with timezone ("2026-03-29T09:00" and "Europe/Berlin"), or a date ("2026-03-29") for all-day`

// calZoneArg resolves the optional timezone argument; nil when empty.
func calZoneArg(tz string) (*time.Location, error) {
	if strings.TrimSpace(tz) == "" {
		return nil, nil
	}
	loc, err := nextcloud.LoadZone(tz)
	if err != nil {
		return nil, inputErrorf("%v", err)
	}
	return loc, nil
}

// parseCalTime reads a start/end/due argument. loc is the timezone argument
// (or the event's own zone when updating); nil means none was given.
func parseCalTime(field, value string, loc *time.Location) (nextcloud.CalTime, error) {
	ct, err := readCalTime(field, value, loc)
	if err != nil {
		return ct, err
	}
	// The zero time (0001-01-01 UTC) stands for "not set" everywhere, and
	// no calendar needs dates that old: a floor keeps every accepted value
	// printable and readable back.
	if ct.Time.Year() < minCalYear {
		return nextcloud.CalTime{}, inputErrorf("%s %q is before the year %d: give a later date", field, value, minCalYear)
	}
	return ct, nil
}

// minCalYear is the earliest year a calendar argument may name.
const minCalYear = 1000

func readCalTime(field, value string, loc *time.Location) (nextcloud.CalTime, error) {
	v := strings.TrimSpace(value)
	switch {
	case calDateOnly.MatchString(v):
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			return nextcloud.CalTime{}, inputErrorf("%s %q is not a real date: %s", field, value, calTimeRules)
		}
		return nextcloud.DateValue(t.Year(), t.Month(), t.Day()), nil
	case calLocalTime.MatchString(v):
		if loc == nil {
			return nextcloud.CalTime{}, inputErrorf("%s %q has no time zone: a floating time would show at a different hour on devices in other zones; pass timezone (an IANA name like \"Europe/Berlin\") or an offset like %q",
				field, value, v+":00+02:00")
		}
		layout := "2006-01-02T15:04"
		if len(v) == 19 {
			layout = "2006-01-02T15:04:05"
		}
		wall, err := time.Parse(layout, strings.Replace(v, " ", "T", 1))
		if err != nil {
			return nextcloud.CalTime{}, inputErrorf("%s %q is not a real date and time: %s", field, value, calTimeRules)
		}
		t := nextcloud.WallTime(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), loc)
		if t.Hour() != wall.Hour() || t.Minute() != wall.Minute() || t.Day() != wall.Day() {
			return nextcloud.CalTime{}, inputErrorf("%s %q does not exist in %s: the clocks jump forward over it that day; pick another time", field, value, loc)
		}
		return nextcloud.ZonedValue(t), nil
	default:
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return nextcloud.CalTime{}, inputErrorf("%s %q is not a time I can read: %s", field, value, calTimeRules)
		}
		if loc == nil {
			return nextcloud.ZonedValue(t.UTC()), nil
		}
		in := t.In(loc)
		_, off := in.Zone()
		if off != calOffset(t) && off%60 != 0 && off/60 == calOffset(t)/60 {
			// RFC 3339 offsets have no seconds, but local mean time before
			// the zones were drawn has them (New York -04:56:02): an offset
			// that is the zone's to the minute means the zone's wall clock.
			return nextcloud.ZonedValue(nextcloud.WallTime(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), loc)), nil
		}
		if off != calOffset(t) {
			return nextcloud.CalTime{}, inputErrorf("%s %q has offset %s, but %s is at %s then: give the local time without an offset (%q) or the right offset",
				field, value, t.Format("-07:00"), loc, in.Format("-07:00"), t.Format("2006-01-02T15:04"))
		}
		return nextcloud.ZonedValue(in), nil
	}
}

func calOffset(t time.Time) int {
	_, off := t.Zone()
	return off
}

// calBound reads a window bound (list_events, find_free_slots, due_before):
// an instant, a local time with timezone, or a date meaning its midnight in
// timezone (UTC when none is given).
func calBound(field, value string, loc *time.Location) (time.Time, error) {
	ct, err := parseCalTime(field, value, loc)
	if err != nil {
		return time.Time{}, err
	}
	if ct.AllDay {
		if loc == nil {
			loc = time.UTC
		}
		return ct.In(loc), nil
	}
	return ct.Time, nil
}

// calTimeOut formats a value in its own zone: a date for all-day, RFC 3339
// with offset for zoned and UTC times, and without offset for floating ones.
func calTimeOut(t nextcloud.CalTime) string {
	switch {
	case t.IsZero():
		return ""
	case t.AllDay:
		return t.Time.Format("2006-01-02")
	case t.Floating:
		return t.Time.Format("2006-01-02T15:04:05")
	default:
		return t.Time.Format(time.RFC3339)
	}
}

// calUTCOut is the same instant in UTC, for timed values that have a zone.
func calUTCOut(t nextcloud.CalTime) string {
	if t.IsZero() || t.AllDay || t.Floating {
		return ""
	}
	return t.Time.UTC().Format(time.RFC3339)
}

// calZoneOut names the zone a value is written in ("UTC" for Z values).
func calZoneOut(t nextcloud.CalTime) string {
	switch {
	case t.IsZero() || t.AllDay || t.Floating:
		return ""
	case t.TZID != "":
		return t.TZID
	default:
		return "UTC"
	}
}
