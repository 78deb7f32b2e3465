package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
)

// Models in strict function-calling modes (and some clients on their behalf)
// send null for every optional argument they leave out. For a typed argument
// null and absence mean the same thing (Go decodes both to the zero value),
// yet mcp-go's validation would refuse "limit": null against "integer", and
// the model would have to call again. nullDropper, run before validation,
// removes a null wherever the input schema gives the argument a type that
// is not null; that also lets the input schemas leave "null" out of their
// types (schema_compact.go). Values without a declared type (Tables cells,
// free JSON) keep their nulls, where null can mean "clear".

type nullDropper struct {
	tools func() []Tool

	mu      sync.Mutex
	schemas map[string]*object
}

func newNullDropper(tools func() []Tool) *nullDropper {
	return &nullDropper{tools: tools, schemas: map[string]*object{}}
}

// beforeCall rewrites the call's arguments without their dropped nulls.
func (n *nullDropper) beforeCall(_ context.Context, _ any, req *mcp.CallToolRequest) {
	raw, err := rawArguments(req)
	if err != nil || !bytes.Contains(raw, []byte("null")) {
		return
	}
	schema := n.schema(req.Params.Name)
	if schema == nil {
		return
	}
	args, err := parseOrdered(raw)
	if err != nil || !dropTypedNulls(args, schema) {
		return
	}
	var buf bytes.Buffer
	if encodeOrdered(&buf, args) != nil {
		return
	}
	var decoded any
	if json.Unmarshal(buf.Bytes(), &decoded) != nil {
		return
	}
	req.Params.RawArguments = buf.Bytes()
	req.Params.Arguments = decoded
}

// schema is the tool's input schema, parsed once.
func (n *nullDropper) schema(tool string) *object {
	n.mu.Lock()
	defer n.mu.Unlock()
	if s, ok := n.schemas[tool]; ok {
		return s
	}
	var found *object
	if def, ok := toolDef(n.tools, tool); ok {
		if raw, err := schemaBytes(def.RawInputSchema, def.InputSchema); err == nil {
			if v, err := parseOrdered(raw); err == nil {
				found, _ = v.(*object)
			}
		}
	}
	n.schemas[tool] = found
	return found
}

// dropTypedNulls removes, in objects the schema describes property by
// property, the null values of properties with a non-null type, at any
// depth. It reports whether it removed any.
func dropTypedNulls(v any, schema *object) bool {
	if schema == nil {
		return false
	}
	changed := false
	switch node := v.(type) {
	case *object:
		props, _ := schema.vals["properties"].(*object)
		if props == nil {
			return false
		}
		for _, k := range slices.Clone(node.keys) {
			prop, _ := props.vals[k].(*object)
			if prop == nil {
				continue
			}
			if node.vals[k] == nil {
				if typedNotNull(prop) {
					node.del(k)
					changed = true
				}
				continue
			}
			changed = dropTypedNulls(node.vals[k], prop) || changed
		}
	case []any:
		items, _ := schema.vals["items"].(*object)
		for _, el := range node {
			changed = dropTypedNulls(el, items) || changed
		}
	}
	return changed
}

// typedNotNull: the schema declares a type, and null is not among it.
func typedNotNull(schema *object) bool {
	switch t := schema.vals["type"].(type) {
	case string:
		return t != "null"
	case []any:
		return !slices.Contains(t, any("null"))
	}
	return false
}
