package ncfake

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// tablesApp serves the Tables 0.9 API: v1 REST under index.php and v2 OCS,
// shaped like the recordings in shared/nextcloud-api/tables.
type tablesApp struct {
	s *Server

	mu      sync.Mutex
	next    tablesIDs
	tables  map[int]*tblTable
	columns map[int]*tblColumn
	rows    map[int]*tblRow
	views   map[int]*tblView
}

type tablesIDs struct{ table, column, row, view int }

type tblTable struct {
	id                        int
	title, emoji, description string
	owner, createdAt          string
	lastEditBy, lastEditAt    string
	archived                  bool
}

type tblColumn struct {
	id, tableID                      int
	title, typ, subtype, description string
	mandatory                        bool
	createdBy, createdAt             string
	numberDefault, numberMin         *float64
	numberMax                        *float64
	numberDecimals                   *int
	numberPrefix, numberSuffix       string
	textDefault, textAllowedPattern  *string
	textMaxLength                    *int
	options                          []tblOption
	selectionDefault                 any
	datetimeDefault                  any
	usergroupMultiple                *bool
}

type tblOption struct {
	ID    int    `json:"id"`
	Label string `json:"label"`
}

type tblRow struct {
	id, tableID                                  int
	createdBy, createdAt, lastEditBy, lastEditAt string
	cells                                        []tblCell
}

type tblCell struct {
	columnID int
	value    any
}

type tblView struct {
	id, tableID                int
	title, emoji, owner, stamp string
}

func newTablesApp(s *Server) *tablesApp {
	return &tablesApp{s: s, next: tablesIDs{1, 1, 1, 1},
		tables: map[int]*tblTable{}, columns: map[int]*tblColumn{}, rows: map[int]*tblRow{}, views: map[int]*tblView{}}
}

const (
	tablesREST = "/index.php/apps/tables/api/1"
	tablesOCS  = "/ocs/v2.php/apps/tables/api/2"
)

func (a *tablesApp) routes(mux *http.ServeMux) {
	rest := func(pattern string, h func(w http.ResponseWriter, r *http.Request, u *User)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+tablesREST+path, a.s.appRESTHandler("tables", &a.mu, h))
	}
	rest("GET /tables", a.listTables)
	rest("POST /tables", a.createTable)
	rest("GET /tables/{tableId}", a.getTable)
	rest("PUT /tables/{tableId}", a.updateTable)
	rest("DELETE /tables/{tableId}", a.deleteTable)
	rest("GET /tables/{tableId}/scheme", a.getScheme)
	rest("GET /tables/{tableId}/columns", a.listColumns)
	rest("POST /tables/{tableId}/columns", a.createColumnV1)
	rest("GET /tables/{tableId}/rows", a.listRows)
	rest("GET /tables/{tableId}/rows/simple", a.listRowsSimple)
	rest("POST /tables/{tableId}/rows", a.createRow)
	rest("GET /rows/{rowId}", a.getRow)
	rest("PUT /rows/{rowId}", a.updateRow)
	rest("DELETE /rows/{rowId}", a.deleteRow)
	rest("POST /tables/{tableId}/views", a.createView)
	rest("GET /views/{viewId}/rows", a.listViewRows)
	rest("DELETE /views/{viewId}", a.deleteView)

	ocs := func(pattern string, h func(w http.ResponseWriter, r *http.Request, u *User)) {
		method, path, _ := strings.Cut(pattern, " ")
		mux.HandleFunc(method+" "+tablesOCS+path, a.s.ocsAppHandler("tables", &a.mu, h))
	}
	ocs("GET /init", a.init)
	ocs("GET /tables", a.listTables)
	ocs("POST /tables", a.createTable)
	ocs("GET /tables/{tableId}", a.getTable)
	ocs("PUT /tables/{tableId}", a.updateTable)
	ocs("DELETE /tables/{tableId}", a.deleteTable)
	ocs("GET /tables/scheme/{tableId}", a.getSchemeV2)
	ocs("GET /columns/{nodeType}/{nodeId}", a.listColumnsV2)
	ocs("POST /columns/{type}", a.createColumnV2)
	ocs("POST /tables/{tableId}/rows", a.createRow)
}

func isTablesOCS(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/ocs/") }

// tablesAnswer sends data plainly on v1 and in an OCS envelope on v2.
func tablesAnswer(w http.ResponseWriter, r *http.Request, data any) {
	if isTablesOCS(r) {
		writeOCS(w, r, data)
		return
	}
	writeJSON(w, http.StatusOK, data)
}

// tablesNotFound is what both APIs answer for a table the user cannot
// see: 404 with an empty body, from the permission middleware.
func tablesNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusNotFound)
}

// tablesError is a failure with a message: plain {"message"} on v1; on v2
// the OCS envelope with the message in data, as Tables' OCS controllers do.
func tablesError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isTablesOCS(r) {
		writeJSON(w, status, map[string]any{"ocs": map[string]any{
			"meta": map[string]any{"status": "failure", "statuscode": status, "message": ""},
			"data": map[string]any{"message": msg}}})
		return
	}
	writeJSON(w, status, map[string]any{"message": msg})
}

// writePHPErrorPage is Nextcloud's HTML 500 page, which Tables' v1 API
// answers when a required parameter is missing (a PHP TypeError).
func writePHPErrorPage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write([]byte("<!DOCTYPE html>\n<html><head><title>Nextcloud</title></head><body><h2>Internal Server Error</h2>" +
		"<p>The server was unable to complete your request.</p></body></html>\n"))
}

func tablesStamp() string { return time.Now().UTC().Format("2006-01-02 15:04:05") }

func (a *tablesApp) displayName(uid string) string {
	a.s.mu.Lock()
	defer a.s.mu.Unlock()
	if u := a.s.users[uid]; u != nil && u.DisplayName != "" {
		return u.DisplayName
	}
	return uid
}

// table finds a table the user owns (the fake has no table sharing).
func (a *tablesApp) table(w http.ResponseWriter, r *http.Request, u *User) *tblTable {
	t := a.tables[intPathValue(r, "tableId")]
	if t == nil || t.owner != u.ID {
		tablesNotFound(w)
		return nil
	}
	return t
}

func (a *tablesApp) tableColumns(tableID int) []*tblColumn {
	var out []*tblColumn
	for _, c := range a.columns {
		if c.tableID == tableID {
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (a *tablesApp) tableRows(tableID int) []*tblRow {
	var out []*tblRow
	for _, row := range a.rows {
		if row.tableID == tableID {
			out = append(out, row)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (a *tablesApp) tableViews(tableID int) []*tblView {
	var out []*tblView
	for _, v := range a.views {
		if v.tableID == tableID {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (a *tablesApp) tableJSON(t *tblTable) map[string]any {
	views := []any{}
	for _, v := range a.tableViews(t.id) {
		views = append(views, a.viewJSON(v))
	}
	var emoji any
	if t.emoji != "" {
		emoji = t.emoji
	}
	return map[string]any{
		"id": t.id, "title": t.title, "emoji": emoji, "ownership": t.owner, "ownerDisplayName": a.displayName(t.owner),
		"createdBy": t.owner, "createdAt": t.createdAt, "lastEditBy": t.lastEditBy, "lastEditAt": t.lastEditAt,
		"archived": t.archived, "isShared": false, "favorite": false, "onSharePermissions": nil, "hasShares": false,
		"rowsCount": len(a.tableRows(t.id)), "columnsCount": len(a.tableColumns(t.id)), "views": views, "description": t.description,
	}
}

func (a *tablesApp) viewJSON(v *tblView) map[string]any {
	var emoji any
	if v.emoji != "" {
		emoji = v.emoji
	}
	return map[string]any{
		"id": v.id, "tableId": v.tableID, "title": v.title, "description": "", "emoji": emoji, "ownership": v.owner,
		"createdBy": v.owner, "createdAt": v.stamp, "lastEditBy": v.owner, "lastEditAt": v.stamp,
		"columns": []any{}, "columnSettings": []any{}, "sort": []any{}, "isShared": false, "favorite": false,
		"onSharePermissions": nil, "hasShares": false, "rowsCount": 0, "ownerDisplayName": nil, "filter": []any{},
	}
}

func (a *tablesApp) columnJSON(c *tblColumn) map[string]any {
	opts := []any{}
	for _, o := range c.options {
		opts = append(opts, o)
	}
	return map[string]any{
		"id": c.id, "tableId": c.tableID, "title": c.title,
		"createdBy": c.createdBy, "createdByDisplayName": a.displayName(c.createdBy), "createdAt": c.createdAt,
		"lastEditBy": c.createdBy, "lastEditByDisplayName": a.displayName(c.createdBy), "lastEditAt": c.createdAt,
		"type": c.typ, "subtype": c.subtype, "mandatory": c.mandatory, "description": c.description,
		"numberDefault": c.numberDefault, "numberMin": c.numberMin, "numberMax": c.numberMax, "numberDecimals": c.numberDecimals,
		"numberPrefix": c.numberPrefix, "numberSuffix": c.numberSuffix,
		"textDefault": c.textDefault, "textAllowedPattern": c.textAllowedPattern, "textMaxLength": c.textMaxLength,
		"selectionOptions": opts, "selectionDefault": c.selectionDefault, "datetimeDefault": c.datetimeDefault,
		"usergroupDefault": []any{}, "usergroupMultipleItems": c.usergroupMultiple, "usergroupSelectUsers": nil,
		"usergroupSelectGroups": nil, "usergroupSelectTeams": nil, "showUserStatus": nil,
	}
}

// rowJSON: a fresh row answers null for its creation fields until read again.
func (a *tablesApp) rowJSON(row *tblRow, fresh bool, only map[int]bool) map[string]any {
	data := []any{}
	for _, c := range row.cells {
		if only == nil || only[c.columnID] {
			data = append(data, map[string]any{"columnId": c.columnID, "value": c.value})
		}
	}
	m := map[string]any{"id": row.id, "tableId": row.tableID, "createdBy": row.createdBy, "createdAt": row.createdAt,
		"lastEditBy": row.lastEditBy, "lastEditAt": row.lastEditAt, "data": data}
	if fresh {
		m["createdBy"], m["createdAt"], m["lastEditBy"], m["lastEditAt"] = nil, nil, nil, nil
	}
	return m
}

func (a *tablesApp) init(w http.ResponseWriter, r *http.Request, u *User) {
	writeOCS(w, r, map[string]any{"tables": a.ownTables(u), "views": []any{}})
}

func (a *tablesApp) ownTables(u *User) []any {
	var ids []int
	for id, t := range a.tables {
		if t.owner == u.ID {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	out := []any{}
	for _, id := range ids {
		out = append(out, a.tableJSON(a.tables[id]))
	}
	return out
}

func (a *tablesApp) listTables(w http.ResponseWriter, r *http.Request, u *User) {
	tablesAnswer(w, r, a.ownTables(u))
}

func (a *tablesApp) newTable(owner, title, emoji, description string) *tblTable {
	now := tablesStamp()
	t := &tblTable{id: a.next.table, title: title, emoji: emoji, description: description, owner: owner,
		createdAt: now, lastEditBy: owner, lastEditAt: now}
	a.next.table++
	a.tables[t.id] = t
	return t
}

func (a *tablesApp) createTable(w http.ResponseWriter, r *http.Request, u *User) {
	m := tablesBody(r)
	title, ok := m["title"].(string)
	if !ok {
		if isTablesOCS(r) {
			tablesError(w, r, http.StatusInternalServerError, "An unexpected error occurred. More details can be found in the logs. Please reach out to your administration.")
		} else {
			writePHPErrorPage(w)
		}
		return
	}
	emoji, _ := m["emoji"].(string)
	desc, _ := m["description"].(string)
	t := a.newTable(u.ID, title, emoji, desc)
	if tpl, _ := m["template"].(string); tpl == "todo" {
		a.fillTodoTemplate(t, u.ID)
	}
	tablesAnswer(w, r, a.tableJSON(t))
}

// fillTodoTemplate adds what Tables' "todo" template has: six columns, four rows.
func (a *tablesApp) fillTodoTemplate(t *tblTable, owner string) {
	task := a.newColumn(t.id, owner, "Task", "text", "line")
	task.mandatory = true
	desc := a.newColumn(t.id, owner, "Description", "text", "rich")
	target := a.newColumn(t.id, owner, "Target", "datetime", "date")
	progress := a.newColumn(t.id, owner, "Progress", "number", "progress")
	proofed := a.newColumn(t.id, owner, "Proofed", "selection", "check")
	a.newColumn(t.id, owner, "Comments", "text", "rich")
	for i, title := range []string{"Plan the project", "Collect ideas", "Write the draft", "Review"} {
		a.newRow(t.id, owner, []tblCell{{task.id, title}, {desc.id, ""}, {target.id, ""}, {progress.id, float64(i * 25)}, {proofed.id, "false"}})
	}
}

func (a *tablesApp) newColumn(tableID int, owner, title, typ, subtype string) *tblColumn {
	c := &tblColumn{id: a.next.column, tableID: tableID, title: title, typ: typ, subtype: subtype, createdBy: owner, createdAt: tablesStamp()}
	a.next.column++
	a.columns[c.id] = c
	return c
}

func (a *tablesApp) newRow(tableID int, owner string, cells []tblCell) *tblRow {
	now := tablesStamp()
	row := &tblRow{id: a.next.row, tableID: tableID, createdBy: owner, createdAt: now, lastEditBy: owner, lastEditAt: now, cells: cells}
	a.next.row++
	a.rows[row.id] = row
	return row
}

func (a *tablesApp) getTable(w http.ResponseWriter, r *http.Request, u *User) {
	if t := a.table(w, r, u); t != nil {
		tablesAnswer(w, r, a.tableJSON(t))
	}
}

func (a *tablesApp) updateTable(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	m := tablesBody(r)
	if v, ok := m["title"].(string); ok && v != "" {
		t.title = v
	}
	if v, ok := m["emoji"].(string); ok {
		t.emoji = v
	}
	if v, ok := m["description"].(string); ok {
		t.description = v
	}
	if v, ok := m["archived"].(bool); ok {
		t.archived = v
	}
	t.lastEditBy, t.lastEditAt = u.ID, tablesStamp()
	tablesAnswer(w, r, a.tableJSON(t))
}

func (a *tablesApp) deleteTable(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	for id, row := range a.rows {
		if row.tableID == t.id {
			delete(a.rows, id)
		}
	}
	for id, c := range a.columns {
		if c.tableID == t.id {
			delete(a.columns, id)
		}
	}
	for id, v := range a.views {
		if v.tableID == t.id {
			delete(a.views, id)
		}
	}
	delete(a.tables, t.id)
	j := a.tableJSON(t)
	j["ownerDisplayName"] = ""
	tablesAnswer(w, r, j)
}

func (a *tablesApp) getScheme(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	cols := []any{}
	for _, c := range a.tableColumns(t.id) {
		cols = append(cols, a.columnJSON(c))
	}
	views := []any{}
	for _, v := range a.tableViews(t.id) {
		views = append(views, a.viewJSON(v))
	}
	b, _ := json.Marshal(map[string]any{"title": t.title, "emoji": t.emoji, "columns": cols, "views": views, "description": t.description, "tablesVersion": "0.9.11"})
	w.Header().Set("Content-Disposition", `attachment; filename="`+t.title+`.json"`)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// getSchemeV2 reproduces Tables 0.9.11's bug: the v2 scheme endpoint fails.
func (a *tablesApp) getSchemeV2(w http.ResponseWriter, r *http.Request, u *User) {
	if t := a.table(w, r, u); t != nil {
		writeOCSError(w, r, http.StatusInternalServerError, 500, "Internal Server Error\n")
	}
}

func tablesBody(r *http.Request) map[string]any {
	m := map[string]any{}
	_ = json.NewDecoder(r.Body).Decode(&m)
	return m
}
