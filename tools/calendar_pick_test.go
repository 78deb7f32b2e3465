package tools

import (
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestTasksOnStockServer: Nextcloud 29's default "personal" calendar holds
// events only, and Deck adds a read-only VTODO calendar per board. A task
// aimed at "personal" is refused with suggestions of writable task lists
// only, never Deck's calendar or the birthday calendar; with none, the
// error says how to create one.
func TestTasksOnStockServer(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.SeedDeckBoard("admin", "Roadmap", "0082c9", ncfake.DeckSeedStack{Title: "To do"})
	h := newHarness(t, harnessOpts{fake: fake})

	var cals CalendarListCalendarsOutput
	h.ok("nc_calendar_list_calendars", nil, &cals)
	deck := ""
	for _, c := range cals.Calendars {
		if strings.HasPrefix(c.Name, "app-generated--deck--board-") {
			deck = c.Name
			if !c.ReadOnly {
				t.Errorf("Deck's calendar should be read-only: %+v", c)
			}
		}
	}
	if deck == "" {
		t.Fatalf("the fake lists no Deck calendar: %+v", cals.Calendars)
	}

	msg := h.fails("nc_tasks_create", map[string]any{"summary": "x", "calendar_name": "personal"})
	for _, want := range []string{`"personal"`, "VEVENT", "none that holds tasks", "nc_calendar_create_calendar"} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "deck") || strings.Contains(msg, "birthdays") {
		t.Errorf("refusal %q suggests a calendar that cannot take a task", msg)
	}
	msg = h.fails("nc_tasks_create", map[string]any{"summary": "x"})
	if !strings.Contains(msg, "no writable task list") || strings.Contains(msg, "deck") {
		t.Errorf("no-list message %q", msg)
	}
	msg = h.fails("nc_tasks_create", map[string]any{"summary": "x", "calendar_name": deck})
	if !strings.Contains(msg, "read-only") || strings.Count(msg, "deck--board") != 1 {
		t.Errorf("Deck calendar message %q", msg)
	}

	h.ok("nc_calendar_create_calendar", map[string]any{"name": "todo", "display_name": "To do", "components": []string{"VTODO"}}, nil)
	msg = h.fails("nc_tasks_create", map[string]any{"summary": "x", "calendar_name": "personal"})
	if !strings.Contains(msg, `pick one of "todo" (To do)`) {
		t.Errorf("suggestion %q should name the new list only", msg)
	}
	var task TaskInfo
	h.ok("nc_tasks_create", map[string]any{"summary": "picked"}, &task)
	if task.Calendar != "todo" {
		t.Errorf("default task list %q, want todo", task.Calendar)
	}
	var list TasksListOutput
	h.ok("nc_tasks_list", nil, &list)
	if len(list.Tasks) != 1 || list.Tasks[0].Calendar != "todo" {
		t.Errorf("all task lists: %+v", list.Tasks)
	}

	msg = h.fails("nc_calendar_create_event", map[string]any{"calendar_name": "contact_birthdays", "title": "x", "start": "2026-05-01"})
	if !strings.Contains(msg, "read-only") || !strings.Contains(msg, `"personal"`) || strings.Contains(msg, "deck") {
		t.Errorf("birthday calendar message %q", msg)
	}
}
