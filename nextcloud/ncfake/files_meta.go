package ncfake

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// fileMeta is what Nextcloud keeps beside a file's bytes (its filecache row).
type fileMeta struct {
	id       int64
	dir      bool
	etag     string // unquoted: 32 hex for files, 13 hex (a uniqid) for folders
	mtime    time.Time
	size     int64 // files only; a folder's size is computed
	favorite bool
	// dead holds properties set with PROPPATCH that Nextcloud merely stores,
	// keyed "namespace local", as inner XML.
	dead map[string]string
}

func (a *filesApp) newDirMeta() *fileMeta {
	a.nextID++
	return &fileMeta{id: a.nextID, dir: true, etag: a.folderETag(), mtime: a.now()}
}

// fileETag returns a fresh 32-hex ETag, md5-like as Nextcloud's are.
func (a *filesApp) fileETag(id int64) string {
	a.seq++
	sum := md5.Sum([]byte(strconv.FormatInt(id, 10) + "/" + strconv.FormatUint(a.seq, 10) + "/" + strconv.FormatInt(time.Now().UnixNano(), 10)))
	return hex.EncodeToString(sum[:])
}

// folderETag returns a fresh 13-hex ETag, like PHP's uniqid(): microseconds
// in hex, kept strictly increasing.
func (a *filesApp) folderETag() string {
	now := time.Now().UnixMicro()
	if now <= a.clock {
		now = a.clock + 1
	}
	a.clock = now
	return fmt.Sprintf("%013x", now)
}

func quoteFileETag(etag string) string { return `"` + etag + `"` }

// touchAncestors gives every folder above p a new ETag and mtime, as
// Nextcloud's propagator does after a change below it.
func (a *filesApp) touchAncestors(h *fileHome, p string) {
	now := a.now()
	for dir := path.Dir(p); ; dir = path.Dir(dir) {
		if m := h.meta[dir]; m != nil && m.dir {
			m.etag, m.mtime = a.folderETag(), now
		}
		if dir == "/" {
			return
		}
	}
}

// children returns the direct children of folder p, sorted by name bytewise
// as Nextcloud lists them.
func (h *fileHome) children(p string) []string {
	var out []string
	for k := range h.meta {
		if k != "/" && path.Dir(k) == p {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// subtree returns p and everything below it, parents before children.
func (h *fileHome) subtree(p string) []string {
	out := []string{p}
	if m := h.meta[p]; m == nil || !m.dir {
		return out
	}
	for _, c := range h.children(p) {
		out = append(out, h.subtree(c)...)
	}
	return out
}

// size is a file's length or the total of the files below a folder.
func (h *fileHome) size(p string) int64 {
	m := h.meta[p]
	if m == nil {
		return 0
	}
	if !m.dir {
		return m.size
	}
	prefix := strings.TrimSuffix(p, "/") + "/"
	var n int64
	for k, c := range h.meta {
		if !c.dir && strings.HasPrefix(k, prefix) {
			n += c.size
		}
	}
	return n
}

// mkdirAll creates p and its missing parents. Caller holds a.mu.
func (a *filesApp) mkdirAll(h *fileHome, p string) error {
	if m := h.meta[p]; m != nil {
		if !m.dir {
			return fmt.Errorf("ncfake: %s is a file", p)
		}
		return nil
	}
	if err := a.mkdirAll(h, path.Dir(p)); err != nil {
		return err
	}
	return a.mkdir(h, p)
}

// mkdir creates one folder whose parent exists. Caller holds a.mu.
func (a *filesApp) mkdir(h *fileHome, p string) error {
	if err := h.fs.Mkdir(context.Background(), p, 0o755); err != nil {
		return fmt.Errorf("ncfake: mkdir %s: %w", p, err)
	}
	h.meta[p] = a.newDirMeta()
	a.touchAncestors(h, p)
	return nil
}

// writeFile stores data at p (parent must exist) and returns its metadata:
// a new file gets a new id, an existing one keeps it. mtime 0 means now.
// Like Nextcloud on local storage (webdav/12, webdav-etag/01-05), an
// overwrite that leaves the mtime in the same second keeps the ETag, even
// when the content changed; a different mtime (X-OC-Mtime, webdav-etag/07)
// gives a new one. Caller holds a.mu.
func (a *filesApp) writeFile(ctx context.Context, h *fileHome, p string, data []byte, mtime int64) (*fileMeta, error) {
	return a.writeBody(ctx, h, p, memBody(data), mtime)
}

// writeBody is writeFile for a body that may be spooled on disk.
func (a *filesApp) writeBody(ctx context.Context, h *fileHome, p string, body *fileBody, mtime int64) (*fileMeta, error) {
	if err := a.storeBody(ctx, h, p, body); err != nil {
		return nil, err
	}
	newMtime := a.now()
	if mtime > 0 {
		newMtime = time.Unix(mtime, 0)
	}
	m := h.meta[p]
	switch {
	case m == nil:
		a.nextID++
		m = &fileMeta{id: a.nextID}
		h.meta[p] = m
		m.etag = a.fileETag(m.id)
	case m.mtime.Unix() != newMtime.Unix():
		m.etag = a.fileETag(m.id)
	}
	m.size = body.size
	m.mtime = newMtime
	a.touchAncestors(h, p)
	return m, nil
}

// content reads a whole file. Caller holds a.mu.
func (a *filesApp) content(ctx context.Context, h *fileHome, p string) ([]byte, error) {
	f, err := h.fs.OpenFile(ctx, p, os.O_RDONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("ncfake: read %s: %w", p, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("ncfake: read %s: %w", p, err)
	}
	return b, nil
}

// remove deletes p and everything below it. Caller holds a.mu.
func (a *filesApp) remove(ctx context.Context, h *fileHome, p string) error {
	if err := h.fs.RemoveAll(ctx, p); err != nil {
		return fmt.Errorf("ncfake: delete %s: %w", p, err)
	}
	for _, k := range h.subtree(p) {
		delete(h.meta, k)
	}
	a.touchAncestors(h, p)
	return nil
}

// move renames src to dst (dst must not exist); ids, ETags and favorites
// travel with the nodes. Caller holds a.mu.
func (a *filesApp) move(ctx context.Context, h *fileHome, src, dst string) error {
	if err := h.fs.Rename(ctx, src, dst); err != nil {
		return fmt.Errorf("ncfake: move %s: %w", src, err)
	}
	moved := map[string]*fileMeta{}
	for _, k := range h.subtree(src) {
		moved[dst+strings.TrimPrefix(k, src)] = h.meta[k]
		delete(h.meta, k)
	}
	for k, m := range moved {
		h.meta[k] = m
	}
	a.touchAncestors(h, src)
	a.touchAncestors(h, dst)
	return nil
}

// copyTree copies src to dst (dst must not exist); every copy is a new node
// with its own id and ETag. Caller holds a.mu.
func (a *filesApp) copyTree(ctx context.Context, h *fileHome, src, dst string) error {
	for _, k := range h.subtree(src) {
		target := dst + strings.TrimPrefix(k, src)
		if h.meta[k].dir {
			if err := a.mkdir(h, target); err != nil {
				return err
			}
			continue
		}
		data, err := a.content(ctx, h, k)
		if err != nil {
			return err
		}
		if _, err := a.writeFile(ctx, h, target, data, 0); err != nil {
			return err
		}
	}
	return nil
}

// quotaAvailable is what is left of the user's quota, or -3 (unlimited) as
// Nextcloud reports it (webdav/28, errors/20).
func (a *filesApp) quotaAvailable(h *fileHome) int64 {
	a.s.mu.Lock()
	u := a.s.users[h.user]
	q := int64(-3)
	if u != nil {
		q = u.QuotaBytes
	}
	a.s.mu.Unlock()
	if q < 0 {
		return -3
	}
	return max(q-h.size("/"), 0)
}

// knownMimeTypes pins the types Nextcloud's mimetype detection gives common
// extensions, so answers do not depend on the host's /etc/mime.types.
var knownMimeTypes = map[string]string{
	".txt": "text/plain", ".md": "text/markdown", ".csv": "text/csv", ".html": "text/html", ".htm": "text/html",
	".xml": "application/xml", ".json": "application/json", ".yaml": "application/yaml", ".yml": "application/yaml",
	".ics": "text/calendar", ".vcf": "text/vcard", ".js": "application/javascript", ".css": "text/css",
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif", ".webp": "image/webp",
	".svg": "image/svg+xml", ".pdf": "application/pdf", ".zip": "application/zip", ".bin": "application/x-bin",
	".odt":  "application/vnd.oasis.opendocument.text",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	".mp3":  "audio/mpeg", ".mp4": "video/mp4",
}

// fileMimeType detects the type from the name, as Nextcloud does (it ignores
// the Content-Type of an upload).
func fileMimeType(p string) string {
	ext := strings.ToLower(path.Ext(p))
	if t, ok := knownMimeTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		mt, _, _ := strings.Cut(t, ";")
		return strings.TrimSpace(mt)
	}
	return "application/octet-stream"
}

// hasPreview mirrors which types Nextcloud's preview providers cover by default.
func hasPreview(mimeType string) bool {
	return strings.HasPrefix(mimeType, "text/") || mimeType == "image/png" || mimeType == "image/jpeg" ||
		mimeType == "image/gif" || mimeType == "image/webp" || mimeType == "application/json"
}
