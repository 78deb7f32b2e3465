package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// TestBadArgumentsSweep calls every registered tool with arguments derived
// from its own input schema and then broken one at a time: wrong JSON types,
// numbers out of any integer's range, 100 KB strings, NUL bytes, path
// traversal and XML entities. A tool added later is swept without any change
// here, because the cases come from the schema the tool declares.
//
// Every answer must be a tool result (never a JSON-RPC error, a panic or a
// hang); every isError answer must be one clean sentence of at most
// maxErrorChars characters that names no Go type.
func TestBadArgumentsSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("the sweep makes thousands of calls; skipped with -short")
	}
	h := newHarness(t, harnessOpts{fake: ncfake.NewDemo(), user: ncfake.DemoUser, password: ncfake.DemoAppPassword})
	type job struct {
		tool string
		c    sweepCase
	}
	var jobs []job
	listed := h.toolNames()
	for _, tool := range h.reg.Tools() {
		if !slices.Contains(listed, tool.Def.Name) {
			continue
		}
		schema := inputSchemaOf(t, tool.Def)
		for _, c := range sweepCases(schema) {
			jobs = append(jobs, job{tool.Def.Name, c})
		}
	}
	t.Logf("sweeping %d tools with %d calls", len(listed), len(jobs))

	var (
		mu       sync.Mutex
		problems = map[string][]string{} // problem → examples
		errs     int
		// slowest is the longest call, for the log.
		slowest      time.Duration
		slowestLabel string
	)
	report := func(problem, example string) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems[problem]) < 5 {
			problems[problem] = append(problems[problem], example)
		} else {
			problems[problem] = append(problems[problem], "")
		}
	}
	work := make(chan job)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for j := range work {
				label := fmt.Sprintf("%s %s=%s", j.tool, j.c.arg, j.c.label)
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				req := mcp.CallToolRequest{}
				req.Params.Name = j.tool
				req.Params.Arguments = j.c.args
				start := time.Now()
				res, err := h.client.CallTool(ctx, req)
				timedOut := ctx.Err() != nil
				cancel()
				mu.Lock()
				if took := time.Since(start); took > slowest {
					slowest, slowestLabel = took, label
				}
				mu.Unlock()
				switch {
				case timedOut:
					report("hang (no answer within 20 s)", label)
					continue
				case err != nil:
					report("JSON-RPC error instead of a result", label+": "+clipForLog(err.Error()))
					continue
				}
				if !res.IsError {
					continue
				}
				mu.Lock()
				errs++
				mu.Unlock()
				text := resultText(res)
				for _, p := range errorTextProblems(text) {
					report(p, label+": "+clipForLog(text))
				}
			}
		})
	}
	for _, j := range jobs {
		work <- j
	}
	close(work)
	wg.Wait()
	t.Logf("%d calls answered isError; the slowest took %v (%s)", errs, slowest.Round(time.Millisecond), slowestLabel)
	var keys []string
	for k := range problems {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var ex []string
		for _, e := range problems[k] {
			if e != "" {
				ex = append(ex, e)
			}
		}
		t.Errorf("%s: %d calls, e.g.\n  %s", k, len(problems[k]), strings.Join(ex, "\n  "))
	}
}

// fmtVerbError is what fmt writes for a bad verb or argument count:
// %!d(string=x), %!v(MISSING), %!(EXTRA int=1), %!(NOVERB).
var fmtVerbError = regexp.MustCompile(`%!([a-zA-Z]?\(|\(EXTRA|\(NOVERB)`)

var goTypeLeaks = []*regexp.Regexp{
	regexp.MustCompile(`json: `),
	regexp.MustCompile(`Go (struct|value)`),
	regexp.MustCompile(`struct field`),
	regexp.MustCompile(`of type `),
	regexp.MustCompile(`\bu?int(8|16|32|64)?\b|\bfloat(32|64)\b`),
	regexp.MustCompile(`map\[|\[\][a-z*]|&\{|<nil>|interface \{\}`),
	regexp.MustCompile(`\*?\b[a-z]+\.[A-Z][A-Za-z]+\b`), // package.Type
	regexp.MustCompile(`\b[a-z]+[A-Z][A-Za-z]*(In|Input|Out|Output)\b`),
	regexp.MustCompile(`\b[A-Z][a-z]+[A-Z][A-Za-z]*(Input|Output)\b`),
	regexp.MustCompile(`(?i)unmarshal`),
}

// errorTextProblems lists what is wrong with an error sentence a model sees.
func errorTextProblems(text string) []string {
	var out []string
	if strings.TrimSpace(text) == "" {
		return []string{"empty error"}
	}
	if n := utf8.RuneCountInString(text); n > maxErrorChars {
		out = append(out, fmt.Sprintf("error longer than %d characters", maxErrorChars))
	}
	if fmtVerbError.MatchString(text) {
		out = append(out, "fmt verb error (%!) in the text")
	}
	if strings.ContainsFunc(text, func(r rune) bool { return r < 0x20 && r != '\n' || r == 0x7f }) {
		out = append(out, "control character in the text")
	}
	if !utf8.ValidString(text) {
		out = append(out, "invalid UTF-8")
	}
	if !strings.HasSuffix(text, ".") {
		out = append(out, "not a sentence (no final stop)")
	}
	for _, re := range goTypeLeaks {
		if re.MatchString(text) {
			out = append(out, "Go type or decoder detail in the text ("+re.String()+")")
			break
		}
	}
	return out
}

func clipForLog(s string) string {
	if len(s) > 300 {
		return s[:300] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}

// sweepCase is one call: valid-looking arguments with one of them broken.
type sweepCase struct {
	arg   string
	label string
	args  map[string]any
}

type jsonSchema = map[string]any

func inputSchemaOf(t *testing.T, def mcp.Tool) jsonSchema {
	t.Helper()
	raw := []byte(def.RawInputSchema)
	if len(raw) == 0 {
		var err error
		if raw, err = json.Marshal(def.InputSchema); err != nil {
			t.Fatal(err)
		}
	}
	var s jsonSchema
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("%s: input schema: %v", def.Name, err)
	}
	return s
}

func schemaType(s jsonSchema) string {
	switch v := s["type"].(type) {
	case string:
		return v
	case []any:
		for _, x := range v {
			if str, ok := x.(string); ok && str != "null" {
				return str
			}
		}
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return ""
}

func schemaProps(s jsonSchema) map[string]jsonSchema {
	out := map[string]jsonSchema{}
	if props, ok := s["properties"].(map[string]any); ok {
		for k, v := range props {
			if m, ok := v.(map[string]any); ok {
				out[k] = m
			}
		}
	}
	return out
}

func schemaRequired(s jsonSchema) []string {
	var out []string
	if req, ok := s["required"].([]any); ok {
		for _, r := range req {
			if str, ok := r.(string); ok {
				out = append(out, str)
			}
		}
	}
	return out
}

// plausible is a value that fits the schema and, where the name hints at a
// kind, looks like one, so the broken argument is what the tool trips on.
func plausible(name string, s jsonSchema) any {
	if enum, ok := s["enum"].([]any); ok && len(enum) > 0 {
		return enum[0]
	}
	n := strings.ToLower(name)
	switch schemaType(s) {
	case "string":
		switch {
		case strings.Contains(n, "path") || n == "from" || n == "to" || n == "destination" || n == "source":
			return "/Documents/Welcome.md"
		case strings.Contains(n, "start") || strings.Contains(n, "end") || strings.Contains(n, "due") ||
			strings.Contains(n, "date") || strings.Contains(n, "since") || strings.Contains(n, "until") || strings.Contains(n, "time"):
			return "2026-12-01T10:00:00Z"
		case strings.Contains(n, "color"):
			return "0082c9"
		case strings.Contains(n, "email"):
			return "someone@example.com"
		case strings.Contains(n, "url") || strings.Contains(n, "uri"):
			return "https://example.com/hook"
		}
		return "x"
	case "integer", "number":
		return 1
	case "boolean":
		return false
	case "array":
		return []any{}
	case "object":
		return baseArgs(s)
	}
	return "x"
}

// baseArgs fills the required arguments with plausible values.
func baseArgs(s jsonSchema) map[string]any {
	args := map[string]any{}
	props := schemaProps(s)
	for _, r := range schemaRequired(s) {
		args[r] = plausible(r, props[r])
	}
	return args
}

const hundredKB = 100 << 10

var (
	bigString     = strings.Repeat("A", hundredKB)
	stringAttacks = map[string]string{
		"100 KB string":       bigString,
		"NUL bytes":           "a\x00b\x00",
		"traversal":           "../../../../etc/passwd",
		"encoded traversal":   "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"windows traversal":   `..\..\Windows\win.ini`,
		"XML entity":          `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd"><!ENTITY b "&e;&e;&e;">]><x>&b;</x>`,
		"XML breakout":        `]]></d:prop><s:exception>x</s:exception>&amp;&lt;`,
		"format verbs":        "%s %d %v %x %n %%",
		"control characters":  "\x1b[2J\r\n\t\u202e\ufeff",
		"empty string":        "",
		"newline-only string": "\n",
	}
	numberAttacks = map[string]any{
		"1e308":      json.Number("1e308"),
		"-1e308":     json.Number("-1e308"),
		"2^63":       json.Number("9223372036854775808"),
		"-(2^63)-1":  json.Number("-9223372036854775809"),
		"2^64":       json.Number("18446744073709551616"),
		"-1":         -1,
		"0":          0,
		"2^31":       json.Number("2147483648"),
		"fraction":   1.5,
		"neg zero":   json.Number("-0"),
		"tiny float": json.Number("1e-320"),
	}
	wrongTypes = map[string]any{
		"string": "not-the-right-type",
		"number": 12345,
		"bool":   true,
		"array":  []any{1, "two"},
		"object": map[string]any{"nested": "x"},
		"null":   nil,
	}
)

// attacksFor returns the broken values for one argument.
func attacksFor(s jsonSchema) map[string]any {
	out := map[string]any{}
	typ := schemaType(s)
	for label, v := range wrongTypes {
		if label == typ || (label == "number" && typ == "integer") || (label == "bool" && typ == "boolean") {
			continue
		}
		out["wrong type "+label] = v
	}
	switch typ {
	case "string":
		for label, v := range stringAttacks {
			out[label] = v
		}
	case "integer", "number":
		for label, v := range numberAttacks {
			out[label] = v
		}
	case "array":
		items, _ := s["items"].(map[string]any)
		out["1000 items"] = repeatItem(plausible("", items), 1000)
		switch schemaType(items) {
		case "string":
			out["100 KB item"] = []any{bigString}
			out["NUL item"] = []any{"a\x00b"}
			out["traversal item"] = []any{"../../etc/passwd"}
		case "integer", "number":
			out["1e308 item"] = []any{json.Number("1e308")}
			out["2^63 item"] = []any{json.Number("9223372036854775808")}
		case "object":
			for p, ps := range schemaProps(items) {
				for label, v := range attacksFor(ps) {
					item := baseArgs(items)
					item[p] = v
					out["item "+p+" "+label] = []any{item}
				}
			}
		}
	case "object":
		for p, ps := range schemaProps(s) {
			for label, v := range attacksFor(ps) {
				if strings.HasPrefix(label, "item ") {
					continue // two levels are enough
				}
				obj := baseArgs(s)
				obj[p] = v
				out[p+" "+label] = obj
			}
		}
	}
	return out
}

func repeatItem(v any, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// sweepCases derives the calls for one tool from its input schema.
func sweepCases(s jsonSchema) []sweepCase {
	base := baseArgs(s)
	cases := []sweepCase{
		{arg: "(none)", label: "valid-looking base", args: base},
		{arg: "(unknown)", label: "unknown argument", args: with(base, "no_such_argument", 1)},
	}
	props := schemaProps(s)
	names := make([]string, 0, len(props))
	for p := range props {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		attacks := attacksFor(props[p])
		labels := make([]string, 0, len(attacks))
		for l := range attacks {
			labels = append(labels, l)
		}
		sort.Strings(labels)
		for _, l := range labels {
			cases = append(cases, sweepCase{arg: p, label: l, args: with(base, p, attacks[l])})
		}
	}
	return cases
}

func with(base map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(base)+1)
	for bk, bv := range base {
		out[bk] = bv
	}
	out[k] = v
	return out
}

// A number beyond float64 (1e400) fails in mcp-go's JSON-RPC parser before
// any tool runs: the client gets a JSON-RPC error, and the server goes on.
func TestNumberBeyondFloat64IsOnlyAProtocolError(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_notes_get_note"
	req.Params.Arguments = map[string]any{"note_id": json.Number("1e400")}
	if _, err := h.client.CallTool(context.Background(), req); err == nil {
		t.Error("1e400 reached the tool")
	}
	h.ok("nc_notes_list_notes", map[string]any{}, nil)
}
