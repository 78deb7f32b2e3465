package nextcloud

import (
	"context"
	"encoding/xml"
	"strings"
)

// FileOwnership says whose a file is, as seen by the signed-in user: a
// file shared with them, or inside a folder shared with them, belongs to
// the sharer (sharing/15).
type FileOwnership struct {
	OwnerID   string
	OwnerName string
	// MountRoot is true on the shared item itself (nc:is-mount-root).
	MountRoot bool
}

// Federated reports whether the owner is a user of another server: their
// id is a federated cloud id, user@server.
func (o FileOwnership) Federated() bool { return strings.Contains(o.OwnerID, "@") }

var propfindOwnerBody = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop><oc:owner-id/><oc:owner-display-name/><nc:is-mount-root/></d:prop></d:propfind>`)

// FileOwner returns the owner of a file or folder of the user's files.
func (c *Client) FileOwner(ctx context.Context, p string) (*FileOwnership, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, "0", nil, propfindOwnerBody)
	if err != nil {
		return nil, err
	}
	var o FileOwnership
	for _, r := range ms.Responses {
		f := r.Found()
		o.OwnerID = xmlInnerText(f[NSOwnCloud+" owner-id"])
		o.OwnerName = xmlInnerText(f[NSOwnCloud+" owner-display-name"])
		o.MountRoot = xmlInnerText(f[NSNextcloud+" is-mount-root"]) == "true"
	}
	return &o, nil
}

// xmlInnerText decodes a property's character data ("&amp;" → "&").
func xmlInnerText(inner []byte) string {
	var s string
	if err := xml.Unmarshal(append(append([]byte("<x>"), inner...), "</x>"...), &s); err != nil {
		return strings.TrimSpace(string(inner))
	}
	return strings.TrimSpace(s)
}

// PublicUploadFolders returns the user's folders that take uploads through
// a public link (a link share with create permission): what lands in them
// was written by anyone with the link.
func (c *Client) PublicUploadFolders(ctx context.Context) ([]string, error) {
	shares, err := c.ListShares(ctx, ShareListOptions{})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range shares {
		if s.Type == ShareLink && s.ItemType == "folder" && s.Permissions&4 != 0 {
			out = append(out, "/"+strings.Trim(s.Path, "/"))
		}
	}
	return out, nil
}
