package nextcloud

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-ical"
)

// TaskData is what a VTODO says, read into plain fields.
type TaskData struct {
	UID             string
	Summary         string
	Description     string
	Status          string // NEEDS-ACTION, IN-PROCESS, COMPLETED, CANCELLED ("" counts as NEEDS-ACTION)
	Priority        int    // 1 (highest) .. 9 (lowest), 0 undefined
	PercentComplete int
	Due             CalTime
	Start           CalTime
	Completed       time.Time
	Categories      []string
	ParentUID       string
}

// Done reports whether the task is finished (completed or cancelled).
func (t TaskData) Done() bool {
	return t.Status == "COMPLETED" || t.Status == "CANCELLED" || !t.Completed.IsZero()
}

// ParseTask reads the master VTODO of an object.
func ParseTask(cal *ical.Calendar) (TaskData, error) {
	c := MasterComponent(cal, ical.CompToDo)
	if c == nil {
		return TaskData{}, fmt.Errorf("the object holds no VTODO")
	}
	z := newZoneResolver(cal)
	t := TaskData{
		UID:         icalText(c.Props.Get(ical.PropUID)),
		Summary:     icalText(c.Props.Get(ical.PropSummary)),
		Description: icalText(c.Props.Get(ical.PropDescription)),
		Status:      strings.ToUpper(icalText(c.Props.Get(ical.PropStatus))),
		Categories:  icalTextList(c, ical.PropCategories),
	}
	if p := c.Props.Get(ical.PropPriority); p != nil {
		t.Priority, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	if p := c.Props.Get(ical.PropPercentComplete); p != nil {
		t.PercentComplete, _ = strconv.Atoi(strings.TrimSpace(p.Value))
	}
	var err error
	if t.Due, err = readCalTime(c.Props.Get(ical.PropDue), z); err != nil {
		return t, err
	}
	if t.Start, err = readCalTime(c.Props.Get(ical.PropDateTimeStart), z); err != nil {
		return t, err
	}
	if p := c.Props.Get(ical.PropCompleted); p != nil {
		if ct, err := readCalTime(p, z); err == nil {
			t.Completed = ct.Time
		}
	}
	for _, p := range c.Props[ical.PropRelatedTo] {
		rel := strings.ToUpper(p.Params.Get("RELTYPE"))
		if rel == "" || rel == "PARENT" {
			t.ParentUID = icalText(&p)
			break
		}
	}
	return t, nil
}

// TaskPatch lists the fields to set on a task; nil leaves a field alone.
type TaskPatch struct {
	Summary     *string
	Description *string
	Due         *CalTime // a zero CalTime removes the due date
	Priority    *int
	Categories  *[]string
	ParentUID   *string
	Status      *string
	Percent     *int
}

// NewTaskObject builds a calendar object holding one new task.
func NewTaskObject(uid string, p TaskPatch, now time.Time) (*ical.Calendar, error) {
	cal := newCalendarObject()
	todo := ical.NewComponent(ical.CompToDo)
	todo.Props.SetText(ical.PropUID, uid)
	icalSetUTC(todo, ical.PropCreated, now)
	todo.Props.SetText(ical.PropStatus, "NEEDS-ACTION")
	cal.Children = append(cal.Children, todo)
	if err := ApplyTaskPatch(cal, todo, p, now); err != nil {
		return nil, err
	}
	todo.Props.Del(ical.PropSequence)
	return cal, nil
}

// ApplyTaskPatch changes a VTODO as p says and leaves everything else alone.
// STATUS, PERCENT-COMPLETE and COMPLETED are kept consistent.
func ApplyTaskPatch(cal *ical.Calendar, todo *ical.Component, p TaskPatch, now time.Time) error {
	setText := func(name string, v *string) {
		if v == nil {
			return
		}
		if *v == "" {
			todo.Props.Del(name)
			return
		}
		todo.Props.SetText(name, *v)
	}
	setText(ical.PropSummary, p.Summary)
	setText(ical.PropDescription, p.Description)
	if p.Due != nil {
		if p.Due.IsZero() {
			todo.Props.Del(ical.PropDue)
		} else {
			todo.Props.Del(ical.PropDuration)
			todo.Props.Set(calTimeProp(ical.PropDue, *p.Due))
		}
	}
	if p.Priority != nil {
		if *p.Priority < 0 || *p.Priority > 9 {
			return fmt.Errorf("priority %d is out of range: use 1 (highest) to 9 (lowest), or 0 for none", *p.Priority)
		}
		if *p.Priority == 0 {
			todo.Props.Del(ical.PropPriority)
		} else {
			pp := ical.NewProp(ical.PropPriority)
			pp.Value = strconv.Itoa(*p.Priority)
			todo.Props.Set(pp)
		}
	}
	if p.Categories != nil {
		todo.Props.Del(ical.PropCategories)
		if len(*p.Categories) > 0 {
			cp := ical.NewProp(ical.PropCategories)
			cp.SetTextList(*p.Categories)
			todo.Props.Set(cp)
		}
	}
	if p.ParentUID != nil {
		var kept []ical.Prop
		for _, rp := range todo.Props[ical.PropRelatedTo] {
			if rel := strings.ToUpper(rp.Params.Get("RELTYPE")); rel != "" && rel != "PARENT" {
				kept = append(kept, rp)
			}
		}
		todo.Props.Del(ical.PropRelatedTo)
		for _, rp := range kept {
			todo.Props.Add(&rp)
		}
		if *p.ParentUID != "" {
			rp := ical.NewProp(ical.PropRelatedTo)
			rp.Params.Set("RELTYPE", "PARENT")
			rp.SetText(*p.ParentUID)
			todo.Props.Add(rp)
		}
	}
	if p.Status != nil {
		if err := setTaskStatus(todo, *p.Status, now); err != nil {
			return err
		}
	}
	if p.Percent != nil {
		if *p.Percent < 0 || *p.Percent > 100 {
			return fmt.Errorf("percent_complete %d is out of range 0..100", *p.Percent)
		}
		setPercent(todo, *p.Percent)
		if p.Status == nil {
			switch {
			case *p.Percent == 100:
				_ = setTaskStatus(todo, "COMPLETED", now)
			case *p.Percent > 0:
				_ = setTaskStatus(todo, "IN-PROCESS", now)
			}
		}
	}
	icalStamp(todo, now)
	return syncTimezones(cal, newZoneResolver(cal))
}

// SetTaskCompleted marks a task done (STATUS:COMPLETED, PERCENT-COMPLETE:100,
// COMPLETED now) or open again (NEEDS-ACTION, 0, no COMPLETED). Clients
// disagree on which of the three they read, so all three move together.
func SetTaskCompleted(cal *ical.Calendar, todo *ical.Component, done bool, now time.Time) error {
	status := "NEEDS-ACTION"
	if done {
		status = "COMPLETED"
	}
	if err := setTaskStatus(todo, status, now); err != nil {
		return err
	}
	icalStamp(todo, now)
	return nil
}

func setTaskStatus(todo *ical.Component, status string, now time.Time) error {
	s := strings.ToUpper(strings.TrimSpace(status))
	switch s {
	case "NEEDS-ACTION", "IN-PROCESS", "CANCELLED":
		todo.Props.SetText(ical.PropStatus, s)
		todo.Props.Del(ical.PropCompleted)
		if s == "NEEDS-ACTION" {
			setPercent(todo, 0)
		}
	case "COMPLETED":
		todo.Props.SetText(ical.PropStatus, s)
		setPercent(todo, 100)
		icalSetUTC(todo, ical.PropCompleted, now)
	default:
		return fmt.Errorf("task status %q is not one of NEEDS-ACTION, IN-PROCESS, COMPLETED, CANCELLED", status)
	}
	return nil
}

func setPercent(todo *ical.Component, n int) {
	pp := ical.NewProp(ical.PropPercentComplete)
	pp.Value = strconv.Itoa(n)
	todo.Props.Set(pp)
}
