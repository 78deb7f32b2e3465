package tools

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var toolName = regexp.MustCompile(`^nc_[a-z0-9]+(_[a-z0-9]+)+$`)

// TestToolSurface pins every tool definition (names, schemas, annotations) in
// testdata/tools.golden.json. Change it deliberately: go test ./tools -run 'TestSchemasCurrent|TestToolSurface' -update
func TestToolSurface(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
	// The golden records the definitions as reflected from the Go types; that
	// the served ones (from schemas.tsv) equal them is TestPrecomputedDefinitionsEqualReflected's job.
	d.schemas.reflect = true
	reg, err := NewRegistry(d, All(d), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var defs []json.RawMessage
	seen := map[string]bool{}
	for _, tool := range reg.Tools() {
		def := tool.Def
		if !toolName.MatchString(def.Name) || len(def.Name) > 64 {
			t.Errorf("tool name %q does not follow nc_<app>_<verb>[_<noun>] within 64 chars", def.Name)
		}
		if seen[def.Name] {
			t.Errorf("tool %q registered twice", def.Name)
		}
		seen[def.Name] = true
		a := def.Annotations
		if def.Title == "" || a.Title == "" {
			t.Errorf("%s: missing title", def.Name)
		}
		if a.ReadOnlyHint == nil || a.DestructiveHint == nil || a.IdempotentHint == nil || a.OpenWorldHint == nil {
			t.Errorf("%s: every one of the four annotation hints must be set", def.Name)
		}
		if *a.ReadOnlyHint && *a.DestructiveHint {
			t.Errorf("%s: a read-only tool cannot be destructive", def.Name)
		}
		if def.InputSchema.Type != "object" && len(def.RawInputSchema) == 0 {
			t.Errorf("%s: input schema must be an object", def.Name)
		}
		if def.OutputSchema.Type != "object" && len(def.RawOutputSchema) == 0 {
			t.Errorf("%s: output schema must be an object", def.Name)
		}
		if def.Description == "" {
			t.Errorf("%s: missing description", def.Name)
		}
		b, err := json.Marshal(def)
		if err != nil {
			t.Fatal(err)
		}
		defs = append(defs, b)
	}
	got, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "tools.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (create it with -update): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("tool surface changed; if deliberate, run: go test ./tools -run 'TestSchemasCurrent|TestToolSurface' -update && go generate ./tools")
	}
}
