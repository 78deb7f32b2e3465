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

// FileVersion is an earlier version of a file (webdav/58). Nextcloud keeps
// one whenever the file's content is replaced.
type FileVersion struct {
	// ID is the version's name, the unix time it was current from.
	ID          string
	Modified    time.Time
	Size        int64
	ContentType string
	// Author is the user id of who wrote that version, when the server says.
	Author string
	Label  string
}

var propfindVersionsBody = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop><d:getlastmodified/><d:getcontentlength/><d:getcontenttype/>` +
	`<nc:version-label/><nc:version-author/></d:prop></d:propfind>`)

// versionsRoot is /remote.php/dav/versions/<user id>.
func (c *Client) versionsRoot(ctx context.Context) (string, error) {
	uid, err := c.UserID(ctx)
	if err != nil {
		return "", err
	}
	if dec, err := url.PathUnescape(uid); err == nil {
		uid = dec
	}
	return "/remote.php/dav/versions/" + url.PathEscape(uid), nil
}

// versionsOf returns the versions collection of a file, by its file id.
func (c *Client) versionsOf(ctx context.Context, p string) (root, coll string, err error) {
	fe, err := c.Stat(ctx, p)
	if err != nil {
		return "", "", err
	}
	if fe.IsDir {
		return "", "", fmt.Errorf("%s is a folder: only files have versions", fe.Path)
	}
	if fe.FileID == 0 {
		return "", "", fmt.Errorf("the server did not report a file id for %s", fe.Path)
	}
	root, err = c.versionsRoot(ctx)
	if err != nil {
		return "", "", err
	}
	return root, root + "/versions/" + strconv.FormatInt(fe.FileID, 10), nil
}

// FileVersions lists a file's earlier versions, newest first.
func (c *Client) FileVersions(ctx context.Context, p string) ([]FileVersion, error) {
	_, coll, err := c.versionsOf(ctx, p)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", coll+"/", "1", nil, propfindVersionsBody)
	if err != nil {
		return nil, err
	}
	var out []FileVersion
	for _, r := range ms.Responses {
		href := strings.TrimSuffix(c.relativeToBase(r.Href), "/")
		id, ok := strings.CutPrefix(href, coll+"/")
		if !ok || id == "" || strings.Contains(id, "/") {
			continue
		}
		f := r.Found()
		v := FileVersion{ID: id, ContentType: xmlInnerText(f[NSDAV+" getcontenttype"]),
			Author: xmlInnerText(f[NSNextcloud+" version-author"]), Label: xmlInnerText(f[NSNextcloud+" version-label"])}
		v.Size, _ = strconv.ParseInt(xmlInnerText(f[NSDAV+" getcontentlength"]), 10, 64)
		if t, err := http.ParseTime(xmlInnerText(f[NSDAV+" getlastmodified"])); err == nil {
			v.Modified = t.UTC()
		} else if sec, err := strconv.ParseInt(id, 10, 64); err == nil {
			v.Modified = time.Unix(sec, 0).UTC()
		}
		out = append(out, v)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Modified.After(out[j].Modified) })
	return out, nil
}

// RestoreVersion makes an earlier version the file's content again
// (webdav/61). Nextcloud keeps the content it replaces as a version first.
func (c *Client) RestoreVersion(ctx context.Context, p, versionID string) error {
	if versionID == "" || strings.ContainsAny(versionID, "/\\") || versionID == "." || versionID == ".." {
		return fmt.Errorf("version id %q is not one of nc_webdav_list_versions's ids", versionID)
	}
	root, coll, err := c.versionsOf(ctx, p)
	if err != nil {
		return err
	}
	dst := c.URL(root+"/restore/target", nil).String()
	resp, err := c.Do(ctx, &Request{Method: "MOVE", Path: coll + "/" + url.PathEscape(versionID),
		Header: http.Header{"Destination": {dst}}, API: APIDAV, OK: []int{http.StatusCreated, http.StatusNoContent}})
	if err != nil {
		return err
	}
	drainFileResponse(resp)
	return nil
}
