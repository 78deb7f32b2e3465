package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// deckBase is where Deck's REST API lives. Pretty URLs are not guaranteed, so
// it goes through index.php.
const deckBase = "/index.php/apps/deck/api/v1.0"

// DeckAPI is the Deck app: boards, stacks, cards, labels, assignments and
// (over OCS) comments. Get one with Client.Deck.
type DeckAPI struct{ c *Client }

// Deck returns the Deck API of this client.
func (c *Client) Deck() *DeckAPI { return &DeckAPI{c: c} }

// DeckUser is a Deck participant. Deck sends it as an object on most
// endpoints but as a bare user id on others (a card's owner on create, cards
// inside a single stack); both decode to the same value.
type DeckUser struct {
	UID         string `json:"uid"`
	DisplayName string `json:"displayname,omitempty"`
	// Type is 0 for a user, 1 for a group, 7 for a team.
	Type int `json:"type"`
}

// UnmarshalJSON accepts the object form and the bare-string form.
func (u *DeckUser) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*u = DeckUser{UID: s}
		return nil
	}
	var raw struct {
		UID         string `json:"uid"`
		PrimaryKey  string `json:"primaryKey"`
		DisplayName string `json:"displayname"`
		Type        int    `json:"type"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*u = DeckUser{UID: raw.UID, DisplayName: raw.DisplayName, Type: raw.Type}
	if u.UID == "" {
		u.UID = raw.PrimaryKey
	}
	return nil
}

// DeckPermissions are the current user's rights on a board.
type DeckPermissions struct {
	Read   bool `json:"PERMISSION_READ"`
	Edit   bool `json:"PERMISSION_EDIT"`
	Manage bool `json:"PERMISSION_MANAGE"`
	Share  bool `json:"PERMISSION_SHARE"`
}

// DeckACL is one share of a board.
type DeckACL struct {
	ID               int      `json:"id"`
	Participant      DeckUser `json:"participant"`
	Type             int      `json:"type"`
	BoardID          int      `json:"boardId"`
	PermissionEdit   bool     `json:"permissionEdit"`
	PermissionShare  bool     `json:"permissionShare"`
	PermissionManage bool     `json:"permissionManage"`
	Owner            bool     `json:"owner"`
}

// DeckBoard is a board. Stacks come without cards; list them with Stacks.
type DeckBoard struct {
	ID           int             `json:"id"`
	Title        string          `json:"title"`
	Owner        DeckUser        `json:"owner"`
	Color        string          `json:"color"`
	Archived     bool            `json:"archived"`
	Labels       []DeckLabel     `json:"labels"`
	ACL          []DeckACL       `json:"acl"`
	Permissions  DeckPermissions `json:"permissions"`
	Users        []DeckUser      `json:"users"`
	Stacks       []DeckStack     `json:"stacks"`
	DeletedAt    int64           `json:"deletedAt"`
	LastModified int64           `json:"lastModified"`
	ETag         string          `json:"ETag"`
}

// DeckStack is a column of cards.
type DeckStack struct {
	ID           int        `json:"id"`
	Title        string     `json:"title"`
	BoardID      int        `json:"boardId"`
	Order        int        `json:"order"`
	Cards        []DeckCard `json:"cards"`
	DeletedAt    int64      `json:"deletedAt"`
	LastModified int64      `json:"lastModified"`
	ETag         string     `json:"ETag"`
}

// DeckLabel is a board label; cards carry copies of the ones assigned to them.
type DeckLabel struct {
	ID           int    `json:"id"`
	Title        string `json:"title"`
	Color        string `json:"color"`
	BoardID      int    `json:"boardId"`
	LastModified int64  `json:"lastModified"`
	ETag         string `json:"ETag"`
}

// DeckAssignment is a user (or group) assigned to a card.
type DeckAssignment struct {
	ID          int      `json:"id"`
	Participant DeckUser `json:"participant"`
	CardID      int      `json:"cardId"`
	Type        int      `json:"type"`
}

// DeckCard is a card. Deck sends null for many fields on some endpoints;
// they decode to zero values.
type DeckCard struct {
	ID            int              `json:"id"`
	Title         string           `json:"title"`
	Description   string           `json:"description"`
	StackID       int              `json:"stackId"`
	Type          string           `json:"type"`
	Order         int              `json:"order"`
	Owner         DeckUser         `json:"owner"`
	Labels        []DeckLabel      `json:"labels"`
	AssignedUsers []DeckAssignment `json:"assignedUsers"`
	Archived      bool             `json:"archived"`
	// Done is when the card was marked done (ISO 8601), empty when it is not.
	Done string `json:"done"`
	// DueDate is ISO 8601 with an offset, empty when there is none.
	DueDate         string `json:"duedate"`
	LastEditor      string `json:"lastEditor"`
	CreatedAt       int64  `json:"createdAt"`
	LastModified    int64  `json:"lastModified"`
	DeletedAt       int64  `json:"deletedAt"`
	CommentsCount   int    `json:"commentsCount"`
	CommentsUnread  int    `json:"commentsUnread"`
	AttachmentCount int    `json:"attachmentCount"`
	ETag            string `json:"ETag"`
}

// AssignedTo reports whether uid is assigned to the card.
func (c *DeckCard) AssignedTo(uid string) bool {
	for _, a := range c.AssignedUsers {
		if a.Participant.UID == uid {
			return true
		}
	}
	return false
}

// HasLabel reports whether the label is assigned to the card.
func (c *DeckCard) HasLabel(id int) bool {
	for _, l := range c.Labels {
		if l.ID == id {
			return true
		}
	}
	return false
}

// call sends one Deck REST request. body, when not nil, is JSON; out, when
// not nil, receives the JSON answer.
func (d *DeckAPI) call(ctx context.Context, method, path string, query url.Values, header http.Header, body, out any, ok ...int) (*http.Response, error) {
	r := &Request{Method: method, Path: deckBase + path, Query: query, API: APIApp, Header: http.Header{"Accept": {"application/json"}}, OK: ok}
	for k, vs := range header {
		r.Header[k] = vs
	}
	if body != nil {
		if err := r.setJSON(body); err != nil {
			return nil, err
		}
	}
	resp, raw, err := d.c.Call(ctx, r)
	if err != nil {
		return nil, deckError(err)
	}
	if out != nil && resp.StatusCode != http.StatusNotModified && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp, fmt.Errorf("%s %s: decode Deck answer: %w", method, r.Path, err)
		}
	}
	return resp, nil
}

// deckError recognises a missing Deck app (every Deck error carries a JSON
// message, while a route the server does not know is a bare 404 page) and
// Deck's 500 for writes on an archived board.
func deckError(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.Status == http.StatusNotFound && e.Message == "":
		return fmt.Errorf("%w: the Deck app is not installed or not enabled on this server (%v)", ErrAppMissing, err)
	case e.Status == http.StatusInternalServerError && strings.Contains(e.Message, "board is archived"):
		return fmt.Errorf("%w: %w", ErrDeckBoardArchived, err)
	}
	return err
}

// DeckPermissionDenied reports whether err is Deck's 403 "Permission
// denied", which Deck answers alike for a missing, deleted or unshared item.
func DeckPermissionDenied(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusForbidden && e.Message == "Permission denied"
}

// deckPath builds a path below the Deck API root from literal segments and ids.
func deckPath(segs ...any) string {
	var b bytes.Buffer
	for _, s := range segs {
		b.WriteByte('/')
		switch v := s.(type) {
		case int:
			b.WriteString(strconv.Itoa(v))
		default:
			b.WriteString(url.PathEscape(fmt.Sprint(v)))
		}
	}
	return b.String()
}
