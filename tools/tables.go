package tools

import (
	"context"
	"errors"
	"strings"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// tablesToolset: Nextcloud Tables: tables, columns and rows.
func tablesToolset(d *Deps) *Toolset {
	return &Toolset{
		Name:        "tables",
		Description: "Nextcloud Tables: tables, columns and rows.",
		Available:   hasApp("tables"),
		Tools: []Tool{
			tablesListTool(d), tablesSchemaTool(d), tablesReadRowsTool(d),
			tablesInsertRowTool(d), tablesUpdateRowTool(d), tablesDeleteRowTool(d),
			tablesCreateTableTool(d), tablesAddColumnTool(d),
		},
	}
}

// tablesAPI gets the Tables API for the call's client.
func tablesAPI(ctx context.Context, call *Call) (*nextcloud.TablesAPI, error) {
	api, err := call.Client.TablesAPI(ctx)
	if err != nil {
		return nil, about(err, "the Tables app")
	}
	return api, nil
}

// tablesValueErr turns a value that does not fit its column into an input error.
func tablesValueErr(err error, tableID int) error {
	var ve *nextcloud.TableValueError
	if errors.As(err, &ve) {
		return inputErrorf("Nothing was written: %v. See the columns with nc_tables_get_schema for table %d.", err, tableID)
	}
	return inputErrorf("Nothing was written: %v.", strings.TrimSuffix(err.Error(), "."))
}

type tablesTableOut struct {
	ID          int    `json:"id" jsonschema_description:"Table id, for the other table tools."`
	Title       string `json:"title" jsonschema_description:"Table title."`
	Emoji       string `json:"emoji,omitempty" jsonschema_description:"Emoji shown with the title."`
	Description string `json:"description,omitempty" jsonschema_description:"The table's description."`
	Owner       string `json:"owner" jsonschema_description:"User id of the owner."`
	Rows        int    `json:"rows" jsonschema_description:"How many rows it has."`
	Columns     int    `json:"columns" jsonschema_description:"How many columns it has."`
	Shared      bool   `json:"shared,omitempty" jsonschema_description:"True when someone else shared it with this account."`
	Archived    bool   `json:"archived,omitempty" jsonschema_description:"True when it is archived."`
	Modified    string `json:"modified,omitempty" jsonschema_description:"When it was last changed, as Tables reports it (server time)."`
}

func tablesTable(t nextcloud.Table) tablesTableOut {
	return tablesTableOut{ID: t.ID, Title: t.Title, Emoji: t.Emoji, Description: t.Description, Owner: t.Ownership,
		Rows: t.RowsCount, Columns: t.ColumnsCount, Shared: t.IsShared, Archived: t.Archived, Modified: t.LastEditAt}
}

type tablesListIn struct {
	IncludeArchived bool `json:"include_archived,omitempty"`
}

type tablesListOut struct {
	Tables []tablesTableOut `json:"tables" jsonschema_description:"Tables this account can see."`
}

func tablesListTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_list_tables",
		Title:       "List tables",
		Description: "List the user's tables (own and shared) with row and column counts.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in tablesListIn) (tablesListOut, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesListOut{}, err
		}
		tables, err := api.Tables(ctx)
		if err != nil {
			return tablesListOut{}, about(err, "the table list")
		}
		out := tablesListOut{Tables: []tablesTableOut{}}
		for _, t := range tables {
			if t.Archived && !in.IncludeArchived {
				continue
			}
			out.Tables = append(out.Tables, tablesTable(t))
		}
		return out, nil
	})
}

type tablesColumnOut struct {
	ID    int    `json:"id" jsonschema_description:"Column id."`
	Title string `json:"title"`
	// Key is how rows name this column: the title, or "title #id" when titles repeat.
	Key         string   `json:"key,omitempty" jsonschema_description:"How rows name this column: the title, or \"title #id\" when titles repeat."`
	Type        string   `json:"type" jsonschema_description:"Column type, for example text, number, datetime or selection."`
	Mandatory   bool     `json:"mandatory,omitempty" jsonschema_description:"True when every row needs a value."`
	Description string   `json:"description,omitempty" jsonschema_description:"The column's description."`
	Expects     string   `json:"expects" jsonschema_description:"What a value for this column looks like when writing rows."`
	Options     []string `json:"options,omitempty" jsonschema_description:"Allowed values of a selection column."`
}

func tablesColumns(cols []nextcloud.TableColumn) []tablesColumnOut {
	keys := nextcloud.TableColumnKeys(cols)
	out := make([]tablesColumnOut, 0, len(cols))
	for _, c := range cols {
		co := tablesColumnOut{ID: c.ID, Title: c.Title, Type: c.Kind(), Mandatory: c.Mandatory, Description: c.Description, Expects: c.Expected()}
		if keys[c.ID] != c.Title {
			co.Key = keys[c.ID]
		}
		for _, o := range c.SelectionOptions {
			co.Options = append(co.Options, o.Label)
		}
		out = append(out, co)
	}
	return out
}

type tablesTableIn struct {
	TableID int `json:"table_id"`
}

func (in *tablesTableIn) Validate() error { return dtPositiveID("table_id", in.TableID) }

type tablesSchemaOut struct {
	Table   tablesTableOut    `json:"table" jsonschema_description:"The table."`
	Columns []tablesColumnOut `json:"columns" jsonschema_description:"Its columns in order."`
}

func tablesSchemaTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_get_schema",
		Title:       "Get a table's columns",
		Description: "Read a table's columns: ids, titles, types, options and accepted values. Read it before writing rows.",
		Hints:       readHints,
	}, func(ctx context.Context, call *Call, in tablesTableIn) (tablesSchemaOut, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesSchemaOut{}, err
		}
		t, err := api.Table(ctx, in.TableID)
		if err != nil {
			return tablesSchemaOut{}, about(err, "table %d", in.TableID)
		}
		cols, err := api.Columns(ctx, in.TableID)
		if err != nil {
			return tablesSchemaOut{}, about(err, "the columns of table %d", in.TableID)
		}
		return tablesSchemaOut{Table: tablesTable(*t), Columns: tablesColumns(cols)}, nil
	})
}

type tablesCreateTableIn struct {
	Title       string `json:"title"`
	Emoji       string `json:"emoji,omitempty"`
	Description string `json:"description,omitempty"`
	Template    string `json:"template,omitempty" jsonschema:"custom (empty, default) or todo,enum=custom,enum=todo"`
}

func (in *tablesCreateTableIn) Validate() error { return dtNonBlank("title", in.Title) }

func tablesCreateTableTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_create_table",
		Title:       "Create a table",
		Description: "Create a table, empty or from the todo template; add columns with nc_tables_add_column.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in tablesCreateTableIn) (tablesTableOut, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesTableOut{}, err
		}
		t, err := api.CreateTable(ctx, nextcloud.TableInput{Title: in.Title, Emoji: in.Emoji, Description: in.Description, Template: in.Template})
		if err != nil {
			return tablesTableOut{}, about(err, "new table %q", in.Title)
		}
		return tablesTable(*t), nil
	})
}

type tablesAddColumnIn struct {
	TableID     int    `json:"table_id"`
	Title       string `json:"title"`
	Type        string `json:"type" jsonschema:"enum=text-line,enum=text-rich,enum=text-link,enum=number,enum=number-stars,enum=number-progress,enum=selection,enum=selection-multi,enum=selection-check,enum=datetime,enum=datetime-date,enum=datetime-time,enum=usergroup"`
	Mandatory   bool   `json:"mandatory,omitempty"`
	Description string `json:"description,omitempty"`
	// Type-specific settings.
	MaxLength *int     `json:"max_length,omitempty" jsonschema:"text: longest allowed"`
	Min       *float64 `json:"min,omitempty" jsonschema:"number"`
	Max       *float64 `json:"max,omitempty" jsonschema:"number"`
	Decimals  *int     `json:"decimals,omitempty" jsonschema:"number"`
	Prefix    string   `json:"prefix,omitempty" jsonschema:"number, e.g. €"`
	Suffix    string   `json:"suffix,omitempty" jsonschema:"number, e.g. kg"`
	Options   []string `json:"options,omitempty" jsonschema:"selection types: the choices"`
	Multiple  bool     `json:"multiple,omitempty" jsonschema:"usergroup: several per cell"`
}

func (in *tablesAddColumnIn) Validate() error {
	if err := dtPositiveID("table_id", in.TableID); err != nil {
		return err
	}
	if err := dtNonBlank("title", in.Title); err != nil {
		return err
	}
	if (in.Type == "selection" || in.Type == "selection-multi") && len(in.Options) == 0 {
		return inputErrorf("a %s column needs options: give the choices as a list", in.Type)
	}
	if in.Min != nil && in.Max != nil && *in.Min > *in.Max {
		return inputErrorf("min %v is larger than max %v", *in.Min, *in.Max)
	}
	return nil
}

func tablesAddColumnTool(d *Deps) Tool {
	return NewTool(d, Spec{
		Name:        "nc_tables_add_column",
		Title:       "Add a column to a table",
		Description: "Add a column to a table: text, number, selection, check box, date/time or users.",
		Hints:       createHints,
	}, func(ctx context.Context, call *Call, in tablesAddColumnIn) (tablesColumnOut, error) {
		api, err := tablesAPI(ctx, call)
		if err != nil {
			return tablesColumnOut{}, err
		}
		col, err := api.CreateColumn(ctx, in.TableID, nextcloud.TableColumnInput{
			Title: in.Title, Kind: in.Type, Mandatory: in.Mandatory, Description: in.Description,
			TextMaxLength: in.MaxLength, NumberMin: in.Min, NumberMax: in.Max, NumberDecimals: in.Decimals,
			NumberPrefix: in.Prefix, NumberSuffix: in.Suffix, Options: in.Options, UsergroupMultiple: in.Multiple,
		})
		var bad *nextcloud.TableColumnInputError
		switch {
		case errors.As(err, &bad):
			return tablesColumnOut{}, inputErrorf("Nothing was created: %v.", bad)
		case err != nil:
			return tablesColumnOut{}, about(err, "table %d", in.TableID)
		}
		return tablesColumns([]nextcloud.TableColumn{*col})[0], nil
	})
}

// tablesRowOut is a row with its values keyed by column title.
type tablesRowOut struct {
	ID       int            `json:"id" jsonschema_description:"Row id, for update and delete."`
	Values   map[string]any `json:"values" jsonschema_description:"Cell values by column key."`
	Modified string         `json:"modified,omitempty" jsonschema_description:"When it was last changed, as Tables reports it (server time)."`
	EditedBy string         `json:"edited_by,omitempty" jsonschema_description:"User id of who changed it last."`
}

func tablesRow(cols []nextcloud.TableColumn, r nextcloud.TableRow) tablesRowOut {
	return tablesRowOut{ID: r.ID, Values: nextcloud.DecodeRow(cols, r), Modified: r.LastEditAt, EditedBy: r.LastEditBy}
}
