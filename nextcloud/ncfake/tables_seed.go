package ncfake

import "strings"

// TableSeedColumn is a column for SeedTable.
type TableSeedColumn struct {
	Title string
	// Kind is a Tables column kind: text-line, text-rich, number,
	// number-stars, number-progress, selection, selection-multi,
	// selection-check, datetime, datetime-date, datetime-time, usergroup.
	Kind      string
	Mandatory bool
	// Options are the labels of a selection column (ids 1, 2, ...).
	Options  []string
	Min, Max *float64
	// MaxLength limits a text column.
	MaxLength *int
}

// SeedTable creates a table owned by owner with columns and rows, without
// going through HTTP, and returns the table id. Row values are keyed by
// column title and stored as given, except that a selection label is stored
// as its option id.
func (s *Server) SeedTable(owner, title, emoji string, cols []TableSeedColumn, rows ...map[string]any) int {
	a := s.tables
	a.mu.Lock()
	defer a.mu.Unlock()
	t := a.newTable(owner, title, emoji, "")
	byTitle := map[string]*tblColumn{}
	for _, sc := range cols {
		typ, sub, _ := strings.Cut(sc.Kind, "-")
		c := a.newColumn(t.id, owner, sc.Title, typ, sub)
		c.mandatory, c.numberMin, c.numberMax, c.textMaxLength = sc.Mandatory, sc.Min, sc.Max, sc.MaxLength
		c.selectionDefault, c.datetimeDefault = "", ""
		for i, l := range sc.Options {
			c.options = append(c.options, tblOption{ID: i + 1, Label: l})
		}
		byTitle[sc.Title] = c
	}
	for _, values := range rows {
		var cells []tblCell
		for _, sc := range cols {
			v, ok := values[sc.Title]
			if !ok {
				continue
			}
			c := byTitle[sc.Title]
			if label, isString := v.(string); isString && c.typ == "selection" && c.subtype == "" {
				for _, o := range c.options {
					if o.Label == label {
						v = o.ID
					}
				}
			}
			cells = append(cells, tblCell{columnID: c.id, value: v})
		}
		a.newRow(t.id, owner, cells)
	}
	return t.id
}
