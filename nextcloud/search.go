package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// SearchProvider is one source of Nextcloud's unified search (an app, or a
// part of one: Deck has a provider for cards and one for comments).
type SearchProvider struct {
	ID    string `json:"id"`
	AppID string `json:"appId"`
	Name  string `json:"name"`
	Order int    `json:"order"`
	// Filters names the filters the provider understands beyond term (files: since, mime, path...).
	Filters map[string]string `json:"-"`
}

// UnmarshalJSON tolerates filters being [] instead of an object.
func (p *SearchProvider) UnmarshalJSON(b []byte) error {
	type plain SearchProvider
	var w struct {
		plain
		Filters json.RawMessage `json:"filters"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*p = SearchProvider(w.plain)
	if len(w.Filters) > 0 && w.Filters[0] == '{' {
		_ = json.Unmarshal(w.Filters, &p.Filters)
	}
	return nil
}

// SearchCursor is a provider's paging cursor. Providers disagree on its type
// (Files sends an int offset, others strings or null), so it is kept as text
// and sent back unchanged.
type SearchCursor string

// UnmarshalJSON accepts a number, a string or null.
func (c *SearchCursor) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*c = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = SearchCursor(s)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*c = SearchCursor(n.String())
	}
	return nil
}

// SearchEntry is one hit.
type SearchEntry struct {
	Title        string `json:"title"`
	Subline      string `json:"subline"`
	ResourceURL  string `json:"resourceUrl"`
	ThumbnailURL string `json:"thumbnailUrl"`
	// Attributes are provider specific (files: fileId, path).
	Attributes map[string]string `json:"-"`
}

// UnmarshalJSON keeps only the scalar attributes, as text.
func (e *SearchEntry) UnmarshalJSON(b []byte) error {
	type plain SearchEntry
	var w struct {
		plain
		Attributes json.RawMessage `json:"attributes"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = SearchEntry(w.plain)
	if len(w.Attributes) > 0 && w.Attributes[0] == '{' {
		var raw map[string]any
		if json.Unmarshal(w.Attributes, &raw) == nil {
			e.Attributes = map[string]string{}
			for k, v := range raw {
				switch x := v.(type) {
				case string:
					e.Attributes[k] = x
				case float64:
					e.Attributes[k] = strconv.FormatFloat(x, 'f', -1, 64)
				case bool:
					e.Attributes[k] = strconv.FormatBool(x)
				}
			}
		}
	}
	return nil
}

// SearchResult is one provider's answer.
type SearchResult struct {
	Name        string        `json:"name"`
	IsPaginated bool          `json:"isPaginated"`
	Entries     []SearchEntry `json:"entries"`
	Cursor      SearchCursor  `json:"cursor"`
}

// SearchQuery is what one provider is asked.
type SearchQuery struct {
	Term string
	// Limit is the number of entries per provider; 0 leaves the server's default.
	Limit int
	// Cursor continues a paginated provider where its last answer stopped.
	Cursor SearchCursor
}

// SearchProviders lists the unified search providers of this server.
func (c *Client) SearchProviders(ctx context.Context) ([]SearchProvider, error) {
	var out []SearchProvider
	if err := c.OCS(ctx, http.MethodGet, "/search/providers", nil, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Search asks one provider. An unknown provider id makes Nextcloud answer 500.
func (c *Client) Search(ctx context.Context, providerID string, q SearchQuery) (*SearchResult, error) {
	v := url.Values{"term": {q.Term}}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Cursor != "" {
		v.Set("cursor", string(q.Cursor))
	}
	var out SearchResult
	if err := c.OCS(ctx, http.MethodGet, "/search/providers/"+url.PathEscape(providerID)+"/search", v, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// AbsoluteURL resolves a link the server gave (often relative, like
// /index.php/f/61) against the server address; it already carries the web root.
func (c *Client) AbsoluteURL(ref string) string {
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return c.BaseURL().ResolveReference(u).String()
}
