package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// calendarToolset: Calendars and events over CalDAV.
func calendarToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "calendar",
		Description: "Calendars and events over CalDAV: list, create and change events with correct time zones, recurrences and conflict checks, and find free slots.",
		Available:   hasApp("dav"),
		Tools: []Tool{
			calendarListCalendarsTool(d),
			calendarCreateCalendarTool(d),
			calendarDeleteCalendarTool(d),
			calendarListEventsTool(d),
			calendarGetEventTool(d),
			calendarCreateEventTool(d),
			calendarUpdateEventTool(d),
			calendarDeleteEventTool(d),
			calendarFindFreeSlotsTool(d),
		},
	}
}

// CalendarInfo is one calendar as the tools show it.
type CalendarInfo struct {
	Name        string   `json:"name" jsonschema_description:"The calendar's id (its URL segment); pass it as calendar_name."`
	DisplayName string   `json:"display_name,omitempty" jsonschema_description:"Name shown in Nextcloud."`
	Description string   `json:"description,omitempty" jsonschema_description:"The calendar's description."`
	Color       string   `json:"color,omitempty" jsonschema_description:"Colour as hex digits."`
	Components  []string `json:"components,omitempty" jsonschema_description:"What it holds: VEVENT (events), VTODO (tasks)."`
	ReadOnly    bool     `json:"read_only,omitempty" jsonschema_description:"True when this account may not change the calendar's contents (for example a calendar shared read-only)."`
	SyncToken   string   `json:"sync_token,omitempty" jsonschema_description:"Changes whenever anything in the calendar changes."`
}

func calendarInfo(c nextcloud.Calendar) CalendarInfo {
	return CalendarInfo{Name: c.Name, DisplayName: c.DisplayName, Description: c.Description, Color: c.Color, Components: c.Components, ReadOnly: !c.Writable, SyncToken: calFirst(c.SyncToken, c.CTag)}
}

func calFirst(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

// resolveCalendar finds a calendar by its name, or failing that by its
// display name; the error lists what there is.
func resolveCalendar(ctx context.Context, c *nextcloud.Client, name, component string) (nextcloud.Calendar, error) {
	cals, err := c.Calendars(ctx)
	if err != nil {
		return nextcloud.Calendar{}, about(err, "the calendar list")
	}
	want := strings.TrimSpace(name)
	for _, match := range []func(nextcloud.Calendar) bool{
		func(cal nextcloud.Calendar) bool { return cal.Name == want },
		func(cal nextcloud.Calendar) bool { return strings.EqualFold(cal.Name, want) },
		func(cal nextcloud.Calendar) bool { return strings.EqualFold(cal.DisplayName, want) },
	} {
		for _, cal := range cals {
			if match(cal) {
				if component != "" && !cal.Supports(component) {
					return cal, inputErrorf("calendar %q holds %s only, not %s: pick one of %s", cal.Name, strings.Join(cal.Components, ", "), componentWord(component), calendarChoices(cals, component))
				}
				return cal, nil
			}
		}
	}
	return nextcloud.Calendar{}, inputErrorf("no calendar named %q: pick one of %s (nc_calendar_list_calendars lists them)", name, calendarChoices(cals, component))
}

// calendarsWith returns the calendar named, checked to hold component, or
// with no name every calendar that holds component.
func calendarsWith(ctx context.Context, c *nextcloud.Client, name, component string) ([]nextcloud.Calendar, error) {
	if strings.TrimSpace(name) != "" {
		cal, err := resolveCalendar(ctx, c, name, component)
		if err != nil {
			return nil, err
		}
		return []nextcloud.Calendar{cal}, nil
	}
	cals, err := c.Calendars(ctx)
	if err != nil {
		return nil, about(err, "the calendar list")
	}
	var out []nextcloud.Calendar
	for _, cal := range cals {
		if cal.Supports(component) {
			out = append(out, cal)
		}
	}
	return out, nil
}

func componentWord(component string) string {
	if component == "VTODO" {
		return "tasks (VTODO)"
	}
	return "events (VEVENT)"
}

func calendarChoices(cals []nextcloud.Calendar, component string) string {
	var names []string
	for _, cal := range cals {
		if component == "" || cal.Supports(component) {
			n := fmt.Sprintf("%q", cal.Name)
			if cal.DisplayName != "" && cal.DisplayName != cal.Name {
				n += " (" + cal.DisplayName + ")"
			}
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "none (create one with nc_calendar_create_calendar)"
	}
	return strings.Join(names, ", ")
}

// --- list calendars ---

// CalendarListCalendarsInput has no arguments.
type CalendarListCalendarsInput struct{}

// CalendarListCalendarsOutput is the result of nc_calendar_list_calendars.
type CalendarListCalendarsOutput struct {
	Calendars []CalendarInfo `json:"calendars" jsonschema_description:"The user's calendars, including ones shared with them."`
}

func calendarListCalendarsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_list_calendars",
		Title: "List calendars",
		Description: "List the user's calendars and task lists with their name (the id other calendar and task tools take as calendar_name), " +
			"display name, color, what they hold (VEVENT events, VTODO tasks), whether they are read-only, and their sync token.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, _ CalendarListCalendarsInput) (CalendarListCalendarsOutput, error) {
		cals, err := call.Client.Calendars(ctx)
		if err != nil {
			return CalendarListCalendarsOutput{}, about(err, "the calendar list")
		}
		out := CalendarListCalendarsOutput{Calendars: []CalendarInfo{}}
		for _, c := range cals {
			out.Calendars = append(out.Calendars, calendarInfo(c))
		}
		return out, nil
	})
}

// --- create calendar ---

var calHexColor = regexp.MustCompile(`^#?[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$`)

// CalendarCreateCalendarInput are the arguments of nc_calendar_create_calendar.
type CalendarCreateCalendarInput struct {
	Name        string   `json:"name" jsonschema_description:"Id of the new calendar, used in its URL: letters, digits, dashes, e.g. \"work\"."`
	DisplayName string   `json:"display_name,omitempty" jsonschema_description:"Name shown in calendar apps; defaults to name."`
	Color       string   `json:"color,omitempty" jsonschema_description:"Color as #RRGGBB, e.g. #0082c9."`
	Components  []string `json:"components,omitempty" jsonschema_description:"What it may hold: VEVENT, VTODO or both (default both)."`
}

// Validate implements the input check.
func (in *CalendarCreateCalendarInput) Validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || strings.ContainsAny(in.Name, "/\\") || in.Name == "." || in.Name == ".." {
		return inputErrorf("name %q must be a single word for the URL, like \"work\" (no slashes)", in.Name)
	}
	if in.Color != "" {
		if !calHexColor.MatchString(in.Color) {
			return inputErrorf("color %q is not #RRGGBB, e.g. #0082c9", in.Color)
		}
		if !strings.HasPrefix(in.Color, "#") {
			in.Color = "#" + in.Color
		}
	}
	for i, c := range in.Components {
		c = strings.ToUpper(strings.TrimSpace(c))
		if c != "VEVENT" && c != "VTODO" && c != "VJOURNAL" {
			return inputErrorf("component %q is not VEVENT or VTODO", in.Components[i])
		}
		in.Components[i] = c
	}
	return nil
}

func calendarCreateCalendarTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_calendar_create_calendar",
		Title:       "Create a calendar",
		Description: "Create a new calendar (or task list, with components [\"VTODO\"]) in the user's Nextcloud. Fails if the name is taken.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in CalendarCreateCalendarInput) (CalendarInfo, error) {
		display := calFirst(in.DisplayName, in.Name)
		cal, err := call.Client.CreateCalendar(ctx, in.Name, nextcloud.NewCalendar{DisplayName: display, Color: in.Color, Components: in.Components})
		if err != nil {
			if nextcloud.StatusOf(err) == http.StatusMethodNotAllowed {
				return CalendarInfo{}, inputErrorf("a calendar named %q already exists (possibly in the calendar trash bin, which the Nextcloud web UI can empty or restore): pick another name", in.Name)
			}
			return CalendarInfo{}, about(err, "calendar %q", in.Name)
		}
		return calendarInfo(*cal), nil
	})
}

// --- delete calendar ---

// CalendarDeleteCalendarInput are the arguments of nc_calendar_delete_calendar.
type CalendarDeleteCalendarInput struct {
	CalendarName string `json:"calendar_name" jsonschema_description:"The calendar to delete, by name (see nc_calendar_list_calendars)."`
}

// CalendarDeleteCalendarOutput confirms a deletion.
type CalendarDeleteCalendarOutput struct {
	Deleted  bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
	Calendar string `json:"calendar" jsonschema_description:"Name of the deleted calendar."`
}

func calendarDeleteCalendarTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_calendar_delete_calendar",
		Title: "Delete a calendar",
		Description: "Delete a calendar with all its events and tasks. Nextcloud moves it to the calendar trash bin, from where the web UI can restore it " +
			"for a while; other CalDAV servers delete it for good. Ask the user before calling this.",
		Hints: deleteHints,
	}, func(ctx context.Context, call *Call, in CalendarDeleteCalendarInput) (CalendarDeleteCalendarOutput, error) {
		cal, err := resolveCalendar(ctx, call.Client, in.CalendarName, "")
		if err != nil {
			return CalendarDeleteCalendarOutput{}, err
		}
		if err := call.Client.DeleteCalendar(ctx, cal); err != nil {
			return CalendarDeleteCalendarOutput{}, about(err, "calendar %q", cal.Name)
		}
		return CalendarDeleteCalendarOutput{Deleted: true, Calendar: cal.Name}, nil
	})
}

// isDuplicateUID reports Nextcloud's answer to a second object with a UID
// the collection already holds (HTTP 400) and the generic 412 of If-None-Match.
func isDuplicateUID(err error) bool {
	var ne *nextcloud.Error
	if !errors.As(err, &ne) {
		return false
	}
	return ne.Status == http.StatusPreconditionFailed ||
		(ne.Status == http.StatusBadRequest && strings.Contains(ne.Message, "uid already exists")) ||
		(ne.Status == http.StatusConflict && strings.Contains(strings.ToLower(ne.Message), "uid"))
}
