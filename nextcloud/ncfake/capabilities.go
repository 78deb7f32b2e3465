package ncfake

import (
	"net/http"
)

// capabilities assembles the capability blocks of the enabled apps, shaped as
// Nextcloud 29 reports them.
func (s *Server) capabilities() map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	caps := map[string]any{
		"core":       map[string]any{"pollinterval": 60, "webdav-root": "remote.php/webdav", "reference-api": true, "mod-rewrite-working": false},
		"bruteforce": map[string]any{"delay": 0, "allow-listed": false},
		"files":      map[string]any{"bigfilechunking": true, "blacklisted_files": []string{".htaccess"}, "comments": true, "undelete": true, "versioning": true},
		"dav":        map[string]any{"chunking": "1.0", "bulkupload": "1.0"},
		"theming":    map[string]any{"name": "Nextcloud", "url": "https://nextcloud.com"},
	}
	if s.apps["notes"] {
		caps["notes"] = map[string]any{"api_version": []string{"0.2", "1.3", "1.4"}, "version": "4.13.1", "notes_path": "Notes"}
	}
	if s.apps["deck"] {
		caps["deck"] = map[string]any{"version": "1.13.10", "canCreateBoards": true, "apiVersions": []string{"1.0", "1.1"}}
	}
	if s.apps["tables"] {
		caps["tables"] = map[string]any{"enabled": true, "version": "0.9.11", "apiVersions": []string{"1.0", "2.0", "2.1"},
			"features": []string{"favorite", "archive"}, "isCirclesEnabled": false,
			"column_types": []string{"text-line", "text-rich", "text-link", "number", "number-stars", "number-progress", "selection", "selection-multi", "selection-check", "datetime", "datetime-date", "datetime-time", "usergroup"}}
	}
	if s.apps["files_sharing"] {
		caps["files_sharing"] = map[string]any{"api_enabled": true, "public": map[string]any{"enabled": true, "password": map[string]any{"enforced": false}, "expire_date": map[string]any{"enabled": false}, "upload": true},
			"resharing": true, "group_sharing": true, "default_permissions": 31, "federation": map[string]any{"outgoing": true, "incoming": true},
			"sharebymail": map[string]any{"enabled": true}}
	}
	if s.apps["spreed"] {
		caps["spreed"] = map[string]any{"features": []string{"chat-v2", "reactions", "chat-read-marker", "chat-reply"}, "config": map[string]any{"chat": map[string]any{"max-length": 32000}}, "version": "19.0.0"}
	}
	if s.apps["activity"] {
		caps["activity"] = map[string]any{"apiv2": []string{"filters", "filters-api", "previews", "rich-strings"}}
	}
	if s.apps["notifications"] {
		caps["notifications"] = map[string]any{"ocs-endpoints": []string{"list", "get", "delete", "delete-all"}}
	}
	// webhook_listeners announces no capability block on a real server: clients
	// detect it by version (30+) and by asking its API.
	if s.apps["cookbook"] {
		caps["cookbook"] = map[string]any{"api-version": map[string]int{"epoch": 0, "major": 1, "minor": 2}, "version": []int{0, 11, 5}}
	}
	if s.apps["forms"] {
		caps["forms"] = map[string]any{"version": "4.3.14", "apiVersions": []string{"v2", "v2.1", "v2.2", "v2.3", "v2.4", "v2.5", "v3"}}
	}
	// news and bookmarks announce no capability block (talk/01 lists the
	// capabilities of the server the apps were recorded on).
	if s.apps["oauth2"] {
		caps["oauth2"] = map[string]any{"enabled": true}
	}
	return caps
}

func (s *Server) handleCapabilities(w http.ResponseWriter, r *http.Request, _ *User) {
	s.mu.Lock()
	ver := map[string]any{"major": s.major, "minor": s.minor, "micro": s.micro, "string": versionString(s.major, s.minor, s.micro), "edition": "", "extendedSupport": false}
	s.mu.Unlock()
	w.Header().Set("ETag", `"fee54bd84a42755c69cdea0948da4a6e"`)
	writeOCS(w, r, map[string]any{"version": ver, "capabilities": s.capabilities()})
}
