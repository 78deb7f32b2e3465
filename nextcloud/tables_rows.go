package nextcloud

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// Rows reads a page of a table's rows in their stored order. Only the v1
// API can read rows in Tables 0.9. limit 0 means all.
func (t *TablesAPI) Rows(ctx context.Context, tableID, limit, offset int) ([]TableRow, error) {
	q := url.Values{}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if offset > 0 {
		q.Set("offset", strconv.Itoa(offset))
	}
	var out []TableRow
	if err := t.v1(ctx, http.MethodGet, "/tables/"+strconv.Itoa(tableID)+"/rows", q, nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Row reads one row.
func (t *TablesAPI) Row(ctx context.Context, rowID int) (*TableRow, error) {
	var out TableRow
	if err := t.v1(ctx, http.MethodGet, "/rows/"+strconv.Itoa(rowID), nil, nil, &out); err != nil {
		return nil, rowNotFound(err, rowID)
	}
	return &out, nil
}

// rowData is the JSON object Tables wants: keyed by column id. The list
// form [{columnId, value}] fails on Tables 0.9 ("Column with id 0 ...").
func rowData(data map[int]any) map[string]any {
	out := make(map[string]any, len(data))
	for id, v := range data {
		out[strconv.Itoa(id)] = v
	}
	return out
}

// CreateRow inserts a row; data is keyed by column id (see EncodeRow).
// Tables does not enforce mandatory columns itself.
func (t *TablesAPI) CreateRow(ctx context.Context, tableID int, data map[int]any) (*TableRow, error) {
	body := map[string]any{"data": rowData(data)}
	var out TableRow
	var err error
	if t.v2 {
		err = t.ocs(ctx, http.MethodPost, "/tables/"+strconv.Itoa(tableID)+"/rows", body, &out)
	} else {
		err = t.v1(ctx, http.MethodPost, "/tables/"+strconv.Itoa(tableID)+"/rows", nil, body, &out)
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateRow changes the given cells of a row and keeps the others.
func (t *TablesAPI) UpdateRow(ctx context.Context, rowID int, data map[int]any) (*TableRow, error) {
	var out TableRow
	if err := t.v1(ctx, http.MethodPut, "/rows/"+strconv.Itoa(rowID), nil, map[string]any{"data": rowData(data)}, &out); err != nil {
		return nil, rowNotFound(err, rowID)
	}
	return &out, nil
}

// DeleteRow deletes a row and returns it as it was.
func (t *TablesAPI) DeleteRow(ctx context.Context, rowID int) (*TableRow, error) {
	var out TableRow
	if err := t.v1(ctx, http.MethodDelete, "/rows/"+strconv.Itoa(rowID), nil, nil, &out); err != nil {
		return nil, rowNotFound(err, rowID)
	}
	return &out, nil
}
