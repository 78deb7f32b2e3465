package cmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/store"
	"github.com/nextcloud-mcp/nextcloud-mcp/tools"
)

// rollbackTimeout bounds the clean-up after a failed enable; it runs even
// when the command was interrupted, so nothing is left half-registered.
const rollbackTimeout = 30 * time.Second

func newWebhooksEnableCmd(a *App) *cobra.Command {
	var uri, secretFile string
	cmd := &cobra.Command{
		Use:   "enable PRESET --uri URL",
		Short: "Register every webhook of a preset (see `webhooks presets`); all or nothing",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.webhooksEnable(cmd.Context(), args[0], uri, secretFile)
		},
	}
	cmd.Flags().StringVar(&uri, "uri", "", "https URL Nextcloud calls (http only for localhost)")
	cmd.Flags().StringVar(&secretFile, "secret-file", "", "read the delivery secret (16+ characters) from this file (- for stdin); default: "+webhookSecretEnv+" or a generated one")
	return cmd
}

func newWebhooksRegisterCmd(a *App) *cobra.Command {
	var o registerOptions
	cmd := &cobra.Command{
		Use:   "register --event CLASS --uri URL [--filter JSON]",
		Short: "Register one webhook for an event class",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.webhooksRegister(cmd.Context(), o)
		},
	}
	cmd.Flags().StringVar(&o.event, "event", "", `event class, e.g. 'OCP\Files\Events\Node\NodeWrittenEvent'`)
	cmd.Flags().StringVar(&o.uri, "uri", "", "https URL Nextcloud calls (http only for localhost)")
	cmd.Flags().StringVar(&o.filter, "filter", "", `event filter as a JSON object, e.g. '{"user.uid":"alice"}'`)
	cmd.Flags().StringVar(&o.userFilter, "user-filter", "", `only events triggered by this user id (sent as the event filter {"user.uid": ID})`)
	cmd.Flags().BoolVar(&o.allowUnknown, "allow-unknown-event", false, "register an event class nextcloud-mcp does not know (one of your server's apps may provide it)")
	cmd.Flags().StringVar(&o.secretFile, "secret-file", "", "read the delivery secret (16+ characters) from this file (- for stdin); default: "+webhookSecretEnv+" or a generated one")
	return cmd
}

func newWebhooksDisableCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "disable PRESET",
		Short: "Delete a preset's webhooks on the server, then forget them",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.webhooksDisable(cmd.Context(), args[0])
		},
	}
}

func newWebhooksDeleteCmd(a *App) *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete one webhook on the server, then forget it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError("webhook id %q is not a positive number: see `nextcloud-mcp webhooks list`", args[0])
			}
			return a.webhooksDelete(cmd.Context(), id)
		},
	}
}

func newWebhooksSyncCmd(a *App) *cobra.Command {
	var adopt bool
	var uri string
	cmd := &cobra.Command{
		Use:   "sync [--adopt --uri URL]",
		Short: "Forget records whose webhook is gone from the server; --adopt records the server's webhooks calling URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if adopt != (uri != "") {
				return usageError("--adopt and --uri go together: --adopt --uri URL records the server's webhooks that call URL")
			}
			return a.webhooksSync(cmd.Context(), strings.TrimSpace(uri))
		},
	}
	cmd.Flags().BoolVar(&adopt, "adopt", false, "record the server's webhooks that call --uri and are not recorded yet")
	cmd.Flags().StringVar(&uri, "uri", "", "with --adopt: the exact URL the webhooks call")
	return cmd
}

func (a *App) webhooksEnable(ctx context.Context, name, rawURI, secretFile string) error {
	uri, err := checkWebhookURI(rawURI)
	if err != nil {
		return err
	}
	if _, err := nextcloud.WebhookPresetByName(name, nextcloud.PresetOptions{}); err != nil {
		return usageError("%v", err)
	}
	secret, generated, err := a.webhookSecret(secretFile)
	if err != nil {
		return err
	}
	ws, err := a.openWebhookSession(ctx)
	if err != nil {
		return err
	}
	defer ws.Close()
	caps, err := ws.client.Capabilities(ctx)
	if err != nil {
		return webhookFailure(err)
	}
	preset, err := nextcloud.WebhookPresetByName(name, nextcloud.PresetOptions{NotesPath: nextcloud.NotesPathFrom(caps)})
	if err != nil {
		return err
	}
	if ok, why := preset.Supported(nextcloud.WebhookServer{Caps: caps}); !ok {
		return fmt.Errorf("preset %s cannot be enabled on this server: %s", name, why)
	}
	existing, err := ws.store.WebhooksByPreset(ctx, ws.account, name)
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return fmt.Errorf("preset %s is already enabled for %s (%d webhooks): run `nextcloud-mcp webhooks disable %s` first to register it again", name, ws.account, len(existing), name)
	}
	regs := make([]nextcloud.WebhookRegistration, 0, len(preset.Events))
	for _, e := range preset.Events {
		regs = append(regs, nextcloud.WebhookRegistration{URI: uri, Event: e.Event, EventFilter: e.Filter})
	}
	made, err := ws.registerAll(ctx, name, regs, secret)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Out, "Enabled %s: %s call %s\n", name, countOf(len(made), "webhook"), uri)
	for _, m := range made {
		fmt.Fprintf(a.Out, "  %d  %s\n", m.ID, m.Event)
	}
	for _, w := range preset.Caveats(caps.Version) {
		fmt.Fprintf(a.Out, "Warning: %s.\n", w)
	}
	printSecret(a.Out, secret, generated)
	return nil
}

type registerOptions struct {
	event, uri, filter, userFilter, secretFile string
	allowUnknown                               bool
}

func (a *App) webhooksRegister(ctx context.Context, o registerOptions) error {
	event := strings.TrimPrefix(strings.TrimSpace(o.event), `\`)
	if event == "" {
		return usageError("--event is required: an event class such as 'OCP\\Files\\Events\\Node\\NodeWrittenEvent' (see `nextcloud-mcp webhooks presets`)")
	}
	if !nextcloud.IsKnownWebhookEvent(event) && !o.allowUnknown {
		return usageError("%s is not an event class nextcloud-mcp knows: check the spelling (see `nextcloud-mcp webhooks presets`), or pass --allow-unknown-event if one of your server's apps provides it", event)
	}
	uri, err := checkWebhookURI(o.uri)
	if err != nil {
		return err
	}
	var filter map[string]any
	if strings.TrimSpace(o.filter) != "" {
		if err := json.Unmarshal([]byte(o.filter), &filter); err != nil || filter == nil {
			return usageError(`--filter must be a JSON object, e.g. '{"user.uid":"alice"}'`)
		}
	}
	filter, err = userFilter(filter, strings.TrimSpace(o.userFilter))
	if err != nil {
		return err
	}
	secret, generated, err := a.webhookSecret(o.secretFile)
	if err != nil {
		return err
	}
	ws, err := a.openWebhookSession(ctx)
	if err != nil {
		return err
	}
	defer ws.Close()
	made, err := ws.registerAll(ctx, "", []nextcloud.WebhookRegistration{{URI: uri, Event: event, EventFilter: filter}}, secret)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Out, "Registered webhook %d: %s calls %s\n", made[0].ID, made[0].Event, uri)
	if o.userFilter != "" {
		fmt.Fprintf(a.Out, "Only events of user %s: sent as the event filter on user.uid, because the server's own userIdFilter "+
			"misses changes made over WebDAV with an app password.\n", strings.TrimSpace(o.userFilter))
	}
	printSecret(a.Out, secret, generated)
	return nil
}

// printSecret shows a generated secret this once; a supplied one is not
// echoed, since its owner has it already.
func printSecret(w io.Writer, secret string, generated bool) {
	if generated {
		fmt.Fprintf(w, "Delivery secret (shown once; nextcloud-mcp does not store it):\n  %s\n", secret)
		fmt.Fprintln(w, "Every delivery carries the header \"Authorization: Bearer <secret>\": configure your receiver to reject requests without it.")
	} else {
		fmt.Fprintln(w, "Every delivery carries the header \"Authorization: Bearer <the secret you supplied>\".")
	}
	fmt.Fprintln(w, "Nextcloud delivers from background jobs: expect a delay of up to the cron interval (5 minutes by default).")
}

// registerAll registers each webhook with the secret as header auth and
// records it right away. If any step fails, everything this call made is
// removed again, remotely and locally, before the error is returned.
func (w *webhookSession) registerAll(ctx context.Context, preset string, regs []nextcloud.WebhookRegistration, secret string) ([]store.Webhook, error) {
	var made []store.Webhook
	for i, r := range regs {
		r.AuthMethod, r.AuthData = nextcloud.WebhookAuthHeader, nextcloud.BearerSecret(secret)
		l, err := w.client.CreateWebhookListener(ctx, r)
		if err == nil {
			rec := store.Webhook{Account: w.account, ID: l.ID, Preset: preset, Event: l.Event, URI: l.URI, CreatedAt: time.Now()}
			made = append(made, rec)
			if err = w.store.SaveWebhook(ctx, rec); err == nil {
				continue
			}
		}
		step := r.Event
		if len(regs) > 1 {
			step = fmt.Sprintf("%s (%d of %d)", r.Event, i+1, len(regs))
		}
		return nil, webhookFailure(fmt.Errorf("registering %s failed: %w%s", step, err, w.rollback(ctx, made)))
	}
	return made, nil
}

// rollback removes what registerAll made and says how that went, as a
// suffix for the error message.
func (w *webhookSession) rollback(ctx context.Context, made []store.Webhook) string {
	if len(made) == 0 {
		return "; nothing was registered"
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTimeout)
	defer cancel()
	var left []string
	for _, m := range made {
		if _, err := w.client.DeleteWebhookListener(ctx, m.ID); err != nil {
			left = append(left, fmt.Sprintf("%d (%v)", m.ID, err))
			continue
		}
		if _, err := w.store.DeleteWebhook(ctx, w.account, m.ID); err != nil {
			left = append(left, fmt.Sprintf("%d (record: %v)", m.ID, err))
		}
	}
	if len(left) > 0 {
		return fmt.Sprintf("; rolling back failed for webhooks %s: remove them with `nextcloud-mcp webhooks delete ID`", strings.Join(left, ", "))
	}
	return fmt.Sprintf("; rolled back the %s already registered, so nothing was left behind", countOf(len(made), "webhook"))
}

func (a *App) webhooksDisable(ctx context.Context, name string) error {
	if _, err := nextcloud.WebhookPresetByName(name, nextcloud.PresetOptions{}); err != nil {
		return usageError("%v", err)
	}
	ws, err := a.openWebhookSession(ctx)
	if err != nil {
		return err
	}
	defer ws.Close()
	recs, err := ws.store.WebhooksByPreset(ctx, ws.account, name)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		fmt.Fprintf(a.Out, "Preset %s is not enabled for %s; nothing to do.\n", name, ws.account)
		return nil
	}
	gone := 0
	for i, r := range recs {
		deleted, err := ws.client.DeleteWebhookListener(ctx, r.ID)
		if err != nil {
			return webhookFailure(fmt.Errorf("deleting webhook %d failed after %d of %d were removed (run disable again to finish): %w", r.ID, i, len(recs), err))
		}
		if !deleted {
			gone++
		}
		if _, err := ws.store.DeleteWebhook(ctx, ws.account, r.ID); err != nil {
			return err
		}
	}
	fmt.Fprintf(a.Out, "Disabled %s: removed %s", name, countOf(len(recs), "webhook"))
	if gone > 0 {
		fmt.Fprintf(a.Out, " (%d already gone from the server)", gone)
	}
	fmt.Fprintln(a.Out, ".")
	return nil
}

func (a *App) webhooksDelete(ctx context.Context, id int64) error {
	ws, err := a.openWebhookSession(ctx)
	if err != nil {
		return err
	}
	defer ws.Close()
	deleted, err := ws.client.DeleteWebhookListener(ctx, id)
	if err != nil {
		return webhookFailure(fmt.Errorf("delete webhook %d: %w", id, err))
	}
	forgot, err := ws.store.DeleteWebhook(ctx, ws.account, id)
	if err != nil {
		return err
	}
	switch {
	case deleted && forgot:
		fmt.Fprintf(a.Out, "Deleted webhook %d.\n", id)
	case deleted:
		fmt.Fprintf(a.Out, "Deleted webhook %d on the server (nextcloud-mcp had not registered it).\n", id)
	case forgot:
		fmt.Fprintf(a.Out, "Webhook %d was already gone from the server; forgot its record.\n", id)
	default:
		return errors.New("no webhook " + strconv.FormatInt(id, 10) + " on the server or in nextcloud-mcp's records: see `nextcloud-mcp webhooks list --remote`")
	}
	return nil
}

func (a *App) webhooksSync(ctx context.Context, adoptURI string) error {
	ws, err := a.openWebhookSession(ctx)
	if err != nil {
		return err
	}
	defer ws.Close()
	listeners, err := ws.client.WebhookListeners(ctx, "")
	if err != nil {
		return webhookFailure(err)
	}
	recs, err := ws.store.Webhooks(ctx, ws.account)
	if err != nil {
		return err
	}
	var forgot, adopted []string
	matching, foreign := 0, 0
	for _, st := range tools.CompareWebhooks(webhookRecords(recs), listeners) {
		switch {
		case st.State == tools.WebhookMatching:
			matching++
		case st.State == tools.WebhookOnlyLocal:
			if _, err := ws.store.DeleteWebhook(ctx, ws.account, st.ID); err != nil {
				return err
			}
			forgot = append(forgot, strconv.FormatInt(st.ID, 10))
		case adoptURI != "" && st.URI == adoptURI:
			if err := ws.store.SaveWebhook(ctx, store.Webhook{Account: ws.account, ID: st.ID, Event: st.Event, URI: st.URI, CreatedAt: time.Now()}); err != nil {
				return err
			}
			adopted = append(adopted, strconv.FormatInt(st.ID, 10))
		default:
			foreign++
		}
	}
	fmt.Fprintf(a.Out, "%s match the server.\n", countOf(matching, "record"))
	if len(forgot) > 0 {
		fmt.Fprintf(a.Out, "Forgot %s whose webhook is gone from the server: %s.\n", countOf(len(forgot), "record"), strings.Join(forgot, ", "))
	}
	switch {
	case adoptURI != "" && len(adopted) == 0:
		fmt.Fprintf(a.Out, "No webhook on the server calls %s without a record here, so nothing was adopted.\n", adoptURI)
	case adoptURI != "":
		fmt.Fprintf(a.Out, "Adopted %s calling %s: %s.\n", countOf(len(adopted), "webhook"), adoptURI, strings.Join(adopted, ", "))
	}
	if foreign > 0 {
		fmt.Fprintf(a.Out, "%s on the server not recorded by nextcloud-mcp (adopt with --adopt --uri URL).\n", countOf(foreign, "other webhook"))
	}
	return nil
}

// countOf writes "1 webhook" or "3 webhooks".
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// userFilter turns --user-filter into the event filter {"user.uid": id}.
// webhook_listeners' own userIdFilter never fires for changes made over
// WebDAV with an app password: the app picks the events to listen to while
// it boots, before that request's user is logged in (webhooks-live/). The
// event filter is checked on each event and works.
func userFilter(filter map[string]any, user string) (map[string]any, error) {
	if user == "" {
		return filter, nil
	}
	if v, ok := filter["user.uid"]; ok && v != user {
		return nil, usageError("--user-filter %s and --filter's user.uid %v disagree: give the user once", user, v)
	}
	if filter == nil {
		filter = map[string]any{}
	}
	filter["user.uid"] = user
	return filter, nil
}
