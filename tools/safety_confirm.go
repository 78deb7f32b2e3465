package tools

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// A confirmer puts an irreversible call into one short question that names
// exactly what goes. For a Conditional tool it also decides whether this
// call needs asking at all (needed false: it runs without a question).
type confirmer func(ctx context.Context, c *nextcloud.Client, a args) (question string, needed bool, err error)

// confirmInputKey is the id of the confirmation among a retry's input
// responses (protocol 2026-07-28).
const confirmInputKey = "confirm"

// NotDoneOutput is the result of a call that changed nothing because the user
// did not confirm it. It is not an error: the model should tell the user,
// not retry.
type NotDoneOutput struct {
	NotDone bool `json:"not_done" jsonschema_description:"True: the call changed nothing."`
	// Reason is declined (the user said no), cancelled (the user dismissed the
	// question), unanswered (it failed or timed out) or unconfirmable
	// (--confirm always, and this client cannot ask).
	Reason  string `json:"reason" jsonschema:"enum=declined,enum=cancelled,enum=unanswered,enum=unconfirmable"`
	Message string `json:"message" jsonschema_description:"What happened, in one sentence."`
}

// confirmThenRun asks the user when the call is irreversible and the policy
// and client allow it, then runs the call or reports that nothing changed.
func (g *guard) confirmThenRun(ctx context.Context, req mcp.CallToolRequest, class safetyClass, rec *auditRecord, next server.ToolHandlerFunc) (*mcp.CallToolResult, error) {
	if g.safety.Confirm == ConfirmNever || class.Effect == Reversible {
		return next(ctx, req)
	}
	canAsk := clientCanElicit(ctx)
	if !canAsk && g.safety.Confirm == ConfirmAuto && class.Effect == Irreversible {
		return next(ctx, req)
	}
	name := req.Params.Name
	question, needed, err := g.question(ctx, name, req)
	if err != nil {
		// The call itself will fail the same way and say why.
		return next(ctx, req)
	}
	if !needed {
		rec.reversible = true
		return next(ctx, req)
	}
	if !canAsk && g.safety.Confirm == ConfirmAuto {
		return next(ctx, req)
	}
	if !canAsk {
		rec.Outcome = outcomeUnconfirmable
		return notDone("unconfirmable", "Not done: this is irreversible ("+question+") and --confirm always requires the user's confirmation, which this client cannot ask for. Nothing was changed; the user can do it in Nextcloud."), nil
	}

	rec.Confirmation = &auditConfirmation{Asked: true}
	params := mcp.ElicitationParams{
		Message:         question,
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{}},
	}
	var answer mcp.ElicitationResponseAction
	if server.IsModernRequest(ctx) {
		state := confirmState(name, req.GetArguments())
		resp := server.ElicitationResponse(req.Params.InputResponses, confirmInputKey)
		if resp == nil || req.Params.RequestState != state {
			return server.NewInputRequestBuilder(state).Elicit(confirmInputKey, params).ToolResult(), nil
		}
		answer = resp.Action
	} else {
		qctx, cancel := context.WithTimeout(ctx, g.safety.ConfirmTimeout)
		defer cancel()
		srv := server.ServerFromContext(ctx)
		if srv == nil {
			rec.Confirmation.Answer = "error"
			rec.Outcome = outcomeUnanswered
			return notDone("unanswered", "Not done: the confirmation could not be asked (no session). Nothing was changed."), nil
		}
		res, err := srv.RequestElicitation(qctx, mcp.ElicitationRequest{Request: mcp.Request{Method: string(mcp.MethodElicitationCreate)}, Params: params})
		switch {
		case errors.Is(qctx.Err(), context.DeadlineExceeded) && ctx.Err() == nil:
			rec.Confirmation.Answer = "timeout"
			rec.Outcome = outcomeUnanswered
			return notDone("unanswered", fmt.Sprintf("Not done: the user did not answer the confirmation within %v. Nothing was changed.", g.safety.ConfirmTimeout)), nil
		case err != nil:
			rec.Confirmation.Answer = "error"
			rec.Outcome = outcomeUnanswered
			return notDone("unanswered", "Not done: asking the user for confirmation failed ("+oneLine(err.Error())+"). Nothing was changed."), nil
		case res == nil:
			rec.Confirmation.Answer = "error"
			rec.Outcome = outcomeUnanswered
			return notDone("unanswered", "Not done: the client gave no answer to the confirmation. Nothing was changed."), nil
		}
		answer = res.Action
	}
	rec.Confirmation.Answer = string(answer)
	switch answer {
	case mcp.ElicitationResponseActionAccept:
		return next(ctx, req)
	case mcp.ElicitationResponseActionDecline:
		rec.Outcome = outcomeDeclined
		return notDone("declined", "Not done: the user declined ("+question+"). Nothing was changed; do not retry unless the user asks."), nil
	default:
		rec.Outcome = outcomeCancelled
		return notDone("cancelled", "Not done: the user dismissed the confirmation ("+question+"). Nothing was changed."), nil
	}
}

// question asks the tool's confirmer, or falls back to naming the tool and
// its targets.
func (g *guard) question(ctx context.Context, name string, req mcp.CallToolRequest) (string, bool, error) {
	a := args(req.GetArguments())
	conf := g.confirm[name]
	if conf == nil {
		return genericQuestion(name, a), true, nil
	}
	c, err := g.deps.Factory.Client(ctx)
	if err != nil {
		return "", false, err
	}
	q, needed, err := conf(ctx, c, a)
	if err != nil {
		var ie *InputError
		if errors.Is(err, nextcloud.ErrNotFound) || errors.As(err, &ie) {
			// Nothing to confirm: the call fails the same way and says why.
			return "", false, err
		}
		// Describing failed for another reason: still ask, naming what we know.
		return genericQuestion(name, a), true, nil
	}
	return q, needed, nil
}

// genericQuestion names the tool and the targets of its arguments.
func genericQuestion(name string, a args) string {
	var parts []string
	for k, v := range targetsOf(a) {
		parts = append(parts, fmt.Sprintf("%s %v", k, v))
	}
	q := "Allow " + name
	if len(parts) > 0 {
		q += " on " + strings.Join(sortedStrings(parts), ", ")
	}
	return q + "? This cannot be undone."
}

// confirmState binds a confirmation to the exact call: a retry whose
// arguments differ is asked again.
func confirmState(name string, a map[string]any) string {
	b, _ := json.Marshal(a)
	sum := sha256.Sum256(append([]byte(name+"\x00"), b...))
	return "confirm-" + hex.EncodeToString(sum[:16])
}

// notDone is the result of a call that changed nothing.
func notDone(reason, msg string) *mcp.CallToolResult {
	out := NotDoneOutput{NotDone: true, Reason: reason, Message: msg}
	b, _ := json.Marshal(out)
	return mcp.NewToolResultStructured(json.RawMessage(b), msg)
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
