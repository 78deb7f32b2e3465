package nextcloud

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Activity is one entry of the activity stream.
type Activity struct {
	ID         int    `json:"activity_id"`
	App        string `json:"app"`
	Type       string `json:"type"`
	User       string `json:"user"`
	Subject    string `json:"subject"`
	Message    string `json:"message"`
	Link       string `json:"link"`
	ObjectType string `json:"object_type"`
	ObjectID   int64  `json:"object_id"`
	ObjectName string `json:"object_name"`
	// Datetime is ISO 8601, e.g. 2015-11-20T12:49:31+00:00.
	Datetime string `json:"datetime"`
}

// ActivityQuery selects activities.
type ActivityQuery struct {
	// ObjectType and ObjectID limit the stream to one object (e.g. "files" and a file id).
	ObjectType string
	ObjectID   string
	// Since is the id of the last activity seen; the page starts after it.
	Since int
	// Limit is how many to return; 0 means the server default (50).
	Limit int
	// Ascending returns oldest first (from Since); the default is newest first.
	Ascending bool
}

// ActivityPage is one page of the stream.
type ActivityPage struct {
	Activities []Activity
	// Next is the Since of the following page; 0 at the end of the stream.
	Next int
}

// Activities reads the activity stream. Object filtering only works through
// the "filter" stream, so a query with an object goes there.
func (c *Client) Activities(ctx context.Context, q ActivityQuery) (*ActivityPage, error) {
	path := "/apps/activity/api/v2/activity"
	v := url.Values{}
	if q.ObjectType != "" || q.ObjectID != "" {
		path += "/filter"
		v.Set("object_type", q.ObjectType)
		v.Set("object_id", q.ObjectID)
	}
	if q.Since > 0 {
		v.Set("since", strconv.Itoa(q.Since))
	}
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	if q.Ascending {
		v.Set("sort", "asc")
	}
	var out []Activity
	// 304 marks the end of the stream; 204 a user who chose to see nothing.
	reply, err := c.OCSDo(ctx, OCSCall{Method: http.MethodGet, Path: path, Query: v, Empty: []int{http.StatusNotModified}}, &out)
	if err != nil {
		return nil, appMissing(err, "activity")
	}
	page := &ActivityPage{Activities: out}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	if !reply.Empty && len(out) >= limit {
		if n, err := strconv.Atoi(reply.Header.Get("X-Activity-Last-Given")); err == nil {
			page.Next = n
		}
	}
	return page, nil
}
