package nextcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// sharesPath is the files_sharing OCS API; NC 29 serves it under v2 too, where
// failures carry their real HTTP status (v1 answers 200 even for errors).
const sharesPath = "/apps/files_sharing/api/v1/shares"

// ShareType is files_sharing's shareType.
type ShareType int

// The share types this client creates or reads.
const (
	ShareUser      ShareType = 0
	ShareGroup     ShareType = 1
	ShareLink      ShareType = 3
	ShareEmail     ShareType = 4
	ShareFederated ShareType = 6
	ShareCircle    ShareType = 7
	ShareTalk      ShareType = 10
)

// String names the share type the way a person says it.
func (t ShareType) String() string {
	switch t {
	case ShareUser:
		return "user"
	case ShareGroup:
		return "group"
	case ShareLink:
		return "link"
	case ShareEmail:
		return "email"
	case ShareFederated:
		return "federated"
	case ShareCircle:
		return "team"
	case ShareTalk:
		return "talk"
	}
	return "type-" + strconv.Itoa(int(t))
}

// Share permission bits.
const (
	PermRead   = 1
	PermUpdate = 2
	PermCreate = 4
	PermDelete = 8
	PermShare  = 16
	PermAll    = PermRead | PermUpdate | PermCreate | PermDelete | PermShare
)

// Share is one share as files_sharing reports it. For link shares the server
// returns the password's hash in both password and share_with; Share keeps
// neither, only whether a password is set.
type Share struct {
	ID                 string
	Type               ShareType
	Owner              string
	OwnerName          string
	Permissions        int
	Created            int64 // unix seconds
	Expiration         string
	Token              string
	Note               string
	Label              string
	Path               string
	ItemType           string // "file" or "folder"
	MimeType           string
	FileID             int64
	Target             string
	ShareWith          string // empty for link shares, where the server puts the password hash here
	ShareWithName      string
	URL                string
	HasPassword        bool
	HideDownload       bool
	CanEdit, CanDelete bool
	MailSent           bool
	ItemPermissions    int
	SendPasswordByTalk bool
}

// shareWire is the JSON shape; nullable fields are pointers or raw.
type shareWire struct {
	ID                 json.RawMessage `json:"id"`
	ShareType          ShareType       `json:"share_type"`
	UIDOwner           string          `json:"uid_owner"`
	DisplayNameOwner   string          `json:"displayname_owner"`
	Permissions        int             `json:"permissions"`
	STime              int64           `json:"stime"`
	Expiration         *string         `json:"expiration"`
	Token              *string         `json:"token"`
	Note               string          `json:"note"`
	Label              *string         `json:"label"`
	Path               string          `json:"path"`
	ItemType           string          `json:"item_type"`
	MimeType           string          `json:"mimetype"`
	FileSource         int64           `json:"file_source"`
	FileTarget         string          `json:"file_target"`
	ShareWith          *string         `json:"share_with"`
	ShareWithName      string          `json:"share_with_displayname"`
	Password           *string         `json:"password"`
	URL                string          `json:"url"`
	HideDownload       int             `json:"hide_download"`
	CanEdit            bool            `json:"can_edit"`
	CanDelete          bool            `json:"can_delete"`
	MailSend           int             `json:"mail_send"`
	ItemPermissions    int             `json:"item_permissions"`
	SendPasswordByTalk bool            `json:"send_password_by_talk"`
}

// UnmarshalJSON reads the wire shape and drops the password hash.
func (s *Share) UnmarshalJSON(b []byte) error {
	var w shareWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	id := strings.Trim(string(w.ID), `"`)
	*s = Share{
		ID: id, Type: w.ShareType, Owner: w.UIDOwner, OwnerName: w.DisplayNameOwner,
		Permissions: w.Permissions, Created: w.STime, Note: w.Note, Path: w.Path,
		ItemType: w.ItemType, MimeType: w.MimeType, FileID: w.FileSource, Target: w.FileTarget,
		ShareWithName: w.ShareWithName, URL: w.URL, HideDownload: w.HideDownload != 0,
		CanEdit: w.CanEdit, CanDelete: w.CanDelete, MailSent: w.MailSend != 0,
		ItemPermissions: w.ItemPermissions, SendPasswordByTalk: w.SendPasswordByTalk,
	}
	if w.Expiration != nil {
		s.Expiration = *w.Expiration
	}
	if w.Token != nil {
		s.Token = *w.Token
	}
	if w.Label != nil {
		s.Label = *w.Label
	}
	s.HasPassword = w.Password != nil && *w.Password != ""
	// Link shares carry the password hash in share_with; never keep it.
	if w.ShareWith != nil && w.ShareType != ShareLink {
		s.ShareWith = *w.ShareWith
	}
	return nil
}

// ShareListOptions select which shares ListShares returns.
type ShareListOptions struct {
	// SharedWithMe lists shares other people made with this user instead of the user's own.
	SharedWithMe bool
	// Path limits the list to one file or folder (a path in the user's files).
	Path string
	// Subfiles lists the shares of the items inside Path (a folder) instead of Path itself.
	Subfiles bool
	// Reshares includes shares others made of the user's items.
	Reshares bool
}

// ListShares lists shares.
func (c *Client) ListShares(ctx context.Context, o ShareListOptions) ([]Share, error) {
	q := url.Values{}
	if o.SharedWithMe {
		q.Set("shared_with_me", "true")
	}
	if o.Path != "" {
		p, err := sharePath(o.Path)
		if err != nil {
			return nil, err
		}
		q.Set("path", p)
	}
	if o.Subfiles {
		q.Set("subfiles", "true")
	}
	if o.Reshares {
		q.Set("reshares", "true")
	}
	var out []Share
	if err := c.OCS(ctx, http.MethodGet, sharesPath, q, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// PendingShares lists shares with this user that wait to be accepted.
func (c *Client) PendingShares(ctx context.Context) ([]Share, error) {
	var out []Share
	if err := c.OCS(ctx, http.MethodGet, sharesPath+"/pending", nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// GetShare returns one share. The server wraps it in a one-element list.
func (c *Client) GetShare(ctx context.Context, id string) (*Share, error) {
	var raw json.RawMessage
	if err := c.OCS(ctx, http.MethodGet, sharesPath+"/"+url.PathEscape(id), nil, nil, &raw); err != nil {
		return nil, err
	}
	return decodeOneShare(raw)
}

func decodeOneShare(raw json.RawMessage) (*Share, error) {
	var list []Share
	if json.Unmarshal(raw, &list) == nil {
		if len(list) == 0 {
			return nil, fmt.Errorf("the server answered with no share: %w", ErrNotFound)
		}
		return &list[0], nil
	}
	var one Share
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, fmt.Errorf("decode share: %w", err)
	}
	return &one, nil
}

// NewShare is what CreateShare sends.
type NewShare struct {
	// Path of the file or folder in the user's files.
	Path string
	Type ShareType
	// ShareWith is the user id, group id, email address or federated cloud id; empty for links.
	ShareWith string
	// Permissions is a bitmask (PermRead...); 0 lets the server choose its default.
	Permissions int
	// Password protects a link or email share.
	Password string
	// ExpireDate is YYYY-MM-DD.
	ExpireDate string
	Note       string
	Label      string
}

// String keeps the password out of %v and %+v.
func (n NewShare) String() string {
	return fmt.Sprintf("NewShare{Path:%s Type:%s ShareWith:%s Permissions:%d Password:%s ExpireDate:%s}",
		n.Path, n.Type, n.ShareWith, n.Permissions, redactedIfSet(n.Password), n.ExpireDate)
}

// GoString keeps the password out of %#v.
func (n NewShare) GoString() string { return n.String() }

func redactedIfSet(s string) string {
	if s == "" {
		return ""
	}
	return "<redacted>"
}

// CreateShare creates a share. An identical user share that already exists is
// returned as is (the server does not fail on duplicates).
func (c *Client) CreateShare(ctx context.Context, n NewShare) (*Share, error) {
	p, err := sharePath(n.Path)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"path": p, "shareType": int(n.Type)}
	if n.ShareWith != "" {
		body["shareWith"] = n.ShareWith
	}
	if n.Permissions != 0 {
		body["permissions"] = n.Permissions
	}
	if n.Password != "" {
		body["password"] = n.Password
	}
	if n.ExpireDate != "" {
		body["expireDate"] = n.ExpireDate
	}
	if n.Note != "" {
		body["note"] = n.Note
	}
	if n.Label != "" {
		body["label"] = n.Label
	}
	var raw json.RawMessage
	if err := c.OCS(ctx, http.MethodPost, sharesPath, nil, body, &raw); err != nil {
		return nil, err
	}
	return decodeOneShare(raw)
}

// ShareUpdate changes a share; nil fields stay as they are. An empty Password
// or ExpireDate removes it.
type ShareUpdate struct {
	Permissions  *int
	Password     *string
	ExpireDate   *string
	Note         *string
	Label        *string
	HideDownload *bool
}

// UpdateShare changes a share and returns it as it is now.
func (c *Client) UpdateShare(ctx context.Context, id string, u ShareUpdate) (*Share, error) {
	body := map[string]any{}
	if u.Permissions != nil {
		body["permissions"] = *u.Permissions
	}
	if u.Password != nil {
		body["password"] = *u.Password
	}
	if u.ExpireDate != nil {
		body["expireDate"] = *u.ExpireDate
	}
	if u.Note != nil {
		body["note"] = *u.Note
	}
	if u.Label != nil {
		body["label"] = *u.Label
	}
	if u.HideDownload != nil {
		body["hideDownload"] = strconv.FormatBool(*u.HideDownload)
	}
	if len(body) == 0 {
		return nil, fmt.Errorf("update share %s: nothing to change", id)
	}
	var raw json.RawMessage
	if err := c.OCS(ctx, http.MethodPut, sharesPath+"/"+url.PathEscape(id), nil, body, &raw); err != nil {
		return nil, err
	}
	return decodeOneShare(raw)
}

// DeleteShare removes a share; the shared item itself stays.
func (c *Client) DeleteShare(ctx context.Context, id string) error {
	return c.OCS(ctx, http.MethodDelete, sharesPath+"/"+url.PathEscape(id), nil, nil, nil)
}

// sharePath turns a user path into the "/a/b" form files_sharing expects.
func sharePath(p string) (string, error) {
	segs, err := CleanPath(p)
	if err != nil {
		return "", err
	}
	if len(segs) == 0 {
		return "", fmt.Errorf("path %q names your whole home folder, which cannot be shared: name a file or folder in it", p)
	}
	return JoinPath(segs), nil
}
