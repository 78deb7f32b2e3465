package tools

import (
	"strings"
	"testing"
)

func TestTasksLifecycle(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	// A stock account has no task list ("personal" holds events only).
	h.ok("nc_calendar_create_calendar", map[string]any{"name": "tasks", "display_name": "Tasks", "components": []string{"VTODO"}}, nil)
	var report, call, late TaskInfo
	h.ok("nc_tasks_create", map[string]any{"summary": "Write report", "due": "2026-03-31", "priority": 1, "categories": []string{"work"}}, &report)
	if report.Calendar != "tasks" || report.Due != "2026-03-31" || report.Status != "NEEDS-ACTION" || report.Priority != 1 || report.ETag == "" {
		t.Fatalf("created %+v", report)
	}
	h.ok("nc_tasks_create", map[string]any{"summary": "Call Ann", "due": "2026-03-20T16:00", "timezone": "Europe/Berlin", "parent_uid": report.UID}, &call)
	if call.Due != "2026-03-20T16:00:00+01:00" || call.DueUTC != "2026-03-20T15:00:00Z" || call.ParentUID != report.UID {
		t.Errorf("subtask %+v", call)
	}
	h.ok("nc_tasks_create", map[string]any{"summary": "Someday", "description": "no due date"}, &late)
	if msg := h.fails("nc_tasks_create", map[string]any{"summary": "x", "due": "2026-03-20T16:00"}); !strings.Contains(msg, "no time zone") {
		t.Errorf("floating due time: %s", msg)
	}

	var list TasksListOutput
	h.ok("nc_tasks_list", nil, &list)
	var order []string
	for _, tk := range list.Tasks {
		order = append(order, tk.Summary)
	}
	if strings.Join(order, ",") != "Call Ann,Write report,Someday" {
		t.Errorf("open tasks by due date: %v", order)
	}
	h.ok("nc_tasks_list", map[string]any{"due_before": "2026-03-25", "timezone": "Europe/Berlin"}, &list)
	if len(list.Tasks) != 1 || list.Tasks[0].UID != call.UID {
		t.Errorf("due before the 25th: %+v", list.Tasks)
	}
	h.ok("nc_tasks_list", map[string]any{"query": "REPORT"}, &list)
	if len(list.Tasks) != 1 || list.Tasks[0].UID != report.UID {
		t.Errorf("query: %+v", list.Tasks)
	}

	var done TaskInfo
	h.ok("nc_tasks_complete", map[string]any{"calendar_name": "tasks", "task_uid": report.UID, "completed": true, "etag": report.ETag}, &done)
	if done.Status != "COMPLETED" || done.PercentComplete != 100 || done.Completed == "" || done.Priority != 1 {
		t.Errorf("completed %+v", done)
	}
	raw := h.rawDAV("/remote.php/dav/calendars/admin/tasks/" + report.UID + ".ics")
	for _, want := range []string{"STATUS:COMPLETED", "PERCENT-COMPLETE:100", "COMPLETED:", "CATEGORIES:work"} {
		if !strings.Contains(raw, want) {
			t.Errorf("stored task lacks %q:\n%s", want, raw)
		}
	}
	h.ok("nc_tasks_list", nil, &list)
	for _, tk := range list.Tasks {
		if tk.UID == report.UID {
			t.Error("a completed task is not open")
		}
	}
	h.ok("nc_tasks_list", map[string]any{"status": "completed"}, &list)
	if len(list.Tasks) != 1 || list.Tasks[0].UID != report.UID {
		t.Errorf("completed tasks: %+v", list.Tasks)
	}
	msg := h.fails("nc_tasks_update", map[string]any{"calendar_name": "tasks", "task_uid": report.UID, "etag": report.ETag, "summary": "stale"})
	if !strings.Contains(msg, "412") {
		t.Errorf("stale etag: %s", msg)
	}
	var reopened TaskInfo
	h.ok("nc_tasks_complete", map[string]any{"calendar_name": "tasks", "task_uid": report.UID, "completed": false}, &reopened)
	if reopened.Status != "NEEDS-ACTION" || reopened.PercentComplete != 0 || reopened.Completed != "" {
		t.Errorf("reopened %+v", reopened)
	}
	var upd TaskInfo
	h.ok("nc_tasks_update", map[string]any{"calendar_name": "tasks", "task_uid": report.UID, "summary": "Write the report", "percent_complete": 50, "due": ""}, &upd)
	if upd.Summary != "Write the report" || upd.Status != "IN-PROCESS" || upd.PercentComplete != 50 || upd.Due != "" || upd.Priority != 1 || len(upd.Categories) != 1 {
		t.Errorf("updated %+v", upd)
	}
	h.ok("nc_tasks_delete", map[string]any{"calendar_name": "tasks", "task_uid": call.UID, "etag": call.ETag}, nil)
	if msg := h.fails("nc_tasks_delete", map[string]any{"calendar_name": "tasks", "task_uid": call.UID}); !strings.Contains(msg, "no task with uid") {
		t.Errorf("second delete: %s", msg)
	}
	h.ok("nc_tasks_create", map[string]any{"summary": "Once", "uid": "task-fixed"}, nil)
	if msg := h.fails("nc_tasks_create", map[string]any{"summary": "Twice", "uid": "task-fixed"}); !strings.Contains(msg, "already exists") {
		t.Errorf("duplicate uid: %s", msg)
	}
}
