package tools

import (
	"context"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// --- create (people) ---

// SharingCreateInput are the arguments of nc_sharing_create.
type SharingCreateInput struct {
	Path        string   `json:"path"`
	ShareWith   string   `json:"share_with" jsonschema:"user id, group id, email or user@other.cloud"`
	Type        string   `json:"type,omitempty" jsonschema:"user (default), group, email or federated,enum=user,enum=group,enum=email,enum=federated"`
	Permissions []string `json:"permissions,omitempty" jsonschema:"of read, update, create, delete, share; default all"`
	ExpireDate  string   `json:"expire_date,omitempty" jsonschema:"last day of access"`
	Note        string   `json:"note,omitempty"`
	Password    string   `json:"password,omitempty" jsonschema:"email shares only"`
}

// Validate implements the input check.
func (in *SharingCreateInput) Validate() error {
	if strings.TrimSpace(in.Path) == "" || strings.TrimSpace(in.ShareWith) == "" {
		return inputErrorf("path and share_with are required")
	}
	if in.Type == "" {
		in.Type = "user"
	}
	t, ok := shareTypeByName[in.Type]
	if !ok || t == nextcloud.ShareLink {
		return inputErrorf("type %q: use user, group, email or federated (public links: nc_sharing_create_link)", in.Type)
	}
	if t == nextcloud.ShareEmail && !strings.Contains(in.ShareWith, "@") {
		return inputErrorf("share_with %q is not an email address", in.ShareWith)
	}
	if t == nextcloud.ShareFederated && !strings.Contains(in.ShareWith, "@") {
		return inputErrorf("share_with %q is not a federated cloud id like user@cloud.example.com", in.ShareWith)
	}
	if in.Password != "" && t != nextcloud.ShareEmail {
		return inputErrorf("password applies only to email shares")
	}
	if _, err := sharePermissionBits(in.Permissions); err != nil {
		return err
	}
	return checkExpireDate(in.ExpireDate)
}

func sharingCreateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_sharing_create",
		Title: "Share with someone",
		Description: "Share a file or folder with a user, group, email address or federated cloud id; the " +
			"same share again returns the existing one. Public links: nc_sharing_create_link.",
		Hints: Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in SharingCreateInput) (ShareInfo, error) {
		perms, _ := sharePermissionBits(in.Permissions)
		s, err := call.Client.CreateShare(ctx, nextcloud.NewShare{
			Path: in.Path, Type: shareTypeByName[in.Type], ShareWith: in.ShareWith, Permissions: perms,
			ExpireDate: in.ExpireDate, Note: in.Note, Password: in.Password,
		})
		if err != nil {
			return ShareInfo{}, about(err, "sharing %q with %s", in.Path, in.ShareWith)
		}
		return shareInfo(s), nil
	})
}

// --- create link ---

// SharingCreateLinkInput are the arguments of nc_sharing_create_link.
type SharingCreateLinkInput struct {
	Path         string `json:"path"`
	Access       string `json:"access,omitempty" jsonschema:"read (default), edit or file_drop (folders: upload only),enum=read,enum=edit,enum=file_drop"`
	Password     string `json:"password,omitempty"`
	ExpireDate   string `json:"expire_date,omitempty" jsonschema:"last day it works"`
	Label        string `json:"label,omitempty"`
	Note         string `json:"note,omitempty"`
	HideDownload bool   `json:"hide_download,omitempty"`
}

// linkAccess maps access names to permission bits.
var linkAccess = map[string]int{
	"read":      nextcloud.PermRead,
	"edit":      nextcloud.PermRead | nextcloud.PermUpdate | nextcloud.PermCreate | nextcloud.PermDelete,
	"file_drop": nextcloud.PermCreate,
}

// Validate implements the input check.
func (in *SharingCreateLinkInput) Validate() error {
	if strings.TrimSpace(in.Path) == "" {
		return inputErrorf("path is required")
	}
	if in.Access == "" {
		in.Access = "read"
	}
	if _, ok := linkAccess[in.Access]; !ok {
		return inputErrorf("access %q: use read, edit or file_drop", in.Access)
	}
	return checkExpireDate(in.ExpireDate)
}

func sharingCreateLinkTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_sharing_create_link",
		Title: "Create a public link",
		Description: "Publish a file or folder as a public link anyone with the address can open; " +
			"only when the user asks for a link. Read-only unless access says otherwise.",
		Hints: Hints{OpenWorld: true},
	}, func(ctx context.Context, call *Call, in SharingCreateLinkInput) (ShareInfo, error) {
		s, err := call.Client.CreateShare(ctx, nextcloud.NewShare{
			Path: in.Path, Type: nextcloud.ShareLink, Permissions: linkAccess[in.Access],
			Password: in.Password, ExpireDate: in.ExpireDate, Label: in.Label, Note: in.Note,
		})
		if err != nil {
			return ShareInfo{}, about(err, "a public link for %q", in.Path)
		}
		if in.HideDownload {
			hide := true
			if s, err = call.Client.UpdateShare(ctx, s.ID, nextcloud.ShareUpdate{HideDownload: &hide}); err != nil {
				return ShareInfo{}, about(err, "hiding the download button of the new link")
			}
		}
		return shareInfo(s), nil
	})
}

// --- update ---

// SharingUpdateInput are the arguments of nc_sharing_update. Leave a field
// out to keep it; an empty string clears password or expire_date.
type SharingUpdateInput struct {
	ID           string   `json:"id"`
	Permissions  []string `json:"permissions,omitempty" jsonschema:"of read, update, create, delete, share"`
	Password     *string  `json:"password,omitempty"`
	ExpireDate   *string  `json:"expire_date,omitempty"`
	Note         *string  `json:"note,omitempty"`
	Label        *string  `json:"label,omitempty"`
	HideDownload *bool    `json:"hide_download,omitempty"`
}

// Validate implements the input check.
func (in *SharingUpdateInput) Validate() error {
	if strings.TrimSpace(in.ID) == "" {
		return inputErrorf("id is required: list shares with nc_sharing_list to find it")
	}
	if in.Permissions == nil && in.Password == nil && in.ExpireDate == nil && in.Note == nil && in.Label == nil && in.HideDownload == nil {
		return inputErrorf("nothing to change: give permissions, password, expire_date, note, label or hide_download")
	}
	if _, err := sharePermissionBits(in.Permissions); err != nil {
		return err
	}
	if in.Permissions != nil && len(in.Permissions) == 0 {
		return inputErrorf("permissions cannot be empty; delete the share with nc_sharing_delete instead")
	}
	if in.ExpireDate != nil {
		return checkExpireDate(*in.ExpireDate)
	}
	return nil
}

func sharingUpdateTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_sharing_update",
		Title: "Change a share",
		Description: "Change a share or link: permissions, password, " +
			"expiry, note, label, download button.",
		Hints: Hints{Destructive: true, Idempotent: true, OpenWorld: true},
	}, func(ctx context.Context, call *Call, in SharingUpdateInput) (ShareInfo, error) {
		u := nextcloud.ShareUpdate{Password: in.Password, ExpireDate: in.ExpireDate, Note: in.Note, Label: in.Label, HideDownload: in.HideDownload}
		if in.Permissions != nil {
			bits, _ := sharePermissionBits(in.Permissions)
			u.Permissions = &bits
		}
		s, err := call.Client.UpdateShare(ctx, in.ID, u)
		if err != nil {
			return ShareInfo{}, about(err, "share %s", in.ID)
		}
		return shareInfo(s), nil
	})
}

// --- delete ---

// SharingDeleteOutput is the result of nc_sharing_delete.
type SharingDeleteOutput struct {
	ID      string `json:"id" jsonschema:"the share that was removed"`
	Deleted bool   `json:"deleted" jsonschema:"true once the share is gone"`
}

func sharingDeleteTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:  "nc_sharing_delete",
		Title: "Delete a share",
		Description: "Revoke a share or public link; " +
			"the item itself stays.",
		Hints: deleteHints,
	}, func(ctx context.Context, call *Call, in SharingIDInput) (SharingDeleteOutput, error) {
		if err := call.Client.DeleteShare(ctx, in.ID); err != nil {
			return SharingDeleteOutput{}, about(err, "share %s", in.ID)
		}
		return SharingDeleteOutput{ID: in.ID, Deleted: true}, nil
	})
}
