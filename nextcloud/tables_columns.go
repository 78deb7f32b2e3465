package nextcloud

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// TableColumn is a column with the settings that constrain its values.
type TableColumn struct {
	ID          int    `json:"id"`
	TableID     int    `json:"tableId"`
	Title       string `json:"title"`
	Type        string `json:"type"`
	Subtype     string `json:"subtype"`
	Mandatory   bool   `json:"mandatory"`
	Description string `json:"description"`

	NumberDefault  *float64 `json:"numberDefault"`
	NumberMin      *float64 `json:"numberMin"`
	NumberMax      *float64 `json:"numberMax"`
	NumberDecimals *int     `json:"numberDecimals"`
	NumberPrefix   string   `json:"numberPrefix"`
	NumberSuffix   string   `json:"numberSuffix"`

	TextDefault        *string `json:"textDefault"`
	TextAllowedPattern *string `json:"textAllowedPattern"`
	TextMaxLength      *int    `json:"textMaxLength"`

	SelectionOptions []TableOption   `json:"selectionOptions"`
	SelectionDefault json.RawMessage `json:"selectionDefault"`

	UsergroupMultipleItems *bool `json:"usergroupMultipleItems"`
	UsergroupSelectUsers   *bool `json:"usergroupSelectUsers"`
	UsergroupSelectGroups  *bool `json:"usergroupSelectGroups"`
}

// TableOption is one choice of a selection column.
type TableOption struct {
	ID    int    `json:"id"`
	Label string `json:"label"`
}

// Kind is the column type as the capability names it: "text-line",
// "number-stars", "selection-check", "datetime-date", "usergroup", ...
func (c *TableColumn) Kind() string {
	if c.Subtype == "" {
		return c.Type
	}
	return c.Type + "-" + c.Subtype
}

// TableColumnKinds are the column kinds CreateColumn knows how to create.
var tableColumnKinds = []string{
	"text-line", "text-rich", "text-long", "text-link",
	"number", "number-stars", "number-progress",
	"selection", "selection-multi", "selection-check",
	"datetime", "datetime-date", "datetime-time",
	"usergroup",
}

// TableColumnKinds returns the kinds CreateColumn accepts.
func TableColumnKinds() []string { return slices.Clone(tableColumnKinds) }

// TableColumnInput is a new column.
type TableColumnInput struct {
	Title string
	// Kind is one of TableColumnKinds, e.g. "text-line" or "selection".
	Kind        string
	Mandatory   bool
	Description string

	TextMaxLength  *int
	NumberMin      *float64
	NumberMax      *float64
	NumberDecimals *int
	NumberPrefix   string
	NumberSuffix   string
	// Options are the labels of a selection or selection-multi column.
	Options []string
	// UsergroupMultiple lets a usergroup cell hold several users.
	UsergroupMultiple bool
}

// TableColumnInputError is a column definition refused before anything is sent.
type TableColumnInputError struct{ Msg string }

func (e *TableColumnInputError) Error() string { return e.Msg }

// CreateColumn adds a column to a table.
func (t *TablesAPI) CreateColumn(ctx context.Context, tableID int, in TableColumnInput) (*TableColumn, error) {
	typ, sub, _ := strings.Cut(in.Kind, "-")
	if !slices.Contains(tableColumnKinds, in.Kind) {
		return nil, &TableColumnInputError{fmt.Sprintf("column type %q is unknown: use one of %s", in.Kind, strings.Join(tableColumnKinds, ", "))}
	}
	if len(t.columnTypes) > 0 && in.Kind != "text-long" && !slices.Contains(t.columnTypes, in.Kind) {
		return nil, &TableColumnInputError{fmt.Sprintf("this server's Tables app does not offer column type %q: it offers %s", in.Kind, strings.Join(t.columnTypes, ", "))}
	}
	if (in.Kind == "selection" || in.Kind == "selection-multi") && len(in.Options) == 0 {
		return nil, &TableColumnInputError{fmt.Sprintf("a %s column needs at least one option", in.Kind)}
	}
	body := map[string]any{"title": in.Title, "mandatory": in.Mandatory, "description": in.Description}
	if sub != "" {
		body["subtype"] = sub
	}
	switch typ {
	case "text":
		if in.TextMaxLength != nil {
			body["textMaxLength"] = *in.TextMaxLength
		}
	case "number":
		body["numberPrefix"], body["numberSuffix"] = in.NumberPrefix, in.NumberSuffix
		for k, v := range map[string]*float64{"numberMin": in.NumberMin, "numberMax": in.NumberMax} {
			if v != nil {
				body[k] = *v
			}
		}
		if in.NumberDecimals != nil {
			body["numberDecimals"] = *in.NumberDecimals
		}
	case "selection":
		// Tables takes the options as a JSON string, and requires the
		// parameter even for a check column, which has none.
		opts := ""
		if len(in.Options) > 0 {
			list := make([]TableOption, len(in.Options))
			for i, l := range in.Options {
				list[i] = TableOption{ID: i + 1, Label: l}
			}
			b, err := json.Marshal(list)
			if err != nil {
				return nil, fmt.Errorf("encode options: %w", err)
			}
			opts = string(b)
		}
		body["selectionOptions"] = opts
		if sub == "check" {
			body["selectionDefault"] = "false"
		}
	case "usergroup":
		body["usergroupMultipleItems"] = in.UsergroupMultiple
		body["usergroupSelectUsers"] = true
		body["usergroupSelectGroups"] = true
	}
	var out TableColumn
	var err error
	if t.v2 {
		// Tables 0.9 answers 500 unless baseNodeType is sent with baseNodeId.
		body["baseNodeId"], body["baseNodeType"] = tableID, "table"
		err = t.ocs(ctx, http.MethodPost, "/columns/"+typ, body, &out)
	} else {
		body["type"] = typ
		err = t.v1(ctx, http.MethodPost, "/tables/"+strconv.Itoa(tableID)+"/columns", nil, body, &out)
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}
