package tools

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// authToolset: who is signed in, and a browser sign-in started from the
// chat. nc_auth_login exists only when Deps.SignIn is set: cmd leaves it nil
// whenever a sign-in would not be used (env credentials, demo, token exchange).
func authToolset(d *Deps) *Toolset {
	ts := &Toolset{Name: "auth", Description: "Sign-in status and browser sign-in from the chat."}
	ts.Tools = append(ts.Tools, authStatusTool(d))
	if d.SignIn != nil {
		ts.Tools = append(ts.Tools, authLoginTool(d))
	}
	return ts
}

// newSignInTool is NewTool for the sign-in tools, which must work before
// any credential exists: the handler gets no client.
func newSignInTool[In, Out any](d *Deps, s Spec, fn func(ctx context.Context, call *Call, in In) (*mcp.CallToolResult, error)) Tool {
	def := definition[In, Out](d, s)
	handler := func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		in, bad := bindInput[In](s.Name, req)
		if bad != nil {
			return bad, nil
		}
		res, err := fn(ctx, &Call{Request: req, Deps: d}, in)
		if err != nil {
			return ErrorResult(err), nil
		}
		return res, nil
	}
	return Tool{Def: def, Handler: handler}
}

type authStatusIn struct{}

type signInOut struct {
	State       string `json:"state" jsonschema:"pending (waiting for the user to grant access), signed_in, expired, cancelled or failed."`
	Server      string `json:"server,omitempty" jsonschema_description:"Nextcloud server URL."`
	LoginURL    string `json:"login_url,omitempty" jsonschema:"While pending: the page the user must open to grant access."`
	ExpiresAt   string `json:"expires_at,omitempty" jsonschema_description:"When a pending sign-in stops waiting (RFC 3339)."`
	Login       string `json:"login,omitempty" jsonschema_description:"Nextcloud login name, once signed in."`
	DisplayName string `json:"display_name,omitempty" jsonschema_description:"The user's display name, once signed in."`
	Error       string `json:"error,omitempty" jsonschema_description:"Why the sign-in failed, when state is failed."`
	Message     string `json:"message" jsonschema_description:"What happened, in one sentence to show the user."`
}

type authStatusOut struct {
	Mode        string     `json:"mode" jsonschema:"The auth mode in effect: basic or oauth (the sign-in tools are not offered with token exchange)."`
	SignedIn    bool       `json:"signed_in" jsonschema_description:"True when a credential is stored or configured and the server accepts it."`
	Server      string     `json:"server,omitempty" jsonschema_description:"Nextcloud server URL."`
	Login       string     `json:"login,omitempty" jsonschema_description:"Nextcloud login name."`
	DisplayName string     `json:"display_name,omitempty" jsonschema_description:"The user's display name."`
	Message     string     `json:"message" jsonschema_description:"What happened, in one sentence to show the user."`
	SignIn      *signInOut `json:"sign_in,omitempty" jsonschema:"The latest sign-in started from the chat, if any."`
}

func authStatusTool(d *Deps) Tool {
	return newSignInTool[authStatusIn, authStatusOut](d, Spec{
		Name:  "nc_auth_status",
		Title: "Sign-in status",
		Description: "Who is signed in to which server, in which auth mode, and whether " +
			"the server accepts the credential; also a pending nc_auth_login.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, _ authStatusIn) (*mcp.CallToolResult, error) {
		out := authStatusOut{Mode: d.Factory.Mode()}
		if d.SignIn != nil {
			if st := d.SignIn.Status(); st.State != auth.SignInNone {
				out.SignIn = signInResult(st)
			}
		}
		c, err := d.Factory.Client(ctx)
		if err != nil {
			out.Message = Explain(err)
			return StructuredResult(out)
		}
		out.Server, out.Login = c.BaseURL().String(), c.Login()
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		u, err := c.CurrentUser(cctx)
		switch {
		case err == nil:
			out.SignedIn, out.DisplayName = true, u.DisplayName
			out.Message = fmt.Sprintf("Signed in to %s as %s (%s).", out.Server, u.DisplayName, out.Login)
		case errors.Is(err, nextcloud.ErrUnauthorized) && d.SignIn != nil:
			out.Message = fmt.Sprintf("%s rejected the stored credential of %s (HTTP 401): call nc_auth_login to sign in again.", out.Server, out.Login)
		default:
			out.Message = Explain(about(err, "the signed-in user"))
		}
		return StructuredResult(out)
	})
}

type authLoginIn struct {
	ServerURL   string `json:"server_url,omitempty" jsonschema:"default: the configured or last server"`
	WaitSeconds int    `json:"wait_seconds,omitempty" jsonschema:"wait for the grant, max 120 (default 0)"`
}

func (in *authLoginIn) Validate() error {
	if in.WaitSeconds < 0 || in.WaitSeconds > 120 {
		return inputErrorf("wait_seconds must be between 0 and 120, got %d", in.WaitSeconds)
	}
	return nil
}

// openPageKey names the URL elicitation in a multi-round-trip tool call.
const openPageKey = "open_login_page"

func authLoginTool(d *Deps) Tool {
	return newSignInTool[authLoginIn, signInOut](d, Spec{
		Name:  "nc_auth_login",
		Title: "Sign in to Nextcloud",
		Description: "Start a browser sign-in (Login Flow v2): show login_url to the user. It waits 20 minutes " +
			"in the background; the next call uses the stored sign-in. Replaces a stored sign-in.",
		Hints: Hints{Destructive: true},
	}, func(ctx context.Context, call *Call, in authLoginIn) (*mcp.CallToolResult, error) {
		params := call.Request.Params
		answer := server.ElicitationResponse(params.InputResponses, openPageKey)
		if answer != nil && answer.Action != mcp.ElicitationResponseActionAccept {
			// The user declined to open the page: stop waiting for a grant.
			if st := d.SignIn.Status(); st.State == auth.SignInPending && st.ID == params.RequestState {
				d.SignIn.Cancel()
			}
			return StructuredResult(signInResult(d.SignIn.Status()))
		}
		var st auth.SignInStatus
		// Status is asked only with an answer in hand: it marks a finished
		// sign-in as reported, which Start must still see as news.
		if answer != nil {
			st = d.SignIn.Status()
		}
		// With an answer to the page this sign-in asked to open, report on
		// that sign-in, which may already have finished, rather than
		// starting another.
		if answer == nil || st.ID != params.RequestState {
			var err error
			if st, err = d.SignIn.Start(ctx, in.ServerURL); err != nil {
				return nil, err
			}
		}
		if answer == nil && st.State == auth.SignInPending && clientOpensURLs(ctx) {
			// The client shows the page to the user itself; it calls the
			// tool again with the answer, which lands in the branch above
			// or below.
			return server.NewInputRequestBuilder(st.ID).Elicit(openPageKey, mcp.ElicitationParams{
				Mode:          mcp.ElicitationModeURL,
				Message:       "Sign in to your Nextcloud and grant access to nextcloud-mcp.",
				ElicitationID: st.ID,
				URL:           st.LoginURL,
			}).ToolResult(), nil
		}
		if in.WaitSeconds > 0 && st.State == auth.SignInPending {
			start := time.Now()
			total := float64(in.WaitSeconds)
			st = d.SignIn.Wait(ctx, time.Duration(in.WaitSeconds)*time.Second, func(auth.SignInStatus) {
				call.Progress(ctx, min(time.Since(start).Seconds(), total), total, "Waiting for access to be granted in the browser")
			})
		}
		return StructuredResult(signInResult(st))
	})
}

// clientOpensURLs reports whether the client declared URL-mode elicitation,
// for this request (protocol 2026-07-28 and later) or for the session.
func clientOpensURLs(ctx context.Context) bool {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.ClientCapabilities != nil {
		e := info.ClientCapabilities.Elicitation
		return e != nil && e.URL != nil
	}
	if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo); ok {
		e := s.GetClientCapabilities().Elicitation
		return e != nil && e.URL != nil
	}
	return false
}

func signInResult(st auth.SignInStatus) *signInOut {
	out := &signInOut{State: st.State, Server: st.Server, LoginURL: st.LoginURL, Login: st.Login, DisplayName: st.DisplayName, Error: st.Error}
	switch st.State {
	case auth.SignInPending:
		out.ExpiresAt = st.ExpiresAt.UTC().Format(time.RFC3339)
		out.Message = "Ask the user to open login_url, sign in and grant access (the link works until expires_at); then call nc_auth_status to confirm."
	case auth.SignInSignedIn:
		out.Message = fmt.Sprintf("Signed in to %s as %s (%s); the other tools use this account now.", st.Server, st.DisplayName, st.Login)
	case auth.SignInNone:
		out.Message = "No sign-in was started from this chat."
	default:
		out.Message = "The sign-in did not complete (" + st.Error + "): call nc_auth_login to start a new one."
	}
	return out
}
