package nextcloud_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

func dtFloat(f float64) *float64 { return &f }
func dtInt(i int) *int           { return &i }

// tablesV1Only makes the fake announce a Tables without the v2 OCS API.
func tablesV1Only(fake *ncfake.Server) {
	caps := `{"ocs":{"meta":{"status":"ok","statuscode":200,"message":"OK"},"data":{"version":{"major":29,"minor":0,"micro":6,"string":"29.0.6"},` +
		`"capabilities":{"tables":{"enabled":true,"version":"0.6.0","apiVersions":["1.0"]}}}}}`
	fake.AddFault(ncfake.Fault{Method: http.MethodGet, PathPrefix: "/ocs/v2.php/cloud/capabilities", Status: http.StatusOK, Body: caps,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}}})
}

func TestTablesRoundTrip(t *testing.T) {
	for _, v2 := range []bool{true, false} {
		name := map[bool]string{true: "v2", false: "v1"}[v2]
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			fake := ncfake.New(ncfake.Options{})
			if !v2 {
				tablesV1Only(fake)
			}
			c := dtClient(t, fake, "admin", "admin-app-password")
			api, err := c.TablesAPI(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if api.UsesV2() != v2 {
				t.Fatalf("UsesV2 = %v", api.UsesV2())
			}
			before := len(fake.Requests())
			tbl, err := api.CreateTable(ctx, nextcloud.TableInput{Title: "Budget", Emoji: "💶"})
			if err != nil || tbl.Title != "Budget" {
				t.Fatalf("create table: %+v %v", tbl, err)
			}
			if p := fake.Requests()[before].Path; strings.HasPrefix(p, "/ocs/") != v2 {
				t.Errorf("create table went to %s", p)
			}
			for _, in := range []nextcloud.TableColumnInput{
				{Title: "Item", Kind: "text-line", Mandatory: true, TextMaxLength: dtInt(20)},
				{Title: "Amount", Kind: "number", NumberMin: dtFloat(0), NumberMax: dtFloat(1000), NumberDecimals: dtInt(2)},
				{Title: "Status", Kind: "selection", Options: []string{"open", "paid"}},
				{Title: "Tags", Kind: "selection-multi", Options: []string{"food", "travel", "home"}},
				{Title: "Checked", Kind: "selection-check"},
				{Title: "Due", Kind: "datetime-date"},
				{Title: "Owner", Kind: "usergroup", UsergroupMultiple: true},
			} {
				col, err := api.CreateColumn(ctx, tbl.ID, in)
				if err != nil || col.Kind() != in.Kind {
					t.Fatalf("create column %s: %+v %v", in.Kind, col, err)
				}
			}
			cols, err := api.Columns(ctx, tbl.ID)
			if err != nil || len(cols) != 7 || len(cols[2].SelectionOptions) != 2 {
				t.Fatalf("columns: %+v %v", cols, err)
			}

			data, err := nextcloud.EncodeRow(cols, map[string]any{
				"Item": "Train", "amount": 12.5, "Status": "paid", "Tags": []any{"travel", 1.0},
				"Checked": true, "Due": "2026-12-01", "Owner": []any{"alice", "group:admin"},
			}, true)
			if err != nil {
				t.Fatal(err)
			}
			row, err := api.CreateRow(ctx, tbl.ID, data)
			if err != nil {
				t.Fatal(err)
			}
			rows, err := api.Rows(ctx, tbl.ID, 10, 0)
			if err != nil || len(rows) != 1 || rows[0].ID != row.ID {
				t.Fatalf("rows: %+v %v", rows, err)
			}
			got := nextcloud.DecodeRow(cols, rows[0])
			want := map[string]any{"Item": "Train", "Amount": 12.5, "Status": "paid", "Tags": []any{"food", "travel"},
				"Checked": true, "Due": "2026-12-01", "Owner": []string{"alice", "group:admin"}}
			if !reflect.DeepEqual(got, want) {
				gj, _ := json.Marshal(got)
				t.Errorf("decoded row %s", gj)
			}

			upd, err := api.UpdateRow(ctx, row.ID, map[int]any{cols[1].ID: 13.75})
			if err != nil || nextcloud.DecodeRow(cols, *upd)["Amount"] != 13.75 || nextcloud.DecodeRow(cols, *upd)["Item"] != "Train" {
				t.Fatalf("update keeps other cells: %+v %v", upd, err)
			}
			if _, err := api.DeleteRow(ctx, row.ID); err != nil {
				t.Fatal(err)
			}
			_, err = api.Row(ctx, row.ID)
			var ne *nextcloud.Error
			if !errors.As(err, &ne) || ne.Status != http.StatusNotFound || strings.Contains(ne.Message, "SELECT") {
				t.Errorf("deleted row: want a clean 404, got %v", err)
			}
			if _, err := api.DeleteRow(ctx, row.ID); !errors.Is(err, nextcloud.ErrNotFound) {
				t.Errorf("deleting again: want 404, got %v", err)
			}
		})
	}
}

func TestTablesPagingAndErrors(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	id := fake.SeedTable("admin", "Todo", "", []ncfake.TableSeedColumn{{Title: "Task", Kind: "text-line"}},
		map[string]any{"Task": "a"}, map[string]any{"Task": "b"}, map[string]any{"Task": "c"})
	api, err := dtClient(t, fake, "admin", "admin-app-password").TablesAPI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page, err := api.Rows(ctx, id, 2, 1)
	if err != nil || len(page) != 2 {
		t.Fatalf("page: %+v %v", page, err)
	}
	cols, _ := api.Columns(ctx, id)
	if v := nextcloud.DecodeRow(cols, page[0])["Task"]; v != "b" {
		t.Errorf("offset 1 starts at %v", v)
	}
	aliceAPI, err := dtClient(t, fake, "alice", "alice-app-password").TablesAPI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := aliceAPI.Table(ctx, id); !errors.Is(err, nextcloud.ErrNotFound) {
		t.Errorf("alice reading admin's table: want 404, got %v", err)
	}
	if _, err := api.CreateColumn(ctx, id, nextcloud.TableColumnInput{Title: "x", Kind: "colour"}); err == nil {
		t.Error("unknown column kind accepted")
	}
	if _, err := api.CreateColumn(ctx, id, nextcloud.TableColumnInput{Title: "x", Kind: "selection"}); err == nil {
		t.Error("selection without options accepted")
	}

	noTables := dtClient(t, ncfake.New(ncfake.Options{Apps: []string{"deck"}}), "admin", "admin-app-password")
	if _, err := noTables.TablesAPI(ctx); !errors.Is(err, nextcloud.ErrAppMissing) {
		t.Errorf("no Tables app: %v", err)
	}
}

func TestTableValueValidation(t *testing.T) {
	num := nextcloud.TableColumn{ID: 2, Title: "Amount", Type: "number", NumberMin: dtFloat(0), NumberMax: dtFloat(1000)}
	line := nextcloud.TableColumn{ID: 1, Title: "Name", Type: "text", Subtype: "line", TextMaxLength: dtInt(5)}
	sel := nextcloud.TableColumn{ID: 3, Title: "Status", Type: "selection", SelectionOptions: []nextcloud.TableOption{{ID: 1, Label: "open"}, {ID: 2, Label: "done"}}}
	check := nextcloud.TableColumn{ID: 4, Title: "Done?", Type: "selection", Subtype: "check"}
	dt := nextcloud.TableColumn{ID: 5, Title: "When", Type: "datetime"}
	date := nextcloud.TableColumn{ID: 6, Title: "Day", Type: "datetime", Subtype: "date"}
	tm := nextcloud.TableColumn{ID: 7, Title: "At", Type: "datetime", Subtype: "time"}
	stars := nextcloud.TableColumn{ID: 8, Title: "Rating", Type: "number", Subtype: "stars"}
	single := false
	ug := nextcloud.TableColumn{ID: 9, Title: "Who", Type: "usergroup", UsergroupMultipleItems: &single}

	good := []struct {
		col  nextcloud.TableColumn
		in   any
		want any
	}{
		{num, 12.5, 12.5}, {num, "7", 7.0}, {line, "Alice", "Alice"},
		{sel, "done", 2}, {sel, "DONE", 2}, {sel, 1.0, 1},
		{check, true, "true"}, {check, "false", "false"},
		{dt, "2026-12-24T17:30:00+01:00", "2026-12-24 17:30"}, {dt, "2026-12-24 08:05", "2026-12-24 08:05"},
		{date, "2026-12-24", "2026-12-24"}, {tm, "17:30", "17:30"}, {stars, 4.0, 4.0},
		{num, nil, nil},
	}
	for _, g := range good {
		got, err := g.col.Encode(g.in)
		if err != nil || !reflect.DeepEqual(got, g.want) {
			t.Errorf("%s.Encode(%v) = %#v, %v; want %#v", g.col.Title, g.in, got, err, g.want)
		}
	}
	bad := []struct {
		col  nextcloud.TableColumn
		in   any
		want string
	}{
		{num, 1500.0, `column "Amount" (id 2) expects a number from 0 to 1000, but got 1500: above the maximum 1000`},
		{num, "lots", `expects a number from 0 to 1000, but got "lots"`},
		{line, "Alexandra", "at most 5 characters"},
		{line, "a\nb", "line break"},
		{line, 3.0, "expects one line of text"},
		{sel, "closed", `one of "open", "done"`},
		{check, "maybe", "true or false"},
		{dt, "next week", "a date and time"},
		{date, "24.12.2026", "a date like 2026-12-24"},
		{tm, "5pm", "a time like 17:30"},
		{stars, 6.0, "from 0 to 5"},
		{ug, []any{"a", "b"}, "takes only one"},
	}
	for _, b := range bad {
		_, err := b.col.Encode(b.in)
		var ve *nextcloud.TableValueError
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), b.want) || !strings.Contains(err.Error(), b.col.Title) {
			t.Errorf("%s.Encode(%v): error %v, want it to name the column and say %q", b.col.Title, b.in, err, b.want)
		}
	}

	if _, err := nextcloud.EncodeRow([]nextcloud.TableColumn{line, num}, map[string]any{"Amount": 3.0}, true); err != nil {
		t.Errorf("optional column left out: %v", err)
	}
	line.Mandatory = true
	cols := []nextcloud.TableColumn{line, num}
	if _, err := nextcloud.EncodeRow(cols, map[string]any{"Amount": 3.0}, true); err == nil || !strings.Contains(err.Error(), "mandatory") {
		t.Errorf("missing mandatory column: %v", err)
	}
	if _, err := nextcloud.EncodeRow(cols, map[string]any{"Amount": 3.0}, false); err != nil {
		t.Errorf("an update need not give mandatory columns: %v", err)
	}
	if _, err := nextcloud.EncodeRow(cols, map[string]any{"Colour": "red"}, false); err == nil || !strings.Contains(err.Error(), `"Name", "Amount"`) {
		t.Errorf("unknown column should list the columns: %v", err)
	}
	if got, err := nextcloud.EncodeRow(cols, map[string]any{"2": 5.0}, false); err != nil || got[2] != 5.0 {
		t.Errorf("column by id: %v %v", got, err)
	}
	dup := []nextcloud.TableColumn{{ID: 1, Title: "X", Type: "text", Subtype: "line"}, {ID: 2, Title: "X", Type: "text", Subtype: "line"}}
	if keys := nextcloud.TableColumnKeys(dup); keys[1] != "X #1" || keys[2] != "X #2" {
		t.Errorf("duplicate titles: %v", keys)
	}
}
