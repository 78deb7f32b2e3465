package install

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

var testEntry = NewEntry("/opt/nextcloud-mcp/bin/nextcloud-mcp", []string{"--read-only"}, nil)

func mustClient(t *testing.T, id string) Client {
	t.Helper()
	c, err := Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func upsertBytes(t *testing.T, c Client, in string) (string, Result) {
	t.Helper()
	d, err := parseConfig([]byte(in), c.JSONC)
	if err != nil {
		t.Fatal(err)
	}
	out, res, err := d.upsert(c.Section, DefaultName, c.render(testEntry))
	if err != nil {
		t.Fatal(err)
	}
	// Whatever we produce must parse again in the client's dialect.
	if _, err := parseConfig(out, c.JSONC); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	return string(out), res
}

func removeBytes(t *testing.T, c Client, in string) (string, Result) {
	t.Helper()
	d, err := parseConfig([]byte(in), c.JSONC)
	if err != nil {
		t.Fatal(err)
	}
	out, res, err := d.remove(c.Section, DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := parseConfig(out, c.JSONC); err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	return string(out), res
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return m
}

const claudeConfig = `{
    "globalShortcut": "Ctrl+Space",
    "mcpServers": {
        "filesystem": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/ann/Desktop"]
        },
        "weather": {"command": "/usr/local/bin/weather", "env": {"UNITS": "metric"}}
    },
    "zzz_unknown": {"keep": [1, 2.50, true, null]}
}
`

func TestUpsertKeepsEverythingElse(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	out, res := upsertBytes(t, c, claudeConfig)
	if res != Added {
		t.Fatalf("result %v, want Added", res)
	}
	// Everything before the insertion point is byte-identical, and so is
	// everything after it: the edit is a pure insertion.
	insertAt := strings.Index(claudeConfig, `"metric"}}`) + len(`"metric"}}`)
	if !strings.HasPrefix(out, claudeConfig[:insertAt]) || !strings.HasSuffix(out, claudeConfig[insertAt:]) {
		t.Errorf("bytes outside the insertion changed:\n%s", out)
	}
	m := decode(t, out)
	servers := m["mcpServers"].(map[string]any)
	if len(servers) != 3 || servers["filesystem"] == nil || servers["weather"] == nil {
		t.Errorf("other servers lost: %v", servers)
	}
	if m["globalShortcut"] != "Ctrl+Space" || m["zzz_unknown"] == nil {
		t.Errorf("top-level keys lost: %v", m)
	}
	ours := servers["nextcloud"].(map[string]any)
	if ours["command"] != testEntry.Command || !reflect.DeepEqual(ours["args"], []any{"serve", "--read-only"}) {
		t.Errorf("entry = %v", ours)
	}
	if env, ok := ours["env"].(map[string]any); !ok || len(env) != 0 {
		t.Errorf("env should be an empty object, got %v", ours["env"])
	}
	// The new entry follows the file's 4-space indentation.
	if !strings.Contains(out, "\n        \"nextcloud\": {\n            \"command\"") {
		t.Errorf("indentation not followed:\n%s", out)
	}

	// Second run: nothing to do, same bytes.
	again, res := upsertBytes(t, c, out)
	if res != Unchanged || again != out {
		t.Errorf("second upsert: result %v, changed=%v", res, again != out)
	}

	// Uninstall restores the original byte for byte.
	back, res := removeBytes(t, c, out)
	if res != Removed || back != claudeConfig {
		t.Errorf("remove did not restore the original (result %v):\n%s", res, back)
	}
}

func TestUpsertReplacesOnlyOurEntry(t *testing.T) {
	c := mustClient(t, "cursor")
	in := `{
  "mcpServers": {
    "nextcloud": {
      "command": "/old/path/nextcloud-mcp",
      "args": ["serve"]
    },
    "other": {"command": "x"}
  }
}`
	out, res := upsertBytes(t, c, in)
	if res != Replaced {
		t.Fatalf("result %v, want Replaced", res)
	}
	if strings.Contains(out, "/old/path") || !strings.Contains(out, `"other": {"command": "x"}`) {
		t.Errorf("unexpected output:\n%s", out)
	}
	if !strings.HasSuffix(out, "    },\n    \"other\": {\"command\": \"x\"}\n  }\n}") {
		t.Errorf("text after our entry changed:\n%s", out)
	}
}

func TestUpsertAddsMissingSection(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	in := "{\n  \"preferences\": {\"theme\": \"dark\"}\n}\n"
	out, res := upsertBytes(t, c, in)
	if res != Added {
		t.Fatal(res)
	}
	want := "{\n  \"preferences\": {\"theme\": \"dark\"},\n  \"mcpServers\": {\n    \"nextcloud\": {\n      \"command\": \"/opt/nextcloud-mcp/bin/nextcloud-mcp\",\n" +
		"      \"args\": [\n        \"serve\",\n        \"--read-only\"\n      ],\n      \"env\": {}\n    }\n  }\n}\n"
	if out != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
}

func TestUpsertNewAndEmptyFiles(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	for _, in := range []string{"", "  \n", "{}", "{ }\n"} {
		out, res := upsertBytes(t, c, in)
		if res != Added {
			t.Errorf("%q: result %v", in, res)
		}
		m := decode(t, out)
		if _, ok := m["mcpServers"].(map[string]any)["nextcloud"]; !ok {
			t.Errorf("%q: entry missing:\n%s", in, out)
		}
	}
}

func TestUpsertEmptySection(t *testing.T) {
	c := mustClient(t, "windsurf")
	out, _ := upsertBytes(t, c, "{\n  \"mcpServers\": {}\n}\n")
	if !strings.Contains(out, "\"mcpServers\": {\"nextcloud\":") && !strings.Contains(out, "\"mcpServers\": {\n    \"nextcloud\": {") {
		t.Errorf("unexpected:\n%s", out)
	}
	back, _ := removeBytes(t, c, out)
	if decode(t, back)["mcpServers"] == nil || len(decode(t, back)["mcpServers"].(map[string]any)) != 0 {
		t.Errorf("remove should leave an empty map:\n%s", back)
	}
}

func TestUpsertMinifiedFileStaysOnOneLine(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	in := `{"mcpServers":{"a":{"command":"a"}},"x":1}`
	out, _ := upsertBytes(t, c, in)
	if strings.Contains(out, "\n") {
		t.Errorf("a minified file grew line breaks:\n%s", out)
	}
	if !strings.HasPrefix(out, `{"mcpServers":{"a":{"command":"a"},"nextcloud":{`) || !strings.HasSuffix(out, `}},"x":1}`) {
		t.Errorf("unexpected:\n%s", out)
	}
	back, _ := removeBytes(t, c, out)
	if back != in {
		t.Errorf("round trip: %s", back)
	}
}

func TestCRLFIsKept(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	in := "{\r\n  \"mcpServers\": {\r\n    \"a\": {\"command\": \"a\"}\r\n  }\r\n}\r\n"
	out, _ := upsertBytes(t, c, in)
	if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Errorf("mixed line endings:\n%q", out)
	}
	back, _ := removeBytes(t, c, out)
	if back != in {
		t.Errorf("round trip:\n%q", back)
	}
}

// zedSettings is what a real Zed settings file looks like: comments and
// trailing commas, which a JSON re-encode would destroy.
const zedSettings = `// Zed settings
//
// For information on how to configure Zed, see the Zed
// documentation: https://zed.dev/docs/configuring-zed
{
  "theme": "One Dark", // my favourite
  /* fonts */
  "buffer_font_size": 15,
  "context_servers": {
    "github": {
      "source": "custom",
      "command": "github-mcp",
      "args": [],
    }, // keep me
  },
}
`

func TestZedCommentsAndTrailingCommasSurvive(t *testing.T) {
	c := mustClient(t, "zed")
	out, res := upsertBytes(t, c, zedSettings)
	if res != Added {
		t.Fatal(res)
	}
	for _, keep := range []string{"// Zed settings", "// my favourite", "/* fonts */", "// keep me", `"github": {`} {
		if !strings.Contains(out, keep) {
			t.Errorf("lost %q:\n%s", keep, out)
		}
	}
	if !strings.Contains(out, "    }, // keep me\n    \"nextcloud\": {\n      \"source\": \"custom\",\n      \"command\"") {
		t.Errorf("entry not placed after the commented member:\n%s", out)
	}
	back, res := removeBytes(t, c, out)
	if res != Removed || back != zedSettings {
		t.Errorf("round trip (result %v):\n%s", res, back)
	}
}

func TestZedSectionAddedToCommentedFile(t *testing.T) {
	c := mustClient(t, "zed")
	in := "// Zed settings\n{\n  \"vim_mode\": true, // yes\n}\n"
	out, _ := upsertBytes(t, c, in)
	if !strings.HasPrefix(out, "// Zed settings\n{\n  \"vim_mode\": true, // yes\n  \"context_servers\": {") {
		t.Errorf("unexpected:\n%s", out)
	}
}

func TestVSCodeEntryShape(t *testing.T) {
	c := mustClient(t, "vscode")
	out, _ := upsertBytes(t, c, "{\n\t\"servers\": {},\n\t\"inputs\": []\n}")
	m := decode(t, out)
	ours := m["servers"].(map[string]any)["nextcloud"].(map[string]any)
	if ours["type"] != "stdio" || ours["command"] != testEntry.Command {
		t.Errorf("VS Code entry = %v", ours)
	}
	if _, ok := m["inputs"]; !ok {
		t.Error("inputs lost")
	}
}

func TestEntryShapes(t *testing.T) {
	tests := map[string]string{
		"claude-desktop": `{"command":"/b","args":["serve"],"env":{}}`,
		"claude-code":    `{"type":"stdio","command":"/b","args":["serve"],"env":{}}`,
		"cursor":         `{"command":"/b","args":["serve"],"env":{}}`,
		"vscode":         `{"type":"stdio","command":"/b","args":["serve"],"env":{}}`,
		"windsurf":       `{"command":"/b","args":["serve"],"env":{}}`,
		"zed":            `{"source":"custom","command":"/b","args":["serve"],"env":{}}`,
	}
	for id, want := range tests {
		c := mustClient(t, id)
		got, err := c.render(NewEntry("/b", nil, nil)).marshalIndent("", "")
		if err != nil || string(got) != want {
			t.Errorf("%s: got %s, want %s (%v)", id, got, want, err)
		}
	}
	sections := map[string]string{"claude-desktop": "mcpServers", "claude-code": "mcpServers", "cursor": "mcpServers",
		"vscode": "servers", "windsurf": "mcpServers", "zed": "context_servers"}
	for id, want := range sections {
		if got := mustClient(t, id).Section; got != want {
			t.Errorf("%s section = %s, want %s", id, got, want)
		}
	}
}

func TestRemoveVariants(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	tests := []struct{ name, in, want string }{
		{"first of three",
			"{\n  \"mcpServers\": {\n    \"nextcloud\": {\"command\": \"n\"},\n    \"a\": {},\n    \"b\": {}\n  }\n}",
			"{\n  \"mcpServers\": {\n    \"a\": {},\n    \"b\": {}\n  }\n}"},
		{"last of three",
			"{\n  \"mcpServers\": {\n    \"a\": {},\n    \"b\": {},\n    \"nextcloud\": {\"command\": \"n\"}\n  }\n}",
			"{\n  \"mcpServers\": {\n    \"a\": {},\n    \"b\": {}\n  }\n}"},
		{"only one",
			"{\n  \"mcpServers\": {\n    \"nextcloud\": {\"command\": \"n\"}\n  },\n  \"x\": 1\n}",
			"{\n  \"mcpServers\": {},\n  \"x\": 1\n}"},
		{"inline",
			`{"mcpServers": {"a": 1, "nextcloud": {"command": "n"}, "b": 2}}`,
			`{"mcpServers": {"a": 1, "b": 2}}`},
		{"absent",
			"{\"mcpServers\": {\"a\": 1}}",
			"{\"mcpServers\": {\"a\": 1}}"},
		{"no section",
			"{\"x\": 1}",
			"{\"x\": 1}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := removeBytes(t, c, tt.in)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRefusesWhatItCannotEditSafely(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	for name, in := range map[string]string{
		"section not an object": `{"mcpServers": []}`,
		"duplicate section":     `{"mcpServers": {}, "mcpServers": {}}`,
		"duplicate entry":       `{"mcpServers": {"nextcloud": {}, "nextcloud": {}}}`,
	} {
		d, err := parseConfig([]byte(in), false)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := d.upsert(c.Section, DefaultName, c.render(testEntry)); err == nil {
			t.Errorf("%s: upsert accepted it", name)
		}
		if name != "section not an object" {
			if _, _, err := d.remove(c.Section, DefaultName); err == nil {
				t.Errorf("%s: remove accepted it", name)
			}
		}
	}
	if _, err := parseConfig([]byte(`["not", "an", "object"]`), false); err == nil {
		t.Error("a top-level array was accepted")
	}
}

func TestBOMIsKept(t *testing.T) {
	c := mustClient(t, "claude-desktop")
	in := "\uFEFF{\n  \"mcpServers\": {}\n}\n"
	out, _ := upsertBytes(t, c, in)
	if !bytes.HasPrefix([]byte(out), []byte{0xEF, 0xBB, 0xBF}) {
		t.Error("byte order mark lost")
	}
}

// FuzzUpsertThenRemove checks the two properties every edit must have on
// any file the client accepts: the result still parses with every other key
// and server intact, and removing our entry again gives back the original
// content (plus, at most, an empty server map).
func FuzzUpsertThenRemove(f *testing.F) {
	for _, s := range []string{claudeConfig, zedSettings, "{}", `{"mcpServers":{"nextcloud":{"command":"old"}}}`,
		"{\n  \"a\": 1, // c\n  \"mcpServers\": { /* none */ },\n}", "{\"mcpServers\":{\"x\":1,}}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		c := Client{Section: "mcpServers", JSONC: true}
		d, err := parseConfig([]byte(in), true)
		if err != nil {
			return
		}
		out, _, err := d.upsert(c.Section, DefaultName, c.render(testEntry))
		if err != nil {
			return // refused (duplicates, section not an object): fine
		}
		d2, err := parseConfig(out, true)
		if err != nil {
			t.Fatalf("upsert output does not parse: %v\n%q\n->\n%q", err, in, out)
		}
		strict := json.Valid([]byte(in))
		if strict && !json.Valid(out) {
			t.Fatalf("strict JSON in, JSONC out:\n%q\n->\n%q", in, out)
		}
		before, after := rootValue(d), rootValue(d2)
		for k, v := range before {
			if k == c.Section {
				continue
			}
			if !reflect.DeepEqual(after[k], v) {
				t.Fatalf("key %q changed: %v -> %v\n%q", k, v, after[k], out)
			}
		}
		secBefore, _ := before[c.Section].(map[string]any)
		secAfter := after[c.Section].(map[string]any)
		for k, v := range secBefore {
			if k != DefaultName && !reflect.DeepEqual(secAfter[k], v) {
				t.Fatalf("server %q changed\n%q", k, out)
			}
		}
		if !sameJSON(secAfter[DefaultName], c.render(testEntry)) {
			t.Fatalf("entry not written: %v", secAfter[DefaultName])
		}
		back, _, err := d2.remove(c.Section, DefaultName)
		if err != nil {
			t.Fatal(err)
		}
		d3, err := parseConfig(back, true)
		if err != nil {
			t.Fatalf("remove output does not parse: %v\n%q", err, back)
		}
		if strict && !json.Valid(back) {
			t.Fatalf("strict JSON in, JSONC out after remove:\n%q", back)
		}
		restored := rootValue(d3)
		if _, had := before[c.Section]; !had {
			if sec, ok := restored[c.Section].(map[string]any); ok && len(sec) == 0 {
				delete(restored, c.Section)
			}
		}
		if secBefore != nil {
			delete(secBefore, DefaultName)
		}
		if len(before) == 0 && len(restored) == 0 {
			return
		}
		if !reflect.DeepEqual(before, restored) {
			t.Fatalf("remove(upsert(x)) != x:\n%v\n%v\n%q", before, restored, back)
		}
	})
}

func rootValue(d *document) map[string]any {
	if d.root == nil {
		return map[string]any{}
	}
	return d.root.value.(map[string]any)
}
