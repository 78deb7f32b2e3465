package tools

import (
	"context"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// maxCompletions is the protocol's limit on values per answer.
const maxCompletions = 100

// completionTimeout keeps a completion from holding up the user's typing.
const completionTimeout = 5 * time.Second

// promptCompleter completes prompt arguments from the user's Nextcloud:
// calendar names, upcoming events, and paths in their files. Anything it
// cannot reach (no credentials, a failing server) completes to nothing:
// completion is a convenience, and the prompt itself reports real errors.
type promptCompleter struct{ r *Registry }

func (p *promptCompleter) CompletePromptArgument(ctx context.Context, _ string, arg mcp.CompleteArgument, _ mcp.CompleteContext) (*mcp.Completion, error) {
	ctx, cancel := context.WithTimeout(ctx, completionTimeout)
	defer cancel()
	var values []string
	switch arg.Name {
	case "calendar":
		values = p.calendars(ctx, arg.Value)
	case "event":
		values = p.events(ctx, arg.Value)
	case "path":
		values = p.paths(ctx, arg.Value, false)
	case "destination":
		values = p.paths(ctx, arg.Value, true)
	}
	return completion(values), nil
}

// completion caps values at the protocol's limit.
func completion(values []string) *mcp.Completion {
	c := &mcp.Completion{Values: values, Total: len(values)}
	if c.Values == nil {
		c.Values = []string{}
	}
	if len(c.Values) > maxCompletions {
		c.Values, c.HasMore = c.Values[:maxCompletions], true
	}
	return c
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func (p *promptCompleter) calendars(ctx context.Context, prefix string) []string {
	c, err := p.r.deps.Factory.Client(ctx)
	if err != nil {
		return nil
	}
	cals, err := calendarsWith(ctx, c, "", "VEVENT")
	if err != nil {
		return nil
	}
	var out []string
	for _, cal := range cals {
		if hasPrefixFold(cal.Name, prefix) || hasPrefixFold(cal.DisplayName, prefix) {
			out = append(out, cal.Name)
		}
	}
	return out
}

// events completes the titles of events in the next 14 days that contain
// what was typed.
func (p *promptCompleter) events(ctx context.Context, typed string) []string {
	c, err := p.r.deps.Factory.Client(ctx)
	if err != nil {
		return nil
	}
	cals, err := calendarsWith(ctx, c, "", "VEVENT")
	if err != nil {
		return nil
	}
	now := time.Now().UTC()
	occ, _, err := collectOccurrences(ctx, c, cals, now, now.Add(14*24*time.Hour), time.UTC)
	if err != nil {
		return nil
	}
	var out []string
	for _, o := range occ {
		title := strings.TrimSpace(o.Summary)
		if title != "" && strings.Contains(strings.ToLower(title), strings.ToLower(typed)) && !slices.Contains(out, title) {
			out = append(out, title)
		}
	}
	return out
}

// paths completes a path in the user's files: the folder before the last
// slash is listed and its entries that start with the rest are offered,
// folders with a trailing slash.
func (p *promptCompleter) paths(ctx context.Context, typed string, foldersOnly bool) []string {
	c, err := p.r.deps.Factory.Client(ctx)
	if err != nil {
		return nil
	}
	typed = strings.TrimLeft(typed, "/")
	dir, prefix := "", typed
	if i := strings.LastIndex(typed, "/"); i >= 0 {
		dir, prefix = typed[:i], typed[i+1:]
	}
	dp, err := cleanFilePath("path", dir)
	if err != nil {
		return nil
	}
	_, children, err := c.ListDir(ctx, dp)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range children {
		if (foldersOnly && !e.IsDir) || !hasPrefixFold(e.Name, prefix) {
			continue
		}
		v := path.Join(dir, e.Name)
		if e.IsDir {
			v += "/"
		}
		out = append(out, v)
	}
	return out
}
