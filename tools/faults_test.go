package tools

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// The fault table: every network fault of ncfake against a read and a write
// tool of each app family, through the real MCP server. It asserts what
// docs/reliability.md promises and prints the table that page shows
// (go test ./tools -run TestFaultTable -update rewrites it there).

// faultCase is one row of the table.
type faultCase struct {
	name  string
	fault ncfake.NetFault
	// readOK: a read must succeed despite the fault (retried or just slow).
	readOK bool
	// writeOK: a write must succeed despite the fault.
	writeOK bool
}

var faultCases = []faultCase{
	{"fixed latency 300 ms", ncfake.NetFault{Kind: ncfake.NetLatency, Latency: 300 * time.Millisecond}, true, true},
	{"random latency 0–400 ms", ncfake.NetFault{Kind: ncfake.NetLatency, Jitter: 400 * time.Millisecond}, true, true},
	{"429 Retry-After 1 s, once", ncfake.NetFault{Kind: ncfake.NetThrottle, RetryAfter: "1", Times: 1}, true, false},
	{"429 Retry-After 120 s", ncfake.NetFault{Kind: ncfake.NetThrottle, RetryAfter: "120"}, false, false},
	{"502 page from a proxy, once", ncfake.NetFault{Kind: ncfake.NetGateway, Status: 502, Times: 1}, true, false},
	{"503, once", ncfake.NetFault{Kind: ncfake.NetGateway, Status: 503, Times: 1}, true, false},
	{"504 from a proxy, always", ncfake.NetFault{Kind: ncfake.NetGateway, Status: 504}, false, false},
	{"reset before headers, once", ncfake.NetFault{Kind: ncfake.NetResetBeforeHeaders, Times: 1}, true, false},
	{"reset mid-body, once", ncfake.NetFault{Kind: ncfake.NetResetMidBody, Times: 1}, true, false},
	{"truncated body, once", ncfake.NetFault{Kind: ncfake.NetTruncateBody, Times: 1}, false, false},
	{"invalid XML/JSON body, once", ncfake.NetFault{Kind: ncfake.NetInvalidBody, Times: 1}, false, false},
	{"slow drip, 128 B per 10 ms", ncfake.NetFault{Kind: ncfake.NetSlowDrip, DripBytes: 128, DripEvery: 10 * time.Millisecond}, true, true},
	{"HTML sign-in page (200)", ncfake.NetFault{Kind: ncfake.NetProxyPage}, false, false},
}

// faultCall is one tool call and the request of it the fault hits.
type faultCall struct {
	tool   string
	args   map[string]any
	method string
	prefix string
}

// faultFamily is one app: a read, a write, and how to count what the write made.
type faultFamily struct {
	name        string
	read, write faultCall
	// idempotent writes (PUT of a new object) may be sent again after a
	// refusal the server did not act on; a POST never.
	idempotent bool
	// streamed reads hand the body on as it arrives (file downloads), so a
	// connection that breaks mid-body ends the call instead of a retry.
	streamed bool
	count    func(ctx context.Context, c *nextcloud.Client) (int, error)
}

const faultMarker = "Faultmarker"

var faultFamilies = []faultFamily{
	{
		name:  "notes",
		read:  faultCall{"nc_notes_list_notes", map[string]any{}, http.MethodGet, "/index.php/apps/notes/"},
		write: faultCall{"nc_notes_create_note", map[string]any{"title": faultMarker, "content": "x"}, http.MethodPost, "/index.php/apps/notes/"},
		count: func(ctx context.Context, c *nextcloud.Client) (int, error) {
			notes, err := c.ListNotes(ctx, nextcloud.NotesListOptions{MetadataOnly: true})
			n := 0
			for _, note := range notes {
				if note.Title == faultMarker {
					n++
				}
			}
			return n, err
		},
	},
	{
		name:       "files",
		streamed:   true,
		read:       faultCall{"nc_webdav_read_file", map[string]any{"path": "/Documents/Welcome.md"}, http.MethodGet, "/remote.php/dav/files/"},
		write:      faultCall{"nc_webdav_write_file", map[string]any{"path": "/Documents/" + faultMarker + ".txt", "content": "x"}, http.MethodPut, "/remote.php/dav/files/"},
		idempotent: true,
		count: func(ctx context.Context, c *nextcloud.Client) (int, error) {
			if _, err := c.Stat(ctx, "/Documents/"+faultMarker+".txt"); err != nil {
				if nextcloud.StatusOf(err) == http.StatusNotFound {
					return 0, nil
				}
				return 0, err
			}
			return 1, nil
		},
	},
	{
		name: "calendar",
		read: faultCall{"nc_calendar_list_events", map[string]any{"start": "2026-11-01", "end": "2027-03-01"}, "REPORT", "/remote.php/dav/calendars/"},
		write: faultCall{"nc_calendar_create_event", map[string]any{"calendar_name": "personal", "title": faultMarker, "start": "2026-12-10T10:00:00Z"},
			http.MethodPut, "/remote.php/dav/calendars/"},
		idempotent: true,
		count: func(ctx context.Context, c *nextcloud.Client) (int, error) {
			home, err := c.CalendarHome(ctx)
			if err != nil {
				return 0, err
			}
			from := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			occ, _, err := c.Occurrences(ctx, home+"personal/", from, from.AddDate(0, 1, 0), time.UTC)
			n := 0
			for _, o := range occ {
				if o.Summary == faultMarker {
					n++
				}
			}
			return n, err
		},
	},
	{
		name:       "contacts",
		read:       faultCall{"nc_contacts_search", map[string]any{"query": "bob"}, "REPORT", "/remote.php/dav/addressbooks/"},
		write:      faultCall{"nc_contacts_create_contact", map[string]any{"name": faultMarker}, http.MethodPut, "/remote.php/dav/addressbooks/"},
		idempotent: true,
		count: func(ctx context.Context, c *nextcloud.Client) (int, error) {
			home, err := c.AddressBookHome(ctx)
			if err != nil {
				return 0, err
			}
			found, err := c.QueryContacts(ctx, home+"contacts/", nextcloud.ContactQuery{Text: faultMarker})
			return len(found), err
		},
	},
	{
		name:  "deck",
		read:  faultCall{"nc_deck_list_boards", map[string]any{}, http.MethodGet, "/index.php/apps/deck/"},
		write: faultCall{"nc_deck_create_card", map[string]any{"board_id": 1, "stack_id": 1, "title": faultMarker}, http.MethodPost, "/index.php/apps/deck/"},
		count: func(ctx context.Context, c *nextcloud.Client) (int, error) {
			stacks, err := c.Deck().Stacks(ctx, 1, nextcloud.DeckStacksOptions{})
			n := 0
			for _, s := range stacks {
				for _, card := range s.Cards {
					if card.Title == faultMarker {
						n++
					}
				}
			}
			return n, err
		},
	},
	{
		name:  "sharing",
		read:  faultCall{"nc_sharing_list", map[string]any{}, http.MethodGet, "/ocs/v2.php/apps/files_sharing/"},
		write: faultCall{"nc_sharing_create", map[string]any{"path": "/Documents/Welcome.md", "share_with": "alice"}, http.MethodPost, "/ocs/v2.php/apps/files_sharing/"},
		count: func(ctx context.Context, c *nextcloud.Client) (int, error) {
			shares, err := c.ListShares(ctx, nextcloud.ShareListOptions{Path: "/Documents/Welcome.md"})
			n := 0
			for _, s := range shares {
				if s.ShareWith == "alice" {
					n++
				}
			}
			return n, err
		},
	},
}

// faultOutcome is what one call under one fault came to.
type faultOutcome struct {
	ok       bool
	sent     int // requests that matched the fault's target
	made     int // objects the write left behind (writes only)
	took     time.Duration
	sentence string
}

func (o faultOutcome) cell() string {
	mark := "✓"
	if !o.ok {
		mark = "✗"
	}
	return fmt.Sprintf("%s %d×", mark, o.sent)
}

// runFaultCall runs one call against a fresh demo fake with the fault on
// the call's target request.
func runFaultCall(t *testing.T, fam faultFamily, call faultCall, fc faultCase, write bool) faultOutcome {
	t.Helper()
	fake := ncfake.NewDemo()
	h := newHarness(t, harnessOpts{fake: fake, user: ncfake.DemoUser, password: ncfake.DemoAppPassword})
	f := fc.fault
	f.Method, f.PathPrefix = call.method, call.prefix
	fake.AddNetFault(f)
	before := countRequests(fake, call)
	start := time.Now()
	res := h.call(call.tool, call.args)
	out := faultOutcome{ok: !res.IsError, took: time.Since(start), sent: countRequests(fake, call) - before}
	if res.IsError {
		out.sentence = resultText(res)
	}
	if write {
		fake.ClearNetFaults()
		c, err := nextcloud.New(nextcloud.Options{BaseURL: h.url, Credentials: nextcloud.BasicAuth{User: ncfake.DemoUser, Password: ncfake.DemoAppPassword}})
		if err != nil {
			t.Fatal(err)
		}
		if out.made, err = fam.count(context.Background(), c); err != nil {
			t.Fatalf("%s: count what the write made: %v", fam.name, err)
		}
	}
	return out
}

func countRequests(fake *ncfake.Server, call faultCall) int {
	n := 0
	for _, r := range fake.Requests() {
		if r.Method == call.method && strings.HasPrefix(r.Path, call.prefix) {
			n++
		}
	}
	return n
}

// maxFaultCall bounds any one call under any fault: three attempts, the
// waits between them and a slow answer.
const maxFaultCall = 15 * time.Second

func TestFaultTable(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault table takes about half a minute; skipped with -short")
	}
	var mu sync.Mutex
	reads, writes := map[faultKey]faultOutcome{}, map[faultKey]faultOutcome{}
	t.Run("cells", func(t *testing.T) {
		for _, fc := range faultCases {
			for _, fam := range faultFamilies {
				t.Run(fc.name+"/"+fam.name, func(t *testing.T) {
					t.Parallel()
					r := runFaultCall(t, fam, fam.read, fc, false)
					w := runFaultCall(t, fam, fam.write, fc, true)
					checkFaultOutcome(t, fam, fc, r, w)
					mu.Lock()
					defer mu.Unlock()
					reads[faultKey{fc.name, fam.name}], writes[faultKey{fc.name, fam.name}] = r, w
				})
			}
		}
	})
	if t.Failed() {
		return
	}
	var b strings.Builder
	b.WriteString("| fault |")
	for _, fam := range faultFamilies {
		fmt.Fprintf(&b, " %s read | %s write |", fam.name, fam.name)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|---|", len(faultFamilies)))
	b.WriteString("\n")
	for _, fc := range faultCases {
		fmt.Fprintf(&b, "| %s |", fc.name)
		for _, fam := range faultFamilies {
			k := faultKey{fc.name, fam.name}
			fmt.Fprintf(&b, " %s | %s |", reads[k].cell(), writes[k].cell())
		}
		b.WriteString("\n")
	}
	b.WriteString("\nWhat the model is told (the first write, else read, that ends in an error, per fault):\n\n")
	for _, fc := range faultCases {
		if s := exampleSentence(fc, reads, writes); s != "" {
			fmt.Fprintf(&b, "- **%s**: %s\n", fc.name, s)
		}
	}
	table := b.String()
	t.Logf("fault table:\n%s", table)
	if *update {
		writeGeneratedSection(t, filepath.Join("..", "docs", "reliability.md"), "fault-table", table)
	}
}

type faultKey struct{ fault, family string }

// exampleSentence picks, in family order, the first write error and else
// the first read error, so the page is the same on every run.
func exampleSentence(fc faultCase, reads, writes map[faultKey]faultOutcome) string {
	for _, m := range []map[faultKey]faultOutcome{writes, reads} {
		for _, fam := range faultFamilies {
			if s := m[faultKey{fc.name, fam.name}].sentence; s != "" {
				return s
			}
		}
	}
	return ""
}

// checkFaultOutcome holds the promises of docs/reliability.md.
func checkFaultOutcome(t *testing.T, fam faultFamily, fc faultCase, r, w faultOutcome) {
	t.Helper()
	for _, o := range []struct {
		what string
		faultOutcome
		wantOK bool
	}{{"read", r, fc.readOK && !(fam.streamed && fc.fault.Kind == ncfake.NetResetMidBody)}, {"write", w, fc.writeOK}} {
		if o.took > maxFaultCall {
			t.Errorf("%s took %v, more than %v", o.what, o.took, maxFaultCall)
		}
		if o.wantOK && !o.ok {
			t.Errorf("%s failed: %s", o.what, o.sentence)
		}
		if o.ok {
			continue
		}
		if p := errorTextProblems(o.sentence); len(p) > 0 {
			t.Errorf("%s error %q: %v", o.what, o.sentence, p)
		}
		if strings.HasPrefix(o.sentence, "Failed on") {
			t.Errorf("%s error names no cause: %q", o.what, o.sentence)
		}
	}
	// A write is made at most once, and a POST is sent at most once.
	if w.made > 1 {
		t.Errorf("the write was made %d times", w.made)
	}
	if !fam.idempotent && w.sent > 1 {
		t.Errorf("a non-idempotent write was sent %d times", w.sent)
	}
	if w.ok && w.made != 1 {
		t.Errorf("the write reported success but made %d", w.made)
	}
	// A write whose answer was lost must say the change may have been made.
	if !w.ok && w.made == 1 && !strings.Contains(w.sentence, "not known whether the change was made") {
		t.Errorf("the write was made but the model was told %q", w.sentence)
	}
}

// writeGeneratedSection replaces the text between the section's markers.
func writeGeneratedSection(t *testing.T, path, name, body string) {
	t.Helper()
	begin, end := "<!-- begin "+name+" (generated) -->\n", "<!-- end "+name+" -->"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q and %q", path, begin, end)
	}
	s = s[:i+len(begin)] + body + s[j:]
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}
