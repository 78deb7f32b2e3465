package tools

import (
	"sort"
	"strings"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// TestSafetyClassesComplete: every tool that changes data is classified as
// reversible or irreversible in safety_classes.go, every irreversible one
// has a confirmer naming what goes, and the table names no tool that is
// read-only or gone. A tool merged from another branch fails here until it
// is classified.
func TestSafetyClassesComplete(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
	classes := safetyClasses()
	conf := confirmers()
	seen := map[string]bool{}
	var unclassified []string
	for _, ts := range All(d) {
		for _, tool := range ts.Tools {
			name := tool.Def.Name
			seen[name] = true
			c, ok := classes[name]
			switch {
			case tool.ReadOnly() && ok:
				t.Errorf("%s is read-only but classified as %s: drop it from safetyClasses", name, c.Effect)
			case !tool.ReadOnly() && !ok:
				unclassified = append(unclassified, name)
			case ok && c.Effect != Reversible && conf[name] == nil:
				t.Errorf("%s is %s but has no confirmer in safety_describe.go naming what goes", name, c.Effect)
			case ok && c.Effect == Reversible && c.Undo == "":
				t.Errorf("%s is reversible but says no way back (Undo)", name)
			}
		}
	}
	sort.Strings(unclassified)
	for _, name := range unclassified {
		t.Errorf("%s changes data but is not classified: add it to safetyClasses (reversible: how to undo; irreversible: and a confirmer)", name)
	}
	for name := range classes {
		if !seen[name] {
			t.Errorf("safetyClasses names %s, which no toolset builds", name)
		}
	}
	for name := range conf {
		if c := classes[name]; c.Effect == Reversible {
			t.Errorf("%s has a confirmer but is reversible: it is never asked", name)
		}
	}
	for name := range untrustedSources() {
		if !seen[name] {
			t.Errorf("untrustedSources names %s, which no toolset builds", name)
		}
	}
}

// The undo tools exist for every delete that names one.
func TestRestoreToolsExist(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
	names := map[string]bool{}
	for _, ts := range All(d) {
		for _, tool := range ts.Tools {
			names[tool.Def.Name] = true
		}
	}
	for tool, c := range safetyClasses() {
		if c.RestoreWith != "" && toolName.MatchString(c.RestoreWith) && !names[c.RestoreWith] {
			t.Errorf("%s names %s as its way back, which does not exist", tool, c.RestoreWith)
		}
	}
}

// TestUntrustedSourcesMatchSchemas: every field the untrusted table names
// (items, author, text) is in its tool's output schema, so a renamed field
// cannot silently stop the marking.
func TestUntrustedSourcesMatchSchemas(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
	defs := map[string][]byte{}
	for _, ts := range All(d) {
		for _, tool := range ts.Tools {
			defs[tool.Def.Name] = tool.Def.RawOutputSchema
		}
	}
	for name, src := range untrustedSources() {
		raw := defs[name]
		v, err := parseOrdered(raw)
		schema, ok := v.(*object)
		if err != nil || !ok {
			t.Errorf("%s: output schema: %v", name, err)
			continue
		}
		items := 0
		schemaEachAt(schema, src.Items, func(item *object) {
			items++
			fields := append([]string{}, src.Text...)
			if src.Author != "" {
				fields = append(fields, src.Author)
			}
			for _, f := range fields {
				parent, leaf := "", f
				if i := strings.LastIndex(f, "."); i >= 0 {
					parent, leaf = f[:i], f[i+1:]
				}
				found := false
				schemaEachAt(item, parent, func(o *object) {
					props, _ := o.vals["properties"].(*object)
					if props != nil {
						_, found = props.vals[leaf]
					}
				})
				if !found {
					t.Errorf("%s: untrustedSources names %q below %q, which its output schema lacks", name, f, src.Items)
				}
			}
		})
		if items == 0 {
			t.Errorf("%s: untrustedSources names items %q, which its output schema lacks", name, src.Items)
		}
	}
}
