package tools

import (
	_ "embed"
	"encoding/json"
	"sync"
)

// schemas.json holds every tool's input and output schema as reflected from
// its Go types. TestSchemasCurrent keeps it equal to the reflection; rewrite
// it with: go test ./tools -run 'TestSchemasCurrent|TestToolSurface' -update
//
//go:embed schemas.json
var embeddedSchemas []byte

// toolSchemas are one tool's schemas, as JSON.
type toolSchemas struct {
	Input  json.RawMessage `json:"input"`
	Output json.RawMessage `json:"output"`
}

// schemaCache parses schemas.json on first use. reflect turns it off, so a
// test can compare the file with freshly reflected schemas.
type schemaCache struct {
	reflect bool
	once    sync.Once
	byName  map[string]toolSchemas
}

func (c *schemaCache) lookup(name string) (toolSchemas, bool) {
	c.once.Do(func() {
		if c.reflect {
			return
		}
		// A broken file only costs speed: every tool is then reflected.
		_ = json.Unmarshal(embeddedSchemas, &c.byName)
	})
	sc, ok := c.byName[name]
	return sc, ok
}
