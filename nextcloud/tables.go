package nextcloud

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

const (
	tablesV1 = "/index.php/apps/tables/api/1"
	tablesV2 = "/apps/tables/api/2" // below /ocs/v2.php
)

// TablesAPI is the Tables app. It uses the v2 OCS API where the server
// announces it (capability tables.apiVersions) and the v1 REST API for what
// v2 lacks (reading, updating and deleting rows). Get one with Client.TablesAPI.
type TablesAPI struct {
	c  *Client
	v2 bool
	// columnTypes is the capability's column_types list, when announced.
	columnTypes []string
}

// TablesAPI checks the server's Tables capability and returns the API.
func (c *Client) TablesAPI(ctx context.Context) (*TablesAPI, error) {
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	var tc struct {
		Enabled     *bool    `json:"enabled"`
		APIVersions []string `json:"apiVersions"`
		ColumnTypes []string `json:"column_types"`
	}
	if !caps.App("tables", &tc) || (tc.Enabled != nil && !*tc.Enabled) {
		return nil, fmt.Errorf("%w: the Tables app is not installed or not enabled on this server", ErrAppMissing)
	}
	return &TablesAPI{c: c, v2: slices.Contains(tc.APIVersions, "2.0"), columnTypes: tc.ColumnTypes}, nil
}

// UsesV2 reports whether the server's OCS v2 Tables API is in use.
func (t *TablesAPI) UsesV2() bool { return t.v2 }

// Table is a table as Tables lists it.
type Table struct {
	ID           int    `json:"id"`
	Title        string `json:"title"`
	Emoji        string `json:"emoji"`
	Description  string `json:"description"`
	Ownership    string `json:"ownership"`
	CreatedBy    string `json:"createdBy"`
	CreatedAt    string `json:"createdAt"`
	LastEditBy   string `json:"lastEditBy"`
	LastEditAt   string `json:"lastEditAt"`
	Archived     bool   `json:"archived"`
	IsShared     bool   `json:"isShared"`
	Favorite     bool   `json:"favorite"`
	RowsCount    int    `json:"rowsCount"`
	ColumnsCount int    `json:"columnsCount"`
	Views        []struct {
		ID    int    `json:"id"`
		Title string `json:"title"`
	} `json:"views"`
}

// TableRow is one row; Data holds the cells keyed by column id.
type TableRow struct {
	ID         int         `json:"id"`
	TableID    int         `json:"tableId"`
	CreatedBy  string      `json:"createdBy"`
	CreatedAt  string      `json:"createdAt"`
	LastEditBy string      `json:"lastEditBy"`
	LastEditAt string      `json:"lastEditAt"`
	Data       []TableCell `json:"data"`
}

// TableCell is one value of a row.
type TableCell struct {
	ColumnID int             `json:"columnId"`
	Value    json.RawMessage `json:"value"`
}

// v1 sends one v1 REST request; out receives the JSON answer.
func (t *TablesAPI) v1(ctx context.Context, method, path string, query url.Values, body, out any) error {
	r := &Request{Method: method, Path: tablesV1 + path, Query: query, API: APIApp, Header: http.Header{"Accept": {"application/json"}}}
	if body != nil {
		if err := r.setJSON(body); err != nil {
			return err
		}
	}
	_, raw, err := t.c.Call(ctx, r)
	if err != nil {
		return err
	}
	if out != nil && len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return fmt.Errorf("%s %s: decode Tables answer: %w", method, r.Path, err)
		}
	}
	return nil
}

// ocs sends one v2 OCS request.
func (t *TablesAPI) ocs(ctx context.Context, method, path string, body, out any) error {
	return t.c.OCS(ctx, method, tablesV2+path, nil, body, out)
}

// Tables lists the tables the user can see.
func (t *TablesAPI) Tables(ctx context.Context) ([]Table, error) {
	var out []Table
	var err error
	if t.v2 {
		err = t.ocs(ctx, http.MethodGet, "/tables", nil, &out)
	} else {
		err = t.v1(ctx, http.MethodGet, "/tables", nil, nil, &out)
	}
	return out, err
}

// Table reads one table. A table that does not exist or is not shared with
// the user is a 404 (with an empty body).
func (t *TablesAPI) Table(ctx context.Context, id int) (*Table, error) {
	var out Table
	var err error
	if t.v2 {
		err = t.ocs(ctx, http.MethodGet, "/tables/"+strconv.Itoa(id), nil, &out)
	} else {
		err = t.v1(ctx, http.MethodGet, "/tables/"+strconv.Itoa(id), nil, nil, &out)
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// TableInput is a new table. Template "custom" (the default) starts empty;
// others ("todo", ...) come with columns and rows.
type TableInput struct {
	Title       string
	Emoji       string
	Description string
	Template    string
}

// CreateTable creates a table.
func (t *TablesAPI) CreateTable(ctx context.Context, in TableInput) (*Table, error) {
	if in.Template == "" {
		in.Template = "custom"
	}
	body := map[string]any{"title": in.Title, "emoji": in.Emoji, "template": in.Template}
	if in.Description != "" {
		body["description"] = in.Description
	}
	var out Table
	var err error
	if t.v2 {
		err = t.ocs(ctx, http.MethodPost, "/tables", body, &out)
	} else {
		err = t.v1(ctx, http.MethodPost, "/tables", nil, body, &out)
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Columns lists a table's columns in their order.
func (t *TablesAPI) Columns(ctx context.Context, tableID int) ([]TableColumn, error) {
	var out []TableColumn
	var err error
	if t.v2 {
		err = t.ocs(ctx, http.MethodGet, "/columns/table/"+strconv.Itoa(tableID), nil, &out)
	} else {
		err = t.v1(ctx, http.MethodGet, "/tables/"+strconv.Itoa(tableID)+"/columns", nil, nil, &out)
	}
	return out, err
}

// rowNotFound turns Tables' answers for a missing row (a 404 or 500 whose
// message is a leaked SQL error) into a plain 404.
func rowNotFound(err error, rowID int) error {
	var e *Error
	if errors.As(err, &e) && (e.Status == http.StatusNotFound ||
		(e.Status == http.StatusInternalServerError && bytes.Contains([]byte(e.Message), []byte("found none")))) {
		return &Error{Method: e.Method, Path: e.Path, Status: http.StatusNotFound, Message: fmt.Sprintf("row %d does not exist", rowID)}
	}
	return err
}
