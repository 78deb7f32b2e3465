package tools

import (
	"slices"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func TestTablesTools(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	var tbl tablesTableOut
	h.ok("nc_tables_create_table", map[string]any{"title": "Expenses", "emoji": "💶"}, dtFresh(&tbl))
	if tbl.ID == 0 || tbl.Columns != 0 {
		t.Fatalf("created table: %+v", tbl)
	}
	for _, col := range []map[string]any{
		{"title": "Item", "type": "text-line", "mandatory": true, "max_length": 20},
		{"title": "Amount", "type": "number", "min": 0, "max": 1000, "decimals": 2, "prefix": "€"},
		{"title": "Status", "type": "selection", "options": []any{"open", "paid"}},
		{"title": "Tags", "type": "selection-multi", "options": []any{"food", "travel"}},
		{"title": "Paid?", "type": "selection-check"},
		{"title": "Due", "type": "datetime-date"},
	} {
		col["table_id"] = tbl.ID
		var out tablesColumnOut
		h.ok("nc_tables_add_column", col, dtFresh(&out))
		if out.Type != col["type"] || out.Expects == "" {
			t.Errorf("add column %v: %+v", col, out)
		}
	}
	dtContains(t, "selection without options", h.fails("nc_tables_add_column", map[string]any{"table_id": tbl.ID, "title": "S", "type": "selection"}), "needs options")
	h.fails("nc_tables_add_column", map[string]any{"table_id": tbl.ID, "title": "S", "type": "colour"})

	var schema tablesSchemaOut
	h.ok("nc_tables_get_schema", map[string]any{"table_id": tbl.ID}, dtFresh(&schema))
	if len(schema.Columns) != 6 || schema.Table.Title != "Expenses" || !slices.Equal(schema.Columns[2].Options, []string{"open", "paid"}) {
		t.Fatalf("schema: %+v", schema)
	}
	if !strings.Contains(schema.Columns[1].Expects, "from 0 to 1000") {
		t.Errorf("number column expects: %q", schema.Columns[1].Expects)
	}

	var ins tablesRowResult
	h.ok("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{
		"Item": "Train", "Amount": 42.5, "status": "paid", "Tags": []any{"travel"}, "Paid?": true, "Due": "2026-12-01",
	}}, dtFresh(&ins))
	if ins.Row.ID == 0 || ins.Row.Values["Status"] != "paid" || ins.Row.Values["Paid?"] != true {
		t.Fatalf("insert: %+v", ins)
	}
	dtContains(t, "out of range", h.fails("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{"Item": "x", "Amount": 5000}}),
		"Nothing was written", `"Amount"`, "from 0 to 1000", "5000")
	dtContains(t, "bad option", h.fails("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{"Item": "x", "Status": "late"}}),
		`"Status"`, `one of "open", "paid"`, `"late"`)
	dtContains(t, "bad date", h.fails("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{"Item": "x", "Due": "1.12.2026"}}),
		`"Due"`, "2026-12-24")
	dtContains(t, "mandatory", h.fails("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{"Amount": 1}}),
		`"Item"`, "mandatory")
	dtContains(t, "unknown column", h.fails("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{"Item": "x", "Colour": "red"}}),
		`no column "Colour"`, `"Item", "Amount"`)
	for _, item := range []string{"Bus", "Taxi", "Ferry"} {
		h.ok("nc_tables_insert_row", map[string]any{"table_id": tbl.ID, "values": map[string]any{"Item": item}}, nil)
	}

	var page tablesReadRowsOut
	h.ok("nc_tables_read_rows", map[string]any{"table_id": tbl.ID, "limit": 3}, dtFresh(&page))
	if page.Total != 4 || len(page.Rows) != 3 || page.NextOffset != 3 || page.Rows[0].Values["Amount"] != 42.5 || !slices.Contains(page.Columns, "Paid?") {
		t.Fatalf("first page: %+v", page)
	}
	if tags, _ := page.Rows[0].Values["Tags"].([]any); len(tags) != 1 || tags[0] != "travel" {
		t.Errorf("multi-selection shows labels: %v", page.Rows[0].Values["Tags"])
	}
	h.ok("nc_tables_read_rows", map[string]any{"table_id": tbl.ID, "offset": 3}, dtFresh(&page))
	if len(page.Rows) != 1 || page.Rows[0].Values["Item"] != "Ferry" || page.NextOffset != 0 {
		t.Errorf("last page: %+v", page)
	}

	var upd tablesRowResult
	h.ok("nc_tables_update_row", map[string]any{"row_id": ins.Row.ID, "values": map[string]any{"Amount": 40, "Status": "open"}}, dtFresh(&upd))
	if upd.Row.Values["Amount"] != 40.0 || upd.Row.Values["Status"] != "open" || upd.Row.Values["Item"] != "Train" {
		t.Errorf("update: %+v", upd)
	}
	dtContains(t, "emptying a mandatory cell", h.fails("nc_tables_update_row", map[string]any{"row_id": ins.Row.ID, "values": map[string]any{"Item": nil}}), "mandatory")

	var del tablesDeletedRow
	h.ok("nc_tables_delete_row", map[string]any{"row_id": ins.Row.ID}, dtFresh(&del))
	if !del.Deleted || del.Row.Values["Item"] != "Train" || del.TableID != tbl.ID {
		t.Errorf("delete: %+v", del)
	}
	dtContains(t, "deleted again", h.fails("nc_tables_delete_row", map[string]any{"row_id": ins.Row.ID}), "HTTP 404", "does not exist")
	dtContains(t, "update deleted", h.fails("nc_tables_update_row", map[string]any{"row_id": ins.Row.ID, "values": map[string]any{"Item": "x"}}), "HTTP 404")

	var todo tablesTableOut
	h.ok("nc_tables_create_table", map[string]any{"title": "Tasks", "template": "todo"}, dtFresh(&todo))
	if todo.Rows != 4 || todo.Columns != 6 {
		t.Errorf("todo template: %+v", todo)
	}
	var list tablesListOut
	h.ok("nc_tables_list_tables", nil, dtFresh(&list))
	if len(list.Tables) != 2 {
		t.Errorf("list: %+v", list)
	}
}

func TestTablesToolsOtherUsersTable(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	id := fake.SeedTable("admin", "Secret", "", []ncfake.TableSeedColumn{{Title: "x", Kind: "text-line"}})
	h := newHarness(t, harnessOpts{fake: fake, user: "alice", password: "alice-app-password"})
	dtContains(t, "alice", h.fails("nc_tables_read_rows", map[string]any{"table_id": id}), "not found (HTTP 404)")
	var list tablesListOut
	h.ok("nc_tables_list_tables", nil, dtFresh(&list))
	if len(list.Tables) != 0 {
		t.Errorf("alice sees %+v", list)
	}
}

// TestDeckTablesReadOnlyAndMissingApps: --read-only keeps only the read
// tools of both apps, and a server without the apps lists none of them.
func TestDeckTablesReadOnlyAndMissingApps(t *testing.T) {
	h := newHarness(t, harnessOpts{opts: Options{ReadOnly: true}})
	var got []string
	for _, n := range h.toolNames() {
		if strings.HasPrefix(n, "nc_deck_") || strings.HasPrefix(n, "nc_tables_") {
			got = append(got, n)
		}
	}
	slices.Sort(got)
	want := []string{"nc_deck_board_overview", "nc_deck_get_board", "nc_deck_get_card", "nc_deck_list_boards", "nc_deck_list_comments",
		"nc_deck_list_stacks", "nc_tables_get_schema", "nc_tables_list_tables", "nc_tables_read_rows"}
	if !slices.Equal(got, want) {
		t.Errorf("read-only deck/tables tools = %v, want %v", got, want)
	}

	all := newHarness(t, harnessOpts{})
	count := 0
	for _, n := range all.toolNames() {
		if strings.HasPrefix(n, "nc_deck_") || strings.HasPrefix(n, "nc_tables_") {
			count++
		}
	}
	if count != 36 {
		t.Errorf("with both apps, %d deck/tables tools listed, want 36", count)
	}

	none := newHarness(t, harnessOpts{fake: ncfake.New(ncfake.Options{Apps: []string{"notes"}})})
	for _, n := range none.toolNames() {
		if strings.HasPrefix(n, "nc_deck_") || strings.HasPrefix(n, "nc_tables_") {
			t.Errorf("%s listed on a server without Deck and Tables", n)
		}
	}
}
