package tools

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/auth"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// answerFunc is how the test user answers a confirmation.
type answerFunc func(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error)

func answer(action mcp.ElicitationResponseAction) answerFunc {
	return func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: action}}, nil
	}
}

// askedUser is the client side of form elicitation: it records every question.
type askedUser struct {
	mu     sync.Mutex
	asked  []string
	answer answerFunc
}

func (u *askedUser) Elicit(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	u.mu.Lock()
	u.asked = append(u.asked, req.Params.Message)
	a := u.answer
	u.mu.Unlock()
	return a(ctx, req)
}

func (u *askedUser) questions() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]string(nil), u.asked...)
}

func (u *askedUser) set(a answerFunc) {
	u.mu.Lock()
	u.answer = a
	u.mu.Unlock()
}

type safetyOpts struct {
	fake   *ncfake.Server
	safety Safety
	opts   Options
	// elicit answers confirmations; nil gives a client without elicitation.
	elicit answerFunc
	// legacy speaks protocol 2025-11-25 (elicitation/create) instead of
	// 2026-07-28 (input requests).
	legacy bool
	user   string
}

func newSafetyHarness(t *testing.T, o safetyOpts) (*harness, *askedUser) {
	t.Helper()
	if o.fake == nil {
		o.fake = ncfake.New(ncfake.Options{})
	}
	user, pw := "admin", "admin-app-password"
	if o.user == "alice" {
		user, pw = "alice", "alice-app-password"
	}
	ts := o.fake.Start()
	t.Cleanup(ts.Close)
	f := auth.NewBasicFactory(ts.URL, user, pw, auth.ClientOptions{Version: "test"})
	d := &Deps{Factory: f, Safety: o.safety}
	reg, err := NewRegistry(d, All(d), o.opts)
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	s := NewServer(reg, "test", "test instructions")
	var opts []client.ClientOption
	asked := &askedUser{answer: o.elicit}
	if o.elicit != nil {
		opts = append(opts, client.WithElicitationHandler(asked))
	}
	c, err := client.NewInProcessClientWithOptions(s, opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	req := mcp.InitializeRequest{}
	req.Params.ProtocolVersion = mcp.LATEST_PROTOCOL_VERSION
	if o.legacy {
		req.Params.ProtocolVersion = mcp.LATEST_LEGACY_PROTOCOL_VERSION
	}
	req.Params.ClientInfo = mcp.Implementation{Name: "safety-test", Version: "1"}
	if _, err := c.Initialize(ctx, req); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if o.legacy == mcp.IsModernProtocol(c.ProtocolVersion()) {
		t.Fatalf("negotiated %s, legacy=%v", c.ProtocolVersion(), o.legacy)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &harness{t: t, fake: o.fake, url: ts.URL, client: c, reg: reg}, asked
}

func structured(t *testing.T, res *mcp.CallToolResult) map[string]any {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("structured %s: %v", b, err)
	}
	return m
}

// createContact adds a contact through the tools and returns its uid.
func createContact(h *harness, name string) string {
	h.t.Helper()
	var out struct {
		UID string `json:"uid"`
	}
	h.ok("nc_contacts_create_contact", map[string]any{"name": name, "emails": []any{map[string]any{"value": "ann@example.com"}}}, &out)
	return out.UID
}

func contactExists(h *harness, uid string) bool {
	h.t.Helper()
	return !h.call("nc_contacts_get_contact", map[string]any{"uid": uid}).IsError
}

// TestConfirmDeleteContact: deleting a contact asks the user, naming the
// contact; a decline changes nothing and is no error; an accept deletes.
// Both ways of asking: elicitation/create (2025-11-25) and input requests
// (2026-07-28).
func TestConfirmDeleteContact(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		name := "input-requests"
		if legacy {
			name = "elicitation-create"
		}
		t.Run(name, func(t *testing.T) {
			auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
			audit, err := OpenAuditLog(auditPath, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer audit.Close()
			h, user := newSafetyHarness(t, safetyOpts{legacy: legacy, elicit: answer(mcp.ElicitationResponseActionDecline), safety: Safety{Audit: audit}})
			uid := createContact(h, "Ann Example")

			res := h.call("nc_contacts_delete_contact", map[string]any{"uid": uid})
			if res.IsError {
				t.Fatalf("a decline is not an error: %s", resultText(res))
			}
			out := structured(t, res)
			if out["not_done"] != true || out["reason"] != "declined" || !strings.Contains(resultText(res), "declined") {
				t.Fatalf("declined result: %v / %s", out, resultText(res))
			}
			q := user.questions()
			if len(q) != 1 || !strings.Contains(q[0], "Ann Example") || !strings.Contains(q[0], "Delete") {
				t.Fatalf("the question must name the contact: %q", q)
			}
			if !contactExists(h, uid) {
				t.Fatal("a declined delete removed the contact")
			}

			user.set(answer(mcp.ElicitationResponseActionAccept))
			res = h.call("nc_contacts_delete_contact", map[string]any{"uid": uid})
			if res.IsError || structured(t, res)["deleted"] != true {
				t.Fatalf("accepted delete: %s", resultText(res))
			}
			if contactExists(h, uid) {
				t.Fatal("an accepted delete left the contact")
			}

			// Reads ask nothing; creates ask nothing.
			if n := len(user.questions()); n != 2 {
				t.Fatalf("%d questions, want 2", n)
			}
			lines := auditLines(t, auditPath)
			var deletes []map[string]any
			for _, l := range lines {
				if l["tool"] == "nc_contacts_delete_contact" {
					deletes = append(deletes, l)
				}
				if l["tool"] == "nc_contacts_get_contact" {
					t.Errorf("a read was logged: %v", l)
				}
			}
			if len(deletes) != 2 {
				t.Fatalf("audit lines for the delete: %v", lines)
			}
			if deletes[0]["outcome"] != "declined" || deletes[1]["outcome"] != "ok" {
				t.Errorf("outcomes: %v", deletes)
			}
			for _, l := range deletes {
				c, _ := l["confirmation"].(map[string]any)
				if c["asked"] != true {
					t.Errorf("confirmation not recorded: %v", l)
				}
				if tg, _ := l["targets"].(map[string]any); tg["uid"] != uid {
					t.Errorf("targets: %v", l)
				}
			}
		})
	}
}

// TestConfirmCancelFailureTimeout: nothing changes unless the user accepts,
// and the result says why.
func TestConfirmCancelFailureTimeout(t *testing.T) {
	h, user := newSafetyHarness(t, safetyOpts{legacy: true, elicit: answer(mcp.ElicitationResponseActionCancel), safety: Safety{ConfirmTimeout: 200 * time.Millisecond}})
	uid := createContact(h, "Bob Keep")
	check := func(reason string) {
		t.Helper()
		res := h.call("nc_contacts_delete_contact", map[string]any{"uid": uid})
		out := structured(t, res)
		if res.IsError || out["not_done"] != true || out["reason"] != reason {
			t.Fatalf("want not_done %s, got %v / %s", reason, out, resultText(res))
		}
		if !contactExists(h, uid) {
			t.Fatalf("%s: the contact is gone", reason)
		}
	}
	check("cancelled")
	user.set(func(context.Context, mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		return nil, errors.New("the dialog crashed")
	})
	check("unanswered")
	user.set(func(ctx context.Context, _ mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	check("unanswered")
}

// TestConfirmPolicies: --confirm always hides irreversible tools from
// clients that cannot ask, never asks nobody, auto runs where it cannot ask.
func TestConfirmPolicies(t *testing.T) {
	h, _ := newSafetyHarness(t, safetyOpts{safety: Safety{Confirm: ConfirmAlways}})
	names := h.toolNames()
	for _, irreversible := range []string{"nc_contacts_delete_contact", "nc_contacts_delete_addressbook", "nc_tables_delete_row", "nc_sharing_delete", "nc_mail_send"} {
		if slices.Contains(names, irreversible) {
			t.Errorf("--confirm always lists %s to a client that cannot ask", irreversible)
		}
	}
	for _, kept := range []string{"nc_contacts_create_contact", "nc_webdav_delete_resource", "nc_calendar_delete_event"} {
		if !slices.Contains(names, kept) {
			t.Errorf("--confirm always hides reversible %s", kept)
		}
	}
	uid := createContact(h, "Carl Hidden")
	req := mcp.CallToolRequest{}
	req.Params.Name = "nc_contacts_delete_contact"
	req.Params.Arguments = map[string]any{"uid": uid}
	if _, err := h.client.CallTool(context.Background(), req); err == nil {
		t.Error("a hidden tool can still be called")
	}

	h, _ = newSafetyHarness(t, safetyOpts{safety: Safety{Confirm: ConfirmAlways}, elicit: answer(mcp.ElicitationResponseActionAccept)})
	if !slices.Contains(h.toolNames(), "nc_contacts_delete_contact") {
		t.Error("--confirm always hides the tool from a client that can ask")
	}

	h, _ = newSafetyHarness(t, safetyOpts{})
	uid = createContact(h, "Dora Auto")
	h.ok("nc_contacts_delete_contact", map[string]any{"uid": uid}, nil)

	h, user := newSafetyHarness(t, safetyOpts{safety: Safety{Confirm: ConfirmNever}, elicit: answer(mcp.ElicitationResponseActionDecline)})
	uid = createContact(h, "Eve Never")
	h.ok("nc_contacts_delete_contact", map[string]any{"uid": uid}, nil)
	if len(user.questions()) != 0 {
		t.Errorf("--confirm never asked: %v", user.questions())
	}
}

// TestConfirmQuestionsNameWhatGoes: rows by their first cells, shares by
// path and recipient, address books by how many contacts they hold.
func TestConfirmQuestionsNameWhatGoes(t *testing.T) {
	h, user := newSafetyHarness(t, safetyOpts{legacy: true, elicit: answer(mcp.ElicitationResponseActionDecline)})
	_ = h.fake.PutFile("admin", "/Reports/q3.pdf", []byte("%PDF"))
	var share struct {
		ID string `json:"id"`
	}
	user.set(answer(mcp.ElicitationResponseActionAccept))
	h.ok("nc_sharing_create", map[string]any{"path": "Reports/q3.pdf", "share_with": "alice"}, &share)
	h.ok("nc_contacts_create_addressbook", map[string]any{"name": "clients"}, nil)
	for _, n := range []string{"A One", "B Two"} {
		h.ok("nc_contacts_create_contact", map[string]any{"name": n, "addressbook": "clients"}, nil)
	}
	user.set(answer(mcp.ElicitationResponseActionDecline))
	h.call("nc_sharing_delete", map[string]any{"id": share.ID})
	h.call("nc_contacts_delete_addressbook", map[string]any{"name": "clients"})
	q := user.questions()
	if len(q) != 3 {
		t.Fatalf("questions: %q", q)
	}
	if !strings.Contains(q[0], "q3.pdf") || !strings.Contains(q[0], "alice") {
		t.Errorf("share question: %q", q[0])
	}
	if !strings.Contains(q[1], "q3.pdf") || !strings.Contains(q[1], "alice") {
		t.Errorf("revoke question: %q", q[1])
	}
	if !strings.Contains(q[2], "clients") || !strings.Contains(q[2], "2 contacts") {
		t.Errorf("address book question: %q", q[2])
	}
}

func auditLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("audit line %q is not JSON: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// TestConfirmMailDeleteOnlyInTrash: deleting a message moves it to Trash
// without a question and names the way back; deleting it there expunges it,
// and that is asked first.
func TestConfirmMailDeleteOnlyInTrash(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	fake.SeedMail("admin", "Admin", "admin@example.test")
	h, user := newSafetyHarness(t, safetyOpts{fake: fake, legacy: true, elicit: answer(mcp.ElicitationResponseActionDecline)})
	msg := mailFind(t, h, "INBOX", "Lunch on Friday?")
	res := h.call("nc_mail_delete", map[string]any{"message_id": msg.ID})
	out := structured(t, res)
	if res.IsError || out["restore_with"] != "nc_mail_move" || len(user.questions()) != 0 {
		t.Fatalf("move to Trash: %v, questions %q", out, user.questions())
	}
	newID := out["new_id"]
	res = h.call("nc_mail_delete", map[string]any{"message_id": newID})
	out = structured(t, res)
	if out["not_done"] != true || len(user.questions()) != 1 || !strings.Contains(user.questions()[0], "for good") {
		t.Fatalf("delete in Trash: %v, questions %q", out, user.questions())
	}
}
