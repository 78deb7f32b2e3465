package tools

import (
	"slices"
	"sort"
	"strings"
)

// Per-tool selection: --tools adds tools by name on top of --toolsets (and,
// given alone, is the whole allow list); --exclude-tools removes tools and
// wins over both. --read-only still applies to everything.

// SelectionError is an unknown tool or toolset name; serve stops on it
// before serving (exit 2).
type SelectionError struct {
	Flag    string // --tools, --exclude-tools or --toolsets
	Name    string
	Closest []string
	Hint    string
}

func (e *SelectionError) Error() string {
	kind := "tool"
	if e.Flag == "--toolsets" {
		kind = "toolset"
	}
	msg := "unknown " + kind + " " + `"` + e.Name + `"` + " in " + e.Flag
	if e.Hint != "" {
		return msg + ": " + e.Hint
	}
	if len(e.Closest) > 0 {
		return msg + ": did you mean " + strings.Join(e.Closest, " or ") + "?"
	}
	return msg + ": run `nextcloud-mcp status` to see the valid names"
}

// knownNames returns every toolset and tool name: the tools built here plus
// those only built with other settings (the sign-in and transfer tools, which
// change data and so are in the safety table).
func knownNames(all []*Toolset) (toolsets, tools []string) {
	seen := map[string]bool{}
	for _, ts := range all {
		toolsets = append(toolsets, ts.Name)
		for _, t := range ts.Tools {
			if !seen[t.Def.Name] {
				seen[t.Def.Name] = true
				tools = append(tools, t.Def.Name)
			}
		}
	}
	for name := range safetyClasses() {
		if !seen[name] {
			seen[name] = true
			tools = append(tools, name)
		}
	}
	sort.Strings(tools)
	return toolsets, tools
}

// validateSelection checks every name in the options, in flag order.
func validateSelection(o Options, all []*Toolset) error {
	toolsets, tools := knownNames(all)
	for _, want := range o.Toolsets {
		if !slices.Contains(toolsets, want) {
			e := &SelectionError{Flag: "--toolsets", Name: want, Closest: closest(want, toolsets, 3)}
			if slices.Contains(tools, want) {
				e.Hint = want + " is a tool: pass it to --tools"
			}
			return e
		}
	}
	for _, list := range []struct {
		flag  string
		names []string
	}{{"--tools", o.Tools}, {"--exclude-tools", o.ExcludeTools}} {
		for _, want := range list.names {
			if slices.Contains(tools, want) {
				continue
			}
			e := &SelectionError{Flag: list.flag, Name: want, Closest: closest(want, tools, 3)}
			if slices.Contains(toolsets, want) {
				e.Hint = want + " is a toolset: choose toolsets with --toolsets"
			}
			return e
		}
	}
	return nil
}

// selects reports whether --toolsets, --tools and --exclude-tools keep the
// tool of the toolset (--read-only is applied by the caller).
func (o Options) selects(toolset, tool string) bool {
	if slices.Contains(o.ExcludeTools, tool) {
		return false
	}
	if slices.Contains(o.Tools, tool) {
		return true
	}
	if len(o.Toolsets) > 0 {
		return slices.Contains(o.Toolsets, toolset)
	}
	// --tools alone is an allow list.
	return len(o.Tools) == 0
}

// closest returns up to n known names nearest to name: those containing it
// or contained in it first, then by edit distance, within a bound that
// keeps unrelated names out.
func closest(name string, known []string, n int) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for _, k := range known {
		d := editDistance(name, k)
		switch {
		case strings.Contains(k, name) || strings.Contains(name, k):
			d = min(d, 1)
		case d > max(len(name), len(k))/2:
			continue
		}
		cs = append(cs, cand{k, d})
	}
	sort.SliceStable(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	var out []string
	for _, c := range cs {
		if len(out) == n {
			break
		}
		out = append(out, c.name)
	}
	return out
}

// editDistance is the Levenshtein distance of two names.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// CheckSelection validates the names in o against every toolset and tool
// this build knows, before anything is served.
func CheckSelection(o Options) error {
	if len(o.Toolsets)+len(o.Tools)+len(o.ExcludeTools) == 0 {
		return nil // nothing named, nothing to check: spare start-up building every tool
	}
	return validateSelection(o, All(&Deps{}))
}

// SelectionReport is what a selection keeps and leaves out, for `status`.
type SelectionReport struct {
	Toolsets []SelectedToolset `json:"toolsets"`
	// Excluded are the tools --exclude-tools removed.
	Excluded []string `json:"excluded,omitempty"`
	// ReadOnlyHidden are the tools --read-only removed.
	ReadOnlyHidden []string `json:"read_only_hidden,omitempty"`
	// NotSelected are the tools outside --toolsets and --tools.
	NotSelected []string `json:"not_selected,omitempty"`
	// Irreversible are the selected tools that ask first (--confirm).
	Irreversible []string `json:"irreversible,omitempty"`
}

// SelectedToolset is one toolset's selected tools.
type SelectedToolset struct {
	Name  string   `json:"name"`
	Tools []string `json:"tools"`
}

// Select reports what o keeps of all, before the server's apps are known.
func Select(all []*Toolset, o Options) (*SelectionReport, error) {
	if err := validateSelection(o, all); err != nil {
		return nil, err
	}
	classes := safetyClasses()
	r := &SelectionReport{Toolsets: []SelectedToolset{}}
	for _, ts := range all {
		sel := SelectedToolset{Name: ts.Name, Tools: []string{}}
		for _, t := range ts.Tools {
			name := t.Def.Name
			switch {
			case slices.Contains(o.ExcludeTools, name):
				r.Excluded = append(r.Excluded, name)
			case !o.selects(ts.Name, name):
				r.NotSelected = append(r.NotSelected, name)
			case o.ReadOnly && !t.ReadOnly():
				r.ReadOnlyHidden = append(r.ReadOnlyHidden, name)
			default:
				sel.Tools = append(sel.Tools, name)
				if c, ok := classes[name]; ok && c.Effect == Irreversible {
					r.Irreversible = append(r.Irreversible, name)
				}
			}
		}
		if len(sel.Tools) > 0 {
			r.Toolsets = append(r.Toolsets, sel)
		}
	}
	return r, nil
}
