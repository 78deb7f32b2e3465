package tools

import (
	"context"
	"encoding/json"
	"path"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// noteOwners finds whose notes the items are. A note is a file: its id is
// the file id and path its file, so one PROPFIND that asks only for file ids
// and owners answers for all of them: depth 0 on one note's file, depth 1
// on the folder when every note is in the same one, else depth infinity on
// the folder that holds them all. A note the answer does not name counts
// as someone else's. --lockdown also asks, once, which folders take uploads
// through a public link, as for files.
func noteOwners(ctx context.Context, c *nextcloud.Client, _ args, items []map[string]any, lockdown bool) []authorship {
	out := make([]authorship, len(items))
	paths := make([]string, len(items))
	for i, it := range items {
		paths[i], _ = it["path"].(string)
	}
	owners, err := ownersOf(ctx, c, paths)
	var uploads []string
	uploadsKnown := false
	for i, it := range items {
		owner, ok := owners[itemID(it)]
		if err != nil || !ok || paths[i] == "" {
			out[i].unknown = true
			continue
		}
		out[i].author = owner
		if !lockdown {
			continue
		}
		if strings.Contains(owner, "@") {
			out[i].kind = kindFederated
			continue
		}
		if !uploadsKnown {
			uploads, err = c.PublicUploadFolders(ctx)
			uploadsKnown = err == nil
		}
		if !uploadsKnown {
			out[i].unknown = true
			continue
		}
		if inAnyFolder(paths[i], uploads) {
			out[i].kind = kindPublicUpload
		}
	}
	return out
}

// ownersOf asks for the owners of the files at paths ("" is skipped) with
// as few and as narrow PROPFINDs as their places allow.
func ownersOf(ctx context.Context, c *nextcloud.Client, paths []string) (map[int64]string, error) {
	var distinct, dirs []string
	for _, p := range paths {
		if p == "" || slices.Contains(distinct, p) {
			continue
		}
		distinct = append(distinct, p)
		if d := path.Dir(p); !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	switch {
	case len(distinct) == 0:
		return map[int64]string{}, nil
	case len(distinct) == 1:
		return c.FileOwners(ctx, distinct[0], nextcloud.DepthZero)
	case len(dirs) == 1:
		return c.FileOwners(ctx, dirs[0], nextcloud.DepthOne)
	}
	if common := commonFolder(dirs); common != "/" {
		return c.FileOwners(ctx, common, nextcloud.DepthInfinity)
	}
	// Notes spread over the whole home: never walk all of it, ask per note.
	all := map[int64]string{}
	for _, p := range distinct {
		m, err := c.FileOwners(ctx, p, nextcloud.DepthZero)
		if err != nil {
			return nil, err
		}
		for id, o := range m {
			all[id] = o
		}
	}
	return all, nil
}

// commonFolder is the deepest folder holding every one of dirs ("/a/b").
func commonFolder(dirs []string) string {
	common := dirs[0]
	for _, d := range dirs[1:] {
		for common != "/" && d != common && !strings.HasPrefix(d, common+"/") {
			common = path.Dir(common)
		}
	}
	return common
}

// itemID reads an item's numeric id (a json.Number after decoding).
func itemID(item map[string]any) int64 {
	switch v := item["id"].(type) {
	case json.Number:
		n, _ := v.Int64()
		return n
	case float64:
		return int64(v)
	case int:
		return int64(v)
	}
	return 0
}

// noteResource is a note read as nc://notes/{id}, marked as
// nc_notes_get_note marks it: someone else's text between the delimiters
// with untrusted and owner_id in _meta, or, under --lockdown, withheld
// with a one-line note saying why.
func noteResource(ctx context.Context, d *Deps, c *nextcloud.Client, uri string, n *nextcloud.Note) mcp.TextResourceContents {
	rc := mcp.TextResourceContents{URI: uri, MIMEType: "text/markdown", Text: n.Content}
	item := map[string]any{"id": n.ID, "path": n.InternalPath}
	found := noteOwners(ctx, c, nil, []map[string]any{item}, d.Safety.Lockdown)[0]
	me, err := c.UserID(ctx)
	mine := err == nil && !found.unknown && (&identity{id: me}).isMe(found.author)
	if mine && found.kind == "" {
		return rc
	}
	rc.Meta = map[string]any{"untrusted": true}
	if !found.unknown {
		rc.Meta["owner_id"] = found.author
	}
	if d.Safety.Lockdown && found.kind != "" {
		note := withheldNote(found.kind, found.author)
		rc.Meta["withheld"] = note
		rc.Text = note
		return rc
	}
	rc.Text = wrapUntrusted(n.Content, found.author)
	return rc
}
