package tools

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// mcp-go checks arguments against the input schema before any handler runs
// and reports failures as "input schema validation failed: /path: &{…}",
// a Go struct dump. rewriteValidationError, run as an after-call hook,
// turns that into one sentence that names the arguments and the fix.

const validationPrefix = "input schema validation failed: "

var (
	leafPattern    = regexp.MustCompile(`^(<root>|/[^:]*): &\{(\w+):(.*)\}$`)
	gotWantPattern = regexp.MustCompile(`^(\S+) Want:\[(.*)\]$`)
)

func rewriteValidationError(_ context.Context, _ any, req *mcp.CallToolRequest, result any) {
	res, ok := result.(*mcp.CallToolResult)
	if !ok || res == nil || !res.IsError || len(res.Content) != 1 {
		return
	}
	tc, ok := res.Content[0].(mcp.TextContent)
	if !ok || !strings.HasPrefix(tc.Text, validationPrefix) {
		return
	}
	tc.Text = explainValidation(req.Params.Name, strings.TrimPrefix(tc.Text, validationPrefix))
	res.Content[0] = tc
}

// explainValidation rewrites the semicolon-separated leaf messages.
func explainValidation(tool, detail string) string {
	var parts []string
	for _, leaf := range strings.Split(detail, "; ") {
		parts = append(parts, explainLeaf(leaf))
	}
	return fmt.Sprintf("The arguments of %s do not match its input schema: %s; fix them and call again.", tool, strings.Join(parts, "; "))
}

func explainLeaf(leaf string) string {
	m := leafPattern.FindStringSubmatch(strings.TrimSpace(leaf))
	if m == nil {
		return leaf
	}
	where, kind, body := m[1], m[2], m[3]
	arg := strings.ReplaceAll(strings.TrimPrefix(where, "/"), "/", ".")
	list := strings.Join(strings.Fields(strings.Trim(body, "[]")), ", ")
	switch kind {
	case "Missing":
		if where == "<root>" {
			return "missing required argument " + list
		}
		return fmt.Sprintf("%s lacks %s", arg, list)
	case "Properties", "AdditionalProperties":
		return "unknown argument " + list
	case "Got":
		if gw := gotWantPattern.FindStringSubmatch(body); gw != nil {
			return fmt.Sprintf("%s must be %s, not %s", arg, strings.Join(strings.Fields(gw[2]), " or "), gw[1])
		}
	}
	if where == "<root>" {
		return fmt.Sprintf("%s: %s", strings.ToLower(kind), body)
	}
	return fmt.Sprintf("%s: %s %s", arg, strings.ToLower(kind), body)
}
