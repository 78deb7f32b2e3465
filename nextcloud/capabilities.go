package nextcloud

import (
	"context"
	"encoding/json"
	"net/http"
)

// Version is the server's version block.
type Version struct {
	Major  int    `json:"major"`
	Minor  int    `json:"minor"`
	Micro  int    `json:"micro"`
	String string `json:"string"`
}

// Capabilities is the answer of /cloud/capabilities. Apps holds each app's
// raw block so callers can check for an app without this package knowing it.
type Capabilities struct {
	Version Version                    `json:"version"`
	Apps    map[string]json.RawMessage `json:"capabilities"`
}

// Has reports whether the server announces the app's capability block.
func (c *Capabilities) Has(app string) bool {
	if c == nil {
		return false
	}
	_, ok := c.Apps[app]
	return ok
}

// App decodes the app's capability block into out; false when absent.
func (c *Capabilities) App(app string, out any) bool {
	if c == nil {
		return false
	}
	raw, ok := c.Apps[app]
	if !ok {
		return false
	}
	return json.Unmarshal(raw, out) == nil
}

// Capabilities fetches the server capabilities once and caches them for the
// life of the client: they change only when an admin installs an app.
func (c *Client) Capabilities(ctx context.Context) (*Capabilities, error) {
	c.mu.Lock()
	cached := c.caps
	c.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	var caps Capabilities
	if err := c.OCS(ctx, http.MethodGet, "/cloud/capabilities", nil, nil, &caps); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.caps = &caps
	c.mu.Unlock()
	return &caps, nil
}
