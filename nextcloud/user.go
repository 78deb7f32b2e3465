package nextcloud

import (
	"context"
	"net/http"
)

// User is the signed-in account as /cloud/user reports it.
type User struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayname"`
	Email       string   `json:"email"`
	Groups      []string `json:"groups"`
	Quota       struct {
		Free     int64   `json:"free"`
		Used     int64   `json:"used"`
		Total    int64   `json:"total"`
		Relative float64 `json:"relative"`
		Quota    int64   `json:"quota"`
	} `json:"quota"`
}

// IsAdmin reports membership of the admin group.
func (u *User) IsAdmin() bool {
	for _, g := range u.Groups {
		if g == "admin" {
			return true
		}
	}
	return false
}

// CurrentUser returns the account the credential belongs to.
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	var u User
	if err := c.OCS(ctx, http.MethodGet, "/cloud/user", nil, nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}
