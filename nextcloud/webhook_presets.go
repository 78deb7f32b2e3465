package nextcloud

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Webhook event classes, as webhook_listeners expects them: fully-qualified
// PHP class names that implement OCP\EventDispatcher\IWebhookCompatibleEvent.
const (
	EventNodeCreated  = `OCP\Files\Events\Node\NodeCreatedEvent`
	EventNodeWritten  = `OCP\Files\Events\Node\NodeWrittenEvent`
	EventNodeDeleted  = `OCP\Files\Events\Node\NodeDeletedEvent`
	EventNodeRenamed  = `OCP\Files\Events\Node\NodeRenamedEvent`
	EventNodeCopied   = `OCP\Files\Events\Node\NodeCopiedEvent`
	EventNodeRestored = `OCP\Files\Events\Node\NodeRestoredEvent`

	EventCalendarObjectCreated      = `OCP\Calendar\Events\CalendarObjectCreatedEvent`
	EventCalendarObjectUpdated      = `OCP\Calendar\Events\CalendarObjectUpdatedEvent`
	EventCalendarObjectDeleted      = `OCP\Calendar\Events\CalendarObjectDeletedEvent`
	EventCalendarObjectMoved        = `OCP\Calendar\Events\CalendarObjectMovedEvent`
	EventCalendarObjectMovedToTrash = `OCP\Calendar\Events\CalendarObjectMovedToTrashEvent`
	EventCalendarObjectRestored     = `OCP\Calendar\Events\CalendarObjectRestoredEvent`

	EventTablesRowAdded   = `OCA\Tables\Event\RowAddedEvent`
	EventTablesRowUpdated = `OCA\Tables\Event\RowUpdatedEvent`
	EventTablesRowDeleted = `OCA\Tables\Event\RowDeletedEvent`

	EventDeckCardCreated = `OCA\Deck\Event\CardCreatedEvent`
	EventDeckCardUpdated = `OCA\Deck\Event\CardUpdatedEvent`
	EventDeckCardDeleted = `OCA\Deck\Event\CardDeletedEvent`

	EventFormSubmitted = `OCA\Forms\Events\FormSubmittedEvent`
)

// KnownWebhookEvents lists the webhook-compatible event classes of Nextcloud
// server and the apps nextcloud-mcp knows. A server may offer more (other
// apps add their own); registering those needs an explicit opt-in.
func KnownWebhookEvents() []string {
	return []string{
		`OCP\Files\Events\Node\BeforeNodeCreatedEvent`,
		`OCP\Files\Events\Node\BeforeNodeTouchedEvent`,
		`OCP\Files\Events\Node\BeforeNodeWrittenEvent`,
		`OCP\Files\Events\Node\BeforeNodeReadEvent`,
		`OCP\Files\Events\Node\BeforeNodeDeletedEvent`,
		`OCP\Files\Events\Node\BeforeNodeCopiedEvent`,
		`OCP\Files\Events\Node\BeforeNodeRenamedEvent`,
		`OCP\Files\Events\Node\BeforeNodeRestoredEvent`,
		EventNodeCreated,
		`OCP\Files\Events\Node\NodeTouchedEvent`,
		EventNodeWritten,
		EventNodeDeleted,
		EventNodeCopied,
		EventNodeRenamed,
		EventNodeRestored,
		`OCP\SystemTag\TagAssignedEvent`,
		`OCP\SystemTag\TagUnassignedEvent`,
		`OCP\SystemTag\MapperEvent`,
		EventCalendarObjectCreated,
		EventCalendarObjectUpdated,
		EventCalendarObjectDeleted,
		EventCalendarObjectMoved,
		EventCalendarObjectMovedToTrash,
		EventCalendarObjectRestored,
		`OCP\User\Events\UserFirstTimeLoggedInEvent`,
		EventTablesRowAdded,
		EventTablesRowUpdated,
		EventTablesRowDeleted,
		EventDeckCardCreated,
		EventDeckCardUpdated,
		EventDeckCardDeleted,
		EventFormSubmitted,
		`OCA\Mail\Events\NewMessageReceivedEvent`,
	}
}

// IsKnownWebhookEvent reports whether class is in KnownWebhookEvents; a
// leading backslash is ignored, as the server ignores it.
func IsKnownWebhookEvent(class string) bool {
	return slices.Contains(KnownWebhookEvents(), strings.TrimPrefix(class, `\`))
}

// PresetEvent is one registration a preset makes.
type PresetEvent struct {
	Event string `json:"event"`
	// Filter is the eventFilter sent with it; nil matches every event.
	Filter map[string]any `json:"filter,omitempty"`
}

// WebhookPreset is a named set of registrations that keeps a receiver in
// sync with one kind of Nextcloud data.
type WebhookPreset struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	// App is the capability block the server must announce; "" means core.
	App string `json:"app,omitempty"`
	// MinVersion is the oldest Nextcloud release whose webhook_listeners
	// accepts these event classes, e.g. "30" or "31.0.2".
	MinVersion string        `json:"minVersion"`
	Events     []PresetEvent `json:"events"`
}

// PresetOptions tune the presets to one server.
type PresetOptions struct {
	// NotesPath is the Notes app's folder below the user's files; empty means
	// "Notes", the app's default. The Notes capability block reports it.
	NotesPath string
}

// WebhookPresets returns every preset, in a stable order.
func WebhookPresets(o PresetOptions) []WebhookPreset {
	notes := strings.Trim(o.NotesPath, "/")
	if notes == "" {
		notes = "Notes"
	}
	userFiles := `^\/[^\/]+\/files\/`
	notesDir := userFiles + phpRegexQuote(notes) + `\/`
	return []WebhookPreset{
		{
			Name:        "notes_sync",
			Description: "Notes created, changed, renamed or deleted (file events in the folder \"" + notes + "\")",
			App:         "notes",
			MinVersion:  "30",
			Events:      fileEvents(notesDir),
		},
		{
			Name:        "calendar_sync",
			Description: "Calendar events and tasks created, changed, moved, trashed, restored or deleted",
			// The OCP calendar events are webhook-compatible from 31.0.2 on;
			// 31.0.6 accepts and delivers all six (webhooks-live/nc31/04).
			MinVersion: "31.0.2",
			Events: []PresetEvent{
				{Event: EventCalendarObjectCreated},
				{Event: EventCalendarObjectUpdated},
				{Event: EventCalendarObjectDeleted},
				{Event: EventCalendarObjectMoved},
				{Event: EventCalendarObjectMovedToTrash},
				{Event: EventCalendarObjectRestored},
			},
		},
		{
			Name:        "tables_sync",
			Description: "Tables rows added, updated or deleted",
			App:         "tables",
			MinVersion:  "30",
			Events:      []PresetEvent{{Event: EventTablesRowAdded}, {Event: EventTablesRowUpdated}, {Event: EventTablesRowDeleted}},
		},
		{
			Name:        "files_sync",
			Description: "Files and folders created, changed, renamed, copied or deleted in users' files (not trash, versions or previews)",
			MinVersion:  "30",
			Events:      append(fileEvents(userFiles), PresetEvent{Event: EventNodeCopied, Filter: map[string]any{"event.target.path": "/" + userFiles + "/"}}),
		},
		{
			Name:        "deck_sync",
			Description: "Deck cards created, updated or deleted",
			App:         "deck",
			MinVersion:  "30",
			Events:      []PresetEvent{{Event: EventDeckCardCreated}, {Event: EventDeckCardUpdated}, {Event: EventDeckCardDeleted}},
		},
		{
			Name:        "forms_sync",
			Description: "Forms submissions",
			App:         "forms",
			MinVersion:  "30",
			Events:      []PresetEvent{{Event: EventFormSubmitted}},
		},
	}
}

// fileEvents are the node events below the path regex prefix. A rename is a
// two-node event, so it matches when either side is inside.
func fileEvents(prefix string) []PresetEvent {
	re := "/" + prefix + "/"
	return []PresetEvent{
		{Event: EventNodeCreated, Filter: map[string]any{"event.node.path": re}},
		{Event: EventNodeWritten, Filter: map[string]any{"event.node.path": re}},
		{Event: EventNodeDeleted, Filter: map[string]any{"event.node.path": re}},
		{Event: EventNodeRenamed, Filter: map[string]any{"$or": []any{
			map[string]any{"event.source.path": re},
			map[string]any{"event.target.path": re},
		}}},
	}
}

// phpRegexQuote escapes s for a PCRE pattern delimited by slashes.
func phpRegexQuote(s string) string {
	return strings.ReplaceAll(regexp.QuoteMeta(s), "/", `\/`)
}

// WebhookPresetByName finds a preset.
func WebhookPresetByName(name string, o PresetOptions) (WebhookPreset, error) {
	all := WebhookPresets(o)
	names := make([]string, 0, len(all))
	for _, p := range all {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return WebhookPreset{}, fmt.Errorf("unknown webhook preset %q: choose from %s", name, strings.Join(names, ", "))
}

// WebhookServer is what decides whether presets work on a server.
type WebhookServer struct {
	// Caps are the server's capabilities; nil when they could not be read.
	Caps *Capabilities
	// Access is how listing the webhooks went: nil when it worked,
	// ErrWebhooksUnavailable when the webhook_listeners app is off (it is
	// off by default) or the server is too old, ErrNotAdmin for an account
	// that may not manage webhooks, or another error.
	Access error
}

// Supported says whether the server can take the preset, and if not, why.
// Without capabilities the answer is "yes" with the reason "not checked".
func (p WebhookPreset) Supported(s WebhookServer) (bool, string) {
	caps := s.Caps
	if caps == nil {
		return true, "not checked"
	}
	switch v := caps.Version; {
	case v.Major > 0 && v.Major < 30:
		return false, fmt.Sprintf("needs Nextcloud 30+ for webhooks, the server runs %s", v.String)
	case errors.Is(s.Access, ErrWebhooksUnavailable):
		return false, "app disabled: `occ app:enable webhook_listeners`"
	case errors.Is(s.Access, ErrNotAdmin):
		return false, "admins only"
	}
	if p.App != "" && !caps.Has(p.App) {
		return false, fmt.Sprintf("the %s app is not installed", p.App)
	}
	if v := caps.Version; v.Major > 0 && !v.AtLeast(p.MinVersion) {
		return false, fmt.Sprintf("needs Nextcloud %s+, the server runs %s", p.MinVersion, v.String)
	}
	return true, "available"
}

// Caveats are what a person should know before relying on the preset on a
// server of version v.
func (p WebhookPreset) Caveats(v Version) []string {
	var out []string
	for _, e := range p.Events {
		if e.Event == EventNodeRenamed && RenameEventsBroken(v) {
			out = append(out, "rename events may never be delivered on Nextcloud 30 and 31: the server fails to serialise NodeRenamedEvent "+
				"(seen on 31.0.6; fixed upstream by nextcloud/server#53648), so a renamed file shows up only at its next change")
			break
		}
	}
	return out
}

// RenameEventsBroken reports a version whose webhook_listeners never
// delivers NodeRenamedEvent: the event's JSON serialiser asks the old,
// already missing node for its id and throws (webhooks-live/ README). Seen
// on 31.0.6; fixed upstream by nextcloud/server#53648 (June 2025). Which
// 30.x and 31.x maintenance releases carry the fix is not known here, so
// every 30 and 31 counts as affected.
func RenameEventsBroken(v Version) bool { return v.Major == 30 || v.Major == 31 }

// NotesPathFrom reads the Notes folder from the Notes capability block.
func NotesPathFrom(caps *Capabilities) string {
	var notes struct {
		NotesPath string `json:"notes_path"`
	}
	if caps.App("notes", &notes) {
		return notes.NotesPath
	}
	return ""
}
