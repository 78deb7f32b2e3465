package tools

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"sync"
)

// schemas.tsv holds every tool's input and output schema as reflected from
// its Go types, one tool per line: name, input schema, output schema,
// separated by tabs (compact JSON never holds a raw tab or newline). Splitting
// lines takes microseconds where decoding JSON took milliseconds, and this
// runs before every initialize. TestSchemasCurrent keeps it equal to the
// reflection; rewrite it with:
//
//	go test ./tools -run 'TestSchemasCurrent|TestToolSurface' -update
//
//go:embed schemas.tsv
var embeddedSchemas []byte

// toolSchemas are one tool's schemas, as JSON.
type toolSchemas struct {
	Input  json.RawMessage
	Output json.RawMessage
}

// schemaCache reads schemas.tsv on first use. reflect turns it off, so a
// test can compare the file with freshly reflected schemas.
type schemaCache struct {
	reflect bool
	once    sync.Once
	byName  map[string]toolSchemas
}

func (c *schemaCache) lookup(name string) (toolSchemas, bool) {
	c.once.Do(func() {
		if !c.reflect {
			c.byName = parseSchemas(embeddedSchemas)
		}
	})
	sc, ok := c.byName[name]
	return sc, ok
}

// parseSchemas reads the tab-separated lines. A malformed line only costs
// speed: that tool is then reflected.
func parseSchemas(data []byte) map[string]toolSchemas {
	out := map[string]toolSchemas{}
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		name, rest, ok := bytes.Cut(line, []byte("\t"))
		if !ok {
			continue
		}
		in, o, ok := bytes.Cut(rest, []byte("\t"))
		if !ok {
			continue
		}
		out[string(name)] = toolSchemas{Input: in, Output: o}
	}
	return out
}

// formatSchemas writes the lines parseSchemas reads, sorted by tool name.
func formatSchemas(byName map[string]toolSchemas, names []string) []byte {
	var b bytes.Buffer
	for _, n := range names {
		sc := byName[n]
		b.WriteString(n)
		b.WriteByte('\t')
		b.Write(sc.Input)
		b.WriteByte('\t')
		b.Write(sc.Output)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
