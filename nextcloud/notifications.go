package nextcloud

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strconv"
)

const notificationsPath = "/apps/notifications/api/v2/notifications"

// NotificationAction is a button a notification offers.
type NotificationAction struct {
	Label   string `json:"label"`
	Link    string `json:"link"`
	Type    string `json:"type"`
	Primary bool   `json:"primary"`
}

// Notification is one notification of the user.
type Notification struct {
	ID         int                  `json:"notification_id"`
	App        string               `json:"app"`
	User       string               `json:"user"`
	Datetime   string               `json:"datetime"`
	ObjectType string               `json:"object_type"`
	ObjectID   string               `json:"object_id"`
	Subject    string               `json:"subject"`
	Message    string               `json:"message"`
	Link       string               `json:"link"`
	Actions    []NotificationAction `json:"actions"`
	// SubjectRich holds the objects the subject names, among them who
	// caused the notification. The server sends [] when there are none and
	// an object keyed by placeholder otherwise (notifications/01, talk/22).
	SubjectRich json.RawMessage `json:"subjectRichParameters"`
}

// Actor kinds of a notification.
const (
	ActorUser      = "user"      // an account on this server
	ActorGuest     = "guest"     // a guest or e-mail guest without an account
	ActorFederated = "federated" // an account on another server
)

// NotificationActor is who caused a notification.
type NotificationActor struct {
	ID   string // user id, cloud id (federated) or guest name
	Kind string // ActorUser, ActorGuest or ActorFederated
}

// Actor finds who caused the notification among its subject's rich
// parameters: the "user" placeholder apps use for the actor, else the first
// person named. It is zero for notifications the server itself sends
// (admin notices, app updates).
func (n Notification) Actor() NotificationActor {
	var params map[string]struct {
		Type   string `json:"type"`
		ID     any    `json:"id"`
		Name   string `json:"name"`
		Server string `json:"server"`
	}
	if json.Unmarshal(n.SubjectRich, &params) != nil || len(params) == 0 {
		return NotificationActor{}
	}
	keys := slices.Sorted(maps.Keys(params))
	if _, ok := params["user"]; ok {
		keys = append([]string{"user"}, keys...) // a second visit finds nothing new
	}
	for _, k := range keys {
		p := params[k]
		id, _ := p.ID.(string)
		switch p.Type {
		case "user":
			if p.Server != "" {
				return NotificationActor{ID: id + "@" + p.Server, Kind: ActorFederated}
			}
			if id != "" {
				return NotificationActor{ID: id, Kind: ActorUser}
			}
		case "guest", "email":
			name := p.Name
			if name == "" {
				name = "guest"
			}
			return NotificationActor{ID: name, Kind: ActorGuest}
		}
	}
	return NotificationActor{}
}

// Notifications lists the user's notifications, newest first.
func (c *Client) Notifications(ctx context.Context) ([]Notification, error) {
	var out []Notification
	// 204 means no app can notify; the list is empty then.
	if _, err := c.OCSDo(ctx, OCSCall{Method: http.MethodGet, Path: notificationsPath}, &out); err != nil {
		return nil, appMissing(err, "notifications")
	}
	return out, nil
}

// DismissNotification deletes one notification for the user.
func (c *Client) DismissNotification(ctx context.Context, id int) error {
	err := c.OCS(ctx, http.MethodDelete, notificationsPath+"/"+strconv.Itoa(id), nil, nil, nil)
	return appMissing(err, "notifications")
}
