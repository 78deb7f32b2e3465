package tools

import (
	"context"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Undo for calendars: Nextcloud's calendar trash bin keeps deleted events,
// tasks and calendars (30 days by default).

// CalendarTrashItemOut is one deleted event, task or calendar.
type CalendarTrashItemOut struct {
	ID       string `json:"id" jsonschema_description:"Pass to nc_calendar_restore."`
	Kind     string `json:"kind" jsonschema:"enum=event,enum=task,enum=calendar"`
	Title    string `json:"title"`
	Calendar string `json:"calendar" jsonschema_description:"The calendar it was in (for a calendar: its name)."`
	UID      string `json:"uid,omitempty"`
	Start    string `json:"start,omitempty" jsonschema_description:"DTSTART as stored."`
	Deleted  string `json:"deleted,omitempty" jsonschema_description:"When it was deleted (RFC 3339)."`
}

// CalendarTrashOutput is the calendar trash bin, newest first.
type CalendarTrashOutput struct {
	Items []CalendarTrashItemOut `json:"items"`
}

func calendarTrashItem(it nextcloud.CalendarTrashItem) CalendarTrashItemOut {
	out := CalendarTrashItemOut{ID: it.ID, Kind: it.Kind, Title: it.Title, Calendar: it.Calendar, UID: it.UID, Start: it.Start}
	if !it.DeletedAt.IsZero() {
		out.Deleted = it.DeletedAt.Format(time.RFC3339)
	}
	return out
}

func calendarListTrashTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_calendar_list_trash",
		Title:       "List deleted events and calendars",
		Description: "List deleted events, tasks and calendars, newest first, with ids for nc_calendar_restore.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ struct{}) (CalendarTrashOutput, error) {
		items, err := call.Client.CalendarTrash(ctx)
		if err != nil {
			return CalendarTrashOutput{}, about(err, "the calendar trash bin")
		}
		out := CalendarTrashOutput{Items: []CalendarTrashItemOut{}}
		for _, it := range items {
			out.Items = append(out.Items, calendarTrashItem(it))
		}
		return out, nil
	})
}

// CalendarRestoreInput are the arguments of nc_calendar_restore.
type CalendarRestoreInput struct {
	ID string `json:"id" jsonschema:"Id from nc_calendar_list_trash."`
}

// Validate implements the input check.
func (in *CalendarRestoreInput) Validate() error {
	if in.ID == "" {
		return inputErrorf("id is empty: take it from nc_calendar_list_trash")
	}
	return nil
}

// CalendarRestoreOutput is what came back.
type CalendarRestoreOutput struct {
	Restored CalendarTrashItemOut `json:"restored"`
}

func calendarRestoreTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_calendar_restore",
		Title:       "Restore a deleted event or calendar",
		Description: "Restore a deleted event or task into its calendar, or a deleted calendar with its events.",
		Hints:       Hints{},
	}, func(ctx context.Context, call *Call, in CalendarRestoreInput) (CalendarRestoreOutput, error) {
		items, err := call.Client.CalendarTrash(ctx)
		if err != nil {
			return CalendarRestoreOutput{}, about(err, "the calendar trash bin")
		}
		for _, it := range items {
			if it.ID != in.ID {
				continue
			}
			if err := call.Client.RestoreCalendarTrash(ctx, it.ID); err != nil {
				return CalendarRestoreOutput{}, about(err, "%s %q in the calendar trash bin", it.Kind, it.Title)
			}
			return CalendarRestoreOutput{Restored: calendarTrashItem(it)}, nil
		}
		return CalendarRestoreOutput{}, inputErrorf("no item %q in the calendar trash bin: list it with nc_calendar_list_trash (it may have been restored or purged)", in.ID)
	})
}
