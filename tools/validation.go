package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// mcp-go checks arguments against the input schema before any handler runs
// and reports failures as "input schema validation failed: /path: &{…}", a
// Go struct dump that also echoes the value in full. argExplainer, run as an
// after-call hook, validates the arguments once more with the same library
// and writes one sentence from the typed failures: the argument, what it must
// be with an example, and what it was (clipped). The second validation runs
// only for calls that already failed, so it costs nothing on the hot path.

const validationPrefix = "input schema validation failed: "

// maxLeaves is how many schema failures one sentence names.
const maxLeaves = 4

type argExplainer struct {
	tools func() []Tool

	mu       sync.Mutex
	compiled map[string]*jsonschema.Schema
}

func newArgExplainer(tools func() []Tool) *argExplainer {
	return &argExplainer{tools: tools, compiled: map[string]*jsonschema.Schema{}}
}

// afterCall rewrites a schema failure and then tidies any error text.
func (a *argExplainer) afterCall(_ context.Context, _ any, req *mcp.CallToolRequest, result any) {
	res, ok := result.(*mcp.CallToolResult)
	if !ok || res == nil || !res.IsError {
		return
	}
	if len(res.Content) == 1 {
		if tc, ok := res.Content[0].(mcp.TextContent); ok && strings.HasPrefix(tc.Text, validationPrefix) {
			tc.Text = a.explain(req)
			res.Content[0] = tc
		}
	}
	tidyToolError(res)
}

// explain validates the request's arguments and describes the failures.
func (a *argExplainer) explain(req *mcp.CallToolRequest) string {
	tool := req.Params.Name
	generic := fmt.Sprintf("The arguments of %s do not match its input schema: check their names and types and call again.", tool)
	sch := a.schema(tool)
	if sch == nil {
		return generic
	}
	raw, err := rawArguments(req)
	if err != nil {
		return generic
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return generic
	}
	verr, ok := sch.Validate(doc).(*jsonschema.ValidationError)
	if !ok {
		return generic
	}
	var parts []string
	for _, leaf := range validationLeaves(verr) {
		parts = append(parts, describeLeaf(leaf, valueAt(doc, leaf.InstanceLocation), a.argNames(tool)))
	}
	parts = slices.Compact(parts)
	if len(parts) == 0 {
		return generic
	}
	if len(parts) > maxLeaves {
		parts = append(parts[:maxLeaves], fmt.Sprintf("and %d more", len(parts)-maxLeaves))
	}
	return fmt.Sprintf("The arguments of %s do not match its input schema: %s; fix them and call again.", tool, strings.Join(parts, "; "))
}

func rawArguments(req *mcp.CallToolRequest) ([]byte, error) {
	if len(req.Params.RawArguments) > 0 {
		return req.Params.RawArguments, nil
	}
	if req.Params.Arguments == nil {
		return []byte("{}"), nil
	}
	return json.Marshal(req.Params.Arguments)
}

// toolDef finds a tool's definition by name among the registry's tools.
func toolDef(tools func() []Tool, name string) (mcp.Tool, bool) {
	for _, t := range tools() {
		if t.Def.Name == name {
			return t.Def, true
		}
	}
	return mcp.Tool{}, false
}

// schema compiles the tool's input schema once.
func (a *argExplainer) schema(tool string) *jsonschema.Schema {
	a.mu.Lock()
	defer a.mu.Unlock()
	if s, ok := a.compiled[tool]; ok {
		return s
	}
	def, ok := toolDef(a.tools, tool)
	if !ok {
		return nil
	}
	raw := []byte(def.RawInputSchema)
	if len(raw) == 0 {
		var err error
		if raw, err = json.Marshal(def.InputSchema); err != nil {
			return nil
		}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	c := jsonschema.NewCompiler()
	url := "mem:///" + tool + ".json"
	if c.AddResource(url, doc) != nil {
		return nil
	}
	s, err := c.Compile(url)
	if err != nil {
		return nil
	}
	a.compiled[tool] = s
	return s
}

// argNames lists the tool's top-level arguments, for "unknown argument".
func (a *argExplainer) argNames(tool string) []string {
	def, ok := toolDef(a.tools, tool)
	if !ok {
		return nil
	}
	raw := []byte(def.RawInputSchema)
	if len(raw) == 0 {
		raw, _ = json.Marshal(def.InputSchema)
	}
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
	}
	if json.Unmarshal(raw, &s) != nil {
		return nil
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func validationLeaves(v *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(v.Causes) == 0 {
		return []*jsonschema.ValidationError{v}
	}
	var out []*jsonschema.ValidationError
	for _, c := range v.Causes {
		out = append(out, validationLeaves(c)...)
	}
	return out
}

// argPath names a location in the arguments: attendees[0].email.
func argPath(segments []string) string {
	var b strings.Builder
	for _, s := range segments {
		if _, err := strconv.Atoi(s); err == nil {
			b.WriteString("[" + s + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

var englishPrinter = message.NewPrinter(language.English)

// valueAt is the value at a location in the decoded arguments, nil if absent.
func valueAt(doc any, path []string) any {
	for _, seg := range path {
		switch d := doc.(type) {
		case map[string]any:
			doc = d[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(d) {
				return nil
			}
			doc = d[i]
		default:
			return nil
		}
	}
	return doc
}

func describeLeaf(v *jsonschema.ValidationError, got any, known []string) string {
	where := argPath(v.InstanceLocation)
	switch k := v.ErrorKind.(type) {
	case *kind.Required:
		if where == "" {
			return "missing required argument " + strings.Join(k.Missing, ", ")
		}
		return fmt.Sprintf("%s lacks %s", where, strings.Join(k.Missing, ", "))
	case *kind.AdditionalProperties:
		names := make([]string, len(k.Properties))
		for i, p := range k.Properties {
			names[i] = clipRunes(p, 40)
		}
		msg := "unknown argument " + strings.Join(names, ", ")
		if where == "" && len(known) > 0 && len(known) <= 12 {
			msg += " (known: " + strings.Join(known, ", ") + ")"
		} else if where != "" {
			msg = fmt.Sprintf("%s has an unknown field %s", where, strings.Join(names, ", "))
		}
		return msg
	case *kind.Type:
		want := make([]string, 0, len(k.Want))
		for _, w := range k.Want {
			want = append(want, jsonKindWithExample(w))
		}
		return fmt.Sprintf("%s must be %s, not %s", orArguments(where), strings.Join(want, " or "), sentValue(k.Got, got))
	case *kind.Enum:
		choices := make([]string, 0, len(k.Want))
		for _, w := range k.Want {
			choices = append(choices, fmt.Sprint(w))
		}
		return fmt.Sprintf("%s must be one of %s, not %s", where, strings.Join(choices, ", "), echoJSONValue(k.Got))
	case *kind.Const:
		return fmt.Sprintf("%s must be %s, not %s", where, echoJSONValue(k.Want), echoJSONValue(k.Got))
	}
	msg := v.ErrorKind.LocalizedString(englishPrinter)
	if where == "" {
		return msg
	}
	return where + ": " + msg
}

// orArguments names the root "the arguments" when the whole value is wrong.
func orArguments(where string) string {
	if where == "" {
		return "the arguments"
	}
	return where
}

// echoJSONValue shows a value the model sent, clipped.
func echoJSONValue(v any) string {
	switch x := v.(type) {
	case string:
		return quoteClipped(x)
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return clipRunes(fmt.Sprint(v), 40)
}

// sentValue names what the model sent: the value itself when it is short
// and plain (1.5, true, "abc"), else its kind.
func sentValue(kind string, v any) string {
	switch x := v.(type) {
	case string:
		return "the string " + quoteClipped(x)
	case bool, json.Number, float64, int, int64:
		return clipRunes(fmt.Sprint(x), 40)
	}
	return jsonKindArticle(kind)
}

// jsonKindWithExample names a JSON Schema type with an example value.
func jsonKindWithExample(t string) string {
	switch t {
	case "integer":
		return "an integer (for example 42)"
	case "number":
		return "a number (for example 1.5)"
	case "string":
		return `a string (for example "text")`
	case "boolean":
		return "true or false"
	case "array":
		return "a list (for example [\"a\", \"b\"])"
	case "object":
		return "an object (for example {\"key\": \"value\"})"
	case "null":
		return "null"
	}
	return t
}

// jsonKindArticle names the type of a value that was sent.
func jsonKindArticle(t string) string {
	switch t {
	case "integer":
		return "an integer"
	case "number":
		return "a number"
	case "string":
		return "a string"
	case "boolean":
		return "a boolean"
	case "array":
		return "a list"
	case "object":
		return "an object"
	case "null":
		return "null"
	}
	return t
}
