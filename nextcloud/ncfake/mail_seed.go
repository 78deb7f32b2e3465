package ncfake

import (
	"fmt"
	"strconv"
	"time"
)

// MailAddress is a sender or recipient of a seeded message.
type MailAddress struct{ Label, Email string }

// MailAttachment is a file attached to a seeded message.
type MailAttachment struct {
	Name, MIME string
	Data       []byte
}

// MailMessage is a message to put in a mailbox with DeliverMail.
type MailMessage struct {
	Subject string
	// Date is the IMAP arrival time (dateInt); zero means now.
	Date        time.Time
	From        MailAddress
	To, Cc      []MailAddress
	Text, HTML  string
	Seen        bool
	Flagged     bool
	Important   bool
	MessageID   string // with angle brackets; generated when empty
	InReplyTo   string
	References  []string
	Attachments []MailAttachment
}

// AddMailAccount gives user a Mail account for email with the folders
// extra (created first, "a/b" for subfolders), Drafts, Sent, Trash, Junk,
// Archive and INBOX, like the recorded account (mail/03-05). It returns the
// account id.
func (s *Server) AddMailAccount(user, name, email string, extra ...string) int {
	a := s.mail
	a.mu.Lock()
	defer a.mu.Unlock()
	acc := &mailAccount{id: a.next.account, user: user, name: name, email: email}
	a.next.account++
	a.accounts[acc.id] = acc
	for _, f := range extra {
		a.addMailbox(acc.id, f, "")
	}
	acc.drafts = a.addMailbox(acc.id, "Drafts", "drafts")
	acc.sent = a.addMailbox(acc.id, "Sent", "sent")
	acc.trash = a.addMailbox(acc.id, "Trash", "trash")
	acc.junk = a.addMailbox(acc.id, "Junk", "junk")
	acc.archive = a.addMailbox(acc.id, "Archive", "archive")
	a.addMailbox(acc.id, "INBOX", "inbox")
	return acc.id
}

func (a *mailApp) addMailbox(accountID int, name, role string) int {
	mb := &mailMailbox{id: a.next.mailbox, accountID: accountID, name: name, role: role}
	a.next.mailbox++
	a.mailboxes[mb.id] = mb
	return mb.id
}

// MailboxID returns the id of the account's mailbox with that name, or 0.
func (s *Server) MailboxID(accountID int, name string) int {
	a := s.mail
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, mb := range a.accountMailboxes(accountID) {
		if mb.name == name {
			return mb.id
		}
	}
	return 0
}

// DeliverMail puts a message into a mailbox on the mail server side: the
// Mail app shows it after the mailbox is synced.
func (s *Server) DeliverMail(mailboxID int, in MailMessage) {
	a := s.mail
	a.mu.Lock()
	defer a.mu.Unlock()
	mb := a.mailboxes[mailboxID]
	if mb == nil {
		panic(fmt.Sprintf("ncfake: DeliverMail: no mailbox %d", mailboxID))
	}
	date := in.Date.Unix()
	if in.Date.IsZero() {
		date = a.tick(time.Now().Unix())
	}
	m := &mailMsg{subject: in.Subject, date: date, from: []mailAddr{mailAddr(in.From)}, text: in.Text, html: in.HTML,
		messageID: in.MessageID, inReplyTo: in.InReplyTo, references: in.References, flags: map[string]bool{"seen": in.Seen, "flagged": in.Flagged},
		important: in.Important}
	for _, x := range in.To {
		m.to = append(m.to, mailAddr(x))
	}
	for _, x := range in.Cc {
		m.cc = append(m.cc, mailAddr(x))
	}
	if m.messageID == "" {
		m.messageID = "<" + strconv.FormatInt(date, 10) + "." + strconv.Itoa(len(a.cached)+mb.nextUID+1) + ".seed@example.test>"
	}
	switch {
	case len(in.References) > 0:
		m.threadRoot = in.References[0]
	case in.InReplyTo != "":
		m.threadRoot = in.InReplyTo
	default:
		m.threadRoot = m.messageID
	}
	for i, at := range in.Attachments {
		m.attachments = append(m.attachments, mailAttach{part: strconv.Itoa(i + 2), name: at.Name, mime: at.MIME, data: at.Data})
	}
	a.appendIMAP(mb, m)
}

// SyncMailbox fills the mailbox's cache, as the first sync of a client does.
func (s *Server) SyncMailbox(mailboxID int) {
	a := s.mail
	a.mu.Lock()
	defer a.mu.Unlock()
	if mb := a.mailboxes[mailboxID]; mb != nil {
		a.syncCache(mb)
	}
}

// MailOutbox lists the subjects of the user's queued, unsent messages.
func (s *Server) MailOutbox(user string) []string {
	a := s.mail
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []string
	for _, o := range a.outbox {
		if o.user == user && o.typ == 0 {
			out = append(out, o.subject)
		}
	}
	return out
}
