package tools

import (
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
)

// Cost is what tool definitions cost a conversation, as tools/list sends
// them. Visible is the part clients hand to the model on every turn (name,
// description, input schema); Rest is what stays with the client (title,
// annotations, output schema).
type Cost struct {
	Tools        int `json:"tools"`
	VisibleBytes int `json:"visible_bytes"`
	RestBytes    int `json:"rest_bytes"`
}

// bytesPerToken turns bytes into an estimate of tokens without carrying a
// tokenizer in the binary. It is the ratio the o200k_base tokenizer gives
// for this server's tool definitions; TestTokenEstimateCalibrated keeps it
// within 10% of the real count.
const bytesPerToken = 4.3

// Add sums two costs.
func (c Cost) Add(o Cost) Cost {
	return Cost{Tools: c.Tools + o.Tools, VisibleBytes: c.VisibleBytes + o.VisibleBytes, RestBytes: c.RestBytes + o.RestBytes}
}

// EstimatedTokens is the visible part in tokens, estimated from its bytes.
func (c Cost) EstimatedTokens() int { return EstimateTokens(c.VisibleBytes) }

// EstimateTokens estimates the tokens of n bytes of tool JSON.
func EstimateTokens(n int) int { return int(float64(n)/bytesPerToken + 0.5) }

// ModelView splits one definition into the JSON a model sees (name,
// description, input schema) and the whole definition as tools/list sends it.
func ModelView(def mcp.Tool) (visible, full []byte, err error) {
	full, err = json.Marshal(def)
	if err != nil {
		return nil, nil, fmt.Errorf("encode %s: %w", def.Name, err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(full, &fields); err != nil {
		return nil, nil, fmt.Errorf("decode %s: %w", def.Name, err)
	}
	seen := map[string]json.RawMessage{}
	for _, k := range []string{"name", "description", "inputSchema"} {
		if v, ok := fields[k]; ok {
			seen[k] = v
		}
	}
	visible, err = json.Marshal(seen)
	if err != nil {
		return nil, nil, fmt.Errorf("encode %s: %w", def.Name, err)
	}
	return visible, full, nil
}

// DefinitionsCost measures definitions as tools/list sends them.
func DefinitionsCost(defs []mcp.Tool) (Cost, error) {
	var c Cost
	for _, def := range defs {
		visible, full, err := ModelView(def)
		if err != nil {
			return Cost{}, err
		}
		c = c.Add(Cost{Tools: 1, VisibleBytes: len(visible), RestBytes: len(full) - len(visible)})
	}
	return c, nil
}

// ToolsetCost is the cost of one toolset's tools.
type ToolsetCost struct {
	Name string `json:"name"`
	Cost
}

// Budget measures the registry's tools per toolset, in the order they are
// listed; listed (nil: every tool) says which tools count.
func (r *Registry) Budget(listed func(tool string) bool) ([]ToolsetCost, Cost, error) {
	var out []ToolsetCost
	var total Cost
	for _, ts := range r.Toolsets() {
		var defs []mcp.Tool
		for _, t := range ts.Tools {
			if listed == nil || listed(t.Def.Name) {
				defs = append(defs, t.Def)
			}
		}
		if len(defs) == 0 {
			continue
		}
		c, err := DefinitionsCost(defs)
		if err != nil {
			return nil, Cost{}, err
		}
		out = append(out, ToolsetCost{Name: ts.Name, Cost: c})
		total = total.Add(c)
	}
	return out, total, nil
}

// ListedCost is what the tools listed now cost, before any capability
// filter: in dynamic mode the core and the meta tools.
func (r *Registry) ListedCost() (Cost, error) {
	_, total, err := r.Budget(r.Listed)
	if err != nil || r.dynamic == nil {
		return total, err
	}
	var defs []mcp.Tool
	for _, t := range MetaTools(r) {
		defs = append(defs, t.Def)
	}
	meta, err := DefinitionsCost(defs)
	return total.Add(meta), err
}
