package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
)

// tablesOCSTypeError is the v2 answer when a required parameter is missing
// (recorded for a column without baseNodeType).
func tablesOCSTypeError(w http.ResponseWriter, r *http.Request) {
	writeOCSError(w, r, http.StatusInternalServerError, 500, "Internal Server Error\n")
}

func (a *tablesApp) listColumns(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	out := []any{}
	for _, c := range a.tableColumns(t.id) {
		out = append(out, a.columnJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *tablesApp) listColumnsV2(w http.ResponseWriter, r *http.Request, u *User) {
	if r.PathValue("nodeType") != "table" {
		writeOCS(w, r, []any{})
		return
	}
	t := a.tables[intPathValue(r, "nodeId")]
	if t == nil || t.owner != u.ID {
		tablesNotFound(w)
		return
	}
	out := []any{}
	for _, c := range a.tableColumns(t.id) {
		out = append(out, a.columnJSON(c))
	}
	writeOCS(w, r, out)
}

func (a *tablesApp) createColumnV1(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	m := tablesBody(r)
	title, okTitle := m["title"].(string)
	typ, okType := m["type"].(string)
	if !okTitle || !okType {
		writePHPErrorPage(w)
		return
	}
	c := a.newColumn(t.id, u.ID, title, typ, "")
	a.applyColumnParams(c, m)
	writeJSON(w, http.StatusOK, a.columnJSON(c))
}

func (a *tablesApp) createColumnV2(w http.ResponseWriter, r *http.Request, u *User) {
	typ := r.PathValue("type")
	switch typ {
	case "text", "number", "selection", "datetime", "usergroup":
	default:
		writeOCSUnknownRoute(w, r) // no such route for that column type
		return
	}
	m := tablesBody(r)
	nodeType, _ := m["baseNodeType"].(string)
	title, okTitle := m["title"].(string)
	_, okOptions := m["selectionOptions"].(string)
	if nodeType == "" || !okTitle || (typ == "selection" && !okOptions) {
		tablesOCSTypeError(w, r)
		return
	}
	id, _ := m["baseNodeId"].(float64)
	t := a.tables[int(id)]
	if nodeType != "table" || t == nil || t.owner != u.ID {
		tablesNotFound(w)
		return
	}
	c := a.newColumn(t.id, u.ID, title, typ, "")
	a.applyColumnParams(c, m)
	writeOCS(w, r, a.columnJSON(c))
}

// applyColumnParams copies the optional column settings from a request.
func (a *tablesApp) applyColumnParams(c *tblColumn, m map[string]any) {
	c.subtype, _ = m["subtype"].(string)
	c.mandatory, _ = m["mandatory"].(bool)
	c.description, _ = m["description"].(string)
	num := func(k string) *float64 {
		if f, ok := m[k].(float64); ok {
			return &f
		}
		return nil
	}
	integer := func(k string) *int {
		if f, ok := m[k].(float64); ok {
			i := int(f)
			return &i
		}
		return nil
	}
	str := func(k string) *string {
		if s, ok := m[k].(string); ok {
			return &s
		}
		return nil
	}
	c.numberDefault, c.numberMin, c.numberMax, c.numberDecimals = num("numberDefault"), num("numberMin"), num("numberMax"), integer("numberDecimals")
	c.numberPrefix, _ = m["numberPrefix"].(string)
	c.numberSuffix, _ = m["numberSuffix"].(string)
	c.textDefault, c.textAllowedPattern, c.textMaxLength = str("textDefault"), str("textAllowedPattern"), integer("textMaxLength")
	switch opts := m["selectionOptions"].(type) {
	case string:
		_ = json.Unmarshal([]byte(opts), &c.options)
	case []any:
		b, _ := json.Marshal(opts)
		_ = json.Unmarshal(b, &c.options)
	}
	c.selectionDefault = ""
	if v, ok := m["selectionDefault"]; ok {
		c.selectionDefault = v
	}
	c.datetimeDefault = ""
	if v, ok := m["datetimeDefault"]; ok {
		c.datetimeDefault = v
	}
	if b, ok := m["usergroupMultipleItems"].(bool); ok {
		c.usergroupMultiple = &b
	}
}

// rowCells turns a request's data into cells. Tables wants an object keyed
// by column id; a JSON string is decoded first; anything else fails the way
// Tables 0.9 fails (a list makes it look for column 0).
func (a *tablesApp) rowCells(t *tblTable, data any) ([]tblCell, string, bool) {
	if s, ok := data.(string); ok {
		var decoded any
		if err := json.Unmarshal([]byte(s), &decoded); err != nil {
			return nil, "Could not create row.", false
		}
		data = decoded
	}
	var cells []tblCell
	switch d := data.(type) {
	case map[string]any:
		keys := make([]int, 0, len(d))
		byKey := map[int]any{}
		for k, v := range d {
			id, err := strconv.Atoi(k)
			if err != nil {
				id = 0
			}
			keys = append(keys, id)
			byKey[id] = v
		}
		sort.Ints(keys)
		for _, id := range keys {
			if c := a.columns[id]; c == nil || c.tableID != t.id {
				return nil, fmt.Sprintf("Column with id %d is not part of table with id %d", id, t.id), false
			}
			cells = append(cells, tblCell{columnID: id, value: byKey[id]})
		}
	case []any:
		if len(d) > 0 {
			return nil, fmt.Sprintf("Column with id 0 is not part of table with id %d", t.id), false
		}
	default:
		return nil, "Could not create row.", false
	}
	return cells, "", true
}

func (a *tablesApp) createRow(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	cells, msg, ok := a.rowCells(t, tablesBody(r)["data"])
	if !ok {
		if isTablesOCS(r) {
			tablesError(w, r, http.StatusBadRequest, "An error caused by an invalid request occurred. More details can be found in the logs. Please reach out to your administration.")
			return
		}
		tablesError(w, r, http.StatusInternalServerError, msg)
		return
	}
	row := a.newRow(t.id, u.ID, cells)
	t.lastEditBy, t.lastEditAt = u.ID, row.createdAt
	tablesAnswer(w, r, a.rowJSON(row, true, nil))
}

func (a *tablesApp) listRows(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	rows := a.tableRows(t.id)
	q := r.URL.Query()
	if off, err := strconv.Atoi(q.Get("offset")); err == nil && off > 0 {
		rows = rows[min(off, len(rows)):]
	}
	if lim, err := strconv.Atoi(q.Get("limit")); err == nil && lim > 0 && lim < len(rows) {
		rows = rows[:lim]
	}
	out := []any{}
	for _, row := range rows {
		out = append(out, a.rowJSON(row, false, nil))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *tablesApp) listRowsSimple(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	cols := a.tableColumns(t.id)
	header := []any{}
	for _, c := range cols {
		header = append(header, c.title)
	}
	out := []any{header}
	for _, row := range a.tableRows(t.id) {
		line := make([]any, len(cols))
		for i, c := range cols {
			line[i] = ""
			for _, cell := range row.cells {
				if cell.columnID == c.id && cell.value != nil {
					line[i] = cell.value
				}
			}
		}
		out = append(out, line)
	}
	writeJSON(w, http.StatusOK, out)
}

// rowQuery is the SQL Tables leaks in its row errors.
const rowQuery = "Did expect one result but found none when executing: query \"SELECT * FROM `*PREFIX*tables_row_sleeves` WHERE `id` = :dcValue1\"; "

// row finds a row in a table the user owns; missing rows get Tables' leaky 404.
func (a *tablesApp) row(w http.ResponseWriter, r *http.Request, u *User, op string) *tblRow {
	row := a.rows[intPathValue(r, "rowId")]
	if row == nil || a.tables[row.tableID] == nil || a.tables[row.tableID].owner != u.ID {
		if op == "delete" {
			tablesError(w, r, http.StatusInternalServerError, `OCA\Tables\Service\RowService - delete: OCA\Tables\Service\RowService - getRowById: `+rowQuery)
		} else {
			tablesError(w, r, http.StatusNotFound, `OCA\Tables\Service\RowService - `+op+`: `+rowQuery)
		}
		return nil
	}
	return row
}

func (a *tablesApp) getRow(w http.ResponseWriter, r *http.Request, u *User) {
	if row := a.row(w, r, u, "find"); row != nil {
		writeJSON(w, http.StatusOK, a.rowJSON(row, false, nil))
	}
}

func (a *tablesApp) updateRow(w http.ResponseWriter, r *http.Request, u *User) {
	row := a.row(w, r, u, "updateSet")
	if row == nil {
		return
	}
	t := a.tables[row.tableID]
	cells, msg, ok := a.rowCells(t, tablesBody(r)["data"])
	if !ok {
		tablesError(w, r, http.StatusInternalServerError, msg)
		return
	}
	for _, nc := range cells {
		replaced := false
		for i := range row.cells {
			if row.cells[i].columnID == nc.columnID {
				row.cells[i].value, replaced = nc.value, true
			}
		}
		if !replaced {
			row.cells = append(row.cells, nc)
		}
	}
	row.lastEditBy, row.lastEditAt = u.ID, tablesStamp()
	writeJSON(w, http.StatusOK, a.rowJSON(row, false, nil))
}

func (a *tablesApp) deleteRow(w http.ResponseWriter, r *http.Request, u *User) {
	row := a.row(w, r, u, "delete")
	if row == nil {
		return
	}
	delete(a.rows, row.id)
	writeJSON(w, http.StatusOK, a.rowJSON(row, false, nil))
}

func (a *tablesApp) createView(w http.ResponseWriter, r *http.Request, u *User) {
	t := a.table(w, r, u)
	if t == nil {
		return
	}
	m := tablesBody(r)
	title, ok := m["title"].(string)
	if !ok {
		writePHPErrorPage(w)
		return
	}
	emoji, _ := m["emoji"].(string)
	v := &tblView{id: a.next.view, tableID: t.id, title: title, emoji: emoji, owner: u.ID, stamp: tablesStamp()}
	a.next.view++
	a.views[v.id] = v
	writeJSON(w, http.StatusOK, a.viewJSON(v))
}

func (a *tablesApp) view(w http.ResponseWriter, r *http.Request, u *User) *tblView {
	v := a.views[intPathValue(r, "viewId")]
	if v == nil || a.tables[v.tableID] == nil || a.tables[v.tableID].owner != u.ID {
		tablesNotFound(w)
		return nil
	}
	return v
}

// listViewRows: a new view shows no columns, so its rows carry no cells.
func (a *tablesApp) listViewRows(w http.ResponseWriter, r *http.Request, u *User) {
	v := a.view(w, r, u)
	if v == nil {
		return
	}
	out := []any{}
	for _, row := range a.tableRows(v.tableID) {
		out = append(out, a.rowJSON(row, false, map[int]bool{}))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *tablesApp) deleteView(w http.ResponseWriter, r *http.Request, u *User) {
	v := a.view(w, r, u)
	if v == nil {
		return
	}
	delete(a.views, v.id)
	writeJSON(w, http.StatusOK, a.viewJSON(v))
}
