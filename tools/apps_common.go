package tools

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Helpers shared by the News, Cookbook, Bookmarks and Forms toolsets.

// checkWebURL accepts an absolute http(s) URL, the only kind these apps store.
func checkWebURL(name, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return inputErrorf("%s must be a full web address starting with https:// (got %q)", name, raw)
	}
	return nil
}

// unixTime formats Unix seconds as RFC 3339 in UTC; 0 is "".
func unixTime(sec int64) string {
	if sec <= 0 {
		return ""
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

// serverSaid is the app's own explanation of a failure, or "".
func serverSaid(err error) string {
	var e *nextcloud.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// deref returns the string p points to, or "".
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
