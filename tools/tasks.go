package tools

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-ical"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// tasksToolset: Tasks (VTODO) in CalDAV task lists.
func tasksToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "tasks",
		Description: "Tasks (VTODO) in CalDAV task lists: list, create, update, complete and delete, across all task lists.",
		Available:   hasApp("dav"),
		Tools: []Tool{
			tasksListTool(d),
			tasksCreateTool(d),
			tasksUpdateTool(d),
			tasksCompleteTool(d),
			tasksDeleteTool(d),
		},
	}
}

// TaskInfo is one task as the tools show it.
type TaskInfo struct {
	Calendar        string   `json:"calendar" jsonschema_description:"Name of the task list holding it."`
	UID             string   `json:"uid" jsonschema_description:"Its iCalendar/vCard uid, the id other tools take."`
	Summary         string   `json:"summary" jsonschema_description:"The task's title."`
	Status          string   `json:"status" jsonschema_description:"NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED."`
	Due             string   `json:"due,omitempty" jsonschema_description:"A date, or a time in the task's own zone."`
	DueUTC          string   `json:"due_utc,omitempty" jsonschema_description:"Due time in UTC (RFC 3339)."`
	Priority        int      `json:"priority,omitempty" jsonschema_description:"1 highest to 9 lowest."`
	PercentComplete int      `json:"percent_complete,omitempty" jsonschema_description:"Progress from 0 to 100."`
	Completed       string   `json:"completed,omitempty" jsonschema_description:"When it was completed, UTC."`
	Description     string   `json:"description,omitempty" jsonschema_description:"The task's description; cut to 300 characters in lists."`
	Categories      []string `json:"categories,omitempty" jsonschema_description:"Its categories (tags)."`
	ParentUID       string   `json:"parent_uid,omitempty" jsonschema_description:"Uid of the parent task, for a subtask."`
	ETag            string   `json:"etag" jsonschema_description:"Pass back to update or delete so a concurrent change is refused instead of overwritten."`
}

func taskInfo(calendar string, t nextcloud.TaskData, etag string, full bool) TaskInfo {
	out := TaskInfo{
		Calendar: calendar, UID: t.UID, Summary: t.Summary, Status: calFirst(t.Status, "NEEDS-ACTION"),
		Due: calTimeOut(t.Due), DueUTC: calUTCOut(t.Due), Priority: t.Priority, PercentComplete: t.PercentComplete,
		Description: t.Description, Categories: t.Categories, ParentUID: t.ParentUID, ETag: nextcloud.ShortETag(etag),
	}
	if !t.Completed.IsZero() {
		out.Completed = t.Completed.UTC().Format(time.RFC3339)
	}
	if !full {
		out.Description = clipText(out.Description, 300)
	}
	return out
}

// defaultTaskList picks where a new task goes when no list is named: a
// writable list called "tasks", else "personal", else the first writable one.
func defaultTaskList(ctx context.Context, c *nextcloud.Client) (nextcloud.Calendar, error) {
	cals, err := calendarsWith(ctx, c, "", "VTODO")
	if err != nil {
		return nextcloud.Calendar{}, err
	}
	for _, want := range []string{"tasks", "personal", ""} {
		for _, cal := range cals {
			if cal.Writable && !appGenerated(cal) && (want == "" || strings.EqualFold(cal.Name, want)) {
				return cal, nil
			}
		}
	}
	return nextcloud.Calendar{}, inputErrorf("there is no writable task list (a calendar that holds VTODO; Nextcloud's default \"personal\" calendar " +
		"holds events only): create one with nc_calendar_create_calendar and components [\"VTODO\"]")
}

// --- list ---

// TasksListInput are the arguments of nc_tasks_list.
type TasksListInput struct {
	CalendarName string `json:"calendar_name,omitempty" jsonschema_description:"default all"`
	Status       string `json:"status,omitempty" jsonschema_description:"open (default), completed, all, needs-action, in-process, cancelled"`
	DueBefore    string `json:"due_before,omitempty"`
	Query        string `json:"query,omitempty" jsonschema_description:"text in summary, description, categories"`
	TimeZone     string `json:"timezone,omitempty" jsonschema_description:"default UTC"`
	Limit        int    `json:"limit,omitempty" jsonschema_description:"default 100, max 500"`
}

// Validate implements the input check.
func (in *TasksListInput) Validate() error {
	in.Status = strings.ToLower(strings.TrimSpace(in.Status))
	switch in.Status {
	case "", "open", "completed", "all", "needs-action", "in-process", "cancelled":
	default:
		return inputErrorf("status %q is not open, completed, all, needs-action, in-process or cancelled", in.Status)
	}
	if in.Limit < 0 || in.Limit > 500 {
		return inputErrorf("limit must be between 1 and 500, got %d", in.Limit)
	}
	return nil
}

// TasksListOutput is the result of nc_tasks_list.
type TasksListOutput struct {
	Tasks     []TaskInfo `json:"tasks" jsonschema_description:"Tasks, earliest due first; tasks without a due date last."`
	Total     int        `json:"total" jsonschema_description:"How many matched in all, before the limit."`
	Truncated bool       `json:"truncated,omitempty" jsonschema_description:"True when more matched than are listed; narrow the query or raise the limit."`
	Warnings  []string   `json:"warnings,omitempty" jsonschema_description:"Parts that could not be read (for example one calendar that failed); the rest is still listed."`
}

type listedTask struct {
	calendar string
	etag     string
	task     nextcloud.TaskData
}

func tasksListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_tasks_list",
		Title: "List tasks",
		Description: "List tasks from all task lists or one, open " +
			"ones by default, by due date then priority.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in TasksListInput) (TasksListOutput, error) {
		loc, err := calZoneArg(in.TimeZone)
		if err != nil {
			return TasksListOutput{}, err
		}
		var dueBefore time.Time
		if in.DueBefore != "" {
			if dueBefore, err = calBound("due_before", in.DueBefore, loc); err != nil {
				return TasksListOutput{}, err
			}
		}
		if loc == nil {
			loc = time.UTC
		}
		cals, err := calendarsWith(ctx, call.Client, in.CalendarName, "VTODO")
		if err != nil {
			return TasksListOutput{}, err
		}
		status := calFirst(in.Status, "open")
		var (
			mu       sync.Mutex
			wg       sync.WaitGroup
			tasks    []listedTask
			warnings []string
			firstErr error
		)
		for _, cal := range cals {
			wg.Add(1)
			go func(cal nextcloud.Calendar) {
				defer wg.Done()
				objs, skipped, err := call.Client.QueryCalendar(ctx, cal.Href, nextcloud.CalendarQuery{Component: ical.CompToDo, Open: status == "open"})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					if firstErr == nil {
						firstErr = about(err, "task list %q", cal.Name)
					}
					warnings = append(warnings, Explain(about(err, "task list %q", cal.Name)))
					return
				}
				if skipped > 0 {
					warnings = append(warnings, fmt.Sprintf("task list %q: %d object(s) could not be read and were left out", cal.Name, skipped))
				}
				for _, o := range objs {
					t, err := nextcloud.ParseTask(o.Data)
					if err != nil {
						continue
					}
					tasks = append(tasks, listedTask{calendar: cal.Name, etag: o.ETag, task: t})
				}
			}(cal)
		}
		wg.Wait()
		if len(tasks) == 0 && firstErr != nil && len(warnings) == len(cals) {
			return TasksListOutput{}, firstErr
		}
		sort.SliceStable(tasks, func(i, j int) bool { return taskLess(tasks[i].task, tasks[j].task, loc) })
		limit := in.Limit
		if limit == 0 {
			limit = 100
		}
		sort.Strings(warnings)
		out := TasksListOutput{Tasks: []TaskInfo{}, Warnings: warnings}
		for _, lt := range tasks {
			if !taskMatches(lt.task, status, dueBefore, in.Query, loc) {
				continue
			}
			out.Total++
			if len(out.Tasks) < limit {
				out.Tasks = append(out.Tasks, taskInfo(lt.calendar, lt.task, lt.etag, false))
			}
		}
		out.Truncated = out.Total > len(out.Tasks)
		return out, nil
	})
}

func taskMatches(t nextcloud.TaskData, status string, dueBefore time.Time, query string, loc *time.Location) bool {
	st := calFirst(t.Status, "NEEDS-ACTION")
	switch status {
	case "open":
		if t.Done() {
			return false
		}
	case "completed":
		if st != "COMPLETED" && t.Completed.IsZero() {
			return false
		}
	case "all":
	default:
		if !strings.EqualFold(st, status) {
			return false
		}
	}
	if !dueBefore.IsZero() && (t.Due.IsZero() || !t.Due.In(loc).Before(dueBefore)) {
		return false
	}
	if query != "" {
		hay := strings.ToLower(t.Summary + "\n" + t.Description + "\n" + strings.Join(t.Categories, "\n"))
		if !strings.Contains(hay, strings.ToLower(query)) {
			return false
		}
	}
	return true
}

// taskLess orders by due date (undated last), then priority (1 first, none last), then summary.
func taskLess(a, b nextcloud.TaskData, loc *time.Location) bool {
	if a.Due.IsZero() != b.Due.IsZero() {
		return !a.Due.IsZero()
	}
	if !a.Due.IsZero() && !a.Due.In(loc).Equal(b.Due.In(loc)) {
		return a.Due.In(loc).Before(b.Due.In(loc))
	}
	pa, pb := a.Priority, b.Priority
	if pa == 0 {
		pa = 10
	}
	if pb == 0 {
		pb = 10
	}
	if pa != pb {
		return pa < pb
	}
	return a.Summary < b.Summary
}

// --- create ---

// TaskFields are the settable fields shared by create and update.
type TaskFields struct {
	Due         *string  `json:"due,omitempty"`
	TimeZone    string   `json:"timezone,omitempty"`
	Priority    *int     `json:"priority,omitempty" jsonschema_description:"1 highest to 9 lowest; 0 none"`
	Description *string  `json:"description,omitempty"`
	Categories  []string `json:"categories,omitempty"`
	ParentUID   *string  `json:"parent_uid,omitempty" jsonschema_description:"uid of the parent task"`
}

func (f *TaskFields) validate() error {
	if f.Priority != nil && (*f.Priority < 0 || *f.Priority > 9) {
		return inputErrorf("priority must be between 1 (highest) and 9 (lowest), or 0 for none; got %d", *f.Priority)
	}
	return nil
}

func (f *TaskFields) patch() (nextcloud.TaskPatch, error) {
	p := nextcloud.TaskPatch{Priority: f.Priority, Description: f.Description, ParentUID: f.ParentUID}
	if f.Due != nil {
		if strings.TrimSpace(*f.Due) == "" {
			p.Due = &nextcloud.CalTime{}
		} else {
			loc, err := calZoneArg(f.TimeZone)
			if err != nil {
				return p, err
			}
			due, err := parseCalTime("due", *f.Due, loc)
			if err != nil {
				return p, err
			}
			p.Due = &due
		}
	}
	if f.Categories != nil {
		c := append([]string(nil), f.Categories...)
		p.Categories = &c
	}
	return p, nil
}

// TasksCreateInput are the arguments of nc_tasks_create.
type TasksCreateInput struct {
	Summary      string `json:"summary"`
	CalendarName string `json:"calendar_name,omitempty" jsonschema_description:"default: tasks, else personal"`
	UID          string `json:"uid,omitempty" jsonschema_description:"optional; a retry with it makes no duplicate"`
	TaskFields
}

// Validate implements the input check.
func (in *TasksCreateInput) Validate() error {
	if strings.TrimSpace(in.Summary) == "" {
		return inputErrorf("summary is empty: say what the task is")
	}
	return in.TaskFields.validate()
}

func tasksCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_tasks_create",
		Title: "Create a task",
		Description: "Create a task with optional due date, priority, " +
			"description, categories and parent.",
		Hints: createHints,
	}, func(ctx context.Context, call *Call, in TasksCreateInput) (TaskInfo, error) {
		p, err := in.TaskFields.patch()
		if err != nil {
			return TaskInfo{}, err
		}
		var cal nextcloud.Calendar
		if strings.TrimSpace(in.CalendarName) != "" {
			cal, err = writableCalendar(ctx, call.Client, in.CalendarName, "VTODO")
		} else {
			cal, err = defaultTaskList(ctx, call.Client)
		}
		if err != nil {
			return TaskInfo{}, err
		}
		uid := strings.TrimSpace(in.UID)
		if uid == "" {
			uid = nextcloud.NewUID()
		} else if _, err := call.Client.FindByUID(ctx, cal.Href, ical.CompToDo, uid); err == nil {
			return TaskInfo{}, inputErrorf("a task with uid %q already exists in %q: update it with nc_tasks_update or pick another uid", uid, cal.Name)
		}
		summary := strings.TrimSpace(in.Summary)
		p.Summary = &summary
		obj, err := nextcloud.NewTaskObject(uid, p, time.Now())
		if err != nil {
			return TaskInfo{}, inputErrorf("%v", err)
		}
		etag, err := call.Client.PutCalendarObject(ctx, cal.Href+nextcloud.ResourceName(uid, "ics"), obj, nextcloud.Precondition{IfNoneMatch: true})
		if err != nil {
			if isDuplicateUID(err) {
				return TaskInfo{}, inputErrorf("a task with uid %q already exists in %q: update it with nc_tasks_update or pick another uid", uid, cal.Name)
			}
			return TaskInfo{}, about(err, "new task %q in %q", summary, cal.Name)
		}
		t, err := nextcloud.ParseTask(obj)
		if err != nil {
			return TaskInfo{}, err
		}
		return taskInfo(cal.Name, t, etag, true), nil
	})
}

// --- update ---

// TasksUpdateInput are the arguments of nc_tasks_update.
type TasksUpdateInput struct {
	CalendarName    string  `json:"calendar_name"`
	TaskUID         string  `json:"task_uid"`
	ETag            string  `json:"etag,omitempty"`
	Summary         *string `json:"summary,omitempty"`
	Status          *string `json:"status,omitempty" jsonschema_description:"NEEDS-ACTION, IN-PROCESS, COMPLETED or CANCELLED"`
	PercentComplete *int    `json:"percent_complete,omitempty" jsonschema_description:"0-100"`
	TaskFields
}

// Validate implements the input check.
func (in *TasksUpdateInput) Validate() error {
	if in.Summary != nil && strings.TrimSpace(*in.Summary) == "" {
		return inputErrorf("summary cannot be empty")
	}
	if in.PercentComplete != nil && (*in.PercentComplete < 0 || *in.PercentComplete > 100) {
		return inputErrorf("percent_complete must be between 0 and 100, got %d", *in.PercentComplete)
	}
	return in.TaskFields.validate()
}

func tasksUpdateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_tasks_update",
		Title: "Update a task",
		Description: "Change fields of a task, " +
			"keeping everything else.",
		Hints: updateHints,
	}, func(ctx context.Context, call *Call, in TasksUpdateInput) (TaskInfo, error) {
		p, err := in.TaskFields.patch()
		if err != nil {
			return TaskInfo{}, err
		}
		if in.Summary != nil {
			s := strings.TrimSpace(*in.Summary)
			p.Summary = &s
		}
		p.Status, p.Percent = in.Status, in.PercentComplete
		cal, obj, err := findObject(ctx, call.Client, in.CalendarName, in.TaskUID, ical.CompToDo, "task")
		if err != nil {
			return TaskInfo{}, err
		}
		if err := requireWritable(ctx, call.Client, cal, "VTODO"); err != nil {
			return TaskInfo{}, err
		}
		todo := nextcloud.MasterComponent(obj.Data, ical.CompToDo)
		if err := nextcloud.ApplyTaskPatch(obj.Data, todo, p, time.Now()); err != nil {
			return TaskInfo{}, inputErrorf("%v", err)
		}
		return putTask(ctx, call.Client, cal, obj, calFirst(in.ETag, obj.ETag), in.TaskUID)
	})
}

func putTask(ctx context.Context, c *nextcloud.Client, cal nextcloud.Calendar, obj *nextcloud.CalendarObject, etag, uid string) (TaskInfo, error) {
	newTag, err := c.PutCalendarObject(ctx, obj.Href, obj.Data, nextcloud.Precondition{IfMatch: etag})
	if err != nil {
		return TaskInfo{}, about(err, "task %q in %q", uid, cal.Name)
	}
	t, err := nextcloud.ParseTask(obj.Data)
	if err != nil {
		return TaskInfo{}, err
	}
	return taskInfo(cal.Name, t, newTag, true), nil
}

// --- complete ---

// TasksCompleteInput are the arguments of nc_tasks_complete.
type TasksCompleteInput struct {
	CalendarName string `json:"calendar_name"`
	TaskUID      string `json:"task_uid"`
	Completed    bool   `json:"completed" jsonschema_description:"false reopens it"`
	ETag         string `json:"etag,omitempty"`
}

func tasksCompleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_tasks_complete",
		Title: "Complete or reopen a task",
		Description: "Tick a task off or reopen it, with status, " +
			"percent and completed time set together.",
		Hints: updateHints,
	}, func(ctx context.Context, call *Call, in TasksCompleteInput) (TaskInfo, error) {
		cal, obj, err := findObject(ctx, call.Client, in.CalendarName, in.TaskUID, ical.CompToDo, "task")
		if err != nil {
			return TaskInfo{}, err
		}
		if err := requireWritable(ctx, call.Client, cal, "VTODO"); err != nil {
			return TaskInfo{}, err
		}
		todo := nextcloud.MasterComponent(obj.Data, ical.CompToDo)
		if err := nextcloud.SetTaskCompleted(obj.Data, todo, in.Completed, time.Now()); err != nil {
			return TaskInfo{}, inputErrorf("%v", err)
		}
		return putTask(ctx, call.Client, cal, obj, calFirst(in.ETag, obj.ETag), in.TaskUID)
	})
}

// --- delete ---

// TasksDeleteInput are the arguments of nc_tasks_delete.
type TasksDeleteInput struct {
	CalendarName string `json:"calendar_name"`
	TaskUID      string `json:"task_uid"`
	ETag         string `json:"etag,omitempty"`
}

// TasksDeleteOutput confirms a deletion.
type TasksDeleteOutput struct {
	Deleted  bool   `json:"deleted" jsonschema_description:"True when it was deleted."`
	Calendar string `json:"calendar" jsonschema_description:"Name of the task list it was in."`
	UID      string `json:"uid" jsonschema_description:"Uid of the deleted task."`
}

func tasksDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tasks_delete",
		Title:       "Delete a task",
		Description: "Delete a task.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in TasksDeleteInput) (TasksDeleteOutput, error) {
		cal, obj, err := findObject(ctx, call.Client, in.CalendarName, in.TaskUID, ical.CompToDo, "task")
		if err != nil {
			return TasksDeleteOutput{}, err
		}
		if err := requireWritable(ctx, call.Client, cal, "VTODO"); err != nil {
			return TasksDeleteOutput{}, err
		}
		if err := call.Client.DeleteDAVObject(ctx, obj.Href, calFirst(in.ETag, obj.ETag)); err != nil {
			return TasksDeleteOutput{}, about(err, "task %q in %q", in.TaskUID, cal.Name)
		}
		return TasksDeleteOutput{Deleted: true, Calendar: cal.Name, UID: in.TaskUID}, nil
	})
}
