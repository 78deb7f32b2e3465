package nextcloud

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TrashItem is a deleted file or folder in the user's trash bin (webdav/53).
type TrashItem struct {
	// ID is the item's name in the trash bin, "<name>.d<deletion time>".
	ID string
	// Name is the file or folder name it had.
	Name string
	// OriginalPath is where it was, "/Documents/a.txt".
	OriginalPath string
	DeletedAt    time.Time
	// Size is the file size; -1 for a folder, whose size the trash bin does not report.
	Size   int64
	IsDir  bool
	FileID int64
}

var propfindTrashBody = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop><nc:trashbin-filename/><nc:trashbin-original-location/>` +
	`<nc:trashbin-deletion-time/><d:getcontentlength/><d:resourcetype/><oc:fileid/></d:prop></d:propfind>`)

// trashRoot is /remote.php/dav/trashbin/<user id>, built from the DAV principal.
func (c *Client) trashRoot(ctx context.Context) (string, error) {
	uid, err := c.UserID(ctx)
	if err != nil {
		return "", err
	}
	if dec, err := url.PathUnescape(uid); err == nil {
		uid = dec
	}
	return "/remote.php/dav/trashbin/" + url.PathEscape(uid), nil
}

// TrashItems lists the trash bin, most recently deleted first.
func (c *Client) TrashItems(ctx context.Context) ([]TrashItem, error) {
	root, err := c.trashRoot(ctx)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", root+"/trash/", "1", nil, propfindTrashBody)
	if err != nil {
		return nil, err
	}
	var out []TrashItem
	for _, r := range ms.Responses {
		href := strings.TrimSuffix(c.relativeToBase(r.Href), "/")
		id, ok := strings.CutPrefix(href, root+"/trash/")
		if !ok || id == "" || strings.Contains(id, "/") {
			continue
		}
		if dec, err := url.PathUnescape(id); err == nil {
			id = dec
		}
		f := r.Found()
		item := TrashItem{ID: id, Name: xmlInnerText(f[NSNextcloud+" trashbin-filename"]), Size: -1}
		item.OriginalPath = "/" + strings.TrimPrefix(xmlInnerText(f[NSNextcloud+" trashbin-original-location"]), "/")
		if sec, err := strconv.ParseInt(xmlInnerText(f[NSNextcloud+" trashbin-deletion-time"]), 10, 64); err == nil {
			item.DeletedAt = time.Unix(sec, 0).UTC()
		}
		item.IsDir = strings.Contains(string(f[NSDAV+" resourcetype"]), "collection")
		if n, err := strconv.ParseInt(xmlInnerText(f[NSDAV+" getcontentlength"]), 10, 64); err == nil && !item.IsDir {
			item.Size = n
		}
		item.FileID, _ = strconv.ParseInt(xmlInnerText(f[NSOwnCloud+" fileid"]), 10, 64)
		if item.Name == "" {
			item.Name = id
		}
		out = append(out, item)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DeletedAt.After(out[j].DeletedAt) })
	return out, nil
}

// RestoreTrashItem moves an item out of the trash bin (webdav/54). Nextcloud
// puts it back at its original path; when that place is taken it picks a
// free name beside it ("a (restored).txt"), and when the folder is gone it
// uses the home folder. It never overwrites.
func (c *Client) RestoreTrashItem(ctx context.Context, item TrashItem) error {
	root, err := c.trashRoot(ctx)
	if err != nil {
		return err
	}
	if item.ID == "" || strings.ContainsAny(item.ID, "/\\") || item.ID == "." || item.ID == ".." {
		return fmt.Errorf("trash item id %q is not one of nc_webdav_list_trash's ids", item.ID)
	}
	name := item.Name
	if name == "" || strings.ContainsAny(name, "/\\") {
		name = item.ID
	}
	dst := c.URL(root+"/restore/"+url.PathEscape(name), nil).String()
	resp, err := c.Do(ctx, &Request{Method: "MOVE", Path: root + "/trash/" + url.PathEscape(item.ID),
		Header: http.Header{"Destination": {dst}}, API: APIDAV, OK: []int{http.StatusCreated, http.StatusNoContent}})
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}

// FindByFileID looks for the file or folder with this id among the
// children of the given folders (a restored item keeps its file id).
func (c *Client) FindByFileID(ctx context.Context, id int64, folders ...string) (*FileEntry, error) {
	for _, dir := range folders {
		_, children, err := c.ListDir(ctx, dir)
		if err != nil {
			continue
		}
		for i := range children {
			if children[i].FileID == id {
				return &children[i], nil
			}
		}
	}
	return nil, ErrNotFound
}
