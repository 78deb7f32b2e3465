package tools

import (
	"context"
	"errors"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

const (
	tablesDefaultLimit = 50
	tablesMaxLimit     = 500
)

type tablesReadRowsIn struct {
	TableID int `json:"table_id"`
	Limit   int `json:"limit,omitempty" jsonschema:"default 50, max 500"`
	Offset  int `json:"offset,omitempty"`
}

func (in *tablesReadRowsIn) Validate() error {
	if err := dtPositiveID("table_id", in.TableID); err != nil {
		return err
	}
	if in.Limit < 0 || in.Limit > tablesMaxLimit || in.Offset < 0 {
		return inputErrorf("limit must be 0 to %d and offset not negative", tablesMaxLimit)
	}
	return nil
}

type tablesReadRowsOut struct {
	TableID int `json:"table_id"`
	// Total is the table's row count.
	Total  int `json:"total" jsonschema_description:"How many rows the table has."`
	Offset int `json:"offset" jsonschema_description:"Where this page starts."`
	// NextOffset is set when more rows follow.
	NextOffset int `json:"next_offset,omitempty" jsonschema_description:"Pass as offset to get the next page; absent when there is no more."`
	// Columns are the column keys in table order; each row's values use them.
	Columns []string       `json:"columns" jsonschema_description:"Column keys, in order."`
	Rows    []tablesRowOut `json:"rows" jsonschema_description:"Rows in this page."`
}

func tablesReadRowsTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_read_rows",
		Title:       "Read table rows",
		Description: "Read a page of a table's rows, values keyed by column title.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in tablesReadRowsIn) (tablesReadRowsOut, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesReadRowsOut{}, err
		}
		limit := in.Limit
		if limit == 0 {
			limit = tablesDefaultLimit
		}
		t, err := api.Table(ctx, in.TableID)
		if err != nil {
			return tablesReadRowsOut{}, about(err, "table %d", in.TableID)
		}
		cols, err := api.Columns(ctx, in.TableID)
		if err != nil {
			return tablesReadRowsOut{}, about(err, "the columns of table %d", in.TableID)
		}
		rows, err := api.Rows(ctx, in.TableID, limit, in.Offset)
		if err != nil {
			return tablesReadRowsOut{}, about(err, "the rows of table %d", in.TableID)
		}
		keys := nextcloud.TableColumnKeys(cols)
		out := tablesReadRowsOut{TableID: in.TableID, Total: t.RowsCount, Offset: in.Offset, Columns: []string{}, Rows: []tablesRowOut{}}
		for _, c := range cols {
			out.Columns = append(out.Columns, keys[c.ID])
		}
		for _, r := range rows {
			out.Rows = append(out.Rows, tablesRow(cols, r))
		}
		if len(rows) == limit && in.Offset+len(rows) < t.RowsCount {
			out.NextOffset = in.Offset + limit
		}
		return out, nil
	})
}

type tablesInsertRowIn struct {
	TableID int            `json:"table_id"`
	Values  map[string]any `json:"values" jsonschema:"by column title or id; selection: label(s), dates 2026-12-24, users: ids"`
}

func (in *tablesInsertRowIn) Validate() error {
	if err := dtPositiveID("table_id", in.TableID); err != nil {
		return err
	}
	if len(in.Values) == 0 {
		return inputErrorf("values must hold at least one column")
	}
	return nil
}

type tablesRowResult struct {
	TableID int          `json:"table_id"`
	Row     tablesRowOut `json:"row" jsonschema_description:"The row as it is now."`
}

func tablesInsertRowTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_insert_row",
		Title:       "Insert a table row",
		Description: "Add a row; values are checked against the columns first.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in tablesInsertRowIn) (tablesRowResult, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesRowResult{}, err
		}
		cols, err := api.Columns(ctx, in.TableID)
		if err != nil {
			return tablesRowResult{}, about(err, "table %d", in.TableID)
		}
		data, err := nextcloud.EncodeRow(cols, in.Values, true)
		if err != nil {
			return tablesRowResult{}, tablesValueErr(err, in.TableID)
		}
		row, err := api.CreateRow(ctx, in.TableID, data)
		if err != nil {
			return tablesRowResult{}, about(err, "a new row of table %d", in.TableID)
		}
		return tablesRowResult{TableID: in.TableID, Row: tablesRow(cols, *row)}, nil
	})
}

type tablesUpdateRowIn struct {
	RowID  int            `json:"row_id"`
	Values map[string]any `json:"values" jsonschema:"by column title or id; null empties a cell"`
}

func (in *tablesUpdateRowIn) Validate() error {
	if err := dtPositiveID("row_id", in.RowID); err != nil {
		return err
	}
	if len(in.Values) == 0 {
		return inputErrorf("values must hold at least one column to change")
	}
	return nil
}

func tablesUpdateRowTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_update_row",
		Title:       "Update a table row",
		Description: "Change some cells of a row; the others stay.",
		Hints:       updateHints,
	}, func(ctx context.Context, call *Call, in tablesUpdateRowIn) (tablesRowResult, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesRowResult{}, err
		}
		cur, err := api.Row(ctx, in.RowID)
		if err != nil {
			return tablesRowResult{}, about(err, "row %d", in.RowID)
		}
		cols, err := api.Columns(ctx, cur.TableID)
		if err != nil {
			return tablesRowResult{}, about(err, "table %d", cur.TableID)
		}
		data, err := nextcloud.EncodeRow(cols, in.Values, false)
		if err != nil {
			return tablesRowResult{}, tablesValueErr(err, cur.TableID)
		}
		if err := mandatoryCleared(cols, data); err != nil {
			return tablesRowResult{}, tablesValueErr(err, cur.TableID)
		}
		row, err := api.UpdateRow(ctx, in.RowID, data)
		if err != nil {
			return tablesRowResult{}, about(err, "row %d", in.RowID)
		}
		return tablesRowResult{TableID: row.TableID, Row: tablesRow(cols, *row)}, nil
	})
}

// mandatoryCleared refuses an update that empties a mandatory cell.
func mandatoryCleared(cols []nextcloud.TableColumn, data map[int]any) error {
	for _, c := range cols {
		if v, ok := data[c.ID]; ok && c.Mandatory && (v == nil || v == "") {
			return &nextcloud.TableValueError{Column: c.Title, ColumnID: c.ID, Expected: c.Expected(), Value: v, Reason: "the column is mandatory and cannot be emptied"}
		}
	}
	return nil
}

type tablesRowIn struct {
	RowID int `json:"row_id"`
}

func (in *tablesRowIn) Validate() error { return dtPositiveID("row_id", in.RowID) }

type tablesDeletedRow struct {
	Deleted bool         `json:"deleted" jsonschema_description:"True when it was deleted."`
	TableID int          `json:"table_id"`
	Row     tablesRowOut `json:"row" jsonschema_description:"The row as it was before deletion."`
}

func tablesDeleteRowTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_delete_row",
		Title:       "Delete a table row",
		Description: "Delete a table row for good; the answer holds its last values.",
		Hints:       deleteHints,
	}, func(ctx context.Context, call *Call, in tablesRowIn) (tablesDeletedRow, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesDeletedRow{}, err
		}
		row, err := api.DeleteRow(ctx, in.RowID)
		if err != nil {
			return tablesDeletedRow{}, about(err, "row %d", in.RowID)
		}
		cols, err := api.Columns(ctx, row.TableID)
		if err != nil && !errors.Is(err, nextcloud.ErrNotFound) {
			return tablesDeletedRow{}, about(err, "table %d", row.TableID)
		}
		return tablesDeletedRow{Deleted: true, TableID: row.TableID, Row: tablesRow(cols, *row)}, nil
	})
}
