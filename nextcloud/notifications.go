package nextcloud

import (
	"context"
	"net/http"
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
