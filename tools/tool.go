package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// Hints are the four MCP tool annotations. Every tool states all four.
type Hints struct {
	ReadOnly    bool
	Destructive bool
	Idempotent  bool
	OpenWorld   bool
}

// Common hint sets.
var (
	// readHints: reads the user's own Nextcloud, changes nothing.
	readHints = Hints{ReadOnly: true, Idempotent: true}
	// createHints: adds something new; repeating it adds another.
	createHints = Hints{}
	// updateHints: changes or overwrites existing data.
	updateHints = Hints{Destructive: true, Idempotent: true}
	// deleteHints: removes data.
	deleteHints = Hints{Destructive: true, Idempotent: true}
)

// Spec is the static description of a tool.
type Spec struct {
	// Name follows nc_<app>_<verb>[_<noun>].
	Name        string
	Title       string
	Description string
	Hints       Hints
}

// Tool is one MCP tool, ready to register.
type Tool struct {
	Def     mcp.Tool
	Handler server.ToolHandlerFunc
}

// ReadOnly reports the tool's readOnly hint.
func (t Tool) ReadOnly() bool {
	return t.Def.Annotations.ReadOnlyHint != nil && *t.Def.Annotations.ReadOnlyHint
}

// Call is what a tool handler gets besides its typed input.
type Call struct {
	Client  *nextcloud.Client
	Request mcp.CallToolRequest
	Deps    *Deps
}

// Progress sends notifications/progress when the client asked for it with a
// progress token; otherwise it does nothing.
func (c *Call) Progress(ctx context.Context, done, total float64, message string) {
	if c.Request.Params.Meta == nil || c.Request.Params.Meta.ProgressToken == nil {
		return
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return
	}
	params := map[string]any{"progressToken": c.Request.Params.Meta.ProgressToken, "progress": done}
	if total > 0 {
		params["total"] = total
	}
	if message != "" {
		params["message"] = message
	}
	_ = srv.SendNotificationToClient(ctx, "notifications/progress", params)
}

// definition builds the tool's MCP definition. Its input and output schemas
// come precomputed from schemas.json: reflecting ~100 Go types into JSON
// schemas at every start would cost tens of milliseconds before initialize.
// A tool missing there (a new one, before `-update`) is reflected.
func definition[In, Out any](d *Deps, s Spec) mcp.Tool {
	opts := []mcp.ToolOption{
		mcp.WithToolTitle(s.Title),
		mcp.WithDescription(s.Description),
		mcp.WithTitleAnnotation(s.Title),
		mcp.WithReadOnlyHintAnnotation(s.Hints.ReadOnly),
		mcp.WithDestructiveHintAnnotation(s.Hints.Destructive),
		mcp.WithIdempotentHintAnnotation(s.Hints.Idempotent),
		mcp.WithOpenWorldHintAnnotation(s.Hints.OpenWorld),
	}
	sc, precomputed := d.schemas.lookup(s.Name)
	if precomputed {
		opts = append(opts, mcp.WithRawInputSchema(sc.Input), mcp.WithRawOutputSchema(sc.Output))
	} else {
		opts = append(opts, mcp.WithInputSchema[In](), mcp.WithOutputSchema[Out]())
	}
	tool := mcp.NewTool(s.Name, opts...)
	if precomputed {
		// NewTool presets an empty object schema; a tool may carry only one kind.
		tool.InputSchema = mcp.ToolInputSchema{}
	} else {
		// schemas.tsv holds the result, so serving never pays for it.
		tool = safetyOutputSchema(tool)
		if err := compactReflected(&tool); err != nil {
			panic(fmt.Sprintf("%s: %v", s.Name, err))
		}
	}
	return tool
}

// NewTool builds a tool whose handler decodes In, asks the factory for a
// client, runs fn and returns Out as structured content plus compact JSON
// text. Any error becomes an isError result with one actionable sentence.
func NewTool[In, Out any](d *Deps, s Spec, fn func(ctx context.Context, call *Call, in In) (Out, error)) Tool {
	return NewResultTool[In, Out](d, s, func(ctx context.Context, call *Call, in In) (*mcp.CallToolResult, error) {
		out, err := fn(ctx, call, in)
		if err != nil {
			return nil, err
		}
		return StructuredResult(out)
	})
}

// NewResultTool is NewTool for handlers that build their own result, for
// example to add image content next to the structured output.
func NewResultTool[In, Out any](d *Deps, s Spec, fn func(ctx context.Context, call *Call, in In) (*mcp.CallToolResult, error)) Tool {
	def := definition[In, Out](d, s)
	handler := func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		in, bad := bindInput[In](s.Name, req)
		if bad != nil {
			return bad, nil
		}
		client, err := d.Factory.Client(ctx)
		if err != nil {
			return ErrorResult(err), nil
		}
		res, err := fn(ctx, &Call{Client: client, Request: req, Deps: d}, in)
		if err != nil {
			return callErrorResult(err, !s.Hints.ReadOnly), nil
		}
		return res, nil
	}
	return Tool{Def: def, Handler: handler}
}

// bindInput decodes and validates a call's arguments; a non-nil result is
// the isError answer for arguments the tool cannot use.
func bindInput[In any](tool string, req mcp.CallToolRequest) (In, *mcp.CallToolResult) {
	var in In
	if bad := refuseUnknownArguments[In](tool, req); bad != nil {
		return in, bad
	}
	if err := req.BindArguments(&in); err != nil {
		return in, mcp.NewToolResultError(tidyErrorText(explainDecodeError(tool, reflect.TypeFor[In](), err)))
	}
	if v, ok := any(&in).(interface{ Validate() error }); ok {
		if err := v.Validate(); err != nil {
			return in, ErrorResult(err)
		}
	}
	return in, nil
}

// StructuredResult returns out as structured content with compact JSON text
// for clients that read only text.
func StructuredResult(out any) (*mcp.CallToolResult, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode result: %w", err)
	}
	return mcp.NewToolResultStructured(json.RawMessage(b), string(b)), nil
}
