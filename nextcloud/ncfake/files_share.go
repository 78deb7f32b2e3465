package ncfake

import "path"

// nodeForShare lets the sharing fake point shares at real files of this
// fake (it implements shareNodeSource). It reads only homes that exist and
// never takes the server's lock, so sharing may call it while holding its own.
func (a *filesApp) nodeForShare(user, p string) (shareNode, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.homes[user]
	if h == nil {
		return shareNode{}, false
	}
	p = cleanFilePath(p)
	m := h.meta[p]
	if m == nil || p == "/" {
		return shareNode{}, false
	}
	n := shareNode{Path: p, IsDir: m.dir, Size: h.size(p), MTime: m.mtime.Unix(), FileID: m.id, MimeType: "httpd/unix-directory"}
	if pm := h.meta[path.Dir(p)]; pm != nil {
		n.ParentID = pm.id
	}
	if !m.dir {
		n.MimeType = fileMimeType(p)
	}
	return n, true
}
