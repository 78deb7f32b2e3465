package ncfake

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Webhook is one registration held by the fake. AuthData is the cleartext a
// real server would keep encrypted; tests read it to check what a delivery
// would carry.
type Webhook struct {
	ID           int64
	AppID        string
	UserID       string
	HTTPMethod   string
	URI          string
	Event        string
	EventFilter  map[string]any
	UserIDFilter string
	Headers      map[string]string
	AuthMethod   string
	AuthData     map[string]string
}

// webhooksApp serves the webhook_listeners OCS API (admin only).
type webhooksApp struct {
	s *Server

	mu     sync.Mutex
	hooks  map[int64]*Webhook
	nextID int64
	// creates counts successful creates; failAt makes the create with that
	// 1-based number fail once (0: off).
	creates    int
	failAt     int
	failStatus int
	failMsg    string
	// deliveries are the calls the server would have queued (WebhookDeliveries).
	deliveries []WebhookDelivery
}

func newWebhooksApp(s *Server) *webhooksApp {
	return &webhooksApp{s: s, hooks: map[int64]*Webhook{}, nextID: 1}
}

func (a *webhooksApp) routes(mux *http.ServeMux) {
	for _, p := range []string{"/ocs/v2.php", "/ocs/v1.php"} {
		base := p + "/apps/webhook_listeners/api/v1/webhooks"
		mux.HandleFunc("GET "+base, a.guard(a.handleList))
		mux.HandleFunc("POST "+base, a.guard(a.handleCreate))
		mux.HandleFunc("GET "+base+"/{id}", a.guard(a.handleGet))
		mux.HandleFunc("POST "+base+"/{id}", a.guard(a.handleUpdate))
		mux.HandleFunc("DELETE "+base+"/{id}", a.guard(a.handleDelete))
		mux.HandleFunc("DELETE "+base+"/byappid/{appid}", a.guard(a.handleDeleteByApp))
	}
}

// guard answers as Nextcloud does: an OCS route of a disabled app is an
// "Invalid query" 404 (recorded in ocs/26), and the admin-setting middleware
// refuses non-admins with 403.
func (a *webhooksApp) guard(h func(w http.ResponseWriter, r *http.Request, u *User)) http.HandlerFunc {
	return a.s.ocsAppHandler("webhook_listeners", nil, func(w http.ResponseWriter, r *http.Request, u *User) {
		if !hasGroup(u, "admin") {
			writeOCSError(w, r, http.StatusForbidden, http.StatusForbidden, "Logged in account must be an admin, a sub admin or gotten special right to access this setting")
			return
		}
		h(w, r, u)
	})
}

// FailWebhookCreate makes the nth create from now (1-based) fail once with
// the status and message, after the ones before it succeed.
func (s *Server) FailWebhookCreate(nth, status int, message string) {
	a := s.webhooks
	a.mu.Lock()
	defer a.mu.Unlock()
	a.failAt, a.failStatus, a.failMsg = a.creates+nth, status, message
}

// Webhooks returns copies of every registration, by id.
func (s *Server) Webhooks() []Webhook {
	a := s.webhooks
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Webhook, 0, len(a.hooks))
	for _, id := range slices.Sorted(maps.Keys(a.hooks)) {
		out = append(out, cloneWebhook(a.hooks[id]))
	}
	return out
}

// AddWebhook registers w as if someone else had, and returns its id.
func (s *Server) AddWebhook(w Webhook) int64 {
	a := s.webhooks
	a.mu.Lock()
	defer a.mu.Unlock()
	c := cloneWebhook(&w)
	c.ID = a.nextID
	a.nextID++
	if c.AuthMethod == "" {
		c.AuthMethod = nextcloud.WebhookAuthNone
	}
	a.hooks[c.ID] = &c
	return c.ID
}

// RemoveWebhook deletes a registration behind the client's back (drift tests).
func (s *Server) RemoveWebhook(id int64) bool {
	a := s.webhooks
	a.mu.Lock()
	defer a.mu.Unlock()
	_, ok := a.hooks[id]
	delete(a.hooks, id)
	return ok
}

func cloneWebhook(w *Webhook) Webhook {
	c := *w
	c.EventFilter = maps.Clone(w.EventFilter)
	c.Headers = maps.Clone(w.Headers)
	c.AuthData = maps.Clone(w.AuthData)
	return c
}

// info is the WebhookListener entity as jsonSerialize returns it: every
// field, the empty filter as [] and authData as an opaque encrypted string.
func (w *Webhook) info() map[string]any {
	var appID any
	if w.AppID != "" {
		appID = w.AppID
	}
	var filter any = []any{}
	if len(w.EventFilter) > 0 {
		filter = w.EventFilter
	}
	var headers any
	if len(w.Headers) > 0 {
		headers = w.Headers
	}
	var authData any
	if len(w.AuthData) > 0 {
		// Nextcloud's Crypto output: ciphertext|iv|hmac|version (webhooks-live/nc31/02).
		b, _ := json.Marshal(w.AuthData)
		sum := sha512.Sum512(b)
		iv := sha256.Sum256(b)
		mac := sha512.Sum512(sum[:])
		authData = hex.EncodeToString(sum[:]) + "|" + hex.EncodeToString(iv[:16]) + "|" + hex.EncodeToString(mac[:]) + "|3"
	}
	return map[string]any{
		"id": w.ID, "appId": appID, "userId": w.UserID, "httpMethod": w.HTTPMethod, "uri": w.URI,
		"event": w.Event, "eventFilter": filter, "userIdFilter": w.UserIDFilter, "headers": headers,
		"authMethod": w.AuthMethod, "authData": authData,
	}
}

func (a *webhooksApp) handleList(w http.ResponseWriter, r *http.Request, _ *User) {
	uri := r.URL.Query().Get("uri")
	a.mu.Lock()
	out := []any{}
	for _, id := range slices.Sorted(maps.Keys(a.hooks)) {
		if h := a.hooks[id]; uri == "" || h.URI == uri {
			out = append(out, h.info())
		}
	}
	a.mu.Unlock()
	writeOCS(w, r, out)
}

func (a *webhooksApp) lookup(w http.ResponseWriter, r *http.Request) (*Webhook, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a.mu.Lock()
	h := a.hooks[id]
	a.mu.Unlock()
	if err != nil || h == nil {
		writeOCSError(w, r, http.StatusNotFound, http.StatusNotFound, "Did expect one result but found none when executing: query \"SELECT * FROM `*PREFIX*webhook_listeners` WHERE `id` = :dcValue1\"; ")
		return nil, false
	}
	return h, true
}

func (a *webhooksApp) handleGet(w http.ResponseWriter, r *http.Request, _ *User) {
	h, ok := a.lookup(w, r)
	if !ok {
		return
	}
	a.mu.Lock()
	info := h.info()
	a.mu.Unlock()
	writeOCS(w, r, info)
}

func (a *webhooksApp) handleCreate(w http.ResponseWriter, r *http.Request, u *User) {
	hook, status, msg := a.parse(r, u)
	if status != 0 {
		writeOCSError(w, r, status, ocsStatusFor(status), msg)
		return
	}
	a.mu.Lock()
	if a.failAt > 0 && a.creates+1 == a.failAt {
		a.failAt = 0
		st, m := a.failStatus, a.failMsg
		a.mu.Unlock()
		writeOCSError(w, r, st, st, m)
		return
	}
	a.creates++
	hook.ID = a.nextID
	a.nextID++
	a.hooks[hook.ID] = hook
	info := hook.info()
	a.mu.Unlock()
	writeOCS(w, r, info)
}

// handleUpdate replaces the whole registration, as the real POST /{id} does.
func (a *webhooksApp) handleUpdate(w http.ResponseWriter, r *http.Request, u *User) {
	old, ok := a.lookup(w, r)
	if !ok {
		return
	}
	hook, status, msg := a.parse(r, u)
	if status != 0 {
		writeOCSError(w, r, status, ocsStatusFor(status), msg)
		return
	}
	a.mu.Lock()
	hook.ID = old.ID
	info := hook.info()
	if hook.AuthMethod == nextcloud.WebhookAuthNone && len(hook.AuthData) == 0 {
		// The answer says authData null, yet the stored, encrypted value
		// stays and a later GET shows it (webhooks-live/nc31/09-10).
		hook.AuthData = old.AuthData
	}
	a.hooks[hook.ID] = hook
	a.mu.Unlock()
	writeOCS(w, r, info)
}

// handleDelete answers data true or, for an unknown id, still 200 with false.
func (a *webhooksApp) handleDelete(w http.ResponseWriter, r *http.Request, _ *User) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a.mu.Lock()
	_, ok := a.hooks[id]
	delete(a.hooks, id)
	a.mu.Unlock()
	writeOCS(w, r, err == nil && ok)
}

func (a *webhooksApp) handleDeleteByApp(w http.ResponseWriter, r *http.Request, _ *User) {
	app := r.PathValue("appid")
	n := 0
	a.mu.Lock()
	for id, h := range a.hooks {
		if h.AppID == app {
			delete(a.hooks, id)
			n++
		}
	}
	a.mu.Unlock()
	writeOCS(w, r, n)
}

// createBody is the request as JSON; form bodies fill the flat fields.
type createBody struct {
	HTTPMethod   string            `json:"httpMethod"`
	URI          string            `json:"uri"`
	Event        string            `json:"event"`
	EventFilter  json.RawMessage   `json:"eventFilter"`
	UserIDFilter *string           `json:"userIdFilter"`
	Headers      map[string]string `json:"headers"`
	AuthMethod   *string           `json:"authMethod"`
	AuthData     json.RawMessage   `json:"authData"`
}

// parse validates a create/update body the way WebhooksController does.
func (a *webhooksApp) parse(r *http.Request, u *User) (*Webhook, int, string) {
	var b createBody
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, http.StatusBadRequest, "could not read the body"
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/x-www-form-urlencoded" {
		form, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, http.StatusBadRequest, "bad form body"
		}
		b.HTTPMethod, b.URI, b.Event = form.Get("httpMethod"), form.Get("uri"), form.Get("event")
		if form.Has("authMethod") {
			m := form.Get("authMethod")
			b.AuthMethod = &m
		}
	} else if len(raw) > 0 {
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, http.StatusBadRequest, "the body is not JSON"
		}
	}
	if b.HTTPMethod == "" || b.URI == "" || b.Event == "" {
		// A missing required argument is a PHP type error, not a 400 (webhooks-live/nc31/15).
		return nil, http.StatusInternalServerError, "Internal Server Error\n"
	}
	event := strings.TrimPrefix(b.Event, `\`)
	if !a.compatible(event) {
		return nil, http.StatusBadRequest, event + " is not an event class compatible with webhooks"
	}
	hook := &Webhook{UserID: u.ID, HTTPMethod: b.HTTPMethod, URI: b.URI, Event: event, Headers: b.Headers, AuthMethod: nextcloud.WebhookAuthNone}
	if f := strings.TrimSpace(string(b.EventFilter)); f != "" && f != "null" && !strings.HasPrefix(f, "[") {
		if err := json.Unmarshal(b.EventFilter, &hook.EventFilter); err != nil {
			return nil, http.StatusBadRequest, "eventFilter must be an object"
		}
	}
	if b.UserIDFilter != nil {
		hook.UserIDFilter = *b.UserIDFilter
	}
	if b.AuthMethod != nil {
		hook.AuthMethod = *b.AuthMethod
	}
	switch hook.AuthMethod {
	case nextcloud.WebhookAuthNone:
	case nextcloud.WebhookAuthHeader:
		if err := json.Unmarshal(b.AuthData, &hook.AuthData); err != nil || len(hook.AuthData) == 0 {
			return nil, http.StatusBadRequest, "Header auth method needs an associative array of headers as auth data"
		}
	default:
		return nil, http.StatusBadRequest, "This auth method does not exist"
	}
	return hook, 0, ""
}

// compatible mimics the server's class_exists + IWebhookCompatibleEvent
// check: known classes whose app is enabled and whose Nextcloud version has them.
func (a *webhooksApp) compatible(event string) bool {
	if !nextcloud.IsKnownWebhookEvent(event) {
		return false
	}
	a.s.mu.Lock()
	major, apps := a.s.major, a.s.apps
	needs := ""
	switch {
	case strings.HasPrefix(event, `OCA\Tables\`):
		needs = "tables"
	case strings.HasPrefix(event, `OCA\Deck\`):
		needs = "deck"
	case strings.HasPrefix(event, `OCA\Forms\`):
		needs = "forms"
	case strings.HasPrefix(event, `OCA\Mail\`):
		needs = "mail"
	}
	ok := needs == "" || apps[needs]
	version := nextcloud.Version{Major: major, Minor: a.s.minor, Micro: a.s.micro}
	a.s.mu.Unlock()
	switch {
	case strings.HasPrefix(event, `OCP\Calendar\Events\`):
		// Webhook-compatible from 31.0.2 on (webhooks-live/nc31/04).
		ok = ok && version.AtLeast("31.0.2")
	case event == `OCP\SystemTag\MapperEvent`:
		ok = ok && major >= 32
	}
	return ok
}

// ocsStatusFor is the OCS statuscode beside an HTTP status: an uncaught
// exception is 996 (webhooks-live/nc31/15).
func ocsStatusFor(status int) int {
	if status == http.StatusInternalServerError {
		return 996
	}
	return status
}

// String keeps AuthData out of test failure output.
func (w Webhook) String() string {
	return fmt.Sprintf("Webhook{%d %s %s %s auth=%s}", w.ID, w.HTTPMethod, w.URI, w.Event, w.AuthMethod)
}
