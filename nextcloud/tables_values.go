package nextcloud

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// TableValueError is a cell value that does not fit its column. Tables
// itself accepts many such values silently (or fails with an opaque 500), so
// they are checked before anything is sent.
type TableValueError struct {
	Column   string
	ColumnID int
	// Expected says what the column takes, e.g. "a number from 0 to 1000".
	Expected string
	Value    any
	// Reason, when set, says what exactly is wrong with the value.
	Reason string
}

func (e *TableValueError) Error() string {
	msg := fmt.Sprintf("column %q (id %d) expects %s, but got %s", e.Column, e.ColumnID, e.Expected, showValue(e.Value))
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

func showValue(v any) string {
	if v == nil {
		return "null"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 80 {
		return string(b[:77]) + "..."
	}
	return string(b)
}

// Expected describes in words which values the column takes.
func (c *TableColumn) Expected() string {
	switch c.Kind() {
	case "text-line":
		if c.TextMaxLength != nil && *c.TextMaxLength > 0 {
			return fmt.Sprintf("one line of text of at most %d characters", *c.TextMaxLength)
		}
		return "one line of text"
	case "text-link":
		return "a link (text)"
	case "number":
		return "a number" + c.numberRange()
	case "number-stars":
		return "a whole number of stars from 0 to 5"
	case "number-progress":
		return "a whole percentage from 0 to 100"
	case "selection":
		return "one of " + c.optionList() + " (label or option id)"
	case "selection-multi":
		return "a list of options from " + c.optionList() + " (labels or option ids)"
	case "selection-check":
		return "true or false"
	case "datetime":
		return "a date and time like 2026-12-24 17:30 or 2026-12-24T17:30:00+01:00"
	case "datetime-date":
		return "a date like 2026-12-24"
	case "datetime-time":
		return "a time like 17:30"
	case "usergroup":
		return `user ids, or "group:<id>" for a group (a list when the column takes several)`
	}
	if c.Type == "text" {
		if c.TextMaxLength != nil && *c.TextMaxLength > 0 {
			return fmt.Sprintf("text of at most %d characters", *c.TextMaxLength)
		}
		return "text"
	}
	return "a " + c.Kind() + " value"
}

func (c *TableColumn) numberRange() string {
	switch {
	case c.NumberMin != nil && c.NumberMax != nil:
		return fmt.Sprintf(" from %s to %s", fmtNum(*c.NumberMin), fmtNum(*c.NumberMax))
	case c.NumberMin != nil:
		return " of at least " + fmtNum(*c.NumberMin)
	case c.NumberMax != nil:
		return " of at most " + fmtNum(*c.NumberMax)
	}
	return ""
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func (c *TableColumn) optionList() string {
	labels := make([]string, len(c.SelectionOptions))
	for i, o := range c.SelectionOptions {
		labels[i] = strconv.Quote(o.Label)
	}
	return strings.Join(labels, ", ")
}

// Encode checks a value (as decoded from JSON: string, float64, bool, list,
// object or nil) against the column and returns what the Tables API stores:
// option ids for selections, "true"/"false" for checks, "YYYY-MM-DD HH:MM"
// for date-times. nil clears the cell.
func (c *TableColumn) Encode(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	bad := func(reason string) error {
		return &TableValueError{Column: c.Title, ColumnID: c.ID, Expected: c.Expected(), Value: v, Reason: reason}
	}
	switch c.Type {
	case "text":
		s, ok := v.(string)
		if !ok {
			return nil, bad("")
		}
		if c.Subtype == "line" && strings.ContainsAny(s, "\r\n") {
			return nil, bad("it has a line break")
		}
		if c.TextMaxLength != nil && *c.TextMaxLength > 0 && utf8.RuneCountInString(s) > *c.TextMaxLength {
			return nil, bad(fmt.Sprintf("it is %d characters long", utf8.RuneCountInString(s)))
		}
		return s, nil
	case "number":
		f, ok := toFloat(v)
		if !ok {
			return nil, bad("")
		}
		switch c.Subtype {
		case "stars":
			if f != math.Trunc(f) || f < 0 || f > 5 {
				return nil, bad("")
			}
		case "progress":
			if f != math.Trunc(f) || f < 0 || f > 100 {
				return nil, bad("")
			}
		default:
			if c.NumberMin != nil && f < *c.NumberMin {
				return nil, bad("below the minimum " + fmtNum(*c.NumberMin))
			}
			if c.NumberMax != nil && f > *c.NumberMax {
				return nil, bad("above the maximum " + fmtNum(*c.NumberMax))
			}
		}
		return f, nil
	case "selection":
		return c.encodeSelection(v, bad)
	case "datetime":
		s, ok := v.(string)
		if !ok {
			return nil, bad("")
		}
		if strings.TrimSpace(s) == "" {
			return "", nil
		}
		out, ok := normaliseDatetime(c.Subtype, s)
		if !ok {
			return nil, bad("")
		}
		return out, nil
	case "usergroup":
		return c.encodeUsergroup(v, bad)
	}
	// An unknown future type goes through unchecked rather than being refused.
	return v, nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
		return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func (c *TableColumn) encodeSelection(v any, bad func(string) error) (any, error) {
	switch c.Subtype {
	case "check":
		switch b := v.(type) {
		case bool:
			return strconv.FormatBool(b), nil
		case string:
			switch strings.ToLower(strings.TrimSpace(b)) {
			case "true":
				return "true", nil
			case "false":
				return "false", nil
			}
		}
		return nil, bad("")
	case "multi":
		list, ok := v.([]any)
		if !ok {
			list = []any{v}
		}
		ids := make([]int, 0, len(list))
		for _, item := range list {
			id, ok := c.optionID(item)
			if !ok {
				return nil, bad(fmt.Sprintf("%s is not an option", showValue(item)))
			}
			ids = append(ids, id)
		}
		sort.Ints(ids)
		return ids, nil
	default:
		id, ok := c.optionID(v)
		if !ok {
			return nil, bad("")
		}
		return id, nil
	}
}

// optionID finds an option by label (exact, then ignoring case) or by id.
func (c *TableColumn) optionID(v any) (int, bool) {
	if s, ok := v.(string); ok {
		for _, o := range c.SelectionOptions {
			if o.Label == s {
				return o.ID, true
			}
		}
		for _, o := range c.SelectionOptions {
			if strings.EqualFold(o.Label, strings.TrimSpace(s)) {
				return o.ID, true
			}
		}
	}
	if f, ok := toFloat(v); ok && f == math.Trunc(f) {
		for _, o := range c.SelectionOptions {
			if float64(o.ID) == f {
				return o.ID, true
			}
		}
	}
	return 0, false
}

// normaliseDatetime accepts what Tables parses and returns its stored form.
func normaliseDatetime(subtype, s string) (string, bool) {
	s = strings.TrimSpace(s)
	switch subtype {
	case "date":
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t.Format("2006-01-02"), true
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	case "time":
		for _, layout := range []string{"15:04", "15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format("15:04"), true
			}
		}
	default:
		// Tables keeps the wall-clock time as written, in the offset given.
		for _, layout := range []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.Format("2006-01-02 15:04"), true
			}
		}
	}
	return "", false
}

// tablesUsergroupTypes maps the "group:" style prefixes to Tables' types.
var tablesUsergroupTypes = map[string]int{"user": 0, "group": 1, "team": 2}

func (c *TableColumn) encodeUsergroup(v any, bad func(string) error) (any, error) {
	list, ok := v.([]any)
	if !ok {
		list = []any{v}
	}
	out := make([]map[string]any, 0, len(list))
	for _, item := range list {
		switch it := item.(type) {
		case string:
			id, typ := it, 0
			if prefix, rest, found := strings.Cut(it, ":"); found {
				t, known := tablesUsergroupTypes[prefix]
				if !known {
					return nil, bad(fmt.Sprintf("unknown prefix %q", prefix))
				}
				id, typ = rest, t
			}
			if id == "" {
				return nil, bad("an empty id")
			}
			out = append(out, map[string]any{"id": id, "type": typ})
		case map[string]any:
			id, _ := it["id"].(string)
			typ, _ := toFloat(it["type"])
			if id == "" {
				return nil, bad("an entry without id")
			}
			out = append(out, map[string]any{"id": id, "type": int(typ)})
		default:
			return nil, bad("")
		}
	}
	if len(out) > 1 && c.UsergroupMultipleItems != nil && !*c.UsergroupMultipleItems {
		return nil, bad("the column takes only one")
	}
	return out, nil
}

// Decode turns a stored cell into the value a person reads: labels for
// selections, booleans for checks, "group:<id>" for groups.
func (c *TableColumn) Decode(raw json.RawMessage) any {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return string(raw)
	}
	v = plainNumbers(v)
	switch c.Kind() {
	case "selection":
		if id, ok := c.optionLabel(v); ok {
			return id
		}
	case "selection-multi":
		if s, ok := v.(string); ok {
			var inner any
			if json.Unmarshal([]byte(s), &inner) == nil {
				v = inner
			}
		}
		if list, ok := v.([]any); ok {
			labels := make([]any, len(list))
			for i, item := range list {
				labels[i] = item
				if l, ok := c.optionLabel(item); ok {
					labels[i] = l
				}
			}
			return labels
		}
	case "selection-check":
		switch b := v.(type) {
		case string:
			if b == "" {
				return nil
			}
			return b == "true"
		case bool:
			return b
		}
	case "usergroup":
		if list, ok := v.([]any); ok {
			ids := make([]string, 0, len(list))
			for _, item := range list {
				m, _ := item.(map[string]any)
				id, _ := m["id"].(string)
				typ, _ := toFloat(m["type"])
				for name, t := range tablesUsergroupTypes {
					if t == int(typ) && t != 0 {
						id = name + ":" + id
					}
				}
				ids = append(ids, id)
			}
			return ids
		}
	}
	return v
}

func (c *TableColumn) optionLabel(v any) (string, bool) {
	f, ok := toFloat(v)
	if !ok {
		return "", false
	}
	for _, o := range c.SelectionOptions {
		if float64(o.ID) == f {
			return o.Label, true
		}
	}
	return "", false
}

// plainNumbers turns json.Number into int64 or float64 throughout v.
func plainNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = plainNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = plainNumbers(x[k])
		}
	}
	return v
}

// TableColumnKeys names each column for row values: its title, or
// "title #id" when two columns share a title.
func TableColumnKeys(cols []TableColumn) map[int]string {
	count := map[string]int{}
	for _, c := range cols {
		count[c.Title]++
	}
	keys := make(map[int]string, len(cols))
	for _, c := range cols {
		keys[c.ID] = c.Title
		if count[c.Title] > 1 {
			keys[c.ID] = fmt.Sprintf("%s #%d", c.Title, c.ID)
		}
	}
	return keys
}

// DecodeRow returns a row's values keyed as TableColumnKeys names them.
// Cells of columns that are not in cols are keyed "#<id>".
func DecodeRow(cols []TableColumn, row TableRow) map[string]any {
	keys := TableColumnKeys(cols)
	byID := make(map[int]*TableColumn, len(cols))
	for i := range cols {
		byID[cols[i].ID] = &cols[i]
	}
	out := make(map[string]any, len(row.Data))
	for _, cell := range row.Data {
		col, ok := byID[cell.ColumnID]
		if !ok {
			var v any
			_ = json.Unmarshal(cell.Value, &v)
			out["#"+strconv.Itoa(cell.ColumnID)] = v
			continue
		}
		out[keys[col.ID]] = col.Decode(cell.Value)
	}
	return out
}

// EncodeRow resolves value keys to columns (by title, title ignoring case,
// "title #id", or the column id) and encodes each value. With
// requireMandatory, a mandatory column without a value is an error too.
func EncodeRow(cols []TableColumn, values map[string]any, requireMandatory bool) (map[int]any, error) {
	keys := TableColumnKeys(cols)
	out := make(map[int]any, len(values))
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		col := findColumn(cols, keys, k)
		if col == nil {
			titles := make([]string, len(cols))
			for i := range cols {
				titles[i] = strconv.Quote(keys[cols[i].ID])
			}
			return nil, fmt.Errorf("the table has no column %q: its columns are %s", k, strings.Join(titles, ", "))
		}
		if _, dup := out[col.ID]; dup {
			return nil, fmt.Errorf("column %q is given twice", col.Title)
		}
		enc, err := col.Encode(values[k])
		if err != nil {
			return nil, err
		}
		out[col.ID] = enc
	}
	if requireMandatory {
		for _, c := range cols {
			v, given := out[c.ID]
			if c.Mandatory && (!given || v == nil || v == "") {
				return nil, &TableValueError{Column: c.Title, ColumnID: c.ID, Expected: c.Expected(), Value: v, Reason: "the column is mandatory"}
			}
		}
	}
	return out, nil
}

func findColumn(cols []TableColumn, keys map[int]string, k string) *TableColumn {
	for i := range cols {
		if keys[cols[i].ID] == k {
			return &cols[i]
		}
	}
	for i := range cols {
		unique := keys[cols[i].ID] == cols[i].Title
		if unique && strings.EqualFold(cols[i].Title, strings.TrimSpace(k)) {
			return &cols[i]
		}
	}
	if id, err := strconv.Atoi(strings.TrimPrefix(k, "#")); err == nil {
		for i := range cols {
			if cols[i].ID == id {
				return &cols[i]
			}
		}
	}
	return nil
}
