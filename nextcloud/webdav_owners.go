package nextcloud

import (
	"context"
	"fmt"
	"strconv"
)

// Depths of a PROPFIND.
const (
	DepthZero     = "0"
	DepthOne      = "1"
	DepthInfinity = "infinity"
)

var propfindOwnersBody = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop><oc:fileid/><oc:owner-id/></d:prop></d:propfind>`)

// FileOwners returns the owner of p (depth 0), of p and its children
// (depth 1), or of everything below p (depth infinity, which Nextcloud
// allows: webdav/26), by file id, in one PROPFIND that asks for nothing
// else. A note's id is its file id, so this tells whose notes are.
func (c *Client) FileOwners(ctx context.Context, p, depth string) (map[int64]string, error) {
	switch depth {
	case DepthZero, DepthOne, DepthInfinity:
	default:
		return nil, fmt.Errorf("PROPFIND depth %q: use 0, 1 or infinity", depth)
	}
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, depth, nil, propfindOwnersBody)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(ms.Responses))
	for _, r := range ms.Responses {
		f := r.Found()
		id, err := strconv.ParseInt(xmlInnerText(f[NSOwnCloud+" fileid"]), 10, 64)
		if err != nil {
			continue
		}
		out[id] = xmlInnerText(f[NSOwnCloud+" owner-id"])
	}
	return out, nil
}
