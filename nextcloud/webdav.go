package nextcloud

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// FileEntry is one file or folder of the user's files, as PROPFIND, SEARCH
// and the favorites REPORT describe it.
type FileEntry struct {
	// Path is decoded and relative to the user's files root: "/Documents/a b.txt"; the root is "/".
	Path  string `json:"path"`
	Name  string `json:"name"`
	IsDir bool   `json:"is_dir"`
	// ETag is quoted exactly as the server sent it; pass it back verbatim in If-Match.
	ETag string `json:"etag,omitempty"`
	// Size is the file size, or for a folder the size of everything in it.
	Size        int64     `json:"size"`
	Modified    time.Time `json:"modified,omitzero"`
	ContentType string    `json:"content_type,omitempty"`
	FileID      int64     `json:"file_id,omitempty"`
	// Permissions are Nextcloud's letters, e.g. RGDNVW (R share, G read, D delete, N rename, V move, W write, C/K create).
	Permissions string `json:"permissions,omitempty"`
	Favorite    bool   `json:"favorite,omitempty"`
	// OwnerID is the user id of the owner: another user's for what was
	// shared with the user (of the sharer, sharing/15).
	OwnerID string `json:"owner_id,omitempty"`
}

// fileProps is the property list every file request asks for.
const fileProps = `<d:getetag/><d:getlastmodified/><d:getcontentlength/><d:getcontenttype/><d:resourcetype/>` +
	`<oc:fileid/><oc:permissions/><oc:size/><oc:favorite/><oc:owner-id/>`

const fileDAVNamespaces = `xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"`

var propfindFilesBody = []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<d:propfind ` + fileDAVNamespaces + `><d:prop>` + fileProps + `</d:prop></d:propfind>`)

// filesRoot returns the escaped path of the user's files collection,
// "/remote.php/dav/files/<userid>", with the user id taken from the DAV
// principal because the login name may differ from it.
func (c *Client) filesRoot(ctx context.Context) (string, error) {
	uid, err := c.UserID(ctx)
	if err != nil {
		return "", err
	}
	if dec, err := url.PathUnescape(uid); err == nil {
		uid = dec
	}
	return "/remote.php/dav/files/" + url.PathEscape(uid), nil
}

// FilePath turns a user-supplied path into the escaped request path below
// the user's files root. Each segment is escaped once; ".." is refused. The
// root itself ends in "/".
func (c *Client) FilePath(ctx context.Context, p string) (string, error) {
	segs, err := CleanPath(p)
	if err != nil {
		return "", err
	}
	root, err := c.filesRoot(ctx)
	if err != nil {
		return "", err
	}
	if len(segs) == 0 {
		return root + "/", nil
	}
	return root + "/" + EscapeSegments(segs), nil
}

// DisplayPath is the canonical form of a user-supplied path, "/a/b", as it
// appears in FileEntry.Path; ".." is refused.
func DisplayPath(p string) (string, error) {
	segs, err := CleanPath(p)
	if err != nil {
		return "", err
	}
	return JoinPath(segs), nil
}

// Stat describes one file or folder (PROPFIND depth 0).
func (c *Client) Stat(ctx context.Context, p string) (*FileEntry, error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, "0", nil, propfindFilesBody)
	if err != nil {
		return nil, err
	}
	entries := c.fileEntries(ms)
	if len(entries) == 0 {
		return nil, fmt.Errorf("PROPFIND %s: the server answered without an entry for the path", ep)
	}
	return &entries[0], nil
}

// ListDir returns the folder itself and its direct children, folders first,
// then by name (PROPFIND depth 1). For a file, children is empty.
func (c *Client) ListDir(ctx context.Context, p string) (self *FileEntry, children []FileEntry, err error) {
	ep, err := c.FilePath(ctx, p)
	if err != nil {
		return nil, nil, err
	}
	ms, err := c.DAVRequest(ctx, "PROPFIND", ep, "1", nil, propfindFilesBody)
	if err != nil {
		return nil, nil, err
	}
	want, err := DisplayPath(p)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range c.fileEntries(ms) {
		if e.Path == want && self == nil {
			e := e
			self = &e
			continue
		}
		children = append(children, e)
	}
	if self == nil {
		return nil, nil, fmt.Errorf("PROPFIND %s: the server's answer did not describe the folder itself", ep)
	}
	SortEntries(children)
	return self, children, nil
}

// SortEntries orders folders before files, then by name.
func SortEntries(es []FileEntry) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].IsDir != es[j].IsDir {
			return es[i].IsDir
		}
		return es[i].Name < es[j].Name
	})
}

// fileEntries decodes each response of a files multistatus.
func (c *Client) fileEntries(ms *Multistatus) []FileEntry {
	out := make([]FileEntry, 0, len(ms.Responses))
	for i := range ms.Responses {
		r := &ms.Responses[i]
		if s := StatusCode(r.Status); s != 0 && s != http.StatusOK {
			continue
		}
		out = append(out, c.fileEntry(r))
	}
	return out
}

func (c *Client) fileEntry(r *DAVResponse) FileEntry {
	segs := FileHrefSegments(c.relativeToBase(r.Href))
	e := FileEntry{Path: JoinPath(segs)}
	if len(segs) > 0 {
		e.Name = segs[len(segs)-1]
	}
	props := r.Found()
	e.IsDir = fileHasChildElement(props[NSDAV+" resourcetype"], "collection")
	e.ETag = filePropText(props[NSDAV+" getetag"])
	e.ContentType = filePropText(props[NSDAV+" getcontenttype"])
	if t, err := http.ParseTime(filePropText(props[NSDAV+" getlastmodified"])); err == nil {
		e.Modified = t
	}
	if v, ok := props[NSOwnCloud+" size"]; ok {
		e.Size, _ = strconv.ParseInt(filePropText(v), 10, 64)
	} else {
		e.Size, _ = strconv.ParseInt(filePropText(props[NSDAV+" getcontentlength"]), 10, 64)
	}
	e.FileID, _ = strconv.ParseInt(filePropText(props[NSOwnCloud+" fileid"]), 10, 64)
	e.Permissions = filePropText(props[NSOwnCloud+" permissions"])
	e.Favorite = filePropText(props[NSOwnCloud+" favorite"]) == "1"
	e.OwnerID = filePropText(props[NSOwnCloud+" owner-id"])
	return e
}

// FileHrefSegments decodes an href of the files tree
// ("/remote.php/dav/files/<user>/a%20b/c") into the segments below the
// user's root (["a b", "c"]). Hex case does not matter: Nextcloud sends
// lower case, Go upper case.
func FileHrefSegments(href string) []string {
	if u, err := url.Parse(href); err == nil && u.Host != "" {
		href = u.EscapedPath()
	}
	var segs []string
	for _, s := range strings.Split(href, "/") {
		if s == "" {
			continue
		}
		if dec, err := url.PathUnescape(s); err == nil {
			s = dec
		}
		segs = append(segs, s)
	}
	for i := 0; i+3 < len(segs); i++ {
		if segs[i] == "remote.php" && segs[i+1] == "dav" && segs[i+2] == "files" {
			return segs[i+4:]
		}
	}
	return segs
}

// filePropText returns the character data of a property's inner XML, with
// entities decoded (&quot; in getetag).
func filePropText(inner []byte) string {
	if len(inner) == 0 {
		return ""
	}
	d := xml.NewDecoder(bytes.NewReader(inner))
	var b strings.Builder
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if cd, ok := tok.(xml.CharData); ok {
			b.Write(cd)
		}
	}
	return strings.TrimSpace(b.String())
}

// fileHasChildElement reports whether inner XML holds an element with that local name.
func fileHasChildElement(inner []byte, local string) bool {
	d := xml.NewDecoder(bytes.NewReader(inner))
	for {
		tok, err := d.Token()
		if err == io.EOF || err != nil {
			return false
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == local {
			return true
		}
	}
}
