package ncfake

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// newsApp serves the News 25.3.1 API v1-3 shaped like shared/nextcloud-api/news.
// Feeds come from the fake's webPages: adding one fetches and parses it at
// once, as the real app does, and RefreshNewsFeeds plays the updater.
type newsApp struct {
	s *Server

	mu      sync.Mutex
	next    newsIDs
	folders map[int]*newsFolder
	feeds   map[int]*newsFeed
	items   map[int]*newsItem
}

type newsIDs struct{ folder, feed, item int }

type newsFolder struct {
	id          int
	owner, name string
}

type newsFeed struct {
	id, folderID           int // 0: root
	owner, url, title, lnk string
	added                  int64
}

type newsItem struct {
	id, feedID                              int
	guid, url, title, author, body          string
	enclosureMime, enclosure                string
	pubDate, lastModified                   int64
	unread, starred                         bool
	fingerprint, contentHash, guidHashValue string
}

func newNewsApp(s *Server) *newsApp {
	return &newsApp{s: s, next: newsIDs{1, 1, 1}, folders: map[int]*newsFolder{}, feeds: map[int]*newsFeed{}, items: map[int]*newsItem{}}
}

const newsBase = "/index.php/apps/news/api/v1-3"

func (a *newsApp) routes(mux *http.ServeMux) {
	h := func(pattern string, fn handlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+newsBase+path, a.s.appRESTHandler("news", &a.mu, fn))
	}
	h("GET /version", func(w http.ResponseWriter, _ *http.Request, _ *User) {
		writeJSON(w, http.StatusOK, map[string]string{"version": "25.3.1"})
	})
	h("GET /folders", a.listFolders)
	h("POST /folders", a.createFolder)
	h("PUT /folders/{id}", a.renameFolder)
	h("DELETE /folders/{id}", a.deleteFolder)
	h("GET /feeds", a.listFeeds)
	h("POST /feeds", a.createFeed)
	h("DELETE /feeds/{id}", a.deleteFeed)
	h("POST /feeds/{id}/rename", a.renameFeed)
	h("POST /feeds/{id}/read", a.readFeed)
	h("GET /items", a.listItems)
	h("GET /items/updated", a.updatedItems)
	h("POST /items/read/multiple", a.readMultiple)
	h("POST /items/{id}/{action}", a.itemAction)
}

// The recorded server leaks its SQL in 404 messages; the fake says the same.
const (
	newsItemNotFound = "Did expect one result but found none when executing: query \"SELECT `items`.* FROM `*PREFIX*news_items` `items` INNER JOIN `*PREFIX*news_feeds` `feeds` ON items.feed_id = feeds.id WHERE (feeds.user_id = :user_id) AND (items.id = :item_id) AND (feeds.deleted_at = 0)\"; "
	newsFeedNotFound = "Did expect one result but found none when executing: query \"SELECT * FROM `*PREFIX*news_feeds` WHERE (user_id = :user_id) AND (id = :id) ORDER BY `title` ASC\"; "
)

func newsError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

func (a *newsApp) folderJSON(f *newsFolder) map[string]any {
	return map[string]any{"id": f.id, "name": f.name, "opened": true, "feeds": []any{}}
}

func (a *newsApp) listFolders(w http.ResponseWriter, _ *http.Request, u *User) {
	var ids []int
	for id, f := range a.folders {
		if f.owner == u.ID {
			ids = append(ids, id)
		}
	}
	// The recording lists by name.
	sort.Slice(ids, func(i, j int) bool { return a.folders[ids[i]].name < a.folders[ids[j]].name })
	out := []any{}
	for _, id := range ids {
		out = append(out, a.folderJSON(a.folders[id]))
	}
	writeJSON(w, http.StatusOK, map[string]any{"folders": out})
}

func (a *newsApp) createFolder(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		Name string `json:"name"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || strings.TrimSpace(in.Name) == "" {
		newsError(w, http.StatusUnprocessableEntity, "Folder name can not be empty")
		return
	}
	f := a.addFolder(u.ID, in.Name)
	writeJSON(w, http.StatusOK, map[string]any{"folders": []any{a.folderJSON(f)}})
}

func (a *newsApp) addFolder(owner, name string) *newsFolder {
	f := &newsFolder{id: a.next.folder, owner: owner, name: name}
	a.next.folder++
	a.folders[f.id] = f
	return f
}

func (a *newsApp) ownFolder(r *http.Request, u *User) *newsFolder {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if f := a.folders[id]; f != nil && f.owner == u.ID {
		return f
	}
	return nil
}

func (a *newsApp) renameFolder(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.ownFolder(r, u)
	if f == nil {
		newsError(w, http.StatusNotFound, "Folder not found")
		return
	}
	var in struct {
		Name string `json:"name"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.name = in.Name
	writeJSON(w, http.StatusOK, []any{})
}

func (a *newsApp) deleteFolder(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.ownFolder(r, u)
	if f == nil {
		newsError(w, http.StatusNotFound, "Folder not found")
		return
	}
	for id, feed := range a.feeds {
		if feed.folderID == f.id {
			a.dropFeed(id)
		}
	}
	delete(a.folders, f.id)
	writeJSON(w, http.StatusOK, []any{})
}

// feedJSON is a feed as News answers it: on create unreadCount is null and
// lastUpdateError "", in the list a count and null (news/06 vs 10).
func (a *newsApp) feedJSON(f *newsFeed, listed bool) map[string]any {
	var folder, unread, lastErr any
	if f.folderID != 0 {
		folder = f.folderID
	}
	lastErr = ""
	if listed {
		n := 0
		for _, it := range a.items {
			if it.feedID == f.id && it.unread {
				n++
			}
		}
		unread, lastErr = n, nil
	}
	return map[string]any{"id": f.id, "url": f.url, "title": f.title, "faviconLink": nil, "added": f.added, "folderId": folder,
		"unreadCount": unread, "ordering": 0, "link": f.lnk, "pinned": false, "updateErrorCount": 0, "lastUpdateError": lastErr,
		"items": []any{}, "nextUpdateTime": nil}
}

// newest is the highest item id of the user's feeds; 0 when there is none.
func (a *newsApp) newest(user string) int {
	n := 0
	for _, it := range a.items {
		if f := a.feeds[it.feedID]; f != nil && f.owner == user && it.id > n {
			n = it.id
		}
	}
	return n
}

func (a *newsApp) listFeeds(w http.ResponseWriter, _ *http.Request, u *User) {
	var feeds []*newsFeed
	starred := 0
	for _, f := range a.feeds {
		if f.owner == u.ID {
			feeds = append(feeds, f)
		}
	}
	for _, it := range a.items {
		if f := a.feeds[it.feedID]; f != nil && f.owner == u.ID && it.starred {
			starred++
		}
	}
	sort.Slice(feeds, func(i, j int) bool { return feeds[i].id > feeds[j].id })
	out := map[string]any{"starredCount": starred, "feeds": []any{}}
	list := []any{}
	for _, f := range feeds {
		list = append(list, a.feedJSON(f, true))
	}
	out["feeds"] = list
	if n := a.newest(u.ID); n > 0 {
		out["newestItemId"] = n
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *newsApp) createFeed(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		URL      string `json:"url"`
		FolderID *int   `json:"folderId"`
	}
	if json.NewDecoder(r.Body).Decode(&in) != nil || strings.TrimSpace(in.URL) == "" {
		newsError(w, http.StatusUnprocessableEntity, "Feed URL can not be empty")
		return
	}
	for _, f := range a.feeds {
		if f.owner == u.ID && f.url == in.URL {
			newsError(w, http.StatusConflict, "Feed with this URL exists")
			return
		}
	}
	page, ok := a.s.web.fetch(in.URL)
	if !ok {
		newsError(w, http.StatusNotFound, errNotAFeed.Error())
		return
	}
	parsed, err := parseFeed(page.body)
	if err != nil {
		newsError(w, http.StatusNotFound, err.Error())
		return
	}
	folder := 0
	if in.FolderID != nil {
		folder = *in.FolderID
	}
	f := &newsFeed{id: a.next.feed, folderID: folder, owner: u.ID, url: in.URL, title: parsed.title, lnk: parsed.link, added: time.Now().Unix()}
	a.next.feed++
	a.feeds[f.id] = f
	a.addItems(f, parsed)
	out := map[string]any{"feeds": []any{a.feedJSON(f, false)}}
	if n := a.newest(u.ID); n > 0 {
		out["newestItemId"] = n
	}
	writeJSON(w, http.StatusOK, out)
}

// addItems stores the entries the feed does not have yet. One fetch numbers
// its new items in reverse document order: the first entry gets the highest
// id (news/11).
func (a *newsApp) addItems(f *newsFeed, parsed *parsedFeed) {
	seen := map[string]bool{}
	for _, it := range a.items {
		if it.feedID == f.id {
			seen[it.guid] = true
		}
	}
	var fresh []parsedEntry
	for _, e := range parsed.entries {
		if !seen[e.guid] {
			fresh = append(fresh, e)
		}
	}
	now := time.Now().Unix()
	for i := len(fresh) - 1; i >= 0; i-- {
		e := fresh[i]
		body := sanitizeNewsBody(e.body)
		it := &newsItem{id: a.next.item, feedID: f.id, guid: e.guid, url: e.url, title: e.title, author: e.author, body: body,
			enclosureMime: e.enclosureMime, enclosure: e.enclosure, pubDate: e.pubDate, lastModified: now, unread: true,
			guidHashValue: md5hex(e.guid), fingerprint: md5hex(e.title + e.url + body), contentHash: md5hex(e.guid + e.title + body)}
		a.next.item++
		a.items[it.id] = it
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// RefreshNewsFeeds does what News' background updater does: fetch every
// subscribed feed again and store the entries that are new.
func (s *Server) RefreshNewsFeeds() {
	a := s.news
	a.mu.Lock()
	defer a.mu.Unlock()
	ids := make([]int, 0, len(a.feeds))
	for id := range a.feeds {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		f := a.feeds[id]
		page, ok := s.web.fetch(f.url)
		if !ok {
			continue
		}
		if parsed, err := parseFeed(page.body); err == nil {
			a.addItems(f, parsed)
		}
	}
}

func (a *newsApp) ownFeed(r *http.Request, u *User) *newsFeed {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if f := a.feeds[id]; f != nil && f.owner == u.ID {
		return f
	}
	return nil
}

func (a *newsApp) dropFeed(id int) {
	for iid, it := range a.items {
		if it.feedID == id {
			delete(a.items, iid)
		}
	}
	delete(a.feeds, id)
}

func (a *newsApp) deleteFeed(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.ownFeed(r, u)
	if f == nil {
		newsError(w, http.StatusNotFound, newsFeedNotFound)
		return
	}
	a.dropFeed(f.id)
	writeJSON(w, http.StatusOK, []any{})
}

func (a *newsApp) renameFeed(w http.ResponseWriter, r *http.Request, u *User) {
	f := a.ownFeed(r, u)
	if f == nil {
		newsError(w, http.StatusNotFound, newsFeedNotFound)
		return
	}
	var in struct {
		FeedTitle string `json:"feedTitle"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	f.title = in.FeedTitle
	writeJSON(w, http.StatusOK, []any{})
}

// readFeed marks the feed's items up to newestItemId read; it answers null.
func (a *newsApp) readFeed(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		NewestItemID int `json:"newestItemId"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	if f := a.ownFeed(r, u); f != nil {
		now := time.Now().Unix()
		for _, it := range a.items {
			if it.feedID == f.id && it.id <= in.NewestItemID && it.unread {
				it.unread, it.lastModified = false, now
			}
		}
	}
	writeJSON(w, http.StatusOK, nil)
}

func (a *newsApp) itemJSON(it *newsItem) map[string]any {
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return map[string]any{"id": it.id, "guid": it.guid, "guidHash": it.guidHashValue, "url": str(it.url), "title": str(it.title),
		"author": str(it.author), "pubDate": it.pubDate, "updatedDate": nil, "body": it.body, "enclosureMime": str(it.enclosureMime),
		"enclosureLink": str(it.enclosure), "mediaThumbnail": nil, "mediaDescription": nil, "feedId": it.feedID, "unread": it.unread,
		"starred": it.starred, "lastModified": it.lastModified, "rtl": false, "fingerprint": it.fingerprint, "contentHash": it.contentHash}
}

// selectItems filters the user's items by the API's type/id, newest id first.
func (a *newsApp) selectItems(u *User, q map[string][]string, keep func(*newsItem) bool) []*newsItem {
	get := func(k string, def int) int {
		if v, ok := q[k]; ok && len(v) > 0 {
			if n, err := strconv.Atoi(v[0]); err == nil {
				return n
			}
		}
		return def
	}
	typ, id := get("type", 1), get("id", 0)
	var out []*newsItem
	for _, it := range a.items {
		f := a.feeds[it.feedID]
		if f == nil || f.owner != u.ID || !keep(it) {
			continue
		}
		switch typ {
		case 0:
			if f.id != id {
				continue
			}
		case 1:
			if f.folderID != id {
				continue
			}
		case 2:
			if !it.starred {
				continue
			}
		}
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id > out[j].id })
	return out
}

func (a *newsApp) listItems(w http.ResponseWriter, r *http.Request, u *User) {
	q := r.URL.Query()
	getRead := q.Get("getRead") != "false"
	offset, _ := strconv.Atoi(q.Get("offset"))
	batch := -1
	if v := q.Get("batchSize"); v != "" {
		batch, _ = strconv.Atoi(v)
	}
	items := a.selectItems(u, q, func(it *newsItem) bool {
		return (getRead || it.unread) && (offset <= 0 || it.id < offset)
	})
	if batch > 0 && len(items) > batch {
		items = items[:batch]
	}
	out := []any{}
	for _, it := range items {
		out = append(out, a.itemJSON(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

// updatedItems returns every item whose state changed at or after
// lastModified (inclusive, news/20).
func (a *newsApp) updatedItems(w http.ResponseWriter, r *http.Request, u *User) {
	since, _ := strconv.ParseInt(r.URL.Query().Get("lastModified"), 10, 64)
	items := a.selectItems(u, r.URL.Query(), func(it *newsItem) bool { return it.lastModified >= since })
	out := []any{}
	for _, it := range items {
		out = append(out, a.itemJSON(it))
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func (a *newsApp) readMultiple(w http.ResponseWriter, r *http.Request, u *User) {
	var in struct {
		ItemIDs []int `json:"itemIds"`
	}
	_ = json.NewDecoder(r.Body).Decode(&in)
	now := time.Now().Unix()
	for _, id := range in.ItemIDs {
		if it := a.items[id]; it != nil && a.feeds[it.feedID] != nil && a.feeds[it.feedID].owner == u.ID && it.unread {
			it.unread, it.lastModified = false, now
		}
	}
	writeJSON(w, http.StatusOK, nil)
}

// itemAction is POST items/<id>/read|unread|star|unstar; it answers [].
func (a *newsApp) itemAction(w http.ResponseWriter, r *http.Request, u *User) {
	id, _ := strconv.Atoi(r.PathValue("id"))
	it := a.items[id]
	if it == nil || a.feeds[it.feedID] == nil || a.feeds[it.feedID].owner != u.ID {
		newsError(w, http.StatusNotFound, newsItemNotFound)
		return
	}
	switch r.PathValue("action") {
	case "read":
		it.unread = false
	case "unread":
		it.unread = true
	case "star":
		it.starred = true
	case "unstar":
		it.starred = false
	default:
		writeAppRouteNotFound(w)
		return
	}
	it.lastModified = time.Now().Unix()
	writeJSON(w, http.StatusOK, []any{})
}
