package tooldocs

import (
	"strings"
	"testing"
)

func TestRenderPlacesEveryTool(t *testing.T) {
	golden := `[
	 {"name":"nc_a_get","title":"Get | a","description":"Reads one a. Then more.","annotations":{"readOnlyHint":true,"destructiveHint":false,"idempotentHint":true,"openWorldHint":false},
	  "inputSchema":{"type":"object","properties":{"limit":{"type":"integer"},"id":{"type":"integer"}},"required":["id"]}},
	 {"name":"nc_b_new","title":"New b","description":"Makes a b.","annotations":{},"inputSchema":{"type":"object"}}
	]`
	page, err := Render([]byte(golden), []Set{{Name: "a", Description: "The a app.", Tools: []string{"nc_a_get", "nc_gone"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{
		"2 tools.",
		"## a\n\nThe a app.",
		"| `nc_a_get` | Get \\| a | R I | Reads one a. | id*, limit |",
		"## other",
		"| `nc_b_new` | New b | – | Makes a b. | – |",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("page lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "nc_gone") {
		t.Error("a tool missing from the surface is listed")
	}
	if _, err := Render([]byte("not json"), nil); err == nil {
		t.Error("a broken surface renders")
	}
}
