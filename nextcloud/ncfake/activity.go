package ncfake

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// activityApp serves the activity and notifications OCS APIs, shaped per
// their documentation (activity docs/endpoint-v2.md, notifications
// docs/ocs-endpoint-v2.md). Without the app each answers like ocs/26-27.
type activityApp struct {
	s *Server

	mu            sync.Mutex
	nextActivity  int
	nextNotice    int
	activities    map[string][]*activityEntry // by affected user, ascending ids
	notifications map[string][]*noticeEntry   // by user, ascending ids
}

// ActivityEntry is an activity the fake reports.
type ActivityEntry struct {
	App        string
	Type       string
	User       string // who did it
	Subject    string
	ObjectType string
	ObjectID   int64
	ObjectName string
	Link       string
	Time       time.Time
}

// NotificationEntry is a notification the fake reports.
type NotificationEntry struct {
	App string
	// Actor is who caused it: a user id, or a guest's name when
	// ActorType is "guest"; ActorServer makes a user federated. The
	// subject is expected to start with the actor's display name, which
	// subjectRich replaces by {user} as the apps do (talk/22).
	Actor       string
	ActorType   string // "user" (default) or "guest"
	ActorServer string
	Subject     string
	Message     string
	ObjectType  string
	ObjectID    string
	Link        string
	Time        time.Time
}

type activityEntry struct {
	ID int
	ActivityEntry
}

type noticeEntry struct {
	ID        int
	actorName string
	NotificationEntry
}

func newActivityApp(s *Server) *activityApp {
	return &activityApp{s: s, nextActivity: 1, nextNotice: 1, activities: map[string][]*activityEntry{}, notifications: map[string][]*noticeEntry{}}
}

const (
	activityBase      = "/ocs/v2.php/apps/activity/api/v2/activity"
	notificationsBase = "/ocs/v2.php/apps/notifications/api/v2/notifications"
)

func (a *activityApp) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+activityBase, a.s.ocsAppHandler("activity", nil, a.list))
	mux.HandleFunc("GET "+activityBase+"/{filter}", a.s.ocsAppHandler("activity", nil, a.list))
	mux.HandleFunc("GET "+notificationsBase, a.s.ocsAppHandler("notifications", nil, a.listNotifications))
	mux.HandleFunc("DELETE "+notificationsBase, a.s.ocsAppHandler("notifications", nil, a.dismissAll))
	mux.HandleFunc("GET "+notificationsBase+"/{id}", a.s.ocsAppHandler("notifications", nil, a.getNotification))
	mux.HandleFunc("DELETE "+notificationsBase+"/{id}", a.s.ocsAppHandler("notifications", nil, a.dismiss))
}

// AddActivity records an activity in affectedUser's stream and returns its id.
func (s *Server) AddActivity(affectedUser string, e ActivityEntry) int {
	a := s.activity
	a.mu.Lock()
	defer a.mu.Unlock()
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	id := a.nextActivity
	a.nextActivity++
	a.activities[affectedUser] = append(a.activities[affectedUser], &activityEntry{ID: id, ActivityEntry: e})
	return id
}

// AddNotification notifies user and returns the notification id.
func (s *Server) AddNotification(user string, n NotificationEntry) int {
	name := n.Actor
	if n.ActorServer != "" {
		name += "@" + n.ActorServer
	} else if n.Actor != "" && n.ActorType == "" {
		s.mu.Lock()
		if u := s.users[n.Actor]; u != nil {
			name = u.DisplayName
		}
		s.mu.Unlock()
	}
	a := s.activity
	a.mu.Lock()
	defer a.mu.Unlock()
	if n.Time.IsZero() {
		n.Time = time.Now()
	}
	id := a.nextNotice
	a.nextNotice++
	a.notifications[user] = append(a.notifications[user], &noticeEntry{ID: id, actorName: name, NotificationEntry: n})
	return id
}

func (a *activityApp) activityJSON(r *http.Request, u *User, e *activityEntry) map[string]any {
	return map[string]any{
		"activity_id":  e.ID,
		"app":          e.App,
		"type":         e.Type,
		"user":         e.User,
		"affecteduser": u.ID,
		"subject":      e.Subject,
		"subject_rich": []any{e.Subject, map[string]any{}},
		"message":      "",
		"message_rich": []any{"", []any{}},
		"object_type":  e.ObjectType,
		"object_id":    e.ObjectID,
		"object_name":  e.ObjectName,
		"objects":      map[string]any{strconv.FormatInt(e.ObjectID, 10): e.ObjectName},
		"link":         e.Link,
		"icon":         "http://" + r.Host + "/apps/files/img/add-color.svg",
		"datetime":     e.Time.UTC().Format(time.RFC3339),
	}
}

// list is the stream, newest first by default. Object filtering works only
// with the "filter" stream; an unknown stream is 404. When nothing is left
// it answers 304 without a body, which ends paging.
func (a *activityApp) list(w http.ResponseWriter, r *http.Request, u *User) {
	filter := r.PathValue("filter")
	q := r.URL.Query()
	switch filter {
	case "", "all", "self", "by", "filter", "files", "files_sharing", "files_favorites", "comments", "calendar", "contacts":
	default:
		writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "")
		return
	}
	objType, objID := q.Get("object_type"), q.Get("object_id")
	if filter != "filter" {
		objType, objID = "", ""
	}
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 50
	}
	since, _ := strconv.Atoi(q.Get("since"))
	asc := q.Get("sort") == "asc"
	a.mu.Lock()
	all := append([]*activityEntry(nil), a.activities[u.ID]...)
	a.mu.Unlock()
	sort.Slice(all, func(i, j int) bool {
		if asc {
			return all[i].ID < all[j].ID
		}
		return all[i].ID > all[j].ID
	})
	data := []any{}
	last := 0
	for _, e := range all {
		if since > 0 && ((asc && e.ID <= since) || (!asc && e.ID >= since)) {
			continue
		}
		if objType != "" && (e.ObjectType != objType || strconv.FormatInt(e.ObjectID, 10) != objID) {
			continue
		}
		switch filter {
		case "self":
			if e.User != u.ID {
				continue
			}
		case "by":
			if e.User == u.ID {
				continue
			}
		case "", "all", "filter":
		default:
			if e.App != filter {
				continue
			}
		}
		data = append(data, a.activityJSON(r, u, e))
		last = e.ID
		if len(data) == limit {
			break
		}
	}
	if len(data) == 0 {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("X-Activity-Last-Given", strconv.Itoa(last))
	if len(data) == limit {
		next := url.Values{"since": {strconv.Itoa(last)}, "limit": {strconv.Itoa(limit)}}
		if asc {
			next.Set("sort", "asc")
		}
		if objType != "" {
			next.Set("object_type", objType)
			next.Set("object_id", objID)
		}
		w.Header().Set("Link", "<http://"+r.Host+r.URL.Path+"?"+next.Encode()+`>; rel="next"`)
	}
	writeOCS(w, r, data)
}

func (a *activityApp) noticeJSON(r *http.Request, u *User, n *noticeEntry) map[string]any {
	// Without objects the server sends an empty subjectRich and [] (not {})
	// for its parameters (notifications/01).
	rich, params := "", any([]any{})
	if n.Actor != "" {
		typ, name := n.ActorType, n.actorName
		if typ == "" {
			typ = "user"
		}
		actor := map[string]any{"type": typ, "id": n.Actor, "name": name}
		if n.ActorServer != "" {
			actor["server"] = n.ActorServer
		}
		params = map[string]any{"user": actor}
		rich = n.Subject
		if after, ok := strings.CutPrefix(n.Subject, name); ok {
			rich = "{user}" + after
		}
	}
	return map[string]any{
		"notification_id":       n.ID,
		"app":                   n.App,
		"user":                  u.ID,
		"datetime":              n.Time.UTC().Format(time.RFC3339),
		"object_type":           n.ObjectType,
		"object_id":             n.ObjectID,
		"subject":               n.Subject,
		"subjectRich":           rich,
		"subjectRichParameters": params,
		"message":               n.Message,
		"messageRich":           "",
		"messageRichParameters": []any{},
		"link":                  n.Link,
		"icon":                  "http://" + r.Host + "/apps/notifications/img/notifications-dark.svg",
		"shouldNotify":          true,
		"actions":               []any{},
	}
}

func (a *activityApp) listNotifications(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	list := a.notifications[u.ID]
	data := []any{}
	for i := len(list) - 1; i >= 0; i-- {
		data = append(data, a.noticeJSON(r, u, list[i]))
	}
	a.mu.Unlock()
	w.Header().Set("X-Nextcloud-User-Status", "online")
	writeOCS(w, r, data)
}

func (a *activityApp) noticeIndex(r *http.Request, u *User) int {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return -1
	}
	for i, n := range a.notifications[u.ID] {
		if n.ID == id {
			return i
		}
	}
	return -1
}

func (a *activityApp) getNotification(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.noticeIndex(r, u)
	if i < 0 {
		writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "")
		return
	}
	writeOCS(w, r, a.noticeJSON(r, u, a.notifications[u.ID][i]))
}

func (a *activityApp) dismiss(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := a.noticeIndex(r, u)
	if i < 0 {
		writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "")
		return
	}
	list := a.notifications[u.ID]
	a.notifications[u.ID] = append(list[:i:i], list[i+1:]...)
	writeOCS(w, r, []any{})
}

func (a *activityApp) dismissAll(w http.ResponseWriter, r *http.Request, u *User) {
	a.mu.Lock()
	delete(a.notifications, u.ID)
	a.mu.Unlock()
	writeOCS(w, r, []any{})
}
