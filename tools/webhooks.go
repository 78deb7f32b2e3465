package tools

import (
	"context"
	"fmt"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
)

// WebhookRecord is what nextcloud-mcp remembers about a registration it made.
type WebhookRecord struct {
	ID int64
	// Preset is the preset the registration belongs to; "" for a single one.
	Preset    string
	Event     string
	URI       string
	CreatedAt time.Time
}

// WebhookLister reads the recorded registrations of the account the client
// is signed in as, newest first. The CLI's store implements it.
type WebhookLister interface {
	RegisteredWebhooks(ctx context.Context, c *nextcloud.Client) ([]WebhookRecord, error)
}

// Drift states of a registration when the local records are compared with
// the server's listeners.
const (
	WebhookMatching   = "matching"
	WebhookOnlyLocal  = "only_local"
	WebhookOnlyRemote = "only_remote"
)

// WebhookStatus is one row of a comparison. A record and a listener match
// when id, event and uri agree; anything else is drift on both sides.
type WebhookStatus struct {
	ID        int64          `json:"id" jsonschema:"Nextcloud's webhook id"`
	State     string         `json:"state,omitempty" jsonschema:"only with remote: matching, only_local (recorded but gone from the server) or only_remote (on the server but not recorded by nextcloud-mcp)"`
	Preset    string         `json:"preset,omitempty" jsonschema:"preset the registration belongs to"`
	Event     string         `json:"event" jsonschema:"event class"`
	URI       string         `json:"uri" jsonschema:"URL Nextcloud calls"`
	Filter    map[string]any `json:"filter,omitempty" jsonschema:"event filter (only known when the server was asked)"`
	CreatedAt string         `json:"created_at,omitempty" jsonschema:"when nextcloud-mcp recorded it (RFC 3339)"`
}

// CompareWebhooks sets out the local records against the remote listeners:
// local rows first in their order, then the remote-only ones by id.
func CompareWebhooks(local []WebhookRecord, remote []nextcloud.WebhookListener) []WebhookStatus {
	byID := make(map[int64]nextcloud.WebhookListener, len(remote))
	for _, l := range remote {
		byID[l.ID] = l
	}
	matched := map[int64]bool{}
	out := make([]WebhookStatus, 0, len(local)+len(remote))
	for _, r := range local {
		st := WebhookStatusOf(r)
		st.State = WebhookOnlyLocal
		if l, ok := byID[r.ID]; ok && l.Event == r.Event && l.URI == r.URI {
			st.State = WebhookMatching
			st.Filter = l.EventFilter
			matched[r.ID] = true
		}
		out = append(out, st)
	}
	for _, l := range remote {
		if !matched[l.ID] {
			out = append(out, WebhookStatus{ID: l.ID, State: WebhookOnlyRemote, Event: l.Event, URI: l.URI, Filter: l.EventFilter})
		}
	}
	return out
}

// WebhookStatusOf is the row of a record when the server was not asked.
func WebhookStatusOf(r WebhookRecord) WebhookStatus {
	st := WebhookStatus{ID: r.ID, Preset: r.Preset, Event: r.Event, URI: r.URI}
	if !r.CreatedAt.IsZero() {
		st.CreatedAt = r.CreatedAt.UTC().Format(time.RFC3339)
	}
	return st
}

type webhooksListIn struct {
	Remote bool `json:"remote,omitempty" jsonschema:"also ask Nextcloud and mark drift"`
}

type webhooksListOut struct {
	Webhooks []WebhookStatus `json:"webhooks" jsonschema:"registrations, newest first"`
	// Remote says whether Nextcloud was asked.
	Remote bool   `json:"remote" jsonschema:"whether Nextcloud was asked"`
	Note   string `json:"note,omitempty" jsonschema:"how to read or change the list"`
}

// changeNote tells the model where changes happen, so it does not look for
// a tool that deliberately does not exist.
const changeNote = "Read-only view. An admin registers or removes webhooks in a terminal with `nextcloud-mcp webhooks enable|disable|register|delete`."

// webhooksToolset: Webhooks registered by nextcloud-mcp (read-only). No tool
// registers or deletes webhooks: a tricked assistant must not be able to
// send a user's file events to a stranger's URL.
func webhooksToolset(d *Deps) *Toolset {
	list := NewTool(d, Spec{
		Name:  "nc_webhooks_list",
		Title: "List registered webhooks",
		Description: "List the webhooks nextcloud-mcp registered (admins), from its " +
			"own records; remote also asks Nextcloud and marks drift.",
		Hints: readHints,
	}, func(ctx context.Context, call *Call, in webhooksListIn) (webhooksListOut, error) {
		out := webhooksListOut{Webhooks: []WebhookStatus{}, Remote: in.Remote, Note: changeNote}
		var local []WebhookRecord
		if d.Webhooks != nil {
			var err error
			if local, err = d.Webhooks.RegisteredWebhooks(ctx, call.Client); err != nil {
				return out, fmt.Errorf("read nextcloud-mcp's webhook records: %w", err)
			}
		} else {
			out.Note = "nextcloud-mcp has no local records here; pass remote: true to see the server's listeners. " + changeNote
		}
		if !in.Remote {
			for _, r := range local {
				out.Webhooks = append(out.Webhooks, WebhookStatusOf(r))
			}
			return out, nil
		}
		remote, err := call.Client.WebhookListeners(ctx, "")
		if err != nil {
			return out, about(err, "the webhook listeners")
		}
		out.Webhooks = CompareWebhooks(local, remote)
		return out, nil
	})
	return &Toolset{
		Name:        "webhooks",
		Description: "Webhooks registered by nextcloud-mcp (read-only).",
		Available:   webhooksAvailable,
		Tools:       []Tool{list},
	}
}

// webhookProbeURI matches no real listener, so the availability probe lists
// nothing however many webhooks the server has.
const webhookProbeURI = "https://nextcloud-mcp.invalid/availability-probe"

// webhooksAvailable lists the toolset only for an admin of a server that has
// webhook_listeners. Nextcloud announces no capability for that app, so
// after the version gate one cheap filtered list answers both questions.
func webhooksAvailable(ctx context.Context, c *nextcloud.Client, caps *nextcloud.Capabilities) bool {
	if !caps.Has("webhook_listeners") && caps.Version.Major < 30 {
		return false
	}
	_, err := c.WebhookListeners(ctx, webhookProbeURI)
	return err == nil
}
