package tools

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// WorkingHours limits free slots to part of each day.
type WorkingHours struct {
	Start string   `json:"start" jsonschema_description:"HH:MM"`
	End   string   `json:"end" jsonschema_description:"HH:MM"`
	Days  []string `json:"days,omitempty" jsonschema_description:"mon..sun; default mon-fri"`
}

// CalendarFindFreeSlotsInput are the arguments of nc_calendar_find_free_slots.
type CalendarFindFreeSlotsInput struct {
	Start           string        `json:"start"`
	End             string        `json:"end"`
	DurationMinutes int           `json:"duration_minutes"`
	Calendars       []string      `json:"calendars,omitempty" jsonschema_description:"default: all but transparent ones"`
	WorkingHours    *WorkingHours `json:"working_hours,omitempty"`
	TimeZone        string        `json:"timezone,omitempty" jsonschema_description:"default UTC"`
	Limit           int           `json:"limit,omitempty" jsonschema_description:"default 20, max 200"`
}

var calHHMM = regexp.MustCompile(`^([01]?\d|2[0-4]):([0-5]\d)$`)

// Validate implements the input check.
func (in *CalendarFindFreeSlotsInput) Validate() error {
	if in.DurationMinutes <= 0 || in.DurationMinutes > 7*24*60 {
		return inputErrorf("duration_minutes must be between 1 and %d, got %d", 7*24*60, in.DurationMinutes)
	}
	if in.Limit < 0 || in.Limit > 200 {
		return inputErrorf("limit must be between 1 and 200, got %d", in.Limit)
	}
	if wh := in.WorkingHours; wh != nil {
		s, err1 := calMinutes(wh.Start)
		e, err2 := calMinutes(wh.End)
		if err1 != nil || err2 != nil {
			return inputErrorf("working_hours start and end must be HH:MM, like 09:00 and 17:30")
		}
		if e <= s {
			return inputErrorf("working_hours end %s must be after start %s", wh.End, wh.Start)
		}
		if _, err := calWeekdaySet(wh.Days); err != nil {
			return err
		}
		if strings.TrimSpace(in.TimeZone) == "" {
			return inputErrorf("working_hours need timezone (an IANA name like Europe/Berlin) to know when the day starts")
		}
	}
	return nil
}

func calMinutes(s string) (int, error) {
	m := calHHMM.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, inputErrorf("%q is not HH:MM", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	if h == 24 && mi != 0 {
		return 0, inputErrorf("%q is not HH:MM", s)
	}
	return h*60 + mi, nil
}

var calWeekdays = map[string]time.Weekday{"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday}

func calWeekdaySet(days []string) (map[time.Weekday]bool, error) {
	out := map[time.Weekday]bool{}
	if len(days) == 0 {
		for d := time.Monday; d <= time.Friday; d++ {
			out[d] = true
		}
		return out, nil
	}
	for _, d := range days {
		key := strings.ToLower(strings.TrimSpace(d))
		if len(key) > 3 {
			key = key[:3]
		}
		wd, ok := calWeekdays[key]
		if !ok {
			return nil, inputErrorf("working day %q is not one of mon, tue, wed, thu, fri, sat, sun", d)
		}
		out[wd] = true
	}
	return out, nil
}

// FreeSlot is a free stretch of time at least duration_minutes long.
type FreeSlot struct {
	Start    string `json:"start" jsonschema_description:"Start of the free time, in the requested zone (RFC 3339)."`
	End      string `json:"end" jsonschema_description:"End of the free time, in the requested zone (RFC 3339)."`
	StartUTC string `json:"start_utc" jsonschema_description:"Start in UTC (RFC 3339)."`
	EndUTC   string `json:"end_utc" jsonschema_description:"End in UTC (RFC 3339)."`
	Minutes  int    `json:"minutes" jsonschema_description:"Length of the free time in minutes."`
}

// CalendarFindFreeSlotsOutput is the result of nc_calendar_find_free_slots.
type CalendarFindFreeSlotsOutput struct {
	Slots            []FreeSlot `json:"slots" jsonschema_description:"Free stretches, earliest first."`
	TimeZone         string     `json:"timezone" jsonschema_description:"Zone the slot times are given in."`
	BusyPeriods      int        `json:"busy_periods" jsonschema_description:"How many busy stretches (merged events) were in the way."`
	CalendarsChecked []string   `json:"calendars_checked" jsonschema_description:"Calendars whose events counted as busy."`
	Truncated        bool       `json:"truncated,omitempty" jsonschema_description:"True when more free slots exist than are listed."`
	Warnings         []string   `json:"warnings,omitempty" jsonschema_description:"Parts that could not be read (for example one calendar that failed); the rest is still listed."`
}

// freeSpan is a stretch of time [from, to).
type freeSpan struct{ from, to time.Time }

func calendarFindFreeSlotsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_find_free_slots",
		Title: "Find free time",
		Description: "Find free stretches of at least duration_minutes between start and end, optionally " +
			"in working hours. Cancelled and transparent events do not count as busy.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in CalendarFindFreeSlotsInput) (CalendarFindFreeSlotsOutput, error) {
		loc, err := calZoneArg(in.TimeZone)
		if err != nil {
			return CalendarFindFreeSlotsOutput{}, err
		}
		from, to, err := eventWindow(in.Start, in.End, loc, 92)
		if err != nil {
			return CalendarFindFreeSlotsOutput{}, err
		}
		if loc == nil {
			loc = time.UTC
		}
		cals, err := busyCalendars(ctx, call.Client, in.Calendars)
		if err != nil {
			return CalendarFindFreeSlotsOutput{}, err
		}
		occ, warnings, err := collectOccurrences(ctx, call.Client, cals, from, to, loc)
		if err != nil {
			return CalendarFindFreeSlotsOutput{}, err
		}
		var busy []freeSpan
		for _, o := range occ {
			if !o.Busy() {
				continue
			}
			s, e := o.Start.In(loc), o.End.In(loc)
			if !e.After(s) {
				continue
			}
			busy = append(busy, freeSpan{s, e})
		}
		busy = mergeBusy(busy)
		open := []freeSpan{{from, to}}
		if in.WorkingHours != nil {
			open = workingWindows(from, to, *in.WorkingHours, loc)
		}
		limit := in.Limit
		if limit == 0 {
			limit = 20
		}
		out := CalendarFindFreeSlotsOutput{Slots: []FreeSlot{}, TimeZone: loc.String(), BusyPeriods: len(busy), Warnings: warnings, CalendarsChecked: []string{}}
		for _, c := range cals {
			out.CalendarsChecked = append(out.CalendarsChecked, c.Name)
		}
		need := time.Duration(in.DurationMinutes) * time.Minute
		for _, free := range freeAfterBusy(open, busy) {
			if free.to.Sub(free.from) < need {
				continue
			}
			if len(out.Slots) == limit {
				out.Truncated = true
				break
			}
			out.Slots = append(out.Slots, FreeSlot{
				Start: free.from.In(loc).Format(time.RFC3339), End: free.to.In(loc).Format(time.RFC3339),
				StartUTC: free.from.UTC().Format(time.RFC3339), EndUTC: free.to.UTC().Format(time.RFC3339),
				Minutes: int(free.to.Sub(free.from) / time.Minute),
			})
		}
		return out, nil
	})
}

// busyCalendars are the named calendars, or every opaque event calendar.
func busyCalendars(ctx context.Context, c *nextcloud.Client, names []string) ([]nextcloud.Calendar, error) {
	if len(names) > 0 {
		var out []nextcloud.Calendar
		for _, n := range names {
			cal, err := resolveCalendar(ctx, c, n, "VEVENT")
			if err != nil {
				return nil, err
			}
			out = append(out, cal)
		}
		return out, nil
	}
	all, err := calendarsWith(ctx, c, "", "VEVENT")
	if err != nil {
		return nil, err
	}
	var out []nextcloud.Calendar
	for _, cal := range all {
		if !cal.Transparent {
			out = append(out, cal)
		}
	}
	return out, nil
}

// mergeBusy sorts and joins overlapping or touching spans.
func mergeBusy(in []freeSpan) []freeSpan {
	sort.Slice(in, func(i, j int) bool { return in[i].from.Before(in[j].from) })
	var out []freeSpan
	for _, s := range in {
		if n := len(out); n > 0 && !s.from.After(out[n-1].to) {
			if s.to.After(out[n-1].to) {
				out[n-1].to = s.to
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// freeAfterBusy removes busy (sorted, merged) from each open span.
func freeAfterBusy(open, busy []freeSpan) []freeSpan {
	var out []freeSpan
	for _, o := range open {
		cur := o.from
		for _, b := range busy {
			if !b.to.After(cur) || !b.from.Before(o.to) {
				continue
			}
			if b.from.After(cur) {
				out = append(out, freeSpan{cur, b.from})
			}
			if b.to.After(cur) {
				cur = b.to
			}
		}
		if o.to.After(cur) {
			out = append(out, freeSpan{cur, o.to})
		}
	}
	return out
}

// workingWindows lists the working hours of each working day in [from, to),
// built from the wall clock in loc so a DST change does not shift them.
func workingWindows(from, to time.Time, wh WorkingHours, loc *time.Location) []freeSpan {
	startMin, _ := calMinutes(wh.Start)
	endMin, _ := calMinutes(wh.End)
	days, _ := calWeekdaySet(wh.Days)
	var out []freeSpan
	f := from.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); day.Before(to); day = day.AddDate(0, 0, 1) {
		if !days[day.Weekday()] {
			continue
		}
		s := time.Date(day.Year(), day.Month(), day.Day(), startMin/60, startMin%60, 0, 0, loc)
		e := time.Date(day.Year(), day.Month(), day.Day(), endMin/60, endMin%60, 0, 0, loc)
		if s.Before(from) {
			s = from
		}
		if e.After(to) {
			e = to
		}
		if e.After(s) {
			out = append(out, freeSpan{s, e})
		}
	}
	return out
}
