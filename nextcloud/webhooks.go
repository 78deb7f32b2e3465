package nextcloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// webhooksPath is the OCS base of the webhook_listeners app (Nextcloud 30+).
const webhooksPath = "/apps/webhook_listeners/api/v1/webhooks"

// Auth methods webhook_listeners knows. With WebhookAuthHeader the server
// merges the registration's AuthData into the headers of every delivery.
const (
	WebhookAuthNone   = "none"
	WebhookAuthHeader = "header"
)

// Sentinels for the two ways a webhook call fails before it does anything.
var (
	// ErrWebhooksUnavailable: the server has no webhook_listeners app. It also
	// matches ErrAppMissing.
	ErrWebhooksUnavailable = errors.New("webhook_listeners unavailable")
	// ErrNotAdmin: the account is neither an admin nor a delegated admin of
	// the Webhooks setting. It also matches ErrForbidden.
	ErrNotAdmin = errors.New("not an admin")
)

// WebhookListener is one registration as the server reports it. The
// server's authData is left out on purpose: it is an encrypted blob that no
// client can use, and keeping it out of the type keeps it out of every output.
type WebhookListener struct {
	ID           int64
	AppID        string
	UserID       string
	HTTPMethod   string
	URI          string
	Event        string
	EventFilter  map[string]any
	UserIDFilter string
	Headers      map[string]string
	AuthMethod   string
}

// UnmarshalJSON copes with the server's PHP-isms: the openapi types id as a
// string while the entity sends a number, and an empty filter or header map
// is serialised as [] rather than {}.
func (w *WebhookListener) UnmarshalJSON(b []byte) error {
	var raw struct {
		ID           json.RawMessage `json:"id"`
		AppID        *string         `json:"appId"`
		UserID       *string         `json:"userId"`
		HTTPMethod   string          `json:"httpMethod"`
		URI          string          `json:"uri"`
		Event        string          `json:"event"`
		EventFilter  json.RawMessage `json:"eventFilter"`
		UserIDFilter *string         `json:"userIdFilter"`
		Headers      json.RawMessage `json:"headers"`
		AuthMethod   *string         `json:"authMethod"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	id, err := flexibleID(raw.ID)
	if err != nil {
		return fmt.Errorf("webhook id: %w", err)
	}
	*w = WebhookListener{ID: id, HTTPMethod: raw.HTTPMethod, URI: raw.URI, Event: raw.Event, AuthMethod: WebhookAuthNone}
	w.AppID = deref(raw.AppID)
	w.UserID = deref(raw.UserID)
	w.UserIDFilter = deref(raw.UserIDFilter)
	if m := deref(raw.AuthMethod); m != "" {
		w.AuthMethod = m
	}
	if err := decodeObjectOrEmptyArray(raw.EventFilter, &w.EventFilter); err != nil {
		return fmt.Errorf("webhook %d eventFilter: %w", id, err)
	}
	if err := decodeObjectOrEmptyArray(raw.Headers, &w.Headers); err != nil {
		return fmt.Errorf("webhook %d headers: %w", id, err)
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func flexibleID(raw json.RawMessage) (int64, error) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return 0, errors.New("missing")
	}
	return strconv.ParseInt(s, 10, 64)
}

// decodeObjectOrEmptyArray decodes a JSON object into out and treats null,
// [] and {} as "nothing".
func decodeObjectOrEmptyArray[T any](raw json.RawMessage, out *map[string]T) error {
	t := strings.TrimSpace(string(raw))
	*out = nil
	if t == "" || t == "null" {
		return nil
	}
	if strings.HasPrefix(t, "[") {
		var list []any
		if err := json.Unmarshal(raw, &list); err != nil || len(list) > 0 {
			return fmt.Errorf("expected an object, got %s", t)
		}
		return nil
	}
	var m map[string]T
	if err := json.Unmarshal(raw, &m); err != nil {
		return err
	}
	if len(m) == 0 {
		m = nil
	}
	*out = m
	return nil
}

// SecretHeaders are delivery headers that carry a secret. They are sent to
// the server once and must never be printed, so fmt shows them redacted.
type SecretHeaders map[string]string

// String hides the values from %v and %s.
func (h SecretHeaders) String() string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k+":<redacted>")
	}
	return "SecretHeaders{" + strings.Join(keys, ", ") + "}"
}

// GoString hides the values from %#v.
func (h SecretHeaders) GoString() string { return h.String() }

// BearerSecret is the AuthData that makes every delivery carry
// "Authorization: Bearer <secret>", so the receiver can tell real deliveries
// from forged ones.
func BearerSecret(secret string) SecretHeaders {
	return SecretHeaders{"Authorization": "Bearer " + secret}
}

// WebhookRegistration is what POST /webhooks takes.
type WebhookRegistration struct {
	// HTTPMethod is how the server calls URI; empty means POST.
	HTTPMethod string
	URI        string
	// Event is the fully-qualified PHP class, e.g. OCP\Files\Events\Node\NodeWrittenEvent.
	Event string
	// EventFilter is a Mongo-style query on the delivery envelope; nil matches everything.
	EventFilter map[string]any
	// UserIDFilter limits deliveries to events triggered by this user.
	UserIDFilter string
	Headers      map[string]string
	// AuthMethod is WebhookAuthNone (default) or WebhookAuthHeader.
	AuthMethod string
	// AuthData is required with WebhookAuthHeader; the server stores it encrypted.
	AuthData SecretHeaders
}

// String never shows AuthData values.
func (r WebhookRegistration) String() string {
	return fmt.Sprintf("WebhookRegistration{%s %s event=%s authMethod=%s authData=%v}", r.method(), r.URI, r.Event, r.AuthMethod, r.AuthData)
}

// GoString never shows AuthData values either.
func (r WebhookRegistration) GoString() string { return r.String() }

func (r WebhookRegistration) method() string {
	if r.HTTPMethod == "" {
		return http.MethodPost
	}
	return strings.ToUpper(r.HTTPMethod)
}

// body builds the JSON request body; optional fields are sent only when set,
// because the server resets omitted fields to their defaults anyway.
func (r WebhookRegistration) body() (map[string]any, error) {
	if r.URI == "" {
		return nil, errors.New("a webhook needs a uri")
	}
	if r.Event == "" {
		return nil, errors.New("a webhook needs an event class")
	}
	b := map[string]any{"httpMethod": r.method(), "uri": r.URI, "event": strings.TrimPrefix(r.Event, `\`)}
	if len(r.EventFilter) > 0 {
		b["eventFilter"] = r.EventFilter
	}
	if r.UserIDFilter != "" {
		b["userIdFilter"] = r.UserIDFilter
	}
	if len(r.Headers) > 0 {
		b["headers"] = r.Headers
	}
	switch r.AuthMethod {
	case "", WebhookAuthNone:
		if len(r.AuthData) > 0 {
			return nil, errors.New("webhook auth data needs authMethod \"header\"")
		}
	case WebhookAuthHeader:
		if len(r.AuthData) == 0 {
			return nil, errors.New("webhook authMethod \"header\" needs auth data (the headers to send)")
		}
		b["authMethod"] = WebhookAuthHeader
		b["authData"] = map[string]string(r.AuthData)
	default:
		return nil, fmt.Errorf("unknown webhook auth method %q: use none or header", r.AuthMethod)
	}
	return b, nil
}

// WebhookListeners lists the registrations; a non-empty uri keeps only those
// that call exactly that uri.
func (c *Client) WebhookListeners(ctx context.Context, uri string) ([]WebhookListener, error) {
	var q url.Values
	if uri != "" {
		q = url.Values{"uri": {uri}}
	}
	var out []WebhookListener
	if err := c.OCS(ctx, http.MethodGet, webhooksPath, q, nil, &out); err != nil {
		return nil, c.webhookError(ctx, err)
	}
	return out, nil
}

// WebhookListener returns one registration; errors.Is(err, ErrNotFound) when
// the id is unknown.
func (c *Client) WebhookListener(ctx context.Context, id int64) (*WebhookListener, error) {
	var out WebhookListener
	if err := c.OCS(ctx, http.MethodGet, webhooksPath+"/"+strconv.FormatInt(id, 10), nil, nil, &out); err != nil {
		return nil, c.webhookError(ctx, err)
	}
	return &out, nil
}

// CreateWebhookListener registers a webhook.
func (c *Client) CreateWebhookListener(ctx context.Context, r WebhookRegistration) (*WebhookListener, error) {
	body, err := r.body()
	if err != nil {
		return nil, err
	}
	var out WebhookListener
	if err := c.OCS(ctx, http.MethodPost, webhooksPath, nil, body, &out); err != nil {
		return nil, c.webhookError(ctx, err)
	}
	return &out, nil
}

// DeleteWebhookListener removes a registration. It reports false when the
// server had no such id (Nextcloud answers 200 with data false then).
func (c *Client) DeleteWebhookListener(ctx context.Context, id int64) (bool, error) {
	var deleted bool
	if err := c.OCS(ctx, http.MethodDelete, webhooksPath+"/"+strconv.FormatInt(id, 10), nil, nil, &deleted); err != nil {
		return false, c.webhookError(ctx, err)
	}
	return deleted, nil
}

// webhookError turns the two answers that mean "you cannot use webhooks at
// all" into errors that say why, and leaves every other error alone.
func (c *Client) webhookError(ctx context.Context, err error) error {
	var ne *Error
	if !errors.As(err, &ne) {
		return err
	}
	switch {
	case isAppMissing(ne):
		e := &WebhooksUnavailableError{Err: err}
		// The version makes the fix obvious; without it the message still stands.
		if caps, cerr := c.Capabilities(ctx); cerr == nil {
			e.Version = caps.Version
		}
		return e
	case ne.Status == http.StatusForbidden:
		return &NotAdminError{Login: c.Login(), Err: err}
	}
	return err
}

// isAppMissing recognises Nextcloud's answer for an OCS route no enabled app
// serves: 404 with "Invalid query, please check the syntax".
func isAppMissing(e *Error) bool {
	return e.Status == http.StatusNotFound && strings.HasPrefix(e.Message, "Invalid query")
}

// WebhooksUnavailableError says the server cannot take webhooks.
type WebhooksUnavailableError struct {
	Version Version
	Err     error
}

func (e *WebhooksUnavailableError) Error() string {
	if e.Version.Major > 0 && e.Version.Major < 30 {
		return fmt.Sprintf("this Nextcloud (%s) has no webhook_listeners app: webhooks need Nextcloud 30 or newer", e.Version.String)
	}
	return "this Nextcloud has no webhook_listeners app enabled (it needs Nextcloud 30 or newer): an admin can enable it with `occ app:enable webhook_listeners`"
}

// Is matches ErrWebhooksUnavailable and ErrAppMissing.
func (e *WebhooksUnavailableError) Is(target error) bool {
	return target == ErrWebhooksUnavailable || target == ErrAppMissing
}

func (e *WebhooksUnavailableError) Unwrap() error { return e.Err }

// NotAdminError says the account may not manage webhooks.
type NotAdminError struct {
	Login string
	Err   error
}

func (e *NotAdminError) Error() string {
	who := "this account"
	if e.Login != "" {
		who = fmt.Sprintf("the account %q", e.Login)
	}
	return fmt.Sprintf("webhooks are admin-only and %s is not a Nextcloud admin (nor a delegated admin of the Webhooks setting): sign in as an admin", who)
}

// Is matches ErrNotAdmin and ErrForbidden.
func (e *NotAdminError) Is(target error) bool { return target == ErrNotAdmin || target == ErrForbidden }

func (e *NotAdminError) Unwrap() error { return e.Err }
