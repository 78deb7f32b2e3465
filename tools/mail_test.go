package tools

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/nextcloud-mcp/nextcloud-mcp/extract"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// mailHarness is a fake with the recorded mail account of admin (not yet
// synced, as on a server where Mail was never opened) and one for alice.
func mailHarness(t *testing.T) (*harness, int) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	acc := fake.SeedMail("admin", "Admin", "admin@example.test")
	fake.AddMailAccount("alice", "Alice Example", "alice@example.test")
	return newHarness(t, harnessOpts{fake: fake}), acc
}

// mailFind lists a mailbox whole and returns the entry with the subject.
func mailFind(t *testing.T, h *harness, mailbox, subject string) mailMessageSummary {
	t.Helper()
	var out mailListMessagesOut
	h.ok("nc_mail_list_messages", map[string]any{"mailbox": mailbox, "limit": 100}, dtFresh(&out))
	for _, m := range out.Messages {
		if m.Subject == subject {
			return m
		}
	}
	t.Fatalf("no %q in %s: %+v", subject, mailbox, out.Messages)
	return mailMessageSummary{}
}

func TestMailToolsAccountsAndMailboxes(t *testing.T) {
	h, acc := mailHarness(t)
	var accs mailListAccountsOut
	h.ok("nc_mail_list_accounts", nil, &accs)
	if len(accs.Accounts) != 1 || accs.Accounts[0].ID != acc || accs.Accounts[0].Email != "admin@example.test" {
		t.Fatalf("accounts: %+v", accs)
	}
	var boxes mailListMailboxesOut
	h.ok("nc_mail_list_mailboxes", map[string]any{}, &boxes)
	var names []string
	for _, b := range boxes.Mailboxes {
		names = append(names, b.Name)
	}
	if strings.Join(names, ",") != "INBOX,Drafts,Sent,Archive,Junk,Trash,Projects,Projects/Alpha" || boxes.Mailboxes[0].Unread != 6 || boxes.Mailboxes[0].Role != "inbox" {
		t.Errorf("mailboxes in client order: %v %+v", names, boxes.Mailboxes[0])
	}
	dtContains(t, "unknown account", h.fails("nc_mail_list_mailboxes", map[string]any{"account_id": 999}), "account_id 999", "admin@example.test")
	dtContains(t, "unknown mailbox", h.fails("nc_mail_list_messages", map[string]any{"mailbox": "Nope"}), `No mailbox "Nope"`, "nc_mail_list_mailboxes")

	// Several accounts: a name found in both needs account_id.
	h.fake.AddMailAccount("admin", "Work", "admin@work.example")
	dtContains(t, "ambiguous", h.fails("nc_mail_list_messages", map[string]any{"mailbox": "INBOX"}), "several accounts", "account_id")
	dtContains(t, "send needs an account", h.fails("nc_mail_send", map[string]any{"to": []any{"bob@example.test"}, "subject": "s", "body": "b"}),
		"2 mail accounts", "account_id")
}

func TestMailToolsNoAccount(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	dtContains(t, "no account", h.fails("nc_mail_list_mailboxes", map[string]any{}), "no mail account", "Mail app")
}

func TestMailToolsListSyncsAndPages(t *testing.T) {
	h, acc := mailHarness(t)
	// The INBOX was never synced: the first listing syncs it.
	var all []int
	cursor := ""
	for page := 1; ; page++ {
		args := map[string]any{"mailbox": "inbox", "limit": 4}
		if cursor != "" {
			args["cursor"] = cursor
		}
		var out mailListMessagesOut
		h.ok("nc_mail_list_messages", args, dtFresh(&out))
		for _, m := range out.Messages {
			all = append(all, m.ID)
		}
		if page == 1 && (out.Mailbox.Name != "INBOX" || out.Messages[0].Subject != "Question about the budget" || out.Messages[0].From != "Alice Example <alice@example.test>") {
			t.Fatalf("first page: %+v", out)
		}
		cursor = out.NextCursor
		if cursor == "" || page > 5 {
			break
		}
	}
	if len(all) != 9 || all[0] != 108-98+all[len(all)-1] {
		t.Fatalf("pages gave %v, want the 9 thread heads once each", all)
	}

	// New mail reaches the list because listing syncs first.
	inbox := h.fake.MailboxID(acc, "INBOX")
	h.fake.DeliverMail(inbox, ncfake.MailMessage{Subject: "Just arrived", From: ncfake.MailAddress{Label: "Zed", Email: "zed@example.test"}})
	var out mailListMessagesOut
	h.ok("nc_mail_list_messages", map[string]any{"mailbox": "INBOX", "limit": 2}, dtFresh(&out))
	if out.Messages[0].Subject != "Just arrived" || !out.Messages[0].Unread {
		t.Errorf("after new mail: %+v", out.Messages)
	}

	// A cursor is bound to its query.
	dtContains(t, "cursor with another query", h.fails("nc_mail_list_messages", map[string]any{"mailbox": "INBOX", "cursor": out.NextCursor, "unread_only": true}), "another query")
	dtContains(t, "cursor of another mailbox", h.fails("nc_mail_list_messages", map[string]any{"mailbox": "Projects", "cursor": out.NextCursor}), "belongs to mailbox \"INBOX\"")
	dtContains(t, "garbage cursor", h.fails("nc_mail_list_messages", map[string]any{"mailbox": "INBOX", "cursor": "xyz"}), "cursor is not one")
}

// Mail's own cursor skips messages that share the page's last second
// (mail/09); the tool's cursor must not.
func TestMailToolsPagingKeepsSameSecond(t *testing.T) {
	fake := ncfake.New(ncfake.Options{})
	acc := fake.AddMailAccount("admin", "Admin", "admin@example.test")
	inbox := fake.MailboxID(acc, "INBOX")
	sec := time.Unix(1796000000, 0)
	var want []string
	for i := range 7 {
		s := "same second " + string(rune('a'+i))
		fake.DeliverMail(inbox, ncfake.MailMessage{Subject: s, Date: sec, From: ncfake.MailAddress{Email: "x@example.test"}})
		want = append(want, s)
	}
	fake.DeliverMail(inbox, ncfake.MailMessage{Subject: "older", Date: sec.Add(-time.Hour), From: ncfake.MailAddress{Email: "x@example.test"}})
	want = append(want, "older")
	h := newHarness(t, harnessOpts{fake: fake})
	var got []string
	cursor := ""
	for range 10 {
		args := map[string]any{"mailbox": "INBOX", "limit": 3}
		if cursor != "" {
			args["cursor"] = cursor
		}
		var out mailListMessagesOut
		h.ok("nc_mail_list_messages", args, dtFresh(&out))
		for _, m := range out.Messages {
			got = append(got, m.Subject)
		}
		if cursor = out.NextCursor; cursor == "" {
			break
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("paged through %v, want every message once: %v", got, want)
	}
}

func TestMailToolsQuery(t *testing.T) {
	h, _ := mailHarness(t)
	count := func(args map[string]any) []string {
		t.Helper()
		args["mailbox"] = "INBOX"
		var out mailListMessagesOut
		h.ok("nc_mail_list_messages", args, dtFresh(&out))
		var s []string
		for _, m := range out.Messages {
			s = append(s, m.Subject)
		}
		return s
	}
	if got := count(map[string]any{"query": "kickoff"}); len(got) != 1 || got[0] != "Re: Project kickoff" {
		t.Errorf("plain word (the app alone would ignore it): %v", got)
	}
	if got := count(map[string]any{"query": "mailbox is ready"}); len(got) != 1 || got[0] != "Welcome to example.test" {
		t.Errorf("words in the body: %v", got)
	}
	if got := count(map[string]any{"query": "from:eve"}); len(got) != 1 || got[0] != "Lunch on Friday?" {
		t.Errorf("from: %v", got)
	}
	if got := count(map[string]any{"unread_only": true}); len(got) != 5 {
		t.Errorf("unread_only: %v", got)
	}
	if got := count(map[string]any{"query": "is:starred"}); len(got) != 2 {
		t.Errorf("is:starred: %v", got)
	}
	dtContains(t, "bad date", h.fails("nc_mail_list_messages", map[string]any{"mailbox": "INBOX", "query": "start:tomorrow"}), "query:", "2026-11-01")
}

func TestMailToolsGetMessage(t *testing.T) {
	h, _ := mailHarness(t)
	news := mailFind(t, h, "INBOX", "Quarterly newsletter")
	var msg mailMessageOut
	h.ok("nc_mail_get_message", map[string]any{"message_id": news.ID}, dtFresh(&msg))
	if msg.BodyFormat != "html" || strings.ContainsAny(msg.Body, "<>") || strings.Contains(msg.Body, "style=") {
		t.Errorf("HTML must come back as readable text: %q", msg.Body)
	}
	dtContains(t, "newsletter text", msg.Body, "Quarterly newsletter", "Admin", "here is what happened.", "[Read online](https://example.test/news)", "Click me")
	if strings.Contains(msg.Body, "blocked-image") || strings.Contains(msg.Body, "tracker.example.test") {
		t.Errorf("the blocked tracking image leaked into the text: %q", msg.Body)
	}
	if msg.From != "Newsletter <news@example.test>" || msg.Unread != true {
		t.Errorf("headers: %+v", msg)
	}

	inv := mailFind(t, h, "INBOX", "Invoice 2026-11")
	h.ok("nc_mail_get_message", map[string]any{"message_id": inv.ID}, dtFresh(&msg))
	if len(msg.Attachments) != 1 || msg.Attachments[0].ID != "2" || msg.Attachments[0].Name != "invoice-2026-11.pdf" || msg.Attachments[0].Size < 100 {
		t.Errorf("attachments: %+v", msg.Attachments)
	}
	if msg.BodyFormat != "text" || !strings.HasPrefix(msg.Body, "Please find attached") {
		t.Errorf("plain body: %+v", msg)
	}

	kick := mailFind(t, h, "INBOX", "Re: Project kickoff")
	h.ok("nc_mail_get_message", map[string]any{"message_id": kick.ID}, dtFresh(&msg))
	if len(msg.Thread) != 2 || msg.Thread[0].From != "Dave Doe <dave@example.test>" || msg.Thread[1].Subject != "Project kickoff" {
		t.Errorf("thread: %+v", msg.Thread)
	}
	// Reading does not mark read.
	h.ok("nc_mail_get_message", map[string]any{"message_id": kick.ID}, dtFresh(&msg))
	if !msg.Unread {
		t.Error("reading marked the message read")
	}
	dtContains(t, "unknown id", h.fails("nc_mail_get_message", map[string]any{"message_id": 999999}), "Message 999999", "not yours", "nc_mail_list_messages")
	dtContains(t, "bad id", h.fails("nc_mail_get_message", map[string]any{"message_id": 0}), "message_id")
}

// cachedExtractor keeps the PDF engine's compiled code between test runs,
// in the same place the extract package's tests keep it.
func cachedExtractor(t *testing.T) *extract.Extractor {
	t.Helper()
	dir := t.TempDir()
	if d, err := os.UserCacheDir(); err == nil {
		dir = filepath.Join(d, "nextcloud-mcp-test")
	}
	x := extract.New(extract.Config{CacheDir: dir})
	t.Cleanup(func() { _ = x.Close() })
	return x
}

func TestMailToolsAttachments(t *testing.T) {
	h, acc := mailHarness(t)
	h.reg.deps.Extract = cachedExtractor(t)
	inbox := h.fake.MailboxID(acc, "INBOX")
	h.fake.DeliverMail(inbox, ncfake.MailMessage{Subject: "Minutes", From: ncfake.MailAddress{Email: "carol@example.test"},
		Text: "See attached.", Attachments: []ncfake.MailAttachment{
			{Name: "minutes.txt", MIME: "text/plain", Data: []byte("Decisions: ship on Friday.")},
			{Name: "chart.png", MIME: "image/png", Data: tinyPNG()},
		}})
	min := mailFind(t, h, "INBOX", "Minutes")
	var out mailGetAttachmentOut
	h.ok("nc_mail_get_attachment", map[string]any{"message_id": min.ID, "attachment_id": "2"}, dtFresh(&out))
	if out.Text != "Decisions: ship on Friday." || out.Name != "minutes.txt" {
		t.Errorf("text attachment: %+v", out)
	}
	res := h.call("nc_mail_get_attachment", map[string]any{"message_id": min.ID, "attachment_id": "3"})
	if res.IsError || !hasImage(res) {
		t.Errorf("image attachment: %s", resultText(res))
	}
	dtContains(t, "unknown part", h.fails("nc_mail_get_attachment", map[string]any{"message_id": min.ID, "attachment_id": "9"}), "no attachment \"9\"", "2, 3")

	inv := mailFind(t, h, "INBOX", "Invoice 2026-11")
	// The download says application/octet-stream; the PDF is read as a PDF.
	h.ok("nc_mail_get_attachment", map[string]any{"message_id": inv.ID, "attachment_id": "2"}, dtFresh(&out))
	if out.Format != "pdf" || !strings.Contains(out.Text, "Invoice 2026-11: 1,200.00 EUR due 2026-12-15") {
		t.Errorf("PDF attachment: %+v", out)
	}
	h.fake.DeliverMail(inbox, ncfake.MailMessage{Subject: "Binary", From: ncfake.MailAddress{Email: "carol@example.test"},
		Attachments: []ncfake.MailAttachment{{Name: "data.bin", MIME: "application/octet-stream", Data: []byte{0, 1, 2, 3, 0xff}}}})
	bin := mailFind(t, h, "INBOX", "Binary")
	dtContains(t, "unreadable attachment", h.fails("nc_mail_get_attachment", map[string]any{"message_id": bin.ID, "attachment_id": "2"}),
		"data.bin", "cannot be read as text", "save_to")

	h.ok("nc_mail_get_attachment", map[string]any{"message_id": inv.ID, "attachment_id": "2", "save_to": "Mail attachments/"}, dtFresh(&out))
	if out.SavedTo != "/Mail attachments/invoice-2026-11.pdf" || out.ETag == "" {
		t.Fatalf("saved: %+v", out)
	}
	data, err := h.fake.ReadFile("admin", out.SavedTo)
	if err != nil || !strings.HasPrefix(string(data), "%PDF") || int64(len(data)) != out.Size {
		t.Errorf("stored file: %d bytes, %v", len(data), err)
	}
	dtContains(t, "no overwrite", h.fails("nc_mail_get_attachment", map[string]any{"message_id": inv.ID, "attachment_id": "2", "save_to": "/Mail attachments/invoice-2026-11.pdf"}),
		"already exists", "left as it is")
	h.ok("nc_mail_get_attachment", map[string]any{"message_id": inv.ID, "attachment_id": "2", "save_to": "Mail attachments/renamed.pdf"}, dtFresh(&out))
	if out.SavedTo != "/Mail attachments/renamed.pdf" {
		t.Errorf("saved as a file name: %+v", out)
	}
}

func hasImage(res *mcp.CallToolResult) bool {
	for _, c := range res.Content {
		if _, ok := c.(mcp.ImageContent); ok {
			return true
		}
	}
	return false
}

func TestMailToolsSendAndReply(t *testing.T) {
	h, acc := mailHarness(t)
	if err := h.fake.PutFile("admin", "/Documents/plan.txt", []byte("the plan")); err != nil {
		t.Fatal(err)
	}
	var sent mailSentOut
	h.ok("nc_mail_send", map[string]any{"to": []any{"Alice Example <alice@example.test>"}, "cc": []any{"carol@example.test"},
		"subject": "Plan", "body": "Here it is.", "attachments": []any{"Documents/plan.txt"}}, dtFresh(&sent))
	if !sent.Sent || sent.From != "Admin <admin@example.test>" || sent.Attachments[0] != "/Documents/plan.txt" {
		t.Fatalf("sent: %+v", sent)
	}
	got := mailFind(t, h, "Sent", "Plan")
	if got.Unread || !got.Attachments {
		t.Errorf("the Sent copy: %+v", got)
	}

	dtContains(t, "missing attachment", h.fails("nc_mail_send", map[string]any{"to": []any{"alice@example.test"}, "subject": "Nope", "body": "b",
		"attachments": []any{"Documents/missing.txt"}}), "does not exist", "nothing was sent")
	dtContains(t, "folder attachment", h.fails("nc_mail_send", map[string]any{"to": []any{"alice@example.test"}, "subject": "Nope", "body": "b",
		"attachments": []any{"Documents"}}), "is a folder", "nothing was sent")
	dtContains(t, "bad address", h.fails("nc_mail_send", map[string]any{"to": []any{"not an address"}, "subject": "s", "body": "b"}), "not a mail address")

	// Sending fails: the queued message is taken out of the outbox so that
	// Nextcloud's background job does not send it later.
	h.fake.AddFault(ncfake.Fault{Method: http.MethodPost, PathPrefix: "/index.php/apps/mail/api/outbox/", Status: 500,
		Body: `{"status":"error","message":"Could not send message","data":[]}`, Times: 1})
	dtContains(t, "send fails", h.fails("nc_mail_send", map[string]any{"to": []any{"alice@example.test"}, "subject": "Fails", "body": "b"}), "nothing was sent")
	if q := h.fake.MailOutbox("admin"); len(q) != 0 {
		t.Errorf("outbox after a failed send: %v", q)
	}

	// Reply to alice's question: to alice, Re:, quoted, threaded.
	q := mailFind(t, h, "INBOX", "Question about the budget")
	h.ok("nc_mail_reply", map[string]any{"message_id": q.ID, "body": "It is 12,000 EUR."}, dtFresh(&sent))
	if sent.Subject != "Re: Question about the budget" || len(sent.To) != 1 || sent.To[0] != "Alice Example <alice@example.test>" || len(sent.Cc) != 0 || sent.InReplyTo != q.ID {
		t.Fatalf("reply: %+v", sent)
	}
	var orig mailMessageOut
	h.ok("nc_mail_get_message", map[string]any{"message_id": q.ID}, dtFresh(&orig))
	if !orig.Answered {
		t.Error("the original is not flagged answered")
	}
	reply := mailFind(t, h, "Sent", "Re: Question about the budget")
	var rm mailMessageOut
	h.ok("nc_mail_get_message", map[string]any{"message_id": reply.ID}, dtFresh(&rm))
	dtContains(t, "quoted reply", rm.Body, "It is 12,000 EUR.", "Alice Example <alice@example.test> wrote:", "> could you send me the approved Alpha budget figure?")

	// alice got both, the reply in the thread of her question.
	ts := h.fake.Start()
	defer ts.Close()
	alice, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "alice", Password: "alice-app-password"}, Version: "test"})
	accs, _ := alice.Mail().Accounts(context.Background())
	ainbox := h.fake.MailboxID(accs[0].ID, "INBOX")
	h.fake.SyncMailbox(ainbox)
	list, _ := alice.Mail().Messages(context.Background(), ainbox, nextcloud.MailListOptions{})
	if len(list) != 2 || list[0].Subject != "Re: Question about the budget" || list[0].InReplyTo == "" || list[1].Subject != "Plan" {
		t.Errorf("alice's INBOX: %+v", list)
	}

	// Reply all to Dave's message (to admin, cc Carol): Dave, and Carol in cc; not admin.
	kick := mailFind(t, h, "INBOX", "Re: Project kickoff")
	var msg mailMessageOut
	h.ok("nc_mail_get_message", map[string]any{"message_id": kick.ID}, dtFresh(&msg))
	h.ok("nc_mail_reply", map[string]any{"message_id": msg.Thread[0].ID, "body": "See you there.", "reply_all": true}, dtFresh(&sent))
	if len(sent.To) != 1 || sent.To[0] != "Dave Doe <dave@example.test>" || len(sent.Cc) != 1 || sent.Cc[0] != "Carol Chen <carol@example.test>" {
		t.Errorf("reply all: %+v", sent)
	}
	_ = acc
}

func TestMailToolsFlagsMoveDelete(t *testing.T) {
	h, _ := mailHarness(t)
	m := mailFind(t, h, "INBOX", "Welcome to example.test")
	var f mailFlagsOut
	h.ok("nc_mail_set_flags", map[string]any{"message_id": m.ID, "seen": true, "flagged": true, "important": true}, dtFresh(&f))
	if !f.Seen || !f.Flagged || !f.Important {
		t.Errorf("flags set: %+v", f)
	}
	h.ok("nc_mail_set_flags", map[string]any{"message_id": m.ID, "important": false, "seen": false}, dtFresh(&f))
	if f.Seen || !f.Flagged || f.Important {
		t.Errorf("flags cleared: %+v", f)
	}
	dtContains(t, "nothing to set", h.fails("nc_mail_set_flags", map[string]any{"message_id": m.ID}), "Nothing to change")

	var mv mailMovedOut
	h.ok("nc_mail_move", map[string]any{"message_id": m.ID, "mailbox": "Archive"}, dtFresh(&mv))
	if mv.OldID != m.ID || mv.NewID == 0 || mv.NewID == m.ID || mv.Mailbox.Name != "Archive" {
		t.Fatalf("move: %+v", mv)
	}
	var msg mailMessageOut
	h.ok("nc_mail_get_message", map[string]any{"message_id": mv.NewID}, dtFresh(&msg))
	if msg.Subject != "Welcome to example.test" || !msg.Flagged {
		t.Errorf("moved message: %+v", msg)
	}
	dtContains(t, "old id", h.fails("nc_mail_get_message", map[string]any{"message_id": m.ID}), "ids change")
	dtContains(t, "move to unknown", h.fails("nc_mail_move", map[string]any{"message_id": mv.NewID, "mailbox": "Nowhere"}), `No mailbox "Nowhere"`)

	// A thread member moves too: it is found behind the thread's newer message.
	kick := mailFind(t, h, "INBOX", "Re: Project kickoff")
	var km mailMessageOut
	h.ok("nc_mail_get_message", map[string]any{"message_id": kick.ID}, dtFresh(&km))
	h.ok("nc_mail_move", map[string]any{"message_id": kick.ID, "mailbox": "Projects"}, dtFresh(&mv))
	h.ok("nc_mail_move", map[string]any{"message_id": km.Thread[1].ID, "mailbox": "Projects"}, dtFresh(&mv))
	if mv.NewID == 0 {
		t.Errorf("older thread member moved behind a newer one: %+v", mv)
	}

	var del mailMovedOut
	h.ok("nc_mail_delete", map[string]any{"message_id": msg.ID}, dtFresh(&del))
	if del.NewID == 0 || del.Permanently || del.Mailbox.Name != "Trash" {
		t.Fatalf("delete: %+v", del)
	}
	h.ok("nc_mail_delete", map[string]any{"message_id": del.NewID}, dtFresh(&del))
	if !del.Permanently || del.NewID != 0 {
		t.Errorf("delete in the trash: %+v", del)
	}
	var trash mailListMessagesOut
	h.ok("nc_mail_list_messages", map[string]any{"mailbox": "trash"}, dtFresh(&trash))
	if len(trash.Messages) != 0 {
		t.Errorf("trash after deleting for good: %+v", trash.Messages)
	}
}

func TestMailToolsListedOnlyWithTheApp(t *testing.T) {
	without := newHarness(t, harnessOpts{fake: ncfake.New(ncfake.Options{Apps: []string{"files", "notes"}})})
	for _, n := range without.toolNames() {
		if strings.HasPrefix(n, "nc_mail_") || strings.HasPrefix(n, "nc_collectives_") {
			t.Errorf("%s listed without the app", n)
		}
	}
	with := newHarness(t, harnessOpts{fake: ncfake.New(ncfake.Options{Apps: []string{"files", "mail", "collectives"}})})
	names := with.toolNames()
	for _, want := range []string{"nc_mail_list_accounts", "nc_mail_list_mailboxes", "nc_mail_list_messages", "nc_mail_get_message",
		"nc_mail_get_attachment", "nc_mail_send", "nc_mail_reply", "nc_mail_set_flags", "nc_mail_move", "nc_mail_delete",
		"nc_collectives_list", "nc_collectives_list_pages", "nc_collectives_read_page", "nc_collectives_create_page",
		"nc_collectives_update_page", "nc_collectives_search"} {
		if !slices.Contains(names, want) {
			t.Errorf("%s not listed", want)
		}
	}
}

func TestMailToolsHints(t *testing.T) {
	h := newHarness(t, harnessOpts{})
	res, err := h.client.ListTools(context.Background(), mcp.ListToolsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	hints := map[string]mcp.ToolAnnotation{}
	for _, tl := range res.Tools {
		hints[tl.Name] = tl.Annotations
	}
	is := func(b *bool) bool { return b != nil && *b }
	for _, n := range []string{"nc_mail_send", "nc_mail_reply"} {
		a := hints[n]
		if is(a.ReadOnlyHint) || is(a.IdempotentHint) || !is(a.OpenWorldHint) {
			t.Errorf("%s: sending is neither read-only nor idempotent and reaches the world: %+v", n, a)
		}
	}
	if a := hints["nc_mail_delete"]; !is(a.DestructiveHint) || is(a.IdempotentHint) {
		t.Errorf("nc_mail_delete: %+v", a)
	}
	if a := hints["nc_collectives_update_page"]; !is(a.DestructiveHint) {
		t.Errorf("nc_collectives_update_page overwrites: %+v", a)
	}
	for n, a := range hints {
		if (strings.HasPrefix(n, "nc_mail_list") || n == "nc_mail_get_message" || n == "nc_collectives_list" || n == "nc_collectives_search") && !is(a.ReadOnlyHint) {
			t.Errorf("%s should be read-only", n)
		}
	}
}

// The session's cookie and request token never reach a tool result, not
// even an error.
func TestMailToolsSessionSecretsNotInResults(t *testing.T) {
	h, _ := mailHarness(t)
	var texts []string
	texts = append(texts, resultText(h.call("nc_mail_list_messages", map[string]any{"mailbox": "INBOX"})))
	texts = append(texts, resultText(h.call("nc_mail_get_message", map[string]any{"message_id": 999999})))
	h.fake.AddFault(ncfake.Fault{PathPrefix: "/index.php/apps/mail/api/accounts", Status: 500, Body: `{"status":"error","message":"Server error","data":[],"code":0}`})
	texts = append(texts, resultText(h.call("nc_mail_list_accounts", nil)))
	h.fake.ExpireSessions()
	texts = append(texts, resultText(h.call("nc_collectives_list", nil)))
	var secrets []string
	for _, r := range h.fake.Requests() {
		if tok := r.Header.Get("requesttoken"); tok != "" {
			secrets = append(secrets, tok)
		}
		for _, c := range strings.Split(r.Header.Get("Cookie"), ";") {
			if _, v, ok := strings.Cut(strings.TrimSpace(c), "="); ok && len(v) > 8 {
				secrets = append(secrets, v)
			}
		}
	}
	if len(secrets) < 4 {
		t.Fatalf("the calls carried no session: %v", secrets)
	}
	for _, text := range texts {
		for _, s := range secrets {
			if strings.Contains(text, s) {
				t.Errorf("session secret %q in a tool result: %s", s, text)
			}
		}
	}
	if !strings.Contains(texts[2], "HTTP 500") {
		t.Errorf("500 explained: %s", texts[2])
	}
}

// tinyPNG is a 2×2 PNG.
func tinyPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 2, 2))
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
