package nextcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// collectivesBase is the Collectives app's API (Collectives 2.18, recordings collectives/).
const collectivesBase = "/index.php/apps/collectives/_api"

// CollectivesAPI is the Collectives app: collectives (each with a team) and
// their pages. Its API needs a session (see SessionCall); page content is a
// markdown file read and written over WebDAV. Get one with Client.Collectives.
type CollectivesAPI struct{ c *Client }

// Collectives returns the Collectives API of this client.
func (c *Client) Collectives() *CollectivesAPI { return &CollectivesAPI{c: c} }

// Collective is one collective the user is a member of.
type Collective struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	Emoji    string `json:"emoji"`
	CircleID string `json:"circleId"`
	// Level is the user's level in the team; 9 is admin.
	Level   int  `json:"level"`
	CanEdit bool `json:"canEdit"`
	// TrashTimestamp is set (unix seconds) for a collective in the trash.
	TrashTimestamp *int64 `json:"trashTimestamp"`
}

// CollectivePage is a page's metadata; the content is its markdown file.
type CollectivePage struct {
	ID       int    `json:"id"`
	Title    string `json:"title"`
	FileName string `json:"fileName"`
	// FilePath is the folder below the collective, "" at the top.
	FilePath string `json:"filePath"`
	// CollectivePath is the collective's folder in the user's files
	// ("Collectives/Handbook"); null for a page in the trash.
	CollectivePath      *string `json:"collectivePath"`
	ParentID            int     `json:"parentId"`
	SubpageOrder        []int   `json:"subpageOrder"`
	Timestamp           int64   `json:"timestamp"`
	Size                int64   `json:"size"`
	LastUserID          string  `json:"lastUserId"`
	LastUserDisplayName string  `json:"lastUserDisplayName"`
	Emoji               *string `json:"emoji"`
	TrashTimestamp      *int64  `json:"trashTimestamp"`
}

// FilesPath is where the page's markdown file is in the user's files. The
// layout changes when a page gets its first subpage (it becomes a folder
// with Readme.md, collectives/09-13), so build it from fresh metadata.
func (p *CollectivePage) FilesPath() (string, error) {
	if p.CollectivePath == nil || *p.CollectivePath == "" {
		return "", fmt.Errorf("page %d has no file path (it is in the trash)", p.ID)
	}
	parts := []string{*p.CollectivePath}
	if p.FilePath != "" {
		parts = append(parts, p.FilePath)
	}
	parts = append(parts, p.FileName)
	return "/" + strings.Join(parts, "/"), nil
}

// call sends one request and decodes the {"data": …} envelope into out.
func (a *CollectivesAPI) call(ctx context.Context, method, path string, query url.Values, body, out any) error {
	rep, err := a.c.SessionCall(ctx, SessionRequest{Method: method, Path: collectivesBase + path, Query: query, Body: body})
	if err != nil {
		return err
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(rep.Body, &env); err != nil {
		return fmt.Errorf("%s %s: decode Collectives answer: %w", method, collectivesBase+path, err)
	}
	if out != nil && len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("%s %s: decode Collectives data: %w", method, collectivesBase+path, err)
		}
	}
	return nil
}

// ErrCollectiveNotFound is a collective that does not exist or of which the
// user is no member: the app says "Circle not found" for both (collectives/19).
var ErrCollectiveNotFound = errors.New("collective not found")

func collectivesErr(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusNotFound && e.Message == "Circle not found" {
		return fmt.Errorf("%w: %w", ErrCollectiveNotFound, err)
	}
	return err
}

// List lists the collectives the user is a member of (not those in the trash).
func (a *CollectivesAPI) List(ctx context.Context) ([]Collective, error) {
	var out []Collective
	err := a.call(ctx, http.MethodGet, "", nil, nil, &out)
	return out, err
}

// Pages lists every page of a collective, flat, the landing page first.
func (a *CollectivesAPI) Pages(ctx context.Context, collectiveID int) ([]CollectivePage, error) {
	var out []CollectivePage
	err := a.call(ctx, http.MethodGet, "/"+strconv.Itoa(collectiveID)+"/_pages", nil, nil, &out)
	return out, collectivesErr(err)
}

// Page reads one page's metadata.
func (a *CollectivesAPI) Page(ctx context.Context, collectiveID, pageID int) (*CollectivePage, error) {
	var out CollectivePage
	if err := a.call(ctx, http.MethodGet, "/"+strconv.Itoa(collectiveID)+"/_pages/"+strconv.Itoa(pageID), nil, nil, &out); err != nil {
		return nil, collectivesErr(err)
	}
	return &out, nil
}

// CreatePage adds an empty page below parentID. A title taken among the
// siblings is renamed ("Title (2)", collectives/10): read the answer's Title.
func (a *CollectivesAPI) CreatePage(ctx context.Context, collectiveID, parentID int, title string) (*CollectivePage, error) {
	var out CollectivePage
	if err := a.call(ctx, http.MethodPost, "/"+strconv.Itoa(collectiveID)+"/_pages/"+strconv.Itoa(parentID), nil, map[string]string{"title": title}, &out); err != nil {
		return nil, collectivesErr(err)
	}
	return &out, nil
}

// Touch records the user as the page's last editor, now; the app does not
// notice WebDAV edits on its own (collectives/14).
func (a *CollectivesAPI) Touch(ctx context.Context, collectiveID, pageID int) (*CollectivePage, error) {
	var out CollectivePage
	if err := a.call(ctx, http.MethodGet, "/"+strconv.Itoa(collectiveID)+"/_pages/"+strconv.Itoa(pageID)+"/touch", nil, nil, &out); err != nil {
		return nil, collectivesErr(err)
	}
	return &out, nil
}

// Search finds pages whose content has the words, in the app's full-text
// index, which a background job updates: new content shows up late (collectives/17).
func (a *CollectivesAPI) Search(ctx context.Context, collectiveID int, words string) ([]CollectivePage, error) {
	var out []CollectivePage
	err := a.call(ctx, http.MethodGet, "/"+strconv.Itoa(collectiveID)+"/_pages/search", url.Values{"searchString": {words}}, nil, &out)
	return out, collectivesErr(err)
}
