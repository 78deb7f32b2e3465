package tools

import (
	"context"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// notificationsToolset: the user's notifications (notifications app).
func notificationsToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "notifications",
		Description: "Your Nextcloud notifications: list and dismiss.",
		Available:   hasApp("notifications"),
		Tools:       []Tool{notificationsListTool(d), notificationsDismissTool(d)},
	}
}

// NotificationItem is one notification.
type NotificationItem struct {
	ID         int      `json:"id" jsonschema:"notification id, for nc_notifications_dismiss"`
	App        string   `json:"app" jsonschema:"app that sent it"`
	Time       string   `json:"time" jsonschema:"ISO 8601"`
	Subject    string   `json:"subject" jsonschema_description:"What it says, in one line."`
	Message    string   `json:"message,omitempty" jsonschema_description:"Longer text, when there is one."`
	Link       string   `json:"link,omitempty" jsonschema:"what it points to"`
	ObjectType string   `json:"object_type,omitempty" jsonschema_description:"Kind of object it is about."`
	ObjectID   string   `json:"object_id,omitempty" jsonschema_description:"Id of the object it is about."`
	Actions    []string `json:"actions,omitempty" jsonschema:"buttons it offers in Nextcloud (not run from here)"`
	Actor      string   `json:"actor,omitempty" jsonschema_description:"Who caused it: a user id, a cloud id (user@server) or a guest's name; absent for the server's own notices."`
	ActorType  string   `json:"actor_type,omitempty" jsonschema_description:"guest or federated when the actor has no account on this server."`
}

// NotificationsListOutput is the result of nc_notifications_list.
type NotificationsListOutput struct {
	Notifications []NotificationItem `json:"notifications" jsonschema:"newest first"`
}

// NotificationsNoInput is the empty argument list.
type NotificationsNoInput struct{}

func notificationsListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_notifications_list",
		Title:       "List notifications",
		Description: "List the user's notifications newest first (mentions, shares, reminders); reading does not dismiss.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, _ NotificationsNoInput) (NotificationsListOutput, error) {
		ns, err := call.Client.Notifications(ctx)
		if err != nil {
			return NotificationsListOutput{}, about(err, "your notifications")
		}
		out := NotificationsListOutput{Notifications: []NotificationItem{}}
		for _, n := range ns {
			item := NotificationItem{ID: n.ID, App: n.App, Time: n.Datetime, Subject: n.Subject, Message: n.Message,
				Link: n.Link, ObjectType: n.ObjectType, ObjectID: n.ObjectID}
			if actor := n.Actor(); actor.ID != "" {
				item.Actor = actor.ID
				if actor.Kind != nextcloud.ActorUser {
					item.ActorType = actor.Kind
				}
			}
			for _, a := range n.Actions {
				item.Actions = append(item.Actions, a.Label)
			}
			out.Notifications = append(out.Notifications, item)
		}
		return out, nil
	})
}

// NotificationsDismissInput names one notification.
type NotificationsDismissInput struct {
	ID int `json:"id"`
}

// Validate implements the input check.
func (in *NotificationsDismissInput) Validate() error {
	if in.ID <= 0 {
		return inputErrorf("id is required: list notifications with nc_notifications_list")
	}
	return nil
}

// NotificationsDismissOutput is the result of nc_notifications_dismiss.
type NotificationsDismissOutput struct {
	ID        int  `json:"id" jsonschema_description:"Id of the dismissed notification."`
	Dismissed bool `json:"dismissed" jsonschema_description:"True when it is gone."`
}

func notificationsDismissTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_notifications_dismiss",
		Title:       "Dismiss a notification",
		Description: "Dismiss one of the user's notifications on every device, for good.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in NotificationsDismissInput) (NotificationsDismissOutput, error) {
		if err := call.Client.DismissNotification(ctx, in.ID); err != nil {
			return NotificationsDismissOutput{}, about(err, "notification %d", in.ID)
		}
		return NotificationsDismissOutput{ID: in.ID, Dismissed: true}, nil
	})
}
