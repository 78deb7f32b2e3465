package tools

import (
	"context"
	"errors"
	"path"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Undo for files: the trash bin and file versions, which Nextcloud keeps
// for every delete and every overwrite.

// TrashListInput are the arguments of nc_webdav_list_trash.
type TrashListInput struct {
	Limit int `json:"limit,omitempty" jsonschema:"Default 50, at most 500."`
}

// Validate implements the input check.
func (in *TrashListInput) Validate() error {
	if in.Limit < 0 || in.Limit > 500 {
		return inputErrorf("limit must be 1-500")
	}
	return nil
}

// TrashItemOut is one deleted file or folder.
type TrashItemOut struct {
	ID           string `json:"id" jsonschema_description:"Pass to nc_webdav_restore_trash."`
	Name         string `json:"name"`
	OriginalPath string `json:"original_path" jsonschema_description:"Where it was."`
	Deleted      string `json:"deleted" jsonschema_description:"When it was deleted (RFC 3339)."`
	Size         int64  `json:"size" jsonschema_description:"Bytes; -1 for a folder."`
	IsDir        bool   `json:"is_dir,omitempty"`
}

// TrashListOutput is the trash bin, newest first.
type TrashListOutput struct {
	Items []TrashItemOut `json:"items"`
	Total int            `json:"total" jsonschema_description:"How many items the trash bin holds."`
}

func trashListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_webdav_list_trash",
		Title:       "List deleted files",
		Description: "List deleted files and folders, newest first, with ids for nc_webdav_restore_trash.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in TrashListInput) (TrashListOutput, error) {
		items, err := call.Client.TrashItems(ctx)
		if err != nil {
			return TrashListOutput{}, about(err, "the trash bin")
		}
		limit := in.Limit
		if limit == 0 {
			limit = 50
		}
		out := TrashListOutput{Items: []TrashItemOut{}, Total: len(items)}
		for _, it := range items[:min(limit, len(items))] {
			out.Items = append(out.Items, TrashItemOut{ID: it.ID, Name: it.Name, OriginalPath: it.OriginalPath,
				Deleted: it.DeletedAt.Format(time.RFC3339), Size: it.Size, IsDir: it.IsDir})
		}
		return out, nil
	})
}

// TrashRestoreInput are the arguments of nc_webdav_restore_trash.
type TrashRestoreInput struct {
	ID              string `json:"id" jsonschema:"Item id from nc_webdav_list_trash."`
	DestinationPath string `json:"destination_path,omitempty" jsonschema:"Where to put it if its place is taken."`
}

// Validate implements the input check.
func (in *TrashRestoreInput) Validate() error {
	if in.ID == "" {
		return inputErrorf("id is empty: take it from nc_webdav_list_trash")
	}
	if in.DestinationPath != "" {
		if _, err := nonRootFilePath("destination_path", in.DestinationPath); err != nil {
			return err
		}
	}
	return nil
}

// TrashRestoreOutput says where the item is now.
type TrashRestoreOutput struct {
	ID           string `json:"id"`
	OriginalPath string `json:"original_path"`
	RestoredPath string `json:"restored_path" jsonschema_description:"Where it is now."`
	IsDir        bool   `json:"is_dir,omitempty"`
}

func trashRestoreTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_webdav_restore_trash",
		Title:       "Restore a deleted file",
		Description: "Restore a deleted file or folder to where it was. Never overwrites: if that place is taken, pass destination_path.",
		Hints:       Hints{},
	}, func(ctx context.Context, call *Call, in TrashRestoreInput) (TrashRestoreOutput, error) {
		c := call.Client
		items, err := c.TrashItems(ctx)
		if err != nil {
			return TrashRestoreOutput{}, about(err, "the trash bin")
		}
		var item *nextcloud.TrashItem
		for i := range items {
			if items[i].ID == in.ID {
				item = &items[i]
			}
		}
		if item == nil {
			return TrashRestoreOutput{}, inputErrorf("no item %q in the trash bin: list it with nc_webdav_list_trash (it may have been restored or purged)", in.ID)
		}
		out := TrashRestoreOutput{ID: item.ID, OriginalPath: item.OriginalPath, IsDir: item.IsDir}
		parent := path.Dir(item.OriginalPath)
		taken, err := exists(ctx, c, item.OriginalPath)
		if err != nil {
			return out, about(err, "file %q", item.OriginalPath)
		}
		parentGone := false
		if parent != "/" {
			ok, err := exists(ctx, c, parent)
			if err != nil {
				return out, about(err, "folder %q", parent)
			}
			parentGone = !ok
		}
		dest := ""
		if taken || parentGone {
			if in.DestinationPath == "" {
				why := "is taken by another file or folder"
				if parentGone {
					why = "is in a folder that no longer exists"
				}
				return out, inputErrorf("the original place %s %s: nothing was restored; pass destination_path (a free path) to restore it there", item.OriginalPath, why)
			}
			dest, _ = nonRootFilePath("destination_path", in.DestinationPath)
			if ok, err := exists(ctx, c, dest); err != nil {
				return out, about(err, "file %q", dest)
			} else if ok {
				return out, inputErrorf("destination_path %s is taken too: nothing was restored; choose a free path", dest)
			}
			if ok, err := exists(ctx, c, path.Dir(dest)); err != nil || !ok {
				return out, inputErrorf("the folder of destination_path %s does not exist: create it first; nothing was restored", dest)
			}
		}
		if err := c.RestoreTrashItem(ctx, *item); err != nil {
			return out, about(err, "trash item %q", item.ID)
		}
		// Nextcloud chose the place (beside the original under a "(restored)"
		// name when it was taken, the home folder when its folder is gone):
		// find it by its file id, which a restore keeps.
		found, err := c.FindByFileID(ctx, item.FileID, parent, "/")
		if err != nil {
			out.RestoredPath = item.OriginalPath
			if dest != "" {
				return out, inputErrorf("restored, but not found by file id to move it to %s: look for %s with nc_webdav_list_directory", dest, item.Name)
			}
			return out, nil
		}
		out.RestoredPath = found.Path
		if dest != "" && found.Path != dest {
			if _, err := c.Move(ctx, found.Path, dest, false); err != nil {
				return out, about(err, "restored %q (moving it to %s failed; it stays where it is)", found.Path, dest)
			}
			out.RestoredPath = dest
		}
		return out, nil
	})
}

// exists reports whether a path exists in the user's files.
func exists(ctx context.Context, c *nextcloud.Client, p string) (bool, error) {
	_, err := c.Stat(ctx, p)
	if errors.Is(err, nextcloud.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// VersionsListInput are the arguments of nc_webdav_list_versions.
type VersionsListInput struct {
	Path string `json:"path" jsonschema:"File, like Documents/report.docx."`
}

// Validate implements the input check.
func (in *VersionsListInput) Validate() error {
	_, err := nonRootFilePath("path", in.Path)
	return err
}

// VersionOut is one earlier version of a file.
type VersionOut struct {
	VersionID string `json:"version_id" jsonschema_description:"Pass to nc_webdav_restore_version."`
	Time      string `json:"time" jsonschema_description:"When this content was saved (RFC 3339)."`
	Size      int64  `json:"size"`
	Author    string `json:"author,omitempty"`
	Label     string `json:"label,omitempty"`
}

// VersionsListOutput are a file's earlier versions, newest first.
type VersionsListOutput struct {
	Path     string       `json:"path"`
	Versions []VersionOut `json:"versions"`
}

func versionsListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_webdav_list_versions",
		Title:       "List file versions",
		Description: "List a file's earlier versions (one per overwrite), newest first, with ids for nc_webdav_restore_version.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in VersionsListInput) (VersionsListOutput, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		vs, err := call.Client.FileVersions(ctx, dp)
		if err != nil {
			return VersionsListOutput{}, about(err, "versions of %q", dp)
		}
		out := VersionsListOutput{Path: dp, Versions: []VersionOut{}}
		for _, v := range vs {
			out.Versions = append(out.Versions, VersionOut{VersionID: v.ID, Time: v.Modified.Format(time.RFC3339), Size: v.Size, Author: v.Author, Label: v.Label})
		}
		return out, nil
	})
}

// VersionRestoreInput are the arguments of nc_webdav_restore_version.
type VersionRestoreInput struct {
	Path      string `json:"path" jsonschema:"File, like Documents/report.docx."`
	VersionID string `json:"version_id" jsonschema:"From nc_webdav_list_versions."`
}

// Validate implements the input check.
func (in *VersionRestoreInput) Validate() error {
	if in.VersionID == "" {
		return inputErrorf("version_id is empty: take it from nc_webdav_list_versions")
	}
	_, err := nonRootFilePath("path", in.Path)
	return err
}

// VersionRestoreOutput is the file after the restore.
type VersionRestoreOutput struct {
	Path      string `json:"path"`
	VersionID string `json:"version_id" jsonschema_description:"The version now current."`
	ETag      string `json:"etag,omitempty" jsonschema_description:"The file's new etag."`
	Size      int64  `json:"size"`
}

func versionRestoreTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_webdav_restore_version",
		Title:       "Restore a file version",
		Description: "Make an earlier version current again; the replaced content is kept as a version.",
		Hints:       Hints{Destructive: true},
	}, func(ctx context.Context, call *Call, in VersionRestoreInput) (VersionRestoreOutput, error) {
		dp, _ := nonRootFilePath("path", in.Path)
		vs, err := call.Client.FileVersions(ctx, dp)
		if err != nil {
			return VersionRestoreOutput{}, about(err, "versions of %q", dp)
		}
		known := false
		for _, v := range vs {
			known = known || v.ID == in.VersionID
		}
		if !known {
			return VersionRestoreOutput{}, inputErrorf("%q has no version %q: list them with nc_webdav_list_versions", dp, in.VersionID)
		}
		if err := call.Client.RestoreVersion(ctx, dp, in.VersionID); err != nil {
			return VersionRestoreOutput{}, about(err, "version %s of %q", in.VersionID, dp)
		}
		out := VersionRestoreOutput{Path: dp, VersionID: in.VersionID}
		if fe, err := call.Client.Stat(ctx, dp); err == nil {
			out.ETag, out.Size = fe.ETag, fe.Size
		}
		return out, nil
	})
}
