package tools

import (
	"cmp"
	"context"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// activityToolset: the activity stream (activity app).
func activityToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "activity",
		Description: "Recent activity: what changed in your files, shares, calendars and more, and who did it.",
		Available:   hasApp("activity"),
		Tools:       []Tool{activityListTool(d)},
	}
}

// ActivityListInput are the arguments of nc_activity_list.
type ActivityListInput struct {
	ObjectType  string `json:"object_type,omitempty" jsonschema:"e.g. files; with object_id"`
	ObjectID    string `json:"object_id,omitempty"`
	Limit       int    `json:"limit,omitempty" jsonschema:"default 30, max 200"`
	SinceID     int    `json:"since_id,omitempty" jsonschema:"next_since_id of the last answer"`
	OldestFirst bool   `json:"oldest_first,omitempty"`
}

// Validate implements the input check.
func (in *ActivityListInput) Validate() error {
	if (in.ObjectType == "") != (in.ObjectID == "") {
		return inputErrorf("object_type and object_id go together, e.g. files and a file id")
	}
	if in.Limit < 0 || in.Limit > 200 || in.SinceID < 0 {
		return inputErrorf("limit must be 1-200 and since_id an activity id")
	}
	return nil
}

// ActivityItem is one activity.
type ActivityItem struct {
	ID         int    `json:"id" jsonschema_description:"Activity id."`
	Time       string `json:"time" jsonschema:"ISO 8601"`
	App        string `json:"app" jsonschema:"app that reported it, e.g. files, files_sharing, calendar"`
	Type       string `json:"type" jsonschema:"kind, e.g. file_created, shared"`
	User       string `json:"user,omitempty" jsonschema:"user id who did it (empty for public-link or remote actions)"`
	Subject    string `json:"subject" jsonschema:"what happened, in words"`
	Message    string `json:"message,omitempty" jsonschema_description:"Longer text, when the app gives one."`
	ObjectType string `json:"object_type,omitempty" jsonschema_description:"Kind of object it is about, for example files or calendar."`
	ObjectID   int64  `json:"object_id,omitempty" jsonschema_description:"Id of the object it is about."`
	ObjectName string `json:"object_name,omitempty" jsonschema:"e.g. the file path"`
	Link       string `json:"link,omitempty" jsonschema:"where to see it in Nextcloud"`
}

// ActivityListOutput is the result of nc_activity_list.
type ActivityListOutput struct {
	Activities  []ActivityItem `json:"activities" jsonschema_description:"The recent activities."`
	NextSinceID int            `json:"next_since_id,omitempty" jsonschema:"pass as since_id for more; absent at the end"`
}

func activityListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_activity_list",
		Title: "List recent activity",
		Description: "List the activity stream (file changes, shares, calendar and app events, who " +
			"did it), newest first. object_type + object_id give one item's history.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in ActivityListInput) (ActivityListOutput, error) {
		page, err := call.Client.Activities(ctx, nextcloud.ActivityQuery{
			ObjectType: in.ObjectType, ObjectID: in.ObjectID, Since: in.SinceID,
			Limit: cmp.Or(in.Limit, 30), Ascending: in.OldestFirst,
		})
		if err != nil {
			what := "the activity stream"
			if in.ObjectType != "" {
				what = "the activity of " + strings.TrimSuffix(in.ObjectType, "s") + " " + in.ObjectID
			}
			return ActivityListOutput{}, about(err, "%s", what)
		}
		out := ActivityListOutput{Activities: []ActivityItem{}, NextSinceID: page.Next}
		for _, a := range page.Activities {
			out.Activities = append(out.Activities, ActivityItem{
				ID: a.ID, Time: a.Datetime, App: a.App, Type: a.Type, User: a.User, Subject: a.Subject, Message: a.Message,
				ObjectType: a.ObjectType, ObjectID: a.ObjectID, ObjectName: a.ObjectName, Link: call.Client.AbsoluteURL(a.Link),
			})
		}
		return out, nil
	})
}
