package tools

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
)

// reflectedSchemas builds every tool with reflection and returns its schemas.
func reflectedSchemas(t *testing.T) map[string]toolSchemas {
	t.Helper()
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
	d.schemas.reflect = true
	out := map[string]toolSchemas{}
	for _, ts := range All(d) {
		for _, tool := range ts.Tools {
			// mcp-go keeps a reflected schema either raw or structured.
			in := tool.Def.RawInputSchema
			if len(in) == 0 {
				b, err := json.Marshal(tool.Def.InputSchema)
				if err != nil {
					t.Fatal(err)
				}
				in = b
			}
			o := tool.Def.RawOutputSchema
			if len(o) == 0 {
				b, err := json.Marshal(tool.Def.OutputSchema)
				if err != nil {
					t.Fatal(err)
				}
				o = b
			}
			out[tool.Def.Name] = toolSchemas{Input: in, Output: o}
		}
	}
	return out
}

// TestSchemasCurrent: schemas.json, which the server loads instead of
// reflecting at start, equals what reflection gives today.
func TestSchemasCurrent(t *testing.T) {
	byName := reflectedSchemas(t)
	names := make([]string, 0, len(byName))
	for n, sc := range byName {
		for _, raw := range []json.RawMessage{sc.Input, sc.Output} {
			var buf bytes.Buffer
			if err := json.Compact(&buf, raw); err != nil {
				t.Fatalf("%s: %v", n, err)
			}
			if bytes.ContainsAny(buf.Bytes(), "\t\n") {
				t.Fatalf("%s: compact schema holds a tab or newline", n)
			}
		}
		names = append(names, n)
	}
	sort.Strings(names)
	for n, sc := range byName {
		var in, out bytes.Buffer
		_ = json.Compact(&in, sc.Input)
		_ = json.Compact(&out, sc.Output)
		byName[n] = toolSchemas{Input: in.Bytes(), Output: out.Bytes()}
	}
	want := formatSchemas(byName, names)
	if *update {
		if err := os.WriteFile("schemas.tsv", want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("schemas.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("schemas.tsv is stale: run go test ./tools -run 'TestSchemasCurrent|TestToolSurface' -update")
	}
	if parsed := parseSchemas(got); len(parsed) != len(names) {
		t.Fatalf("schemas.tsv parses to %d tools, want %d", len(parsed), len(names))
	}
}

// Building the tool definitions from schemas.json must be cheap: it runs
// before every initialize.
func TestDefinitionsFromSchemasAreFast(t *testing.T) {
	d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
	start := time.Now()
	all := All(d)
	elapsed := time.Since(start)
	n := 0
	for _, ts := range all {
		for _, tool := range ts.Tools {
			n++
			if len(tool.Def.RawInputSchema) == 0 || len(tool.Def.RawOutputSchema) == 0 {
				t.Errorf("%s is reflected at start: regenerate schemas.json", tool.Def.Name)
			}
		}
	}
	t.Logf("%d tool definitions in %v", n, elapsed)
}

// The definitions built from schemas.json are the reflected ones, field for
// field, so the precomputation can never change what clients see.
func TestPrecomputedDefinitionsEqualReflected(t *testing.T) {
	build := func(reflect bool) map[string]any {
		d := &Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: surfaceRoots(t)}
		d.schemas.reflect = reflect
		out := map[string]any{}
		for _, ts := range All(d) {
			for _, tool := range ts.Tools {
				b, err := json.Marshal(tool.Def)
				if err != nil {
					t.Fatalf("%s: %v", tool.Def.Name, err)
				}
				var v any
				if err := json.Unmarshal(b, &v); err != nil {
					t.Fatal(err)
				}
				out[tool.Def.Name] = v
			}
		}
		return out
	}
	reflected, precomputed := build(true), build(false)
	for name, want := range reflected {
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(precomputed[name])
		if !bytes.Equal(w, g) {
			t.Errorf("%s: the definition from schemas.json differs from the reflected one", name)
		}
	}
}
