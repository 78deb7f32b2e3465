package nextcloud_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud"
	"github.com/nextcloud-mcp/nextcloud-mcp/nextcloud/ncfake"
)

// mailWorld is a fake with the recorded mail account for admin (and one for
// alice) and a client for admin.
func mailWorld(t *testing.T) (*ncfake.Server, *nextcloud.MailAPI, int) {
	t.Helper()
	fake := ncfake.New(ncfake.Options{})
	acc := fake.SeedMail("admin", "Admin", "admin@example.test")
	fake.AddMailAccount("alice", "Alice Example", "alice@example.test")
	return fake, dtClient(t, fake, "admin", "admin-app-password").Mail(), acc
}

func mailbox(t *testing.T, boxes []nextcloud.MailMailbox, name string) nextcloud.MailMailbox {
	t.Helper()
	for _, b := range boxes {
		if b.Name == name {
			return b
		}
	}
	t.Fatalf("no mailbox %q in %+v", name, boxes)
	return nextcloud.MailMailbox{}
}

func TestMailAccountsAndMailboxes(t *testing.T) {
	ctx := context.Background()
	_, mail, acc := mailWorld(t)
	accounts, err := mail.Accounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 1 || accounts[0].ID != acc || accounts[0].EmailAddress != "admin@example.test" || accounts[0].TrashMailboxID == 0 {
		t.Fatalf("accounts: %+v", accounts)
	}
	boxes, err := mail.Mailboxes(ctx, acc)
	if err != nil {
		t.Fatal(err)
	}
	if len(boxes) != 8 {
		t.Fatalf("%d mailboxes: %+v", len(boxes), boxes)
	}
	if in := mailbox(t, boxes, "INBOX"); in.SpecialRole != "inbox" || in.Unread != 6 {
		t.Errorf("INBOX: %+v", in)
	}
	if p := mailbox(t, boxes, "Projects/Alpha"); p.SpecialRole != "" || p.Delimiter != "/" {
		t.Errorf("subfolder (specialRole 0 decodes to none): %+v", p)
	}
	if trash := mailbox(t, boxes, "Trash"); trash.DatabaseID != accounts[0].TrashMailboxID {
		t.Errorf("trash id %d, account says %d", trash.DatabaseID, accounts[0].TrashMailboxID)
	}
	if _, err := mail.Mailboxes(ctx, 999); nextcloud.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("unknown account: %v", err)
	}
}

func TestMailSyncListAndPaging(t *testing.T) {
	ctx := context.Background()
	fake, mail, acc := mailWorld(t)
	inbox := fake.MailboxID(acc, "INBOX")
	if _, err := mail.Messages(ctx, inbox, nextcloud.MailListOptions{Limit: 4}); !errors.Is(err, nextcloud.ErrMailboxNotCached) {
		t.Fatalf("list before any sync: %v", err)
	}
	if _, err := mail.Sync(ctx, inbox, []int{1}, false); !errors.Is(err, nextcloud.ErrMailboxNotCached) {
		t.Fatalf("partial sync before init: %v", err)
	}
	res, err := mail.Sync(ctx, inbox, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NewMessages) != 11 || res.Stats.Total != 11 || res.Stats.Unread != 6 {
		t.Fatalf("init sync: %d new, stats %+v", len(res.NewMessages), res.Stats)
	}
	all, err := mail.Messages(ctx, inbox, nextcloud.MailListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 9 || all[0].Subject != "Question about the budget" || all[0].From[0].Email != "alice@example.test" {
		t.Fatalf("one entry per thread, newest first: %d entries, first %+v", len(all), all[0])
	}
	page1, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{Limit: 4})
	page2, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{Limit: 4, Cursor: page1[3].DateInt})
	if len(page1) != 4 || len(page2) != 4 || page2[0].DatabaseID != all[4].DatabaseID {
		t.Fatalf("pages: %d, %d", len(page1), len(page2))
	}
	var lunch nextcloud.MailEnvelope
	for _, e := range all {
		if e.Subject == "Lunch on Friday?" {
			lunch = e
		}
	}
	if !lunch.Flags.Important || lunch.Tags["$label1"].DisplayName != "Important" {
		t.Errorf("important tag (an object when set): %+v", lunch)
	}
	if all[1].Tags == nil || len(all[1].Tags) != 0 {
		t.Errorf("no tags ([] on the wire): %#v", all[1].Tags)
	}

	// Known ids come back as changed; nothing new; a vanished id is reported.
	ids := []int{all[0].DatabaseID, all[1].DatabaseID, 99999}
	res, err = mail.Sync(ctx, inbox, ids, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.ChangedMessages) != 2 || len(res.NewMessages) != 0 || len(res.VanishedMessages) != 1 || res.VanishedMessages[0] != 99999 {
		t.Errorf("partial sync: %d changed, %d new, vanished %v", len(res.ChangedMessages), len(res.NewMessages), res.VanishedMessages)
	}
}

// The recorded paging quirk: the cursor is a dateInt and the next page is
// strictly older, so entries sharing the cursor's second are skipped.
func TestMailCursorSkipsSameSecond(t *testing.T) {
	ctx := context.Background()
	fake := ncfake.New(ncfake.Options{})
	acc := fake.AddMailAccount("admin", "Admin", "admin@example.test")
	inbox := fake.MailboxID(acc, "INBOX")
	sec := time.Unix(1796000000, 0)
	for _, s := range []string{"a", "b", "c"} {
		fake.DeliverMail(inbox, ncfake.MailMessage{Subject: s, Date: sec, From: ncfake.MailAddress{Email: "x@example.test"}})
	}
	fake.SyncMailbox(inbox)
	mail := dtClient(t, fake, "admin", "admin-app-password").Mail()
	p1, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{Limit: 2})
	p2, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{Limit: 2, Cursor: p1[1].DateInt})
	if len(p1) != 2 || len(p2) != 0 {
		t.Fatalf("same-second paging: page 1 %d, page 2 %d (the raw API skips the third)", len(p1), len(p2))
	}
}

func TestMailFilterTranslation(t *testing.T) {
	for _, tc := range []struct {
		query  string
		unread bool
		want   string
	}{
		{"kickoff", false, "subject:kickoff body:kickoff"},
		{"project kickoff", true, "subject:project%20kickoff body:project%20kickoff is:unread"},
		{"from:carol budget", false, "from:carol subject:budget body:budget"},
		{`subject:"Project kickoff" is:starred`, false, "subject:Project%20kickoff is:starred"},
		{"start:2026-11-01 end:2026-11-01", false, "start:1793491200 end:1793577599"},
		{"50%+ off", false, "subject:50%25%2B%20off body:50%25%2B%20off"},
		{"", false, ""},
	} {
		got, err := nextcloud.MailFilter(tc.query, tc.unread)
		if err != nil || got != tc.want {
			t.Errorf("MailFilter(%q, %v) = %q, %v; want %q", tc.query, tc.unread, got, err, tc.want)
		}
	}
	if _, err := nextcloud.MailFilter("start:yesterday", false); err == nil {
		t.Error("a bad date was accepted")
	}
}

func TestMailFilterAgainstFake(t *testing.T) {
	ctx := context.Background()
	fake, mail, acc := mailWorld(t)
	inbox := fake.MailboxID(acc, "INBOX")
	fake.SyncMailbox(inbox)
	count := func(filter string) int {
		t.Helper()
		list, err := mail.Messages(ctx, inbox, nextcloud.MailListOptions{Filter: filter})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if n := count("kickoff"); n != 9 {
		t.Errorf("free text is ignored by the app: %d entries, want all 9", n)
	}
	f, _ := nextcloud.MailFilter("kickoff", false)
	if n := count(f); n != 1 {
		t.Errorf("translated %q: %d entries, want 1", f, n)
	}
	f, _ = nextcloud.MailFilter("ready", false) // only in a body
	if n := count(f); n != 1 {
		t.Errorf("body search %q: %d", f, n)
	}
	if n := count("is:unread"); n != 5 {
		t.Errorf("is:unread: %d entries, want 5 (recorded mail/10)", n)
	}
	if n := count("from:carol is:unread"); n != 1 {
		t.Errorf("keys AND-ed: %d", n)
	}
}

func TestMailMessageBodyThreadAttachment(t *testing.T) {
	ctx := context.Background()
	fake, mail, acc := mailWorld(t)
	inbox := fake.MailboxID(acc, "INBOX")
	if _, err := mail.Sync(ctx, inbox, nil, true); err != nil {
		t.Fatal(err)
	}
	list, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{})
	find := func(subject string) nextcloud.MailEnvelope {
		for _, e := range list {
			if e.Subject == subject {
				return e
			}
		}
		t.Fatalf("no %q", subject)
		return nextcloud.MailEnvelope{}
	}
	news, err := mail.Message(ctx, find("Quarterly newsletter").DatabaseID)
	if err != nil {
		t.Fatal(err)
	}
	if !news.HasHTMLBody || !strings.Contains(news.Body, "<h1") || news.AccountID != acc {
		t.Errorf("HTML message: %+v", news)
	}
	inv, err := mail.Message(ctx, find("Invoice 2026-11").DatabaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Attachments) != 1 || inv.Attachments[0].ID != "2" || inv.Attachments[0].MIME != "application/pdf" || inv.Attachments[0].Size == 0 {
		t.Fatalf("attachments: %+v", inv.Attachments)
	}
	resp, err := mail.Attachment(ctx, inv.DatabaseID, "2", 0)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.HasPrefix(data, []byte("%PDF")) || int64(len(data)) != inv.Attachments[0].Size || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("download: %d bytes, %s", len(data), resp.Header.Get("Content-Type"))
	}
	resp, err = mail.Attachment(ctx, inv.DatabaseID, "2", 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, nextcloud.ErrTooLarge) {
		t.Errorf("capped download: %v", err)
	}
	resp.Body.Close()

	thread, err := mail.Thread(ctx, find("Re: Project kickoff").DatabaseID)
	if err != nil || len(thread) != 3 || thread[2].Subject != "Project kickoff" {
		t.Fatalf("thread: %v %+v", err, thread)
	}
	if _, err := mail.Message(ctx, 999999); !errors.Is(err, nextcloud.ErrForbidden) {
		t.Errorf("unknown id is 403: %v", err)
	}
}

func TestMailFlagsMoveDelete(t *testing.T) {
	ctx := context.Background()
	fake, mail, acc := mailWorld(t)
	inbox, archive, trash := fake.MailboxID(acc, "INBOX"), fake.MailboxID(acc, "Archive"), fake.MailboxID(acc, "Trash")
	fake.SyncMailbox(inbox)
	fake.SyncMailbox(archive)
	list, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{})
	id := list[0].DatabaseID
	if err := mail.SetFlags(ctx, id, map[string]bool{"seen": true, "flagged": true}); err != nil {
		t.Fatal(err)
	}
	if err := mail.SetImportant(ctx, id, true); err != nil {
		t.Fatal(err)
	}
	env, err := mail.Envelope(ctx, id)
	if err != nil || !env.Flags.Seen || !env.Flags.Flagged || !env.Flags.Important {
		t.Fatalf("after flags: %v %+v", err, env)
	}
	if err := mail.SetImportant(ctx, id, false); err != nil {
		t.Fatal(err)
	}
	if env, _ = mail.Envelope(ctx, id); env.Flags.Important {
		t.Error("important not removed")
	}

	if err := mail.Move(ctx, id, archive); err != nil {
		t.Fatal(err)
	}
	if _, err := mail.Envelope(ctx, id); !errors.Is(err, nextcloud.ErrForbidden) {
		t.Errorf("old id after move: %v", err)
	}
	arch, _ := mail.Messages(ctx, archive, nextcloud.MailListOptions{})
	if len(arch) != 0 {
		t.Fatalf("moved message visible before the target's sync: %+v", arch)
	}
	if _, err := mail.Sync(ctx, archive, nil, false); err != nil {
		t.Fatal(err)
	}
	arch, _ = mail.Messages(ctx, archive, nextcloud.MailListOptions{})
	if len(arch) != 1 || arch[0].DatabaseID == id || arch[0].MessageID != env.MessageID || arch[0].DateInt != env.DateInt {
		t.Fatalf("after syncing the archive: %+v (old id %d)", arch, id)
	}
	moved := arch[0].DatabaseID

	if err := mail.Delete(ctx, moved); err != nil {
		t.Fatal(err)
	}
	if _, err := mail.Sync(ctx, trash, nil, true); err != nil {
		t.Fatal(err)
	}
	tr, _ := mail.Messages(ctx, trash, nextcloud.MailListOptions{})
	if len(tr) != 1 || tr[0].MessageID != env.MessageID {
		t.Fatalf("trash: %+v", tr)
	}
	if err := mail.Delete(ctx, tr[0].DatabaseID); err != nil {
		t.Fatal(err)
	}
	mail.Sync(ctx, trash, nil, false)
	if tr, _ = mail.Messages(ctx, trash, nextcloud.MailListOptions{}); len(tr) != 0 {
		t.Errorf("deleting in the trash expunges: %+v", tr)
	}
}

func TestMailSendAndReply(t *testing.T) {
	ctx := context.Background()
	fake, mail, acc := mailWorld(t)
	if err := fake.PutFile("admin", "/Documents/plan.txt", []byte("the plan")); err != nil {
		t.Fatal(err)
	}
	q, err := mail.QueueMessage(ctx, nextcloud.MailOutgoingInput{AccountID: acc, Subject: "Plan", Body: "Attached.",
		To: []nextcloud.MailAddress{{Label: "Alice", Email: "alice@example.test"}}, Attachments: []string{"/Documents/plan.txt", "/Documents/missing.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Attachments) != 1 || q.Attachments[0].FileName != "plan.txt" {
		t.Fatalf("a missing cloud file is dropped without a word: %+v", q.Attachments)
	}
	if err := mail.SendQueued(ctx, q.ID); err != nil {
		t.Fatal(err)
	}
	if err := mail.SendQueued(ctx, q.ID); nextcloud.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("sending twice: %v", err)
	}
	sent := fake.MailboxID(acc, "Sent")
	mail.Sync(ctx, sent, nil, true)
	list, _ := mail.Messages(ctx, sent, nextcloud.MailListOptions{})
	if len(list) != 1 || list[0].Subject != "Plan" || !list[0].Flags.Seen || !list[0].Flags.HasAttachments {
		t.Fatalf("Sent: %+v", list)
	}

	// alice's copy arrived; her reply threads with admin's message.
	ts := fake.Start()
	defer ts.Close()
	alice, _ := nextcloud.New(nextcloud.Options{BaseURL: ts.URL, Credentials: nextcloud.BasicAuth{User: "alice", Password: "alice-app-password"}, Version: "test"})
	aliceAccounts, _ := alice.Mail().Accounts(ctx)
	aliceInbox := fake.MailboxID(aliceAccounts[0].ID, "INBOX")
	if _, err := alice.Mail().Messages(ctx, fake.MailboxID(acc, "INBOX"), nextcloud.MailListOptions{}); nextcloud.StatusOf(err) != http.StatusBadRequest {
		t.Errorf("alice listing admin's INBOX: %v", err)
	}
	alice.Mail().Sync(ctx, aliceInbox, nil, true)
	got, _ := alice.Mail().Messages(ctx, aliceInbox, nextcloud.MailListOptions{})
	if len(got) != 1 || got[0].From[0].Email != "admin@example.test" {
		t.Fatalf("alice's INBOX: %+v", got)
	}
	if _, err := alice.Mail().Envelope(ctx, list[0].DatabaseID); !errors.Is(err, nextcloud.ErrForbidden) {
		t.Errorf("alice reading admin's message: %v", err)
	}
	r, err := alice.Mail().QueueMessage(ctx, nextcloud.MailOutgoingInput{AccountID: aliceAccounts[0].ID, Subject: "Re: Plan", Body: "Thanks",
		To: []nextcloud.MailAddress{{Email: "admin@example.test"}}, InReplyTo: got[0].MessageID})
	if err != nil {
		t.Fatal(err)
	}
	if err := alice.Mail().SendQueued(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	inbox := fake.MailboxID(acc, "INBOX")
	mail.Sync(ctx, inbox, nil, true)
	all, _ := mail.Messages(ctx, inbox, nextcloud.MailListOptions{})
	if all[0].Subject != "Re: Plan" || all[0].InReplyTo != list[0].MessageID {
		t.Errorf("reply: %+v", all[0])
	}
	if err := mail.DeleteQueued(ctx, 12345); err == nil {
		t.Error("deleting an unknown queued message succeeded")
	}
}
