package ncfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMailFidelity replays the mail/ recordings, in order, against one fake
// seeded with the recorded account and id counters where the recorded
// server's were, so the recorded paths and ids address the fake's objects.
func TestMailFidelity(t *testing.T) {
	s := New(Options{})
	s.mail.next = mailIDs{account: 11, mailbox: 73, message: 98, outbox: 10, recipient: 244, attachment: 1}
	acc := s.SeedMail("admin", "Admin", "admin@example.test")
	aliceAcc := s.AddMailAccount("alice", "Alice Example", "alice@example.test")
	if acc != 11 || s.MailboxID(acc, "INBOX") != 80 || s.MailboxID(aliceAcc, "INBOX") != 86 {
		t.Fatalf("seeded ids: account %d, INBOX %d, alice's INBOX %d", acc, s.MailboxID(acc, "INBOX"), s.MailboxID(aliceAcc, "INBOX"))
	}
	// alice's INBOX held a message from Bob before admin wrote to her (mail/26).
	s.DeliverMail(86, MailMessage{Subject: "Hello Alice", Date: time.Unix(1796344010, 0), From: MailAddress{"Bob Builder", "bob@example.test"},
		To: []MailAddress{{"alice@example.test", "alice@example.test"}}, Text: "Hi Alice, just saying hello.\n"})

	p := newSessionReplayer(s)
	names := dtRecordingNames(t, "mail")
	if len(names) != 30 {
		t.Fatalf("found %d mail recordings, want 30", len(names))
	}
	for _, name := range names {
		rec := loadRecording(t, "mail", name)
		switch {
		case strings.HasPrefix(name, "02-"), strings.HasPrefix(name, "03-"):
			// Creating accounts (an IMAP login) is not modelled: the tools
			// never create accounts, and the fake's account is seeded.
			continue
		case strings.HasPrefix(name, "26-"):
			// The recorder synced alice's INBOX first, and the reply of 24
			// had been sent.
			s.mail.mu.Lock()
			s.mail.syncCache(s.mail.mailboxes[86])
			s.mail.mu.Unlock()
		}
		got := p.check(t, rec, "x-mail-response", "Content-Disposition")
		if got.Header().Get("x-mail-response") != "" && rec.RespHeader.Get("x-mail-response") == "" {
			t.Errorf("%s: x-mail-response sent, the recording has none", name)
		}
		switch {
		case strings.HasPrefix(name, "08-"), strings.HasPrefix(name, "09-"), strings.HasPrefix(name, "10-"),
			strings.HasPrefix(name, "11-"), strings.HasPrefix(name, "14-"):
			// Same entries, same order: threads folded, cursor strict, filters.
			want := jsonIDs(t, rec.RespBody, "databaseId")
			if have := jsonIDs(t, got.Body.Bytes(), "databaseId"); fmt.Sprint(have) != fmt.Sprint(want) {
				t.Errorf("%s: ids %v, recorded %v", name, have, want)
			}
		case strings.HasPrefix(name, "07-"), strings.HasPrefix(name, "19-"):
			var w, h map[string][]any
			_ = json.Unmarshal(rec.RespBody, &w)
			_ = json.Unmarshal(got.Body.Bytes(), &h)
			for _, k := range []string{"newMessages", "changedMessages", "vanishedMessages"} {
				if len(w[k]) != len(h[k]) {
					t.Errorf("%s: %d %s, recorded %d", name, len(h[k]), k, len(w[k]))
				}
			}
		case strings.HasPrefix(name, "12-"), strings.HasPrefix(name, "16-"):
			if name[:2] == "12" && !strings.Contains(got.Body.String(), `"body":"Hi Admin,\n\nwelcome aboard! Your mailbox is ready.\n\nBob\n\n"`) {
				t.Errorf("%s: plain body differs: %s", name, got.Body.String())
			}
			if name[:2] == "16" && got.Header().Get("Content-Disposition") != rec.RespHeader.Get("Content-Disposition") {
				t.Errorf("%s: Content-Disposition %q", name, got.Header().Get("Content-Disposition"))
			}
		case strings.HasPrefix(name, "20-"):
			// The moved message answers 403 under its old id (mail/20).
			old := rec
			old.Method, old.Target, old.ReqBody = http.MethodGet, "/index.php/apps/mail/api/messages/100", nil
			if w := p.send(t, old); w.Code != http.StatusForbidden || w.Body.String() != "[]" {
				t.Errorf("old id after the move: %d %s", w.Code, w.Body.String())
			}
		case strings.HasPrefix(name, "24-"):
			send := rec
			send.Target, send.ReqBody = "/index.php/apps/mail/api/outbox/11", nil
			if w := p.send(t, send); w.Code != http.StatusAccepted {
				t.Errorf("sending the reply: %d %s", w.Code, w.Body.String())
			}
		case strings.HasPrefix(name, "26-"):
			subjects := jsonIDs(t, got.Body.Bytes(), "subject")
			if fmt.Sprint(subjects) != fmt.Sprint(jsonIDs(t, rec.RespBody, "subject")) {
				t.Errorf("%s: alice's INBOX %v", name, subjects)
			}
		case strings.HasPrefix(name, "28-"), strings.HasPrefix(name, "29-"):
			if got.Body.String() != "[]" {
				t.Errorf("%s: body %q, recorded []", name, got.Body.String())
			}
		}
	}
}
