package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

func newWebhooksListCmd(a *App) *cobra.Command {
	var remote, asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the webhooks nextcloud-mcp registered (from its database; --remote compares with the server)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.webhooksList(cmd.Context(), remote, asJSON)
		},
	}
	cmd.Flags().BoolVar(&remote, "remote", false, "also ask Nextcloud and mark each webhook matching, only_local or only_remote")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// webhookRow is one line of `webhooks list`; Account is set only when the
// list spans every account because none is signed in.
type webhookRow struct {
	Account string `json:"account,omitempty"`
	tools.WebhookStatus
}

type webhookListing struct {
	Account  string       `json:"account,omitempty"`
	Remote   bool         `json:"remote"`
	Webhooks []webhookRow `json:"webhooks"`
}

// webhooksList answers from the database alone unless remote is set.
func (a *App) webhooksList(ctx context.Context, remote, asJSON bool) error {
	s, err := a.openWebhookStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	out := webhookListing{Remote: remote, Webhooks: []webhookRow{}}
	var c *nextcloud.Client
	if remote {
		if c, err = a.webhookClient(ctx); err != nil {
			return err
		}
		out.Account = webhookAccount(c)
	} else if out.Account, err = a.webhookAccountOffline(ctx, s); err != nil {
		return err
	}
	records, err := s.Webhooks(ctx, out.Account)
	if err != nil {
		return err
	}
	if !remote {
		for _, r := range records {
			row := webhookRow{WebhookStatus: tools.WebhookStatusOf(webhookRecord(r))}
			if out.Account == "" {
				row.Account = r.Account
			}
			out.Webhooks = append(out.Webhooks, row)
		}
	} else {
		listeners, err := c.WebhookListeners(ctx, "")
		if err != nil {
			return webhookFailure(err)
		}
		for _, st := range tools.CompareWebhooks(webhookRecords(records), listeners) {
			out.Webhooks = append(out.Webhooks, webhookRow{WebhookStatus: st})
		}
	}
	if asJSON {
		return writeWebhookJSON(a.Out, out)
	}
	printWebhookListing(a.Out, out)
	return nil
}

func printWebhookListing(w io.Writer, l webhookListing) {
	who := "every account (none is signed in)"
	if l.Account != "" {
		who = l.Account
	}
	if len(l.Webhooks) == 0 {
		fmt.Fprintf(w, "No webhooks registered by nextcloud-mcp for %s.\nRegister some with: nextcloud-mcp webhooks enable PRESET --uri https://...\n", who)
		return
	}
	if l.Remote {
		fmt.Fprintf(w, "Webhooks of %s, compared with the server:\n", who)
	} else {
		fmt.Fprintf(w, "Webhooks registered by nextcloud-mcp for %s (local records; --remote compares with the server):\n", who)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	header := "ID\tPRESET\tEVENT\tURI\tCREATED"
	if l.Remote {
		header = "STATE\t" + header
	}
	if l.Account == "" {
		header = "ACCOUNT\t" + header
	}
	fmt.Fprintln(tw, header)
	counts := map[string]int{}
	for _, r := range l.Webhooks {
		line := fmt.Sprintf("%d\t%s\t%s\t%s\t%s", r.ID, dashIfEmpty(r.Preset), r.Event, r.URI, webhookTime(r.CreatedAt))
		if l.Remote {
			line = r.State + "\t" + line
			counts[r.State]++
		}
		if l.Account == "" {
			line = r.Account + "\t" + line
		}
		fmt.Fprintln(tw, line)
	}
	_ = tw.Flush()
	if l.Remote {
		fmt.Fprintf(w, "%d matching, %d only local, %d only remote.\n", counts[tools.WebhookMatching], counts[tools.WebhookOnlyLocal], counts[tools.WebhookOnlyRemote])
		if counts[tools.WebhookOnlyLocal] > 0 {
			fmt.Fprintln(w, "only_local: gone from the server; `nextcloud-mcp webhooks sync` forgets them.")
		}
		if counts[tools.WebhookOnlyRemote] > 0 {
			fmt.Fprintln(w, "only_remote: not registered by nextcloud-mcp; `nextcloud-mcp webhooks sync --adopt --uri URL` records those calling URL.")
		}
	}
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// shortTime turns RFC 3339 into minutes in local time for the table.
func webhookTime(s string) string {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return dashIfEmpty(s)
	}
	return t.Local().Format("2006-01-02 15:04")
}

func webhookRecord(w store.Webhook) tools.WebhookRecord {
	return tools.WebhookRecord{ID: w.ID, Preset: w.Preset, Event: w.Event, URI: w.URI, CreatedAt: w.CreatedAt}
}

func webhookRecords(ws []store.Webhook) []tools.WebhookRecord {
	out := make([]tools.WebhookRecord, 0, len(ws))
	for _, w := range ws {
		out = append(out, webhookRecord(w))
	}
	return out
}

func writeWebhookJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newWebhooksPresetsCmd(a *App) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "presets",
		Short: "Show the webhook presets, their events and filters, and which this server allows",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.webhooksPresets(cmd.Context(), asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

type presetRow struct {
	nextcloud.WebhookPreset
	Supported bool   `json:"supported"`
	Reason    string `json:"reason"`
	// Warnings are caveats of the preset on this server's version.
	Warnings []string `json:"warnings,omitempty"`
	// Enabled counts this account's recorded webhooks of the preset.
	Enabled int `json:"enabled"`
}

// webhooksPresets checks the presets against the server: its version and
// apps, and whether this account can use webhook_listeners at all (the app
// is off by default, and admin-only), which a list request tells. A server
// it cannot reach leaves the presets listed as "not checked".
func (a *App) webhooksPresets(ctx context.Context, asJSON bool) error {
	var srv nextcloud.WebhookServer
	account := ""
	c, err := a.webhookClient(ctx)
	if err == nil {
		account = webhookAccount(c)
		srv.Caps, err = c.Capabilities(ctx)
	}
	if err == nil {
		_, srv.Access = c.WebhookListeners(ctx, "")
		if errors.Is(srv.Access, nextcloud.ErrUnauthorized) {
			err = srv.Access
		}
	}
	if err != nil {
		srv.Caps = nil
		fmt.Fprintf(a.Err, "Could not ask the server what it supports: %v. Availability is not checked.\n", webhookFailure(err))
	}
	var caps *nextcloud.Capabilities = srv.Caps
	s, err := a.openWebhookStore(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	var rows []presetRow
	for _, p := range nextcloud.WebhookPresets(nextcloud.PresetOptions{NotesPath: nextcloud.NotesPathFrom(caps)}) {
		ok, why := p.Supported(srv)
		row := presetRow{WebhookPreset: p, Supported: ok, Reason: why}
		if caps != nil {
			row.Warnings = p.Caveats(caps.Version)
		}
		if account != "" {
			recs, err := s.WebhooksByPreset(ctx, account, p.Name)
			if err != nil {
				return err
			}
			row.Enabled = len(recs)
		}
		rows = append(rows, row)
	}
	if asJSON {
		return writeWebhookJSON(a.Out, rows)
	}
	tw := tabwriter.NewWriter(a.Out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PRESET\tEVENTS\tON THIS SERVER\tENABLED")
	for _, r := range rows {
		enabled := "no"
		if r.Enabled > 0 {
			enabled = fmt.Sprintf("yes (%d webhooks)", r.Enabled)
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\n", r.Name, len(r.Events), r.Reason, enabled)
	}
	_ = tw.Flush()
	for _, r := range rows {
		fmt.Fprintf(a.Out, "\n%s: %s\n", r.Name, r.Description)
		for _, w := range r.Warnings {
			fmt.Fprintf(a.Out, "  warning: %s\n", w)
		}
		for _, e := range r.Events {
			filter := "(no filter)"
			if len(e.Filter) > 0 {
				b, _ := json.Marshal(e.Filter)
				filter = "filter " + string(b)
			}
			fmt.Fprintf(a.Out, "  %s  %s\n", e.Event, filter)
		}
	}
	fmt.Fprintln(a.Out, "\nEnable one with: nextcloud-mcp webhooks enable PRESET --uri https://your-receiver.example/path")
	return nil
}
