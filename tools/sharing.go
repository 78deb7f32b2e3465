package tools

import (
	"context"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// sharingToolset: shares and public links (files_sharing).
//
// Which tools are openWorld: every tool that gives other people access or
// changes what they can reach (creating or updating a share or a link) is
// openWorld, because its effect leaves the user's own account. Reading and
// revoking are not.
func sharingToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "sharing",
		Description: "Shares and public links (files_sharing): list, inspect, share with people, publish links, change and revoke.",
		Available:   hasApp("files_sharing"),
		Tools: []Tool{
			sharingListTool(d),
			sharingGetTool(d),
			sharingCreateTool(d),
			sharingCreateLinkTool(d),
			sharingUpdateTool(d),
			sharingDeleteTool(d),
			sharingSearchShareesTool(d),
		},
	}
}

// ShareInfo is a share as the tools report it. It never carries a password
// or the password hash the server returns for links.
type ShareInfo struct {
	ID       string `json:"id" jsonschema:"share id, for nc_sharing_get, nc_sharing_update and nc_sharing_delete"`
	Type     string `json:"type" jsonschema:"user, group, link, email, federated, team or talk"`
	Path     string `json:"path" jsonschema:"the shared file or folder, as seen by the user asking"`
	ItemType string `json:"item_type" jsonschema:"file or folder"`
	// Permissions are the names of the granted bits.
	Permissions       []string `json:"permissions" jsonschema:"granted: read, update, create, delete, share"`
	SharedWith        string   `json:"shared_with,omitempty" jsonschema:"user id, group id, email address or federated cloud id (empty for links)"`
	SharedWithName    string   `json:"shared_with_name,omitempty" jsonschema:"display name of the recipient"`
	Owner             string   `json:"owner,omitempty" jsonschema:"user id of who shared it"`
	Expires           string   `json:"expires,omitempty" jsonschema:"expiry date YYYY-MM-DD"`
	Note              string   `json:"note,omitempty" jsonschema:"note for the recipient"`
	Label             string   `json:"label,omitempty" jsonschema:"label of a link"`
	URL               string   `json:"url,omitempty" jsonschema:"public link address (links only)"`
	PasswordProtected bool     `json:"password_protected,omitempty" jsonschema:"a password is needed to open it"`
	HideDownload      bool     `json:"hide_download,omitempty" jsonschema:"the link hides the download button"`
	Created           string   `json:"created,omitempty" jsonschema:"when it was shared (RFC 3339)"`
}

// sharePermissionNames are the permission bits in bit order.
var sharePermissionNames = []struct {
	name string
	bit  int
}{
	{"read", nextcloud.PermRead},
	{"update", nextcloud.PermUpdate},
	{"create", nextcloud.PermCreate},
	{"delete", nextcloud.PermDelete},
	{"share", nextcloud.PermShare},
}

func sharePermissionList(bits int) []string {
	out := []string{}
	for _, p := range sharePermissionNames {
		if bits&p.bit != 0 {
			out = append(out, p.name)
		}
	}
	return out
}

// sharePermissionBits parses permission names; "read" is implied by any other.
func sharePermissionBits(names []string) (int, error) {
	bits := 0
	for _, n := range names {
		found := false
		for _, p := range sharePermissionNames {
			if strings.EqualFold(strings.TrimSpace(n), p.name) {
				bits |= p.bit
				found = true
			}
		}
		if !found {
			return 0, inputErrorf("unknown permission %q: use read, update, create, delete or share", n)
		}
	}
	if bits != 0 {
		bits |= nextcloud.PermRead
	}
	return bits, nil
}

// shareTypeByName maps the type names the tools accept.
var shareTypeByName = map[string]nextcloud.ShareType{
	"user":      nextcloud.ShareUser,
	"group":     nextcloud.ShareGroup,
	"email":     nextcloud.ShareEmail,
	"federated": nextcloud.ShareFederated,
	"link":      nextcloud.ShareLink,
}

func shareInfo(s *nextcloud.Share) ShareInfo {
	out := ShareInfo{
		ID: s.ID, Type: s.Type.String(), Path: s.Path, ItemType: s.ItemType,
		Permissions: sharePermissionList(s.Permissions), SharedWith: s.ShareWith,
		Owner: s.Owner, Note: s.Note, Label: s.Label, URL: s.URL,
		PasswordProtected: s.HasPassword, HideDownload: s.HideDownload,
	}
	if s.ShareWithName != "" && s.ShareWithName != s.ShareWith && s.Type != nextcloud.ShareLink {
		out.SharedWithName = s.ShareWithName
	}
	if len(s.Expiration) >= 10 {
		out.Expires = s.Expiration[:10]
	}
	if s.Created > 0 {
		out.Created = time.Unix(s.Created, 0).UTC().Format(time.RFC3339)
	}
	return out
}

// checkExpireDate accepts YYYY-MM-DD (or "" where clearing is allowed).
func checkExpireDate(v string) error {
	if v == "" {
		return nil
	}
	if _, err := time.Parse("2006-01-02", v); err != nil {
		return inputErrorf("expire_date %q must be a date like 2030-12-31", v)
	}
	return nil
}

// --- list ---

// SharingListInput are the arguments of nc_sharing_list.
type SharingListInput struct {
	SharedWithMe bool   `json:"shared_with_me,omitempty"`
	Pending      bool   `json:"pending,omitempty"`
	Path         string `json:"path,omitempty"`
	Subfiles     bool   `json:"subfiles,omitempty" jsonschema:"with path: shares of the items inside it"`
	Reshares     bool   `json:"reshares,omitempty" jsonschema:"with path: also others' reshares"`
	Type         string `json:"type,omitempty" jsonschema:"user, group, link, email or federated,enum=user,enum=group,enum=link,enum=email,enum=federated"`
}

// Validate implements the input check.
func (in *SharingListInput) Validate() error {
	if in.SharedWithMe && in.Pending {
		return inputErrorf("choose shared_with_me or pending, not both")
	}
	if (in.Subfiles || in.Reshares) && in.Path == "" {
		return inputErrorf("subfiles and reshares need a path")
	}
	if (in.SharedWithMe || in.Pending) && in.Path != "" {
		return inputErrorf("path filters your own shares; leave it out with shared_with_me or pending")
	}
	if _, ok := shareTypeByName[in.Type]; in.Type != "" && !ok {
		return inputErrorf("type %q: use user, group, link, email or federated", in.Type)
	}
	return nil
}

// SharingListOutput is the result of nc_sharing_list.
type SharingListOutput struct {
	Shares []ShareInfo `json:"shares" jsonschema_description:"The shares."`
}

func sharingListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_sharing_list",
		Title: "List shares",
		Description: "List the shares the user made, or with shared_with_me what " +
			"others shared, or pending ones; path narrows to one item.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in SharingListInput) (SharingListOutput, error) {
		var shares []nextcloud.Share
		var err error
		what := "your shares"
		switch {
		case in.Pending:
			what = "your pending shares"
			shares, err = call.Client.PendingShares(ctx)
		default:
			if in.SharedWithMe {
				what = "the shares with you"
			} else if in.Path != "" {
				what = "the shares of " + in.Path
			}
			shares, err = call.Client.ListShares(ctx, nextcloud.ShareListOptions{SharedWithMe: in.SharedWithMe, Path: in.Path, Subfiles: in.Subfiles, Reshares: in.Reshares})
		}
		if err != nil {
			return SharingListOutput{}, about(err, "%s", what)
		}
		out := SharingListOutput{Shares: []ShareInfo{}}
		for i := range shares {
			if t, ok := shareTypeByName[in.Type]; ok && shares[i].Type != t {
				continue
			}
			out.Shares = append(out.Shares, shareInfo(&shares[i]))
		}
		return out, nil
	})
}

// --- get ---

// SharingIDInput names one share.
type SharingIDInput struct {
	ID string `json:"id"`
}

// Validate implements the input check.
func (in *SharingIDInput) Validate() error {
	if strings.TrimSpace(in.ID) == "" {
		return inputErrorf("id is required: list shares with nc_sharing_list to find it")
	}
	return nil
}

func sharingGetTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_sharing_get",
		Title:       "Get a share",
		Description: "Show one share: item, recipient, permissions, expiry, note, link address.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in SharingIDInput) (ShareInfo, error) {
		s, err := call.Client.GetShare(ctx, in.ID)
		if err != nil {
			return ShareInfo{}, about(err, "share %s", in.ID)
		}
		return shareInfo(s), nil
	})
}
