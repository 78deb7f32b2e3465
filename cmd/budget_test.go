package cmd

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tiktoken-go/tokenizer/codec"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/localfs"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

var updateBudget = flag.Bool("update", false, "rewrite the generated tables in docs/budget.md")

// maxVisibleBytes is the budget of the model-visible part (name,
// description, input schema) of every tool together, set from where the
// slimming landed. Raise it only with a reason written in docs/budget.md.
const maxVisibleBytes = 56_500

// maxDynamicStartTokens is the goal for what dynamic mode costs at start,
// tools and instructions together.
const maxDynamicStartTokens = 4000

// o200k counts tokens the way OpenAI's o200k_base tokenizer does: an
// offline Go port with its vocabulary compiled in, used only by tests, so
// the binary carries no tokenizer (status estimates from bytes).
var o200k = sync.OnceValue(func() *codec.Codec { return codec.NewO200kBase() })

func countTokens(t *testing.T, s string) int {
	t.Helper()
	n, err := o200k().Count(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// listedTool is one entry of a real tools/list answer.
type listedTool struct {
	name          string
	visible, full []byte
}

// measured is the cost of a set of tools, tokens counted by o200k.
type measured struct {
	tools, visibleBytes, visibleTokens, restBytes int
}

func (m *measured) add(t *testing.T, lt listedTool) {
	m.tools++
	m.visibleBytes += len(lt.visible)
	m.restBytes += len(lt.full) - len(lt.visible)
	m.visibleTokens += countTokens(t, string(lt.visible))
}

// budgetDeps offers every tool (the sign-in tool included) and no
// credentials, so the capability gate lists everything selected; with a
// local folder allowed, so the transfer tools count too.
func budgetDeps(t *testing.T) *tools.Deps {
	roots, err := localfs.New([]string{t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { roots.Close() })
	return &tools.Deps{Factory: auth.ErrorFactory{ModeName: "basic", Err: auth.ErrNoCredentials}, SignIn: &auth.SignIn{}, LocalRoots: roots}
}

// listTools answers tools/list through the server the given options build,
// exactly as a client receives it, and says which toolset each tool is from.
func listTools(t *testing.T, o tools.Options) ([]listedTool, map[string]string, *tools.Registry) {
	t.Helper()
	d := budgetDeps(t)
	reg, err := tools.NewRegistry(d, tools.All(d), o)
	if err != nil {
		t.Fatal(err)
	}
	s := tools.NewServer(reg, "budget", instructionsBase)
	ctx := context.Background()
	s.HandleMessage(ctx, json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"budget","version":"1"}}}`))
	resp := s.HandleMessage(ctx, json.RawMessage(`{"jsonrpc":"2.0","id":2,"method":"tools/list"}`))
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		Result struct {
			Tools []json.RawMessage `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil || len(msg.Result.Tools) == 0 {
		t.Fatalf("tools/list answered %s (%v)", raw, err)
	}
	var out []listedTool
	for _, full := range msg.Result.Tools {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(full, &fields); err != nil {
			t.Fatal(err)
		}
		vis := map[string]json.RawMessage{"name": fields["name"], "description": fields["description"], "inputSchema": fields["inputSchema"]}
		visible, err := json.Marshal(vis)
		if err != nil {
			t.Fatal(err)
		}
		var name string
		_ = json.Unmarshal(fields["name"], &name)
		out = append(out, listedTool{name: name, visible: visible, full: full})
	}
	toolset := map[string]string{}
	for _, ts := range reg.Toolsets() {
		for _, tool := range ts.Tools {
			toolset[tool.Def.Name] = ts.Name
		}
	}
	return out, toolset, reg
}

func measureAll(t *testing.T, lts []listedTool) measured {
	var m measured
	for _, lt := range lts {
		m.add(t, lt)
	}
	return m
}

// coreProfile is the toolsets of the core profile discussed in docs/budget.md.
var coreProfile = []string{"files", "notes", "calendar", "tasks", "contacts", "search", "auth"}

// budgetTables renders the generated part of docs/budget.md.
func budgetTables(t *testing.T) string {
	var b strings.Builder
	all, toolset, reg := listTools(t, tools.Options{})
	per := map[string]*measured{}
	var order []string
	for _, lt := range all {
		ts := toolset[lt.name]
		if per[ts] == nil {
			per[ts] = &measured{}
			order = append(order, ts)
		}
		per[ts].add(t, lt)
	}
	// The registry's order: the order toolsets are listed in.
	var sorted []string
	for _, ts := range reg.Toolsets() {
		if per[ts.Name] != nil {
			sorted = append(sorted, ts.Name)
		}
	}
	if len(sorted) != len(order) {
		t.Fatalf("toolsets measured %v, registry has %v", order, sorted)
	}
	total := measureAll(t, all)
	instr := countTokens(t, instructionsBase)

	b.WriteString("| toolset | tools | model-visible bytes | model-visible tokens | rest bytes (titles, annotations, output schemas) |\n|---|---:|---:|---:|---:|\n")
	for _, name := range sorted {
		m := per[name]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", name, m.tools, m.visibleBytes, m.visibleTokens, m.restBytes)
	}
	fmt.Fprintf(&b, "| **all** | **%d** | **%d** | **%d** | **%d** |\n\n", total.tools, total.visibleBytes, total.visibleTokens, total.restBytes)

	b.WriteString("| configuration | tools at start | model-visible bytes | tokens: tools | tokens: tools + instructions |\n|---|---:|---:|---:|---:|\n")
	row := func(label string, o tools.Options) {
		lts, _, _ := listTools(t, o)
		m := measureAll(t, lts)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", label, m.tools, m.visibleBytes, m.visibleTokens, m.visibleTokens+instr)
	}
	row("every app (no flags)", tools.Options{})
	row("`--read-only`", tools.Options{ReadOnly: true})
	row("`--toolsets "+strings.Join(coreProfile, ",")+"`", tools.Options{Toolsets: coreProfile})
	row("`--dynamic-toolsets`", tools.Options{Dynamic: true})
	row("`--dynamic-toolsets --read-only`", tools.Options{Dynamic: true, ReadOnly: true})
	fmt.Fprintf(&b, "\nServer instructions (sent once, at initialize): %d bytes, %d tokens.\n", len(instructionsBase), instr)
	return b.String()
}

const (
	budgetBegin = "<!-- budget:begin (generated by go test ./cmd -run TestBudgetDoc -update; do not edit) -->\n"
	budgetEnd   = "<!-- budget:end -->"
)

// TestBudgetDoc keeps the tables in docs/budget.md equal to what the
// server lists today.
func TestBudgetDoc(t *testing.T) {
	path := filepath.Join("..", "docs", "budget.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	i := bytes.Index(doc, []byte(budgetBegin))
	j := bytes.Index(doc, []byte(budgetEnd))
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated block markers", path)
	}
	tables := budgetTables(t)
	t.Log("\n" + tables)
	want := append(append(append([]byte{}, doc[:i+len(budgetBegin)]...), tables...), doc[j:]...)
	if *updateBudget {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(doc, want) {
		t.Error("docs/budget.md is stale: run go test ./cmd -run TestBudgetDoc -update")
	}
}

// TestBudgetLimit: the full surface stays within its budget, and dynamic
// mode starts under its goal.
func TestBudgetLimit(t *testing.T) {
	all, _, _ := listTools(t, tools.Options{})
	full := measureAll(t, all)
	if full.visibleBytes > maxVisibleBytes {
		t.Errorf("the model-visible tool surface is %d bytes, over its budget of %d: shorten the new descriptions (see docs/budget.md)", full.visibleBytes, maxVisibleBytes)
	}
	dyn, _, _ := listTools(t, tools.Options{Dynamic: true})
	start := measureAll(t, dyn).visibleTokens + countTokens(t, instructionsBase)
	if start >= maxDynamicStartTokens {
		t.Errorf("dynamic mode costs %d tokens at start, goal < %d", start, maxDynamicStartTokens)
	}
	t.Logf("full surface: %d tools, %d visible bytes, %d tokens; dynamic start: %d tokens", full.tools, full.visibleBytes, full.visibleTokens, start)
}

// TestTokenEstimateCalibrated: the estimate status prints from bytes stays
// within 10% of the tokenizer's count for the whole surface and for the
// dynamic start.
func TestTokenEstimateCalibrated(t *testing.T) {
	for _, o := range []tools.Options{{}, {Dynamic: true}, {Toolsets: coreProfile}} {
		lts, _, _ := listTools(t, o)
		m := measureAll(t, lts)
		est := tools.EstimateTokens(m.visibleBytes)
		if off := math.Abs(float64(est-m.visibleTokens)) / float64(m.visibleTokens); off > 0.10 {
			t.Errorf("%+v: estimate %d tokens vs %d counted (%.0f%% off): recalibrate bytesPerToken in tools/budget.go (now %.2f bytes/token)", o, est, m.visibleTokens, off*100, float64(m.visibleBytes)/float64(m.visibleTokens))
		}
	}
}

// The measured list equals the registry's own accounting, which status uses.
func TestBudgetMatchesRegistryAccounting(t *testing.T) {
	for _, o := range []tools.Options{{}, {Dynamic: true}} {
		lts, _, reg := listTools(t, o)
		m := measureAll(t, lts)
		total, err := reg.ListedCost()
		if err != nil {
			t.Fatal(err)
		}
		if total.Tools != m.tools || total.VisibleBytes != m.visibleBytes {
			t.Errorf("%+v: registry counts %d tools / %d bytes, tools/list has %d / %d", o, total.Tools, total.VisibleBytes, m.tools, m.visibleBytes)
		}
	}
}
