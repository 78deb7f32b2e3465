package ncfake

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// WebhookDelivery is one call the server would make to a webhook's uri,
// with the envelope of webhooks-live/nc31/28 as body.
type WebhookDelivery struct {
	HookID int64
	Method string
	URI    string
	// Header holds the registration's headers and, with header auth, its
	// authData (the delivery secret).
	Header map[string]string
	Body   map[string]any
}

// String keeps the secret out of test failure output.
func (d WebhookDelivery) String() string {
	return fmt.Sprintf("WebhookDelivery{%d %s %s %v}", d.HookID, d.Method, d.URI, d.Body["event"])
}

// WebhookDeliveries returns the deliveries queued so far, in order. The
// real server queues them as background jobs; the fake only records them.
func (s *Server) WebhookDeliveries() []WebhookDelivery {
	a := s.webhooks
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.deliveries)
}

// fileEvent queues the deliveries for a change made over WebDAV by user.
// path is the path in the user's files ("/a.txt"); for a rename, node is
// the target and source the old path.
func (s *Server) fileEvent(class string, user *User, fileID int64, path, source string) {
	if !s.HasApp("webhook_listeners") {
		return
	}
	node := func(p string, id int64) map[string]any {
		n := map[string]any{"path": "/" + user.ID + "/files" + p}
		if id > 0 {
			n["id"] = id
		}
		return n
	}
	event := map[string]any{"class": class}
	if source != "" {
		event["source"], event["target"] = node(source, 0), node(path, fileID)
	} else {
		event["node"] = node(path, fileID)
	}
	if class == nextcloud.EventNodeDeleted {
		delete(event["node"].(map[string]any), "id")
	}
	envelope := map[string]any{"event": event, "user": map[string]any{"uid": user.ID, "displayName": user.DisplayName}, "time": s.files.now().Unix()}
	s.webhooks.fire(class, envelope, true)
}

// fire records a delivery for every registration of the event class whose
// filters match the envelope.
//
// webhook_listeners decides which events to listen to while it boots. For
// a WebDAV request with Basic auth nobody is logged in yet, so it listens
// only for the registrations without a userIdFilter: one with just a
// userIdFilter gets nothing unless another registration of the same event
// has none (webhooks-live/ README). An eventFilter on user.uid works.
func (a *webhooksApp) fire(class string, envelope map[string]any, viaWebDAV bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var hooks []*Webhook
	listening := !viaWebDAV
	for _, id := range slices.Sorted(maps.Keys(a.hooks)) {
		if h := a.hooks[id]; h.Event == class {
			hooks = append(hooks, h)
			listening = listening || h.UserIDFilter == ""
		}
	}
	if !listening {
		return
	}
	uid := fmt.Sprint(lookupPath(envelope, "user.uid"))
	for _, h := range hooks {
		if h.UserIDFilter != "" && h.UserIDFilter != uid {
			continue
		}
		if !mongoMatch(h.EventFilter, envelope) {
			continue
		}
		header := maps.Clone(h.Headers)
		if header == nil {
			header = map[string]string{}
		}
		if h.AuthMethod == nextcloud.WebhookAuthHeader {
			maps.Copy(header, h.AuthData)
		}
		header["User-Agent"] = "Nextcloud Server Crawler"
		a.deliveries = append(a.deliveries, WebhookDelivery{HookID: h.ID, Method: h.HTTPMethod, URI: h.URI, Header: header, Body: envelope})
	}
}

// lookupPath follows a dotted path ("event.node.path") through maps.
func lookupPath(doc map[string]any, path string) any {
	var cur any = doc
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}

// mongoMatch evaluates the part of PHPMongoQuery that filters use: dotted
// paths, equality, "/regex/" strings, $eq, $ne, $in, $nin, $or, $and and
// $nor. An empty filter matches everything; an operator it does not know
// matches nothing.
func mongoMatch(filter map[string]any, doc map[string]any) bool {
	for key, cond := range filter {
		switch key {
		case "$or", "$and", "$nor":
			list, _ := cond.([]any)
			n := 0
			for _, sub := range list {
				if m, ok := sub.(map[string]any); ok && mongoMatch(m, doc) {
					n++
				}
			}
			if (key == "$or" && n == 0) || (key == "$and" && n != len(list)) || (key == "$nor" && n > 0) {
				return false
			}
		default:
			if !mongoValue(cond, lookupPath(doc, key)) {
				return false
			}
		}
	}
	return true
}

func mongoValue(cond, value any) bool {
	if ops, ok := cond.(map[string]any); ok {
		for op, arg := range ops {
			var ok bool
			switch op {
			case "$e", "$eq":
				ok = mongoValue(arg, value)
			case "$ne":
				ok = !mongoValue(arg, value)
			case "$in", "$nin":
				list, _ := arg.([]any)
				ok = slices.ContainsFunc(list, func(x any) bool { return mongoValue(x, value) }) == (op == "$in")
			}
			if !ok {
				return false
			}
		}
		return true
	}
	if s, ok := cond.(string); ok && len(s) > 2 && strings.HasPrefix(s, "/") && strings.HasSuffix(s, "/") {
		re, err := regexp.Compile(s[1 : len(s)-1])
		return err == nil && value != nil && re.MatchString(fmt.Sprint(value))
	}
	return value != nil && fmt.Sprint(cond) == fmt.Sprint(value)
}
