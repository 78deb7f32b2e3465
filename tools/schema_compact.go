package tools

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
)

// The tool list is paid for in every conversation, so the schemas are
// compacted once, when they are reflected (and so in schemas.tsv):
//
//   - input schemas lose "additionalProperties": false. It cost 28 bytes on
//     every object; unknown arguments are still refused, by
//     refuseUnknownArguments, with the same sentence;
//   - input types lose "null" (["null","array"] becomes "array"): a null
//     argument is dropped before validation (null_arguments.go), so it is
//     still accepted, and means what leaving it out means;
//   - output schemas lose their descriptions and "additionalProperties":
//     false. Clients validate structured results against them and do not
//     show them to the model; the field names say what a program needs.

// compactReflected rewrites a freshly reflected tool's schemas compactly.
func compactReflected(tool *mcp.Tool) error {
	in, err := schemaBytes(tool.RawInputSchema, tool.InputSchema)
	if err != nil {
		return err
	}
	out, err := schemaBytes(tool.RawOutputSchema, tool.OutputSchema)
	if err != nil {
		return err
	}
	if in, err = rewriteSchema(in, false); err != nil {
		return err
	}
	if out, err = rewriteSchema(out, true); err != nil {
		return err
	}
	tool.InputSchema, tool.RawInputSchema = mcp.ToolInputSchema{}, in
	tool.OutputSchema, tool.RawOutputSchema = mcp.ToolOutputSchema{}, out
	return nil
}

func schemaBytes(raw json.RawMessage, structured any) ([]byte, error) {
	if len(raw) > 0 {
		return raw, nil
	}
	return json.Marshal(structured)
}

// rewriteSchema drops "additionalProperties": false everywhere, and in an
// output schema every description, keeping the order of keys and
// properties as reflected (it is the order the model reads them in).
func rewriteSchema(b []byte, output bool) ([]byte, error) {
	v, err := parseOrdered(b)
	if err != nil {
		return nil, fmt.Errorf("decode schema: %w", err)
	}
	var buf bytes.Buffer
	if err := encodeOrdered(&buf, rewriteNode(v, output)); err != nil {
		return nil, fmt.Errorf("encode schema: %w", err)
	}
	return buf.Bytes(), nil
}

// object is a JSON object that keeps its key order.
type object struct {
	keys []string
	vals map[string]any
}

func (o *object) del(k string) {
	delete(o.vals, k)
	for i, key := range o.keys {
		if key == k {
			o.keys = append(o.keys[:i], o.keys[i+1:]...)
			return
		}
	}
}

// parseOrdered reads JSON keeping key order and exact numbers.
func parseOrdered(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return decodeOrdered(d)
}

func decodeOrdered(d *json.Decoder) (any, error) {
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{vals: map[string]any{}}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeOrdered(d)
				if err != nil {
					return nil, err
				}
				o.keys = append(o.keys, k)
				o.vals[k] = v
			}
			_, err := d.Token()
			return o, err
		case '[':
			a := []any{}
			for d.More() {
				v, err := decodeOrdered(d)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := d.Token()
			return a, err
		}
	}
	return tok, nil
}

func encodeOrdered(buf *bytes.Buffer, v any) error {
	switch n := v.(type) {
	case *object:
		buf.WriteByte('{')
		for i, k := range n.keys {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeScalar(buf, k); err != nil {
				return err
			}
			buf.WriteByte(':')
			if err := encodeOrdered(buf, n.vals[k]); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
		return nil
	case []any:
		buf.WriteByte('[')
		for i, e := range n {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := encodeOrdered(buf, e); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
		return nil
	}
	return encodeScalar(buf, v)
}

func encodeScalar(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode ends with a newline
	return nil
}

func rewriteNode(v any, output bool) any {
	switch n := v.(type) {
	case *object:
		if ap, ok := n.vals["additionalProperties"].(bool); ok && !ap {
			n.del("additionalProperties")
		}
		if _, ok := n.vals["description"].(string); ok && output {
			n.del("description")
		}
		if types, ok := n.vals["type"].([]any); ok && !output {
			if rest := slices.DeleteFunc(slices.Clone(types), func(t any) bool { return t == "null" }); len(rest) == 1 {
				n.vals["type"] = rest[0]
			}
		}
		for _, k := range n.keys {
			if props, ok := n.vals[k].(*object); ok && (k == "properties" || k == "$defs") {
				for _, name := range props.keys {
					props.vals[name] = rewriteNode(props.vals[name], output)
				}
				continue
			}
			n.vals[k] = rewriteNode(n.vals[k], output)
		}
		return n
	case []any:
		for i := range n {
			n[i] = rewriteNode(n[i], output)
		}
		return n
	}
	return v
}

// refuseUnknownArguments answers a call that passes an argument In has no
// field for, as the schema's additionalProperties did before it was left out.
func refuseUnknownArguments[In any](tool string, req mcp.CallToolRequest) *mcp.CallToolResult {
	args := req.GetRawArguments()
	if args == nil {
		return nil
	}
	b, err := json.Marshal(args)
	if err != nil || bytes.Equal(b, []byte("{}")) || bytes.Equal(b, []byte("null")) {
		return nil
	}
	var in In
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	err = d.Decode(&in)
	const marker = "json: unknown field "
	if err == nil || !strings.HasPrefix(err.Error(), marker) {
		// Other decoding problems are bindInput's to explain.
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return nil
	}
	name := clipRunes(strings.Trim(strings.TrimPrefix(err.Error(), marker), `"`), 80)
	msg := "unknown argument " + name
	if known := argumentNames(reflect.TypeFor[In]()); len(known) > 0 && len(known) <= 12 {
		msg += " (known: " + strings.Join(known, ", ") + ")"
	}
	return mcp.NewToolResultError(fmt.Sprintf("The arguments of %s do not match its input schema: %s; fix them and call again.", tool, msg))
}

// argumentNames lists the JSON names of a tool input's top-level fields, in
// declaration order, so an unknown argument can be answered with the right ones.
func argumentNames(t reflect.Type) []string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && f.Tag.Get("json") == "" {
			out = append(out, argumentNames(f.Type)...)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}
